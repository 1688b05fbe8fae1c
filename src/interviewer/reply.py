"""An interviewer's turn: what it is told, and the streamed reply with its private header.

Model replies start with ``<notes>...</notes><move>follow_up|next</move>``; the header is kept
from the candidate, who sees only the text after it, streamed as it arrives.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from .domain import InterviewConfig, Question, Transcript, Usage


class Move(StrEnum):
    """What the interviewer does after an answer."""

    FOLLOW_UP = "follow_up"
    NEXT = "next"


@dataclass
class TurnContext:
    """Everything an interviewer needs to produce its next turn."""

    config: InterviewConfig
    phase: str
    """``opening`` before the first answer, ``after_answer`` afterwards."""
    question: Question
    number: int
    """1-based number of ``question``."""
    total: int
    follow_ups_left: int
    next_question: Question | None
    transcript: Transcript
    answers: list[str] = field(default_factory=list)
    """The candidate's answers to ``question`` so far."""


_MAX_HEADER = 1500


class InterviewerReply:
    """A streamed reply. Iterate for the visible chunks; ``move``, ``notes`` and ``text`` follow."""

    def __init__(
        self,
        chunks: Iterator[str],
        default_move: Move,
        usage: Callable[[], Usage] | None = None,
        parse_header: bool = True,
    ) -> None:
        self._chunks = iter(chunks)
        self._parse_header = parse_header
        self._usage = usage
        self.move = default_move
        self.move_stated = not parse_header
        """Whether the move is known for sure: offline replies carry it, model replies must state it."""
        self.notes = ""
        self.text = ""
        self.done = False
        self.shown = ""
        """Everything yielded so far, prelude included."""
        self.failed = False
        """Whether the stream broke off with an error (the turn is then retried, not resumed)."""
        self._stream: Iterator[str] | None = None
        self._lock = threading.Lock()
        self.notice = ""
        """A message for the candidate about their answer (for example, that it was trimmed)."""
        self._on_done: list[Callable[[InterviewerReply], None]] = []
        self._on_move: Callable[[InterviewerReply], tuple[str, str]] | None = None
        self._on_end: Callable[[InterviewerReply, str], str] | None = None
        self.prelude = ""
        """Text shown before the interviewer's own (coach-mode feedback), recorded as its own turn."""
        self.epilogue = ""
        """Text the engine appends after the interviewer's own (a question the model failed to ask)."""

    @property
    def usage(self) -> Usage:
        """Token use of the reply (zero for offline replies)."""
        return self._usage() if self._usage else Usage()

    def on_done(self, callback: Callable[[InterviewerReply], None]) -> None:
        """Call ``callback`` once the reply has been read to the end."""
        self._on_done.append(callback)

    def on_move(self, callback: Callable[[InterviewerReply], tuple[str, str]]) -> None:
        """Once the move is known, ``callback`` may set it and return text to show before and after."""
        self._on_move = callback

    def on_end(self, callback: Callable[[InterviewerReply, str], str]) -> None:
        """Once the stream ends, ``callback`` sees the visible text and may return more to show after it."""
        self._on_end = callback

    def __iter__(self) -> Iterator[str]:
        """The visible chunks.

        A reader that stopped part-way (a page rerun, say) may iterate again, even while the old
        reader's thread is still waiting on the stream: every reader gets the whole text, what was
        already shown first, then the rest as it arrives.
        """
        if self.done:
            yield from [self.text] if self.text else []
            return
        position = 0
        while True:
            with self._lock:
                if len(self.shown) == position:
                    if self._stream is None:
                        self._stream = self._generate()
                    try:
                        chunk = next(self._stream, None)
                    except Exception:
                        self.failed = True
                        raise
                    if chunk is None:
                        return
                    self.shown += chunk
                pending, position = self.shown[position:], len(self.shown)
            yield pending

    def _generate(self) -> Iterator[str]:
        visible: list[str] = []
        chunks = self._visible()
        first = next(chunks, "")
        if self._on_move is not None:
            self.prelude, self.epilogue = self._on_move(self)
            if self.prelude:
                yield self.prelude + "\n\n"
        if first:
            visible.append(first)
            yield first
        for chunk in chunks:
            visible.append(chunk)
            yield chunk
        if self._on_end is not None:
            self.epilogue = "\n\n".join(p for p in (self.epilogue, self._on_end(self, "".join(visible))) if p)
        if self.epilogue:
            visible.append("\n\n" + self.epilogue)
            yield "\n\n" + self.epilogue
        self.text = "".join(visible).strip()
        self.done = True
        for callback in self._on_done:
            callback(self)

    def read(self) -> str:
        """Consume the whole reply and return its visible text."""
        for _ in self:
            pass
        return self.text

    def _visible(self) -> Iterator[str]:
        if not self._parse_header:
            yield from self._chunks
            return
        buffer = ""
        for chunk in self._chunks:
            buffer += chunk
            # Hold text back until the header is complete, so that no part of it is ever shown.
            if "</move>" in buffer or len(buffer) > _MAX_HEADER or (len(buffer) > 40 and "<" not in buffer):
                break
        buffer = self._take_header(buffer)
        if buffer:
            yield buffer
        for chunk in self._chunks:
            cleaned = _TAGS.sub("", chunk)
            if cleaned:
                yield cleaned

    def _take_header(self, buffer: str) -> str:
        notes = re.search(r"<notes>(.*?)(?:</notes>|$)", buffer, re.S)
        if notes:
            self.notes = notes.group(1).strip()
        move = re.search(r"<move>\s*([A-Za-z_-]+)\s*</move>", buffer)
        if move:
            value = move.group(1).lower().replace("-", "_")
            if value in (Move.FOLLOW_UP.value, Move.NEXT.value):
                self.move = Move(value)
                self.move_stated = True
        rest = re.sub(r"<notes>.*?(?:</notes>|$)", "", buffer, flags=re.S)
        rest = re.sub(r"<move>.*?</move>", "", rest, flags=re.S)
        return _TAGS.sub("", rest).lstrip()


_TAGS = re.compile(r"</?(?:notes|move)>")


def stream_words(text: str) -> Iterator[str]:
    """Yield a fixed text word by word, so offline replies stream like model ones."""
    for match in re.finditer(r"\S+\s*|\s+", text):
        yield match.group(0)
