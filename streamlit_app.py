"""The app's entry point in a checkout (``make run``); an installed package runs it with ``interviewer app``."""

from interviewer.ui.app import main

main()
