"""The transcript in chat bubbles, and a turn streaming into one: all of it shown as text, never as Markdown."""

from __future__ import annotations

import streamlit as st

from ..domain import Mode, Speaker, TurnKind
from ..errors import InterviewerError, StaleSessionError
from ..interview import Interview
from ..llm import status_sink
from ..turns import TurnStream
from .messages import explain
from .rating import rate_answer
from .session import buffer_for, forget_stale_copy, say
from .text import plain

FEEDBACK_POLL_SECONDS = 1.0
PREPARING = "Feedback on this answer is being prepared; carry on, it will appear here."


def show_turns(interview: Interview, rate: bool = False) -> None:
    """The stored transcript; with ``rate``, a one-click self-rating under each question's first answer.

    In coach mode each finished question's feedback follows its last answer, from the stored grade,
    as soon as there is one (sessions from before kept their feedback as a turn of its own).
    """
    turns = interview.transcript.turns
    coach = interview.config.mode is Mode.COACH
    as_turn = {t.question_id for t in turns if t.kind is TurnKind.FEEDBACK}
    last_answer = {t.question_id: i for i, t in enumerate(turns) if t.kind is TurnKind.ANSWER}
    rated: set[str] = set()
    for index, turn in enumerate(turns):
        role = "user" if turn.speaker is Speaker.CANDIDATE else "assistant"
        with st.chat_message(role):
            if turn.kind is TurnKind.FEEDBACK:
                st.info(plain(turn.text))
            else:
                st.text(turn.text)
            question = next((q for q in interview.questions if q.id == turn.question_id), None)
            if rate and turn.kind is TurnKind.ANSWER and question is not None and question.id not in rated:
                rated.add(question.id)
                rate_answer(interview, question)
        qid = turn.question_id
        if coach and qid and last_answer.get(qid) == index and qid in interview.state.completed and qid not in as_turn:
            with st.chat_message("assistant"):
                _feedback(interview, qid)


def _feedback(interview: Interview, question_id: str) -> None:
    text = interview.feedback(question_id)
    if text is None:
        _feedback_when_ready(interview, question_id)
    else:
        st.info(plain(text))


@st.fragment(run_every=FEEDBACK_POLL_SECONDS)
def _feedback_when_ready(interview: Interview, question_id: str) -> None:
    # Only this box reruns while the grade is made, so the next question is never held up by it.
    text = interview.feedback(question_id)
    if text is None:
        st.caption(PREPARING)
    else:
        st.info(plain(text))


def stream_turn(turn: TurnStream, rerun: bool = True, unsaved: str | None = None) -> None:
    """Stream an interviewer turn into a bubble, then rerun to show it as stored.

    A turn that fails leaves a message and the turn waiting for a retry; ``unsaved`` is the answer
    that started it, shown again if another tab got there first.
    """
    buffer = buffer_for(turn)
    try:
        with st.chat_message("assistant"):
            status, body = st.empty(), st.empty()

            # A backend waiting to retry says so here ("Claude is overloaded; retrying, 2 of 3").
            def show_status(message: str) -> None:
                status.caption(f"{message}…")

            token = status_sink.set(show_status)
            try:
                for snapshot in buffer.snapshots():
                    if buffer.restart_reason:
                        status.caption(f"The reply {buffer.restart_reason}: asking again.")
                    body.text(snapshot)
            finally:
                status_sink.reset(token)
        if turn.notice:
            say(notice=turn.notice)
    except StaleSessionError:
        forget_stale_copy(unsaved)
    except InterviewerError as exc:
        say(error=explain(exc))
    if rerun:
        st.rerun()
