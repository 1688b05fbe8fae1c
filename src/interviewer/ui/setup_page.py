"""The set-up page: the candidate's choices for a new interview."""

from __future__ import annotations

import streamlit as st

from .. import coach
from ..domain import (
    BACKGROUND_TITLES,
    ROLE_DESCRIPTIONS,
    ROLE_TITLES,
    Background,
    Difficulty,
    InterviewConfig,
    Mode,
    Persona,
    QualityId,
    Role,
)
from ..rubric import qualities

WEAKEST = "weakest"


def setup_form(history_weak: list[QualityId]) -> InterviewConfig | None:
    """The set-up form; the chosen config once Start is clicked, else None."""
    st.title("AI PM interview coach")
    st.write(
        "Practise an AI Product Manager interview. One question at a time, follow-ups where an answer is thin, "
        "and a report whose every score quotes your own words."
    )
    names = {q: quality.name for q, quality in qualities().items()}
    with st.form("setup"):
        role = st.radio(
            "Target role", list(Role), format_func=lambda r: f"{ROLE_TITLES[r]}: {ROLE_DESCRIPTIONS[r]}", index=1
        )
        background = st.selectbox("Your background", list(Background), format_func=lambda b: BACKGROUND_TITLES[b])
        options = ([WEAKEST] if history_weak else []) + [q.value for q in QualityId]
        focus = st.multiselect(
            "Focus qualities (optional)",
            options,
            format_func=lambda v: "My weakest, from history" if v == WEAKEST else names[QualityId(v)],
            placeholder="A balanced mix",
        )
        left, right = st.columns(2)
        num = left.slider("Questions", 3, 10, 5)
        difficulty = right.select_slider("Difficulty", list(Difficulty), value=Difficulty.STANDARD)
        persona = left.selectbox("Interviewer", list(Persona), index=1, format_func=lambda p: p.value.capitalize())
        mode = right.radio(
            "Feedback",
            list(Mode),
            format_func=lambda m: "At the end (interview mode)" if m is Mode.INTERVIEW else "After each answer (coach)",
        )
        started = st.form_submit_button("Start interview", type="primary", width="stretch")
    if not started:
        return None
    chosen = coach.focus_qualities([v for v in focus if v != WEAKEST], WEAKEST in focus, history_weak)
    return InterviewConfig(
        role=role,
        background=background,
        focus=chosen,
        num_questions=num,
        difficulty=difficulty,
        persona=persona,
        mode=mode,
    )
