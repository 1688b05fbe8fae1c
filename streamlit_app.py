"""The AI PM interview coach in the browser: layout only; the logic lives in src/interviewer."""

from __future__ import annotations

import os
from collections.abc import Callable

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from interviewer import coach
from interviewer.config import Settings
from interviewer.domain import (
    BACKGROUND_TITLES,
    ROLE_DESCRIPTIONS,
    ROLE_TITLES,
    Background,
    Difficulty,
    InterviewConfig,
    Mode,
    Persona,
    QualityId,
    Report,
    Role,
    Speaker,
    TurnKind,
)
from interviewer.errors import InterviewerError, StaleSessionError
from interviewer.export import report_json, report_markdown
from interviewer.interview import MAX_ANSWER_CHARS, Interview
from interviewer.progress import score_history, self_calibration, weakest_qualities
from interviewer.reply import InterviewerReply
from interviewer.rubric import qualities
from interviewer.storage import Store
from interviewer.ui.charts import progress_chart
from interviewer.ui.rating import rate_answer, rating_step
from interviewer.ui.report import show_report

st.set_page_config(page_title="AI PM interview coach", page_icon="🎙️", layout="centered")

RUBRIC = qualities()
QUALITY_NAMES = {q: RUBRIC[q].name for q in QualityId}
WEAKEST = "weakest"


@st.cache_resource
def get_store(db: str) -> Store:
    return Store(db)


def secret_key() -> str | None:
    try:
        value = st.secrets.get("ANTHROPIC_API_KEY")
    except Exception:  # no secrets.toml: the environment or the sidebar provide the key
        return None
    return str(value) if value else None


try:
    base = Settings.from_env()
    if not base.api_key and secret_key():
        base = Settings.from_env({**os.environ, "ANTHROPIC_API_KEY": secret_key() or ""})
except InterviewerError as exc:
    st.error(f"The app's settings are wrong: {exc}")
    st.stop()
store = get_store(base.db)


# ----- sidebar: backend, key, template set, history ---------------------------------------------
with st.sidebar:
    st.header("Settings")
    pasted = st.text_input(
        "Anthropic API key (this browser session only)",
        type="password",
        help="Kept in memory for this tab only; never stored, logged or exported.",
    )
    settings = coach.effective_settings(base, pasted, None)
    options = ["offline", "anthropic"] if settings.api_key else ["offline"]
    backend_name = st.selectbox(
        "Backend",
        options,
        index=len(options) - 1,
        format_func=lambda b: "Offline (no model)" if b == "offline" else "Claude",
    )
    if backend_name == "anthropic":
        model = st.text_input("Model", value=settings.model)
        settings = coach.effective_settings(base, pasted, model)
    template_dir = None
    if backend_name != "offline":
        sets = coach.template_choices(settings)
        set_label = st.selectbox("Template set", list(sets), help="From prompts/ and INTERVIEWER_PROMPTS")
        template_dir = sets.get(set_label) if set_label else None
    if backend_name == "offline":
        st.badge("Offline: question bank + heuristic grader", color="orange")
        st.caption(coach.HEURISTIC_LIMITS)
    else:
        st.badge(f"Claude: {settings.model}", color="green")

    st.divider()
    st.subheader("History")
    sessions = store.list_sessions(limit=30)
    if not sessions:
        st.caption("Your past sessions will appear here.")
    for past in sessions:
        scored = [s for s in past.scores.values() if s is not None]
        mean = f" · mean {sum(scored) / len(scored):.1f}" if scored else ""
        label = f"{past.created_at:%d %b %H:%M} · {ROLE_TITLES[past.role]} · {past.status.replace('_', ' ')}{mean}"
        if st.button(label, key=f"open-{past.id}", width="stretch"):
            st.query_params["session"] = past.id
            st.session_state.pop("interview", None)
            st.rerun()


# ----- which interview is on screen -------------------------------------------------------------
def current_interview() -> Interview | None:
    interview: Interview | None = st.session_state.get("interview")
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
        st.error(f"Could not reopen that session: {exc}")
        return None
    st.session_state["interview"] = interview
    return interview


