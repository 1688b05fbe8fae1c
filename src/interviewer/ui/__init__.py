"""Streamlit components for the app: each draws one part of a page from library objects, holding no logic."""
