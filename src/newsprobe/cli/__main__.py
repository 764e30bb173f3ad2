"""`python -m newsprobe.cli`: the same as the `newsprobe` command."""

from newsprobe.cli import main

main()
