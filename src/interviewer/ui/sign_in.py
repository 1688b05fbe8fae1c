"""Sign-in for a cohort: with ``[auth]`` in ``.streamlit/secrets.toml``, the app is one user's at a time.

Streamlit's ``st.login`` talks to any OpenID Connect provider. Everything stored then belongs to
the signed-in user's e-mail address, and the store the pages get sees only theirs. An optional
allow-list of e-mail domains (a top-level ``allowed_domains = [...]`` in the secrets, or
``INTERVIEWER_ALLOWED_DOMAINS``, comma-separated) turns everyone else away. Without ``[auth]``
nothing changes: one person, own machine.
"""

from __future__ import annotations

import os

import streamlit as st

from .secrets_file import secret
from .text import plain

OWNER = "signed-in-owner"


def _allow_list() -> list[str]:
    listed = secret("allowed_domains") or os.environ.get("INTERVIEWER_ALLOWED_DOMAINS", "")
    return [d.strip() for d in (listed.split(",") if isinstance(listed, str) else listed) if d.strip()]


def allowed(email: str, domains: list[str]) -> bool:
    """Whether an address may use this instance (every address, with no allow-list)."""
    if not domains:
        return True
    domain = email.rpartition("@")[2].lower()
    return any(domain == d.lower().lstrip("@") for d in domains)


def signed_in_owner() -> str | None:
    """The signed-in user's address, or None when sign-in is not configured; stops the page until signed in."""
    if not secret("auth"):
        return None
    if not st.user.is_logged_in:
        st.title("AI PM interview coach")
        st.write("Sign in to practise. Your sessions, attempts and plans are yours alone.")
        st.button("Sign in", type="primary", on_click=st.login)
        st.stop()
    email = str(st.user.get("email") or "")
    domains = _allow_list()
    if not email or not allowed(email, domains):
        st.title("AI PM interview coach")
        who = plain(email) if email else "an account without an e-mail address"
        st.error(f"This instance is for {', '.join(domains) or 'listed'} accounts; you are signed in as {who}.")
        st.button("Sign out", on_click=st.logout)
        st.stop()
    if st.session_state.get(OWNER) != email:
        # Another account in the same browser: nothing of the last one's may stay on screen.
        for key in list(st.session_state.keys()):
            del st.session_state[key]
        st.session_state[OWNER] = email
    with st.sidebar:
        st.caption(f"Signed in as {plain(email)}")
        st.button("Sign out", on_click=st.logout, key="sign-out")
    return email
