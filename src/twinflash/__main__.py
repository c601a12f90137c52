"""`python -m twinflash` runs the command line."""

from twinflash.cli import main

main()
