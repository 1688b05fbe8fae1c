"""The script ``interviewer app`` hands to Streamlit: the installed package's own entry point."""

from interviewer.ui.app import main

main()
