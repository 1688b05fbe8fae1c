"""What ``.streamlit/secrets.toml`` says, when there is one."""

from __future__ import annotations

from typing import Any

import streamlit as st


def secret(name: str) -> Any:
    """A value from the secrets file, or None (also when there is no secrets file at all)."""
    try:
        return st.secrets.get(name)
    except Exception:  # no secrets.toml: the environment or the sidebar provide what is needed
        return None
