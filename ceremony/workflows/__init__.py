"""Workflows: split, combine, the ceremony, recovery and audit; they never print or prompt."""
