"""What a strong answer to a question contains, point by point: covered, with the sentence that does, or missing.

Offline, each point of the bank's strong answer carries patterns; a point is covered when one of the
candidate's own sentences (not one addressed to the grader, not a repeat) matches. A keyword list
covers one point at most, so pasting the rubric's vocabulary does not tick the whole list.
"""

from __future__ import annotations

import re
from functools import cache

from .domain import PointCheck, StrongPoint
from .sentences import read_answer

_MIN_WORDS = 5


@cache
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE) if patterns else None


def _is_list_of_words(sentence: str) -> bool:
    words = len(sentence.split())
    return sentence.count(",") >= max(3, words / 4)


def check_points(points: list[StrongPoint], answers: list[str]) -> list[PointCheck]:
    """Each point, covered by the first of the candidate's sentences that makes it, or missing."""
    sentences = read_answer("\n\n".join(answers)).sentences
    used_lists: set[str] = set()
    checks = []
    for point in points:
        pattern = _compiled(tuple(point.patterns))
        found = None
        if pattern is not None:
            for sentence in sentences:
                if len(sentence.split()) < _MIN_WORDS or not pattern.search(sentence):
                    continue
                if _is_list_of_words(sentence):
                    if sentence in used_lists:
                        continue
                    used_lists.add(sentence)
                found = sentence
                break
        checks.append(PointCheck(point=point.text, covered=found is not None, evidence=found))
    return checks
