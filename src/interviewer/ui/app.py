"""The AI PM interview coach in the browser: which page to show; the pages live beside it in interviewer.ui.

A checkout runs it through ``streamlit_app.py`` (``make run``); an installed package through
``interviewer app``. Both call ``main`` on every run of the page.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from .. import coach
from ..backends import Backend, create_backend
from ..config import Settings
from ..domain import Role
from ..drills import Drill
from ..errors import InterviewerError
from ..logs import configure as configure_logging
from ..progress import weakest_qualities
from ..storage import Store
from .history import history_view, progress_view
from .interview_page import interview_page
from .job_post_view import job_post_view, preset
from .messages import explain
from .practice_page import drill_page, plan_view, practice_menu, practice_target, question_page
from .report_page import report_page
from .secrets_file import secret
from .session import current_interview, open_on_screen, show_messages
from .setup_page import setup_form
from .sidebar import history_sidebar, settings_sidebar
from .sign_in import signed_in_owner
from .text import plain
from .transcript import stream_turn


@st.cache_resource
def get_store(db: str) -> Store:
    """One store per database for the whole server, shared by every browser session."""
    return Store(db)


def main() -> None:
    """One run of the page."""
    configure_logging()
    st.set_page_config(page_title="AI PM interview coach", page_icon="🎙️", layout="centered")
    try:
        base = Settings.from_env()
        from_secrets = secret("ANTHROPIC_API_KEY")
        if not base.api_key and from_secrets:
            base = replace(base, api_key=str(from_secrets))
        store = get_store(base.db).for_owner(signed_in_owner())
    except InterviewerError as exc:
        st.title("AI PM interview coach")
        st.error(f"The app cannot start: {plain(explain(exc))}")
        st.stop()

    with st.sidebar:
        choice = settings_sidebar(base)
        try:
            sessions = store.list_sessions(limit=30)
        except InterviewerError as exc:
            st.error(plain(explain(exc)))
            sessions = []
        history_sidebar(sessions)

    def chosen_backend() -> Backend:
        return create_backend(choice.backend, settings=choice.settings, templates=choice.templates)

    try:
        practice = practice_target()
        interview = None if practice else current_interview(choice.settings, store)
        if practice is not None:
            backend = chosen_backend()
            if isinstance(practice, Drill):
                drill_page(practice, backend, store)
            else:
                question_page(practice, backend, store)
        elif interview is None:
            config = setup_form(weakest_qualities(store), preset())
            show_messages()
            if config is not None:
                interview = coach.open_interview(choice.backend, choice.settings, choice.templates, config, store)
                open_on_screen(interview)
                stream_turn(interview.start())
            job_post_view(chosen_backend)
            plan_view(store, sessions[0].role if sessions else Role.INTEGRATOR)
            practice_menu()
            history_view(sessions, store)
            progress_view(store)
        elif interview.finished:
            report_page(interview, store)
        else:
            interview_page(interview)
    except InterviewerError as exc:  # a database or set-up failure the pages did not word themselves
        st.error(plain(explain(exc)))
