"""An answer as the candidate typed it, made fit to keep: trimmed, cleaned, and refused when empty."""

from __future__ import annotations

import re

from .errors import AnswerError

MAX_ANSWER_CHARS = 12_000
"""Longer answers are trimmed to this, with a notice; about 2,000 words."""


_UNSTORABLE = re.compile("[\ud800-\udfff\x00]")
"""Lone surrogates cannot be encoded as UTF-8, and NUL ends a string in some databases."""


def clean_answer(text: str) -> tuple[str, str]:
    """An answer as it is kept, and a notice for the candidate if it had to be changed.

    Characters that cannot be stored (lone surrogates, NUL) become the replacement character.

    Raises:
        AnswerError: the answer is empty.
    """
    cleaned = _UNSTORABLE.sub("\ufffd", text).strip()
    if not cleaned:
        raise AnswerError("the answer is empty")
    notices = []
    if cleaned != text.strip():
        notices.append("Some characters in your answer could not be stored and were replaced with \ufffd.")
    if len(cleaned) > MAX_ANSWER_CHARS:
        notices.append(
            f"Your answer was {len(cleaned):,} characters; only the first {MAX_ANSWER_CHARS:,} were kept "
            "and sent. Interview answers work best under about 400 words."
        )
        cleaned = cleaned[:MAX_ANSWER_CHARS]
    return cleaned, " ".join(notices)
