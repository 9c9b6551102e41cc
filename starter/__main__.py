"""`python -m starter` runs the command line."""

from starter.cli import main

main()
