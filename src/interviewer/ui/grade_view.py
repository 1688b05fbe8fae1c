"""How a grade and a point of a checklist are shown: the same in the report and on the practice page."""

from __future__ import annotations

import streamlit as st

from ..domain import AnswerGrade, PointCheck, QualityGrade
from ..export import shown_score
from ..grader_card import trust_in
from ..rubric import qualities
from .text import COVERED, MISSING, plain, quoted


def grade_block(grade: QualityGrade, made_by: AnswerGrade | None, main: bool = False) -> None:
    """A quality's score, how far its grader can be trusted there, the quotes it rests on, why, what to add."""
    name = qualities()[grade.quality].name
    st.markdown(f"**{name}{' (main quality)' if main else ''}: {shown_score(grade.score)}**")
    if grade.score is not None:
        st.caption(plain(trust_in(made_by, grade.quality).sentence))
    for quote in grade.evidence:
        st.markdown(f"> {quoted(quote)}")
    st.caption(plain(grade.rationale))
    st.markdown(f"*To improve:* {plain(grade.improvement)}")


OFFLINE_CHECK = "Checked offline by matching phrases: a point you made in other words may show as not found."


def checklist_block(points: list[PointCheck], missing: str = "", caption: str | None = None) -> None:
    """What a strong answer contains, each point ticked with the candidate's sentence or marked ``missing``."""
    if not points:
        return
    st.markdown("**What a strong answer to this question contains**")
    if caption:
        st.caption(caption)
    for point in points:
        point_line(point.point, point.evidence if point.covered else None, missing)


def point_line(point: str, evidence: str | None, missing: str = "") -> None:
    """One point: ticked with the candidate's sentence that makes it, or unticked with ``missing`` after it."""
    if evidence:
        st.markdown(f"{COVERED} {plain(point)}  \n*Your words:* {quoted(evidence)}")
    else:
        st.markdown(f"{MISSING} {plain(point)}{missing}")
