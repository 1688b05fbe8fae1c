"""Text the candidate or a model wrote, shown as written rather than interpreted as Markdown."""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<$:])")


def plain(text: str) -> str:
    """Markdown that displays ``text`` literally: no headings, links, images, maths or HTML; line breaks kept."""
    escaped = _SPECIAL.sub(r"\\\1", text)
    return "  \n".join(escaped.splitlines())


def quoted(text: str) -> str:
    """A quote of the candidate's words, shown literally, in curly quotes."""
    return f"\u201c{plain(text)}\u201d"


COVERED = ":green[:material/check_circle:]"
"""The mark of a point covered, a defect found, a step done (an icon font, so every browser has it)."""
MISSING = ":gray[:material/radio_button_unchecked:]"
