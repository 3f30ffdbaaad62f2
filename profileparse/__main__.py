"""``python -m profileparse`` runs the command line."""

from profileparse.cli import main

main()
