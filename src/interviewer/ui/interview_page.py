"""The interview page: the transcript, the answer box, skip and end, and a retry when a turn failed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import streamlit as st

from ..answers import MAX_ANSWER_CHARS
from ..domain import ROLE_TITLES, Mode
from ..errors import AnswerError, InterviewerError, StaleSessionError
from ..interview import Interview
from ..timing import clock, seconds_left
from ..turns import TurnStream
from .messages import explain
from .session import forget_stale_copy, say, show_messages
from .transcript import show_turns, stream_turn

CONFIRM_END = "confirm-end"


def interview_page(interview: Interview) -> None:
    """One run of the interview page."""
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
        st.session_state[CONFIRM_END] = interview.session_id
    if st.session_state.get(CONFIRM_END) == interview.session_id:
        _confirm_end(interview)
    show_turns(interview, rate=interview.config.mode is Mode.COACH)
    unfinished = interview.unfinished_reply
    if unfinished is not None:
        # A click or an answer during streaming reran the page mid-reply: finish it first, then
        # handle that input below, so neither the reply nor the answer is lost.
        stream_turn(unfinished, rerun=answer is None and not skip and not end)
    show_messages()
    if interview.config.answer_minutes and interview.asked_at is not None:
        _countdown(interview.asked_at, interview.config.answer_minutes)
    if interview.pending_grades():
        st.caption(f"Grading {interview.pending_grades()} earlier answer(s) in the background.")
    if interview.needs_retry:
        _retry(interview)
        return
    if skip:
        _run(interview.skip)
    if answer is not None:
        _run(lambda: interview.answer(answer), answer, interview)


def _countdown(asked_at: datetime, minutes: int) -> None:
    # A fragment reruns on its own each second; the answer box outside it, and what is typed in it, stay put.
    @st.fragment(run_every=1.0)
    def tick() -> None:
        left = seconds_left(asked_at, minutes)
        if left > 0:
            st.caption(f"Time left for this answer: **{clock(left)}** of {clock(minutes * 60)}")
        else:
            st.warning(
                "Time is up. Finish your sentence and send it: nothing you typed is lost, "
                "and the report shows how long you took."
            )

    tick()


def _run(action: Callable[[], TurnStream], unsaved: str | None = None, interview: Interview | None = None) -> None:
    try:
        turn = action()
    except StaleSessionError:
        forget_stale_copy(unsaved)
        return
    except InterviewerError as exc:
        say(error=explain(exc), unsaved=None if isinstance(exc, AnswerError) else unsaved)
        st.rerun()
    if interview is not None:
        with st.chat_message("user"):
            st.text(interview.transcript.turns[-1].text)  # the answer as it was stored
    stream_turn(turn, unsaved=unsaved)


def _retry(interview: Interview) -> None:
    st.warning("The interviewer's last turn did not arrive. Your answers are saved.")
    left, right = st.columns(2)
    if left.button("Retry the last turn", type="primary", width="stretch"):
        _run(interview.retry)
    if not interview.backend.heuristic and right.button("Go on without the model", width="stretch"):
        _run(interview.go_on_without_model)


def _confirm_end(interview: Interview) -> None:
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
        st.session_state.pop(CONFIRM_END, None)
        st.rerun()
    if left.button("Yes, end the interview", type="primary", width="stretch"):
        st.session_state.pop(CONFIRM_END, None)
        try:
            unfinished = interview.unfinished_reply
            if unfinished is not None:
                stream_turn(unfinished, rerun=False)  # the reply the click interrupted is kept whole
            interview.end()
        except StaleSessionError:
            forget_stale_copy()
        except InterviewerError as exc:
            say(error=explain(exc))
        st.rerun()
