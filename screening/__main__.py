"""`python -m screening` runs the CLI."""

from screening.cli.main import main

main()
