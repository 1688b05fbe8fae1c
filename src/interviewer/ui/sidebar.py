"""The sidebar: the key, the backend and template set, and the history of sessions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from .. import coach
from ..config import Settings
from ..domain import ROLE_TITLES
from ..storage import SessionSummary
from .session import close_on_screen


@dataclass
class Choice:
    """What the sidebar chose for a new interview."""

    settings: Settings
    backend: str
    templates: Path | None


def settings_sidebar(base: Settings) -> Choice:
    """The key (for this browser session only), the backend, and for Claude the model and template set."""
    st.header("Settings")
    pasted = st.text_input(
        "Anthropic API key (this browser session only)",
        type="password",
        help="Kept in memory for this tab only; never stored, logged or exported.",
    )
    settings = coach.effective_settings(base, pasted, None)
    options = coach.backend_choices(settings)
    backend = st.selectbox(
        "Backend",
        options,
        index=len(options) - 1,
        format_func=lambda b: coach.BACKEND_TITLES[b],
    )
    templates = None
    if backend == "offline":
        st.badge("Offline: question bank + heuristic grader", color="orange")
        st.caption(coach.HEURISTIC_LIMITS)
    else:
        model = st.text_input("Model", value=settings.model)
        settings = coach.effective_settings(base, pasted, model)
        sets = coach.template_choices(settings)
        label = st.selectbox("Template set", list(sets), help="From prompts/ and INTERVIEWER_PROMPTS")
        templates = sets.get(label) if label else None
        st.badge(f"{coach.BACKEND_TITLES[backend]}: {settings.model}", color="green")
    return Choice(settings, backend or "offline", templates)


def history_sidebar(sessions: list[SessionSummary]) -> None:
    """Past sessions, each a button that opens its report or carries on where it stopped."""
    st.divider()
    st.subheader("History")
    if not sessions:
        st.caption("Your past sessions will appear here.")
    for past in sessions:
        scored = [s for s in past.scores.values() if s is not None]
        mean = f" · mean {sum(scored) / len(scored):.1f}" if scored else ""
        label = f"{past.created_at:%d %b %H:%M} · {ROLE_TITLES[past.role]} · {past.status.replace('_', ' ')}{mean}"
        if st.button(label, key=f"open-{past.id}", width="stretch"):
            close_on_screen()
            st.query_params["session"] = past.id
            st.rerun()
