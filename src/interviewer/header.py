"""The private parts of a model's reply, split from the visible text as the reply streams.

A reply states its move first and keeps its notes for last:
``<move>follow_up|next</move>`` what the candidate reads ``<notes>...</notes>``. The move is a few
tokens, so the first visible word follows the first token; the notes come after everything the
candidate reads, so they never hold it back. The older order (notes, then move, then the text) is
still understood, so a template set written for it keeps working.

The splitter holds back only what may be the start of one of its tags (a ``<`` and the letters
after it), so no part of a tag or of the notes is ever shown, and nothing else waits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

_OPEN_NOTES, _CLOSE_NOTES, _OPEN_MOVE, _CLOSE_MOVE = "<notes>", "</notes>", "<move>", "</move>"
_TAGS = (_OPEN_NOTES, _CLOSE_NOTES, _OPEN_MOVE, _CLOSE_MOVE)
_MAX_MOVE = 40
"""Characters after ``<move>`` within which its closing tag must come; past that it was not a move."""


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


def parse_move(text: str) -> Move | None:
    """The move a ``<move>`` tag's content names, if it names one."""
    value = text.strip().lower().replace("-", "_")
    return Move(value) if value in (Move.FOLLOW_UP.value, Move.NEXT.value) else None


class HeaderSplitter:
    """Feed it a reply's chunks; it returns the visible text as soon as it is safe to show.

    ``header`` fills in as the tags arrive; ``on_move`` (if set) is called once, the moment the
    reply's move is known, which is a few tokens into a reply that states it first.
    """

    def __init__(self) -> None:
        self.header = Header()
        self.on_move: Callable[[Move], None] | None = None
        self._pending = ""
        self._inside: str | None = None
        """The tag whose content is being read (``notes`` or ``move``), or None in visible text."""
        self._content = ""
        self._shown_any = False

    def feed(self, chunk: str) -> str:
        """The visible text this chunk releases."""
        self._pending += chunk
        return self._drain(final=False)

    def finish(self) -> str:
        """Whatever is still held back when the reply ends."""
        visible = self._drain(final=True)
        if self._inside == "notes":
            self._end_notes()
        elif self._inside == "move":
            # A <move> that never closed was not a move: its text is the reply's.
            visible += self._show(self._content)
            self._inside, self._content = None, ""
        return visible

    def _drain(self, final: bool) -> str:
        out: list[str] = []
        while self._pending:
            if self._inside is not None:
                progressed, shown = self._read_inside(final)
                out.append(shown)
                if not progressed:
                    break
                continue
            at = self._pending.find("<")
            if at < 0:
                out.append(self._show(self._pending))
                self._pending = ""
                break
            out.append(self._show(self._pending[:at]))
            self._pending = self._pending[at:]
            tag = next((t for t in _TAGS if self._pending.startswith(t)), None)
            if tag is None:
                if not final and any(t.startswith(self._pending) for t in _TAGS):
                    break  # maybe the start of a tag: wait for the next chunk
                out.append(self._show("<"))
                self._pending = self._pending[1:]
                continue
            self._pending = self._pending[len(tag) :]
            if tag == _OPEN_NOTES:
                self._inside = "notes"
            elif tag == _OPEN_MOVE:
                self._inside = "move"
            # A stray closing tag is dropped.
        return "".join(out)

    def _read_inside(self, final: bool) -> tuple[bool, str]:
        """Read the open tag's content: whether it got anywhere, and any text that turned out visible."""
        ends = (_CLOSE_NOTES, _OPEN_MOVE) if self._inside == "notes" else (_CLOSE_MOVE,)
        hits = [(self._pending.find(e), e) for e in ends if e in self._pending]
        if not hits:
            keep = 0 if final else max(len(e) for e in ends) - 1
            cut = max(0, len(self._pending) - keep)
            self._content += self._pending[:cut]
            self._pending = self._pending[cut:]
            if self._inside == "move" and len(self._content) > _MAX_MOVE:
                # "<move>" followed by prose that never closes: it was the reply's own text.
                shown = self._show(self._content)
                self._inside, self._content = None, ""
                return True, shown
            return False, ""
        at, end = min(hits)
        self._content += self._pending[:at]
        if self._inside == "notes":
            # Old-order replies sometimes forget </notes>: a <move> ends the notes all the same.
            self._pending = self._pending[at + (len(end) if end == _CLOSE_NOTES else 0) :]
            self._end_notes()
        else:
            self._pending = self._pending[at + len(end) :]
            move = parse_move(self._content)
            self._inside, self._content = None, ""
            if move is not None and self.header.move is None:
                self.header.move = move
                if self.on_move is not None:
                    self.on_move(move)
        return True, ""

    def _end_notes(self) -> None:
        notes = self._content.strip()
        self.header.notes = f"{self.header.notes}\n{notes}".strip() if self.header.notes else notes
        self._inside, self._content = None, ""

    def _show(self, text: str) -> str:
        if not self._shown_any:
            text = text.lstrip()
            self._shown_any = bool(text)
        return text
