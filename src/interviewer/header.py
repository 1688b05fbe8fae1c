"""The private header of a model's reply: split from the visible text as the reply streams.

Model replies start with ``<notes>...</notes><move>follow_up|next</move>``; the candidate sees only
the text after it. The splitter holds text back only while the header may still be arriving, so
no part of it is ever shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

_MAX_HEADER = 1500
_TAGS = re.compile(r"</?(?:notes|move)>")


class Move(StrEnum):
    """What the interviewer does after an answer."""

    FOLLOW_UP = "follow_up"
    NEXT = "next"


@dataclass
class Header:
    """What the interviewer decided, privately."""

    notes: str = ""
    move: Move | None = None
    """The move the reply stated; None when it stated none."""


class HeaderSplitter:
    """Feed it a reply's chunks; it returns the visible text as soon as it is safe to show."""

    def __init__(self) -> None:
        self.header = Header()
        self._buffer = ""
        self._past_header = False

    def feed(self, chunk: str) -> str:
        """The visible text this chunk releases (empty while the header may still be arriving)."""
        if self._past_header:
            return _TAGS.sub("", chunk)
        self._buffer += chunk
        buffer = self._buffer
        if "</move>" in buffer or len(buffer) > _MAX_HEADER or (len(buffer) > 40 and "<" not in buffer):
            self._past_header = True
            return self._take_header(buffer)
        return ""

    def finish(self) -> str:
        """Whatever is still held back when the reply ends."""
        if self._past_header:
            return ""
        self._past_header = True
        return self._take_header(self._buffer)

    def _take_header(self, buffer: str) -> str:
        notes = re.search(r"<notes>(.*?)(?:</notes>|$)", buffer, re.S)
        if notes:
            self.header.notes = notes.group(1).strip()
        move = re.search(r"<move>\s*([A-Za-z_-]+)\s*</move>", buffer)
        if move:
            value = move.group(1).lower().replace("-", "_")
            if value in (Move.FOLLOW_UP.value, Move.NEXT.value):
                self.header.move = Move(value)
        rest = re.sub(r"<notes>.*?(?:</notes>|$)", "", buffer, flags=re.S)
        rest = re.sub(r"<move>.*?</move>", "", rest, flags=re.S)
        return _TAGS.sub("", rest).lstrip()
