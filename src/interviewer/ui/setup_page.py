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
ANSWER_MINUTES = (2, 3, 5)


def setup_form(
    history_weak: list[QualityId], preset: tuple[Role, list[QualityId]] | None = None
) -> InterviewConfig | None:
    """The set-up form (its role and focus from a job post, when one set them up); the config once Start is clicked."""
    st.title("AI PM interview coach")
    st.write(
        "Practise an AI Product Manager interview. One question at a time, follow-ups where an answer is thin, "
        "and a report whose every score quotes your own words."
    )
    names = {q: quality.name for q, quality in qualities().items()}
    if preset is not None:
        st.success(f"Set up from your job post: {ROLE_TITLES[preset[0]]}, with the qualities it stresses as focus.")
    with st.form("setup"):
        role = st.radio(
            "Target role",
            list(Role),
            format_func=lambda r: f"{ROLE_TITLES[r]}: {ROLE_DESCRIPTIONS[r]}",
            index=list(Role).index(preset[0]) if preset else 1,
        )
        background = st.selectbox("Your background", list(Background), format_func=lambda b: BACKGROUND_TITLES[b])
        options = ([WEAKEST] if history_weak else []) + [q.value for q in QualityId]
        focus = st.multiselect(
            "Focus qualities (optional)",
            options,
            format_func=lambda v: "My weakest, from history" if v == WEAKEST else names[QualityId(v)],
            placeholder="A balanced mix",
            default=[q.value for q in preset[1]] if preset else None,
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
        minutes = left.selectbox(
            "Time per answer",
            [None, *ANSWER_MINUTES],
            format_func=lambda m: "No timer" if m is None else f"{m} minutes, with a countdown",
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
        answer_minutes=minutes,
    )
