"""The command line: parses options, wires workflows to the terminal UI, maps errors to exit codes.

Every command module imports its workflows inside the command function, so that `ceremony --help`
stays as fast as importing typer and rich.
"""
