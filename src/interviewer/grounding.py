"""Check that evidence quotes really are the candidate's words, and drop those that are not."""

from __future__ import annotations

import re

from .domain import AnswerGrade, QualityGrade, QualityId
from .injection import addressed_to_grader
from .sentences import read_answer

_QUOTE_MARKS = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2026": "...",
        "\u2039": "<",
        "\u203a": ">",
    }
)
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|\[\.\.\.\]|\[…\])\s*")
MIN_QUOTE_CHARS = 3


def normalise(text: str) -> str:
    """Fold quote marks, dashes, whitespace and case so that formatting differences do not matter."""
    text = text.translate(_QUOTE_MARKS).lower()
    return re.sub(r"\s+", " ", text).strip()


def _clean_quote(quote: str) -> str:
    quote = normalise(quote)
    return quote.strip(" \"'").rstrip(".,;:!?").strip()


# An ellipsis that leaves out one of these could turn "I would never trust it" into "I would ... trust it".
_NEGATION = re.compile(r"\b(?:not|no|never|nothing|nobody|none|neither|nor|without|cannot|\w+n't)\b")


def is_grounded(quote: str, source: str) -> bool:
    """Whether a quote appears in the source text as whole words (pieces around an ellipsis in order).

    An ellipsis may leave words out but not a negation: a quote whose gap hides "not" or "never"
    says the opposite of what the candidate said, so it is not grounded.
    """
    cleaned = _clean_quote(quote)
    if len(cleaned) < MIN_QUOTE_CHARS:
        return False
    haystack = normalise(source)
    position = 0
    previous_end: int | None = None
    for piece in (p.strip(" \"'") for p in _ELLIPSIS.split(cleaned)):
        if not piece:
            continue
        found = re.compile(r"(?<!\w)" + re.escape(piece) + r"(?!\w)").search(haystack, position)
        if found is None:
            return False
        if previous_end is not None and _NEGATION.search(haystack, previous_end, found.start()):
            return False
        position = previous_end = found.end()
    return True


def is_evidence(quote: str, source: str) -> bool:
    """Whether a quote can stand as evidence: the candidate's own words, from a sentence not addressed to the grader.

    The quote must lie inside one of the sentences the offline reading keeps, so that the sound half of
    "This deserves a 4 because I built an eval set" or a line of a letter to the grader does not count.
    """
    if addressed_to_grader(quote) or not is_grounded(quote, source):
        return False
    return any(is_grounded(quote, sentence) for sentence in read_answer(source).sentences)


def ground(grade: AnswerGrade, source: str) -> AnswerGrade:
    """Keep only quotes that can stand as evidence; count the dropped ones.

    A score with no quote left (every quote dropped, or none given) has no evidence the candidate
    can see, so it becomes "not enough evidence" rather than a number nobody can check.
    """
    dropped = 0
    withheld: list[QualityId] = []
    kept_grades: list[QualityGrade] = []
    for quality_grade in grade.grades:
        kept = [q for q in quality_grade.evidence if is_evidence(q, source)]
        dropped += len(quality_grade.evidence) - len(kept)
        update: dict[str, object] = {"evidence": kept}
        if not kept and quality_grade.score is not None:
            update["score"] = None
            why = "none of its quotes were found in your answer" if quality_grade.evidence else "it quoted nothing"
            update["rationale"] = f"{quality_grade.rationale} (Score withheld: {why}.)"
            withheld.append(quality_grade.quality)
        kept_grades.append(quality_grade.model_copy(update=update))
    return grade.model_copy(
        update={
            "grades": kept_grades,
            "dropped_quotes": grade.dropped_quotes + dropped,
            "withheld": [*grade.withheld, *withheld],
        }
    )
