"""An interviewer's turn as a pipeline: streamed, checked, decided, persisted, then the rest shown.

An interviewer (the offline one, or a model behind the templates) produces a draft: chunks of text
and, once they are read, a completion that says how the reply ended. A reply that was cut off or
stopped at ``max_tokens`` is not a finished question: it is asked for once more, then the turn
fails and waits for a retry, and nothing of it is stored. A complete reply gets its move decided
(``moves.decide_move``), is persisted by the engine, and only then is any appended text shown.

The move is reported the moment the reply states it (its first few tokens), through ``on_move``,
so the engine can start grading an exchange that is over while the reply is still streaming.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from .domain import InterviewConfig, Question, Transcript, Usage
from .errors import BackendError
from .header import Header, HeaderSplitter, Move
from .llm import Completion
from .moves import decide_move
from .state import Step

COMPLETE_STOPS = frozenset({"end_turn", "stop_sequence"})
"""How a reply that said everything it meant to ends."""
MAX_ATTEMPTS = 2
"""A reply that was cut off is asked for once more before the turn fails."""


@dataclass
class TurnContext:
    """Everything an interviewer needs to produce its next turn."""

    config: InterviewConfig
    step: Step
    """``OPENING`` before the first answer, ``REPLYING`` afterwards."""
    question: Question
    number: int
    """1-based number of ``question``."""
    total: int
    follow_ups_left: int
    next_question: Question | None
    transcript: Transcript
    answers: list[str] = field(default_factory=list)
    """The candidate's answers to ``question`` so far."""

    @property
    def opening(self) -> bool:
        """Whether this is the interview's first turn."""
        return self.step is Step.OPENING


@dataclass
class InterviewerDraft:
    """One attempt at a turn: text chunks, then (once they are read) how the reply ended."""

    chunks: Iterator[str]
    finish: Callable[[], Completion]
    header: Header | None = None
    """The move and notes, when the interviewer decides them itself; None: parse them from the text."""


@dataclass(frozen=True)
class Text:
    """Visible text, as it arrives."""

    text: str


@dataclass(frozen=True)
class Restart:
    """The reply so far was cut off and is being asked for again: what was shown is void."""

    reason: str


TurnEvent = Text | Restart


@dataclass
class TurnResult:
    """A complete, checked turn."""

    text: str
    """What the candidate sees: the interviewer's words and anything the engine appended."""
    notes: str
    move: Move
    usage: Usage


class TurnStatus(StrEnum):
    """Where one turn's stream stands."""

    WAITING = "waiting"
    STREAMING = "streaming"
    DONE = "done"
    FAILED = "failed"


class IncompleteReplyError(BackendError):
    """The interviewer's reply stopped before it was finished, twice."""


class TurnStream:
    """One interviewer turn. Iterate it once for the visible text; ``result`` is set when it is done.

    Args:
        ctx: what the turn is about.
        draft: makes one attempt at the reply.
        commit: persists a checked turn; whatever it raises fails the turn.
        notice: a message for the candidate about the answer that started the turn.
        on_move: told the move as soon as a reply states it (once per attempt), before the rest streams.
    """

    def __init__(
        self,
        ctx: TurnContext,
        draft: Callable[[], InterviewerDraft],
        commit: Callable[[TurnResult], None],
        notice: str = "",
        on_move: Callable[[Move], None] | None = None,
    ) -> None:
        self.ctx = ctx
        self._draft = draft
        self._commit = commit
        self.notice = notice
        self._on_move = on_move
        self.status = TurnStatus.WAITING
        self.result: TurnResult | None = None

    @property
    def done(self) -> bool:
        """Whether the turn was checked and stored."""
        return self.status is TurnStatus.DONE

    @property
    def failed(self) -> bool:
        """Whether the turn broke off; it is then retried, not resumed."""
        return self.status is TurnStatus.FAILED

    @property
    def text(self) -> str:
        """The stored turn's text (empty until done)."""
        return self.result.text if self.result else ""

    @property
    def move(self) -> Move | None:
        """The decided move (None until done)."""
        return self.result.move if self.result else None

    @property
    def notes(self) -> str:
        """The interviewer's private notes (never shown)."""
        return self.result.notes if self.result else ""

    def events(self) -> Iterator[TurnEvent]:
        """The turn as it happens: text chunks, and a restart if a cut-off reply is asked for again.

        Raises:
            BackendError: the interviewer failed, or its reply was incomplete twice.
        """
        self.status = TurnStatus.STREAMING
        try:
            yield from self._run()
        except BaseException:
            self.status = TurnStatus.FAILED
            raise

    def _run(self) -> Iterator[TurnEvent]:
        usage = Usage()
        for attempt in range(1, MAX_ATTEMPTS + 1):
            draft = self._draft()
            splitter = HeaderSplitter() if draft.header is None else None
            if splitter is not None:
                splitter.on_move = self._on_move
            elif draft.header is not None and draft.header.move is not None and self._on_move is not None:
                self._on_move(draft.header.move)
            shown: list[str] = []
            for chunk in draft.chunks:
                visible = splitter.feed(chunk) if splitter else chunk
                if visible:
                    shown.append(visible)
                    yield Text(visible)
            tail = splitter.finish() if splitter else ""
            if tail:
                shown.append(tail)
                yield Text(tail)
            completion = draft.finish()
            usage = usage + completion.usage
            if completion.stop_reason in COMPLETE_STOPS:
                break
            reason = _incomplete(completion.stop_reason)
            if attempt == MAX_ATTEMPTS:
                raise IncompleteReplyError(f"the interviewer's reply {reason}, twice", retryable=True)
            yield Restart(reason)
        header = draft.header or (splitter.header if splitter else Header())
        spoken = "".join(shown).strip()
        decision = decide_move(header, spoken, self.ctx)
        result = TurnResult(
            "\n\n".join(p for p in (spoken, decision.appended) if p), header.notes, decision.move, usage
        )
        self._commit(result)
        self.result = result
        self.status = TurnStatus.DONE
        if decision.appended:
            yield Text(("\n\n" if spoken else "") + decision.appended)

    def __iter__(self) -> Iterator[str]:
        """The visible text only; a restart is announced in words."""
        for event in self.events():
            if isinstance(event, Text):
                yield event.text
            else:
                yield f"\n\n({event.reason}: asking again.)\n\n"

    def read(self) -> str:
        """Run the whole turn and return its stored text."""
        for _ in self:
            pass
        return self.text


def _incomplete(stop_reason: str | None) -> str:
    if stop_reason == "max_tokens":
        return "stopped at its length limit"
    return "was cut off before it finished"
