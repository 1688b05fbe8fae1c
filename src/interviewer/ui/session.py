"""What one browser session holds between page runs: the interview on screen, its reply buffer, messages."""

from __future__ import annotations

import streamlit as st

from .. import coach
from ..config import Settings
from ..errors import InterviewerError
from ..interview import Interview
from ..practice import AttemptKind
from ..storage import Store
from ..turns import TurnStream
from .messages import STALE, explain
from .streaming import ReplyBuffer
from .text import plain

INTERVIEW = "interview"
BUFFERS = "reply-buffers"
ERROR = "error"
NOTICE = "notice"
UNSAVED = "unsaved"


PRACTISE = "practise"
"""The query parameter naming the item the practice page is open on."""


def open_practice(kind: AttemptKind, item_id: str) -> None:
    """Go to the practice page for an item (the URL keeps it across a refresh)."""
    st.query_params.clear()
    st.query_params[PRACTISE] = f"{kind.value}:{item_id}"
    st.rerun()


def current_interview(settings: Settings, store: Store) -> Interview | None:
    """The interview the URL names, from memory or reopened from storage; None on the set-up page."""
    interview: Interview | None = st.session_state.get(INTERVIEW)
    wanted = st.query_params.get("session")
    if interview is not None and (interview.session_id == wanted or not wanted):
        # No session in the URL yet: a second click on Start reran the page before the first click's
        # run had put it there. Carry on with the interview that click made rather than start another.
        st.query_params["session"] = interview.session_id
        return interview
    if not wanted:
        return None
    try:
        interview = coach.resume_interview(wanted, settings, store)
    except InterviewerError as exc:
        st.error(f"Could not reopen that session: {plain(explain(exc))}")
        return None
    st.session_state[INTERVIEW] = interview
    return interview


def open_on_screen(interview: Interview) -> None:
    """Make ``interview`` the one on screen, and put it in the URL so a refresh comes back to it."""
    st.session_state[INTERVIEW] = interview
    st.query_params["session"] = interview.session_id


def close_on_screen() -> None:
    """Back to the set-up page."""
    st.query_params.clear()
    st.session_state.pop(INTERVIEW, None)


def buffer_for(turn: TurnStream) -> ReplyBuffer:
    """The reply buffer of a turn, made on first use and kept across page runs."""
    buffers: dict[int, ReplyBuffer] = st.session_state.setdefault(BUFFERS, {})
    key = id(turn)
    if key not in buffers or buffers[key].turn is not turn:
        buffers.clear()  # one turn streams at a time
        buffers[key] = ReplyBuffer(turn)
    return buffers[key]


def say(error: str = "", notice: str = "", unsaved: str | None = None) -> None:
    """Keep a message for the next run to show."""
    if error:
        st.session_state[ERROR] = error
    if notice:
        st.session_state[NOTICE] = notice
    if unsaved:
        st.session_state[UNSAVED] = unsaved


def show_messages() -> None:
    """Show and clear the messages kept for this run."""
    if NOTICE in st.session_state:
        st.warning(plain(st.session_state.pop(NOTICE)))
    if ERROR in st.session_state:
        st.error(plain(st.session_state.pop(ERROR)))
    if UNSAVED in st.session_state:
        st.caption("Your answer that was not saved, to paste again:")
        st.code(st.session_state.pop(UNSAVED), language=None, wrap_lines=True)


def forget_stale_copy(unsaved: str | None = None) -> None:
    """Another tab moved this interview on: drop this copy so the next run reloads it from storage."""
    st.session_state.pop(INTERVIEW, None)
    say(error=STALE, unsaved=unsaved)
    st.rerun()
