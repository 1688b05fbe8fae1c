"""The transcript in chat bubbles, and a turn streaming into one: all of it shown as text, never as Markdown."""

from __future__ import annotations

import streamlit as st

from ..domain import Speaker, TurnKind
from ..errors import InterviewerError, StaleSessionError
from ..interview import Interview
from ..llm import status_sink
from ..turns import TurnStream
from .messages import explain
from .rating import rate_answer
from .session import buffer_for, forget_stale_copy, say
from .text import plain


def show_turns(interview: Interview, rate: bool = False) -> None:
    """The stored transcript; with ``rate``, a one-click self-rating under each question's first answer."""
    rated: set[str] = set()
    for turn in interview.transcript.turns:
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
