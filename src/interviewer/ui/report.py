"""The report page: by quality at a glance, then answer by answer, then role fit and self-calibration."""

from __future__ import annotations

import streamlit as st

from ..calibration import Calibration, report_calibration
from ..domain import ROLE_TITLES, AnswerReview, Report
from ..export import shown_score
from ..practice import AttemptKind
from ..reporting import asked_in
from ..rubric import qualities
from ..timing import time_taken
from .grade_view import OFFLINE_CHECK, checklist_block, grade_block
from .session import open_practice
from .text import plain, quoted

HEURISTIC_BANNER = (
    "Graded offline by the heuristic grader, not a model. It gives a level only where it can quote the signs it "
    "looks for, and says \u201cnot assessed\u201d elsewhere: that is not a verdict on those answers."
)


def show_report(report: Report, history: Calibration | None = None) -> None:
    """The whole report, top to bottom."""
    st.title("Your report")
    st.caption(f"{ROLE_TITLES[report.config.role]} · {report.created_at:%d %b %Y}")
    if report.heuristic:
        st.info(HEURISTIC_BANNER)
    _by_quality(report)
    left, right = st.columns(2)
    left.subheader("Strengths")
    for item in report.narrative.strengths:
        left.markdown(f"- {plain(item)}")
    right.subheader("Gaps")
    for item in report.narrative.gaps:
        right.markdown(f"- {plain(item)}")
    st.header("Answer by answer")
    for answer in report.answers:
        _answer(answer, report)
    st.subheader("Role fit")
    st.markdown(plain(report.role_fit.reason))
    _calibration(report, history)
    _footer(report)


def _by_quality(report: Report) -> None:
    rubric = qualities()
    st.subheader("By quality")
    # Altair and pandas take seconds to import; only a page with a chart should pay for them.
    from .charts import score_chart

    st.altair_chart(score_chart(report.qualities), width="stretch")
    for summary in report.qualities:
        where = asked_in(summary.from_questions or summary.probed_in, report.answers)
        with st.expander(f"{rubric[summary.quality].name}: {shown_score(summary.score)} · {where}"):
            if summary.score is None:
                st.write(f"Probed in {where}, but not assessed: no answer gave evidence the grader could quote.")
            for quote in summary.evidence:
                st.markdown(f"> {quoted(quote)}")
            source = asked_in([summary.improvement_from or ""], report.answers)
            st.markdown(f"**To improve** (from your answer to {source}): {plain(summary.improvement)}")


def _answer(answer: AnswerReview, report: Report) -> None:
    with st.container(border=True):
        st.markdown(f"#### Question {answer.number}")
        st.markdown(answer.question)
        if not answer.answers:
            st.caption("You skipped this question, so it is not graded.")
            return
        mine, strong = st.columns(2) if answer.exemplar else (st.container(), None)
        with mine:
            st.markdown("**Your answer**")
            if taken := time_taken(answer.seconds, report.config.answer_minutes):
                st.caption(taken)
            st.markdown(plain(answer.answers[0]))
            for follow_up, reply in zip(answer.follow_ups, answer.answers[1:], strict=False):
                st.markdown(f"*Follow-up:* {plain(follow_up)}")
                st.markdown(plain(reply))
        if answer.trust:
            _trust(answer)
        if strong is not None:
            with strong:
                st.markdown("**A strong answer to this question**")
                st.caption("Written by the team as an example; yours need not match it word for word.")
                st.markdown(plain(answer.exemplar))
        if answer.grade is None:
            st.warning(f"Not graded yet: {plain(answer.not_graded_why)}. It is graded when you try again.")
        for grade in answer.graded_on:
            grade_block(grade, answer.grade, main=grade.quality is answer.primary)
        if answer.self_rating is not None:
            main = answer.primary_grade
            graded = shown_score(main.score if main else None)
            name = qualities()[answer.primary].name
            st.markdown(f"You rated yourself **{answer.self_rating} / 4** on {name}; the grade is **{graded}**.")
        missing = "not found in your answer" if report.heuristic else "missing"
        checklist_block(answer.checklist, f" *({missing})*", OFFLINE_CHECK if report.heuristic else None)
        if st.button("Practise this question again", key=f"again-{report.session_id}-{answer.question_id}"):
            open_practice(AttemptKind.QUESTION, answer.question_id)
        if answer.question_id == report.narrative.rewrite_question_id and report.narrative.stronger_answer:
            with st.expander("A stronger version of your answer (written by the model)"):
                st.markdown(plain(report.narrative.stronger_answer))


def _trust(answer: AnswerReview) -> None:
    with st.container():
        st.markdown("**Where the stakeholder's trust in the AI went**")
        for step in answer.trust:
            line = f"{step.when}: **{step.label}**{step.moved_by}"
            st.markdown(line + (f"  \n*Your words:* {quoted(step.quote)}" if step.quote else ""))


def _calibration(report: Report, history: Calibration | None) -> None:
    this = report_calibration(report)
    if not this.ratings:
        return
    st.subheader("Your own ratings")
    if this.ratings:
        st.write(f"This session: {this.sentence}")
    if history and history.ratings > this.ratings:
        st.write(f"Across all your sessions: {history.sentence}")


def _footer(report: Report) -> None:
    parts = []
    if not report.heuristic:
        usage = report.usage
        parts.append(
            f"Tokens: {usage.input_tokens:,} in, {usage.output_tokens:,} out"
            f"{' (estimated)' if usage.estimated else ''} · cost about ${usage.cost_usd:.4f}"
        )
        parts.append(f"graded by {report.grader} with template set {report.template_set}")
    if report.dropped_quotes:
        parts.append(f"{report.dropped_quotes} quote(s) removed because they were not your words")
    if parts:
        st.caption(" · ".join(parts))
