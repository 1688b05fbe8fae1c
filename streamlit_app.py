"""The AI PM interview coach in the browser: layout only; the logic lives in src/interviewer."""

from __future__ import annotations

import os
from collections.abc import Callable

import altair as alt
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
from interviewer.progress import score_history, weakest_qualities
from interviewer.reply import InterviewerReply
from interviewer.rubric import qualities
from interviewer.storage import Store

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
    if interview is not None and interview.session_id == wanted:
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


def show_turns(interview: Interview) -> None:
    for turn in interview.transcript.turns:
        role = "user" if turn.speaker is Speaker.CANDIDATE else "assistant"
        with st.chat_message(role):
            if turn.kind is TurnKind.FEEDBACK:
                st.info(turn.text)
            else:
                st.markdown(turn.text)


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
    show_turns(interview)
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
    if end:
        try:
            interview.end()
        except StaleSessionError:
            forget_stale_copy()
        st.rerun()
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
    show_report(report, interview)


def show_report(report: Report, interview: Interview) -> None:
    st.title("Your report")
    if report.heuristic:
        st.info("Scored offline by the heuristic grader. " + coach.HEURISTIC_LIMITS)
    rows = [{"Quality": RUBRIC[s.quality].name, "Score": s.score} for s in report.qualities if s.score is not None]
    if rows:
        chart = (
            alt.Chart(pd.DataFrame(rows))
            .mark_bar()
            .encode(
                x=alt.X(
                    "Score:Q",
                    scale=alt.Scale(domain=[0, 4]),
                    axis=alt.Axis(values=[0, 1, 2, 3, 4]),
                    title="Score (1-4)",
                ),
                y=alt.Y("Quality:N", sort="-x", title=None, axis=alt.Axis(labelLimit=220)),
                tooltip=["Quality", "Score"],
            )
        )
        st.altair_chart(chart, width="stretch")
    for summary in report.qualities:
        shown = "not enough evidence" if summary.score is None else f"{summary.score:g} / 4"
        with st.expander(f"{RUBRIC[summary.quality].name}: {shown}"):
            for quote in summary.evidence:
                st.markdown(f"> {quote}")
            st.markdown(f"**Improve:** {summary.improvement}")
    left, right = st.columns(2)
    left.subheader("Strengths")
    for item in report.narrative.strengths:
        left.markdown(f"- {item}")
    right.subheader("Gaps")
    for item in report.narrative.gaps:
        right.markdown(f"- {item}")
    st.subheader("A stronger version of one of your answers")
    st.markdown(report.narrative.stronger_answer)
    st.subheader(f"Best fit: {ROLE_TITLES[report.narrative.role_fit]}")
    st.write(report.narrative.role_fit_reason)
    usage = report.usage
    st.caption(
        f"Tokens: {usage.input_tokens:,} in, {usage.output_tokens:,} out"
        f"{' (estimated)' if usage.estimated else ''} · cost about ${usage.cost_usd:.4f} · "
        f"template set {report.template_set} ({report.template_hash[:10]}) · grader {report.grader}"
        + (f" · {report.dropped_quotes} unverifiable quote(s) removed" if report.dropped_quotes else "")
    )
    left, right, third = st.columns(3)
    left.download_button(
        "Download Markdown",
        report_markdown(report, interview.transcript),
        f"report-{report.session_id[:8]}.md",
        "text/markdown",
    )
    right.download_button(
        "Download JSON",
        report_json(report, interview.transcript),
        f"report-{report.session_id[:8]}.json",
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
    frame = pd.DataFrame([{"Date": p.date, "Quality": RUBRIC[p.quality].name, "Score": p.score} for p in points])
    chart = (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x="Date:T",
            y=alt.Y("Score:Q", scale=alt.Scale(domain=[1, 4]), axis=alt.Axis(values=[1, 2, 3, 4])),
            color="Quality:N",
        )
    )
    st.altair_chart(chart, width="stretch")


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


interview = current_interview()
if interview is None:
    setup_view()
    history_view()
    progress_view()
elif interview.finished:
    report_view(interview)
else:
    interview_view(interview)