def show_turns(interview: Interview, rate: bool = False) -> None:
    """The transcript; with ``rate``, a one-click self-rating under each question's first answer."""
    rated: set[str] = set()
    for turn in interview.transcript.turns:
        role = "user" if turn.speaker is Speaker.CANDIDATE else "assistant"
        with st.chat_message(role):
            if turn.kind is TurnKind.FEEDBACK:
                st.info(turn.text)
            else:
                st.markdown(turn.text)
            question = next((q for q in interview.questions if q.id == turn.question_id), None)
            if rate and turn.kind is TurnKind.ANSWER and question is not None and question.id not in rated:
                rated.add(question.id)
                rate_answer(interview, question)


def stream_reply(
    run: InterviewerReply | Callable[[], InterviewerReply], rerun: bool = True, unsaved: str | None = None
) -> None:
    """Stream an interviewer reply into a chat bubble; errors keep the turn retryable.

    ``unsaved`` is the answer that started the turn, shown again if another tab got there first.
    """
    try:
        reply = run() if callable(run) else run
        with st.chat_message("assistant"):
            st.write_stream(iter(reply))
        if reply.notice:
            st.session_state["notice"] = reply.notice
    except StaleSessionError:
        forget_stale_copy(unsaved)
    except InterviewerError as exc:
        st.session_state["error"] = str(exc)
    if rerun:
        st.rerun()


def forget_stale_copy(unsaved: str | None = None) -> None:
    """Another tab moved this interview on: drop this copy so the next run reloads it from storage."""
    st.session_state.pop("interview", None)
    # The library's message asks for a reload; the app has just done it, so say what is on screen.
    st.session_state["error"] = (
        "This interview was continued in another tab or window, so your last change here was not saved. "
        "The page now shows the latest turn."
    )
    if unsaved:
        st.session_state["unsaved"] = unsaved
    st.rerun()


