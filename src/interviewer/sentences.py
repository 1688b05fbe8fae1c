"""The candidate's words as sentences: what offline checks read, and what they set aside.

Every offline judgement (the heuristic's signals, a strong answer's checklist, the role an answer
reads like) works sentence by sentence on the same reading of an answer: repeated sentences count
once, and text addressed to the grader is set aside, never read as evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .injection import addressed_to_grader, opens_letter

_SENTENCE = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n+|\s+[-*\u2022]\s+")
_BULLET = " -*\u2022\t"


def split_sentences(text: str) -> list[str]:
    """Sentences and list items of a text, stripped, empty ones dropped."""
    return [s.strip(_BULLET) for s in _SENTENCE.split(text) if s and s.strip(_BULLET)]


@dataclass
class Reading:
    """An answer read for evidence."""

    sentences: list[str] = field(default_factory=list)
    """The candidate's sentences, each once, in order."""
    addressed: list[str] = field(default_factory=list)
    """Sentences addressed to the grader rather than the interviewer: never evidence."""


def _marked(text: str) -> Iterator[tuple[int, str, bool]]:
    """Each sentence with its paragraph's number and whether it is addressed to the grader.

    A greeting to the grader ("Dear evaluator, ...") sets aside the rest of its paragraph as well.
    """
    for number, paragraph in enumerate(re.split(r"\n\s*\n", text)):
        letter = False
        for sentence in split_sentences(paragraph):
            letter = letter or opens_letter(sentence)
            yield number, sentence, letter or addressed_to_grader(sentence)


def read_answer(text: str) -> Reading:
    """The sentences of an answer worth reading as evidence, and those set aside as addressed to the grader."""
    reading = Reading()
    seen: set[str] = set()
    for _paragraph, sentence, addressed in _marked(text):
        if addressed:
            reading.addressed.append(sentence)
            continue
        key = re.sub(r"\W+", " ", sentence.lower()).strip()
        if key in seen:
            continue  # padding by repetition earns nothing
        seen.add(key)
        reading.sentences.append(sentence)
    return reading


def without_addressed(text: str) -> str:
    """A text with every sentence addressed to the grader cut out, the rest exactly as it was written."""
    kept = text
    for _paragraph, sentence, addressed in _marked(text):
        if addressed:
            kept = kept.replace(sentence, "", 1)
    lines = [line.rstrip() for line in kept.splitlines()]
    return re.sub(
        r"\n{3,}", "\n\n", "\n".join(line for line in lines if line.strip() not in {"-", "*", "\u2022"})
    ).strip()
