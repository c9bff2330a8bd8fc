"""`python -m ceremony`."""

from ceremony.cli.app import main

main()
