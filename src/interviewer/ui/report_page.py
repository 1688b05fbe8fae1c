"""The report page: the optional self-rating step, the report as far as it is graded, and the downloads."""

from __future__ import annotations

import streamlit as st

from ..errors import InterviewerError
from ..export import report_json, report_markdown
from ..interview import Interview
from ..progress import self_calibration
from ..storage import Store
from .history import progress_view
from .messages import explain
from .rating import rating_step
from .report import show_report
from .session import close_on_screen, show_messages
from .text import plain
from .transcript import show_turns


def new_interview_button(where: st.delta_generator.DeltaGenerator) -> None:
    """Back to the set-up page."""
    if where.button("New interview", type="primary"):
        close_on_screen()
        st.rerun()


def report_page(interview: Interview, store: Store) -> None:
    """One run of the report page."""
    report = store.load_report(interview.session_id)
    if report is None and not interview.answered_any:
        st.info("You ended the interview before answering a question, so there is nothing to grade.")
        new_interview_button(st.container())
        return
    rated = f"rated-{interview.session_id}"
    unrated = [q for q in interview.answered_questions if q.id not in interview.state.self_ratings]
    if report is None and unrated and not st.session_state.get(rated):
        # Grading goes on in the background while the candidate rates themselves (in coach mode, at
        # least the last answer, which the report follows straight away).
        if rating_step(interview):
            st.session_state[rated] = True
            st.rerun()
        return
    if report is None:
        try:
            with st.spinner("Grading your answers..."):
                report = interview.report(timeout=120)
        except InterviewerError as exc:
            st.error(plain(explain(exc)))
            new_interview_button(st.container())
            return
    show_messages()
    if not report.final:
        _partial(interview, len(report.not_graded), report.narrative_offline)
    show_report(report, self_calibration(store))
    left, right, third = st.columns(3)
    left.download_button(
        "Download Markdown",
        report_markdown(report, interview.transcript),
        f"report-{report.created_at:%Y-%m-%d}.md",
        "text/markdown",
    )
    right.download_button(
        "Download JSON",
        report_json(report, interview.transcript),
        f"report-{report.created_at:%Y-%m-%d}.json",
        "application/json",
    )
    new_interview_button(third)
    with st.expander("Transcript"):
        show_turns(interview)
    progress_view(store)


def _partial(interview: Interview, waiting: int, narrative_offline: bool) -> None:
    parts = []
    if waiting:
        parts.append(f"{waiting} answer{'s are' if waiting != 1 else ' is'} not graded yet")
    if narrative_offline:
        parts.append("the model could not write the summary, so the offline one stands in")
    st.warning(
        f"This report is not complete: {' and '.join(parts)}. Your answers are saved; it fills in when the model "
        "answers again."
    )
    if st.button("Try again now", type="primary"):
        interview.regrade_failed()
        st.rerun()