# ----- set-up -----------------------------------------------------------------------------------
def setup_view() -> None:
    st.title("AI PM interview coach")
    st.write(
        "Practise an AI Product Manager interview. One question at a time, follow-ups where an answer is thin, "
        "and a report whose every score quotes your own words."
    )
    history_weak = weakest_qualities(store)
    with st.form("setup"):
        role = st.radio(
            "Target role",
            list(Role),
            format_func=lambda r: f"{ROLE_TITLES[r]}: {ROLE_DESCRIPTIONS[r]}",
            index=1,
        )
        background = st.selectbox("Your background", list(Background), format_func=lambda b: BACKGROUND_TITLES[b])
        focus_options = ([WEAKEST] if history_weak else []) + [q.value for q in QualityId]
        focus = st.multiselect(
            "Focus qualities (optional)",
            focus_options,
            format_func=lambda v: "My weakest, from history" if v == WEAKEST else QUALITY_NAMES[QualityId(v)],
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
        return
    chosen = [QualityId(v) for v in focus if v != WEAKEST]
    if WEAKEST in focus:
        chosen = list(dict.fromkeys([*history_weak, *chosen]))
    config = InterviewConfig(
        role=role,
        background=background,
        focus=chosen,
        num_questions=num,
        difficulty=difficulty,
        persona=persona,
        mode=mode,
    )
    try:
        interview = coach.open_interview(backend_name, settings, template_dir, config, store)
    except InterviewerError as exc:
        st.error(str(exc))
        return
    st.session_state["interview"] = interview
    st.query_params["session"] = interview.session_id
    stream_reply(interview.start)


# ----- the interview ----------------------------------------------------------------------------
def interview_view(interview: Interview) -> None:
    st.subheader(f"{ROLE_TITLES[interview.config.role]} interview")
    st.progress(
        min(interview.state.index, interview.total) / interview.total,
        text=f"Question {interview.question_number} of {interview.total}",
    )
    left, right = st.columns(2)
    skip = left.button("Skip question", width="stretch", disabled=interview.needs_retry)
    end = right.button("End interview", width="stretch")
    # The chat input is pinned to the bottom wherever it is called; reading it here tells whether input is waiting.
    answer = st.chat_input(
        f"Your answer (up to {MAX_ANSWER_CHARS:,} characters are kept)", disabled=interview.needs_retry
    )
    if end:
        st.session_state["confirm_end"] = interview.session_id
    if st.session_state.get("confirm_end") == interview.session_id:
        confirm_end(interview)
    show_turns(interview, rate=interview.config.mode is Mode.COACH)
    if interview.unfinished_reply is not None:
        # A click or an answer during streaming reran the page mid-reply: finish it first, then
        # handle that input below, so neither the reply nor the answer is lost.
        stream_reply(interview.unfinished_reply, rerun=answer is None and not skip and not end)
    if "notice" in st.session_state:
        st.warning(st.session_state.pop("notice"))
    if "error" in st.session_state:
        st.error(st.session_state.pop("error"))
    if "unsaved" in st.session_state:
        st.caption("Your answer that was not saved, to paste again:")
        st.code(st.session_state.pop("unsaved"), language=None, wrap_lines=True)
    if interview.pending_grades():
        st.caption(f"Grading {interview.pending_grades()} earlier answer(s) in the background.")
    if interview.needs_retry:
        st.warning("The interviewer's last turn did not arrive. Your answers are saved.")
        if st.button("Retry the last turn", type="primary"):
            stream_reply(interview.retry)
        return
    if skip:
        stream_reply(interview.skip)
    if answer is not None:
        if not answer.strip():
            st.session_state["error"] = "Your answer is empty: type an answer, or skip the question."
            st.rerun()
        with st.chat_message("user"):
            st.markdown(answer[:MAX_ANSWER_CHARS])
        stream_reply(lambda: interview.answer(answer), unsaved=answer)


def confirm_end(interview: Interview) -> None:
    """Ask before ending with questions left and answers not yet graded."""
    answered = len(interview.answered_questions)
    left_out = interview.total - interview.state.index
    if answered:
        covers = f"Your report will cover the {answered} question{'s' if answered != 1 else ''} you answered."
    else:
        covers = "You have not answered any question yet, so there will be nothing to grade."
    st.warning(
        f"End the interview now? {left_out} of {interview.total} questions will not be asked or finished. {covers}"
    )
    left, right = st.columns(2)
    if right.button("Keep going", width="stretch"):
        st.session_state.pop("confirm_end", None)
        st.rerun()
    if left.button("Yes, end the interview", type="primary", width="stretch"):
        st.session_state.pop("confirm_end", None)
        try:
            if interview.unfinished_reply is not None:
                interview.unfinished_reply.read()  # the reply the click interrupted is kept whole
            interview.end()
        except StaleSessionError:
            forget_stale_copy()
        st.rerun()


# ----- the report -------------------------------------------------------------------------------
def new_interview_button(where: DeltaGenerator) -> None:
    if where.button("New interview", type="primary"):
        st.query_params.clear()
        st.session_state.pop("interview", None)
        st.rerun()


def report_view(interview: Interview) -> None:
    report: Report | None = store.load_report(interview.session_id)
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
            st.error(f"Grading failed: {exc}")
            left, right = st.columns(2)
            if left.button("Retry grading", width="stretch"):
                interview.regrade_failed()
                st.rerun()
            new_interview_button(right)
            return
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
    progress_view()


def progress_view() -> None:
    points = score_history(store)
    if len({p.session_id for p in points}) < 2:
        return
    st.subheader("Progress across sessions")
    roles = sorted({p.role for p in points}, key=list(Role).index)
    role = roles[0]
    if len(roles) > 1:
        role = (
            st.segmented_control(
                "Role", roles, default=roles[0], format_func=lambda r: ROLE_TITLES[r], key="progress-role"
            )
            or roles[0]
        )
    shown = [p for p in points if p.role is role]
    if len({p.session_id for p in shown}) < 2:
        st.caption(f"One finished session so far as {ROLE_TITLES[role]}: the chart needs two.")
        return
    st.altair_chart(progress_chart(shown), width="stretch")


def history_view() -> None:
    if not sessions:
        return
    st.subheader("Your sessions")
    rows = []
    for past in sessions:
        row: dict[str, object] = {
            "Date": past.created_at,
            "Role": ROLE_TITLES[past.role],
            "Status": past.status.replace("_", " "),
        }
        row.update({RUBRIC[q].name: score for q, score in past.scores.items()})
        rows.append(row)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption("Open any session from the sidebar to see its report or carry on where you stopped.")
    calibrated = self_calibration(store)
    if calibrated.ratings:
        st.write(f"**Your own ratings.** {calibrated.sentence}")


interview = current_interview()
if interview is None:
    setup_view()
    history_view()
    progress_view()
elif interview.finished:
    report_view(interview)
else:
    interview_view(interview)
