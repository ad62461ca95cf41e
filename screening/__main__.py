"""`python -m screening` runs the CLI."""

from cli.main import main

main()
