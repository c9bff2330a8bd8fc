"""The secret-handling core. SECRET HANDLING: every module here may hold a secret in memory.

Rules: never print, prompt or exit; never import typer, rich or reportlab; raise project errors.
Only `slip39` imports `shamir_mnemonic`.
"""
