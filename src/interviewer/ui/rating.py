"""The candidate's own rating of an answer, on the question's main quality, against the rubric's level texts."""

from __future__ import annotations

import streamlit as st

from ..domain import Mode, Question
from ..errors import InterviewerError
from ..interview import Interview
from ..rubric import qualities

LEVELS = [1, 2, 3, 4]


def _store(interview: Interview, question_id: str, key: str) -> None:
    level = st.session_state.pop(key, None)
    if level is None:
        # The radio leaves the page once a rating is stored; a later run can report it as changed
        # back to nothing. Only the Change button clears a rating.
        return
    try:
        interview.rate_self(question_id, level)
    except InterviewerError as exc:
        st.session_state["error"] = str(exc)


def _clear(interview: Interview, question_id: str) -> None:
    try:
        interview.rate_self(question_id, None)
    except InterviewerError as exc:
        st.session_state["error"] = str(exc)


def rate_answer(interview: Interview, question: Question, label: str | None = None) -> None:
    """One click rates the answer; once rated, one line says so, with a way to change it."""
    quality = qualities()[question.primary_quality]
    current = interview.state.self_ratings.get(question.id)
    if current is not None:
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.caption(f"You rated this answer {current} / 4 on {quality.name}.")
        right.button(
            "Change", key=f"unrate-{interview.session_id}-{question.id}", on_click=_clear, args=(interview, question.id)
        )
        return
    key = f"rate-{interview.session_id}-{question.id}"
    st.radio(
        label or f"How would you rate this answer on {quality.name}? (optional)",
        LEVELS,
        index=None,
        key=key,
        format_func=lambda level: f"{level}",
        captions=[quality.levels[level] for level in LEVELS],
        on_change=_store,
        args=(interview, question.id, key),
    )


def rating_step(interview: Interview) -> bool:
    """Before the report: rate each answer not rated yet if you like; True once the candidate goes on."""
    st.title("Before your report")
    when = "before you see the grades" if interview.config.mode is Mode.INTERVIEW else "if you have not yet"
    st.write(
        f"Rate each of your answers on its question's main quality, using the rubric's levels, {when}. "
        "This is optional: your report compares your rating with the grade, and over several sessions shows "
        "whether you tend to over- or under-rate yourself."
    )
    answered = {q.id for q in interview.answered_questions}
    for number, question in enumerate(interview.questions, start=1):
        if question.id not in answered:
            continue
        with st.container(border=True):
            st.markdown(f"**Question {number}.** {question.text}")
            rate_answer(interview, question)
    return st.button("Show my report", type="primary")
