"""The offline grader: a transparent heuristic that scores from rubric indicators, not a model.

It looks, sentence by sentence, for the signals listed with each quality in the rubric data, and
returns the sentences that triggered them as evidence. It cannot judge whether an idea is right
for the scenario, only whether the answer names concrete practices; its rationale says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from .domain import AnswerGrade, Quality, QualityGrade, QualityId, Score, Signal
from .grading import GradingItem
from .rubric import qualities as rubric_qualities

NAME = "heuristic"
MIN_WORDS_FOR_CREDIT = 6
MIN_WORDS_FOR_PRIMARY = 8
"""An answer this long that shows nothing of the question's main quality scores 1, not "not enough evidence"."""
MAX_POSITIVE_PER_SENTENCE = 2
MAX_EVIDENCE = 3
DISCLAIMER = "Heuristic grade (offline): matched rubric indicators, not an expert judgement."

# Text aimed at the grader rather than the interviewer: never evidence, and flagged.
INJECTION = re.compile(
    r"ignore (?:all |the |any |your |previous |prior |above )*(?:instructions|rubric|guidelines|criteria)"
    r"|\b(?:give|award|assign|rate|score) (?:me|this(?: answer)?|it|the answer)\b[^.]{0,20}\b[1-4]\b"
    r"|\bscore\s*[:=]\s*[1-4]\b|\b(?:grader|evaluator|judge|system|assistant)\s*:"
    r"|\byou are (?:now )?(?:the|a|an) (?:grader|judge|evaluator)"
    r"|\b(?:full marks|highest (?:possible )?score|maximum score|top score)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n+|\s+[-*\u2022]\s+")


def split_sentences(text: str) -> list[str]:
    """Sentences and list items of a text, stripped, empty ones dropped."""
    return [s.strip(" -*\u2022\t") for s in _SENTENCE.split(text) if s and s.strip(" -*\u2022\t")]


@cache
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def _matches(signal: Signal, sentence: str) -> bool:
    return bool(signal.patterns) and _compiled(tuple(signal.patterns)).search(sentence) is not None


@dataclass
class Findings:
    """What the heuristic found for one quality."""

    red_flags: dict[str, str] = field(default_factory=dict)
    basic: dict[str, str] = field(default_factory=dict)
    solid: dict[str, str] = field(default_factory=dict)
    advanced: dict[str, str] = field(default_factory=dict)
    injections: list[str] = field(default_factory=list)
    """Each map goes from a signal's label to the sentence that showed it."""


def find_signals(quality: Quality, text: str) -> Findings:
    """Match a quality's signals in a text, with the guards against padding and keyword stuffing."""
    found = Findings()
    seen: set[str] = set()
    for sentence in split_sentences(text):
        key = re.sub(r"\W+", " ", sentence.lower()).strip()
        if key in seen:
            continue  # padding by repetition earns nothing
        seen.add(key)
        if INJECTION.search(sentence):
            found.injections.append(sentence)
            continue
        for signal in quality.heuristic.red_flags:
            if _matches(signal, sentence):
                found.red_flags.setdefault(signal.label, sentence)
        words = len(sentence.split())
        if words < MIN_WORDS_FOR_CREDIT:
            continue
        # A list of buzzwords is one idea at most; a sentence carries two ideas at most.
        budget = 1 if sentence.count(",") >= max(2, words / 5) else MAX_POSITIVE_PER_SENTENCE
        for level, bucket in (
            (quality.heuristic.advanced, found.advanced),
            (quality.heuristic.solid, found.solid),
            (quality.heuristic.basic, found.basic),
        ):
            for signal in level:
                if budget == 0:
                    break
                if signal.label not in bucket and _matches(signal, sentence):
                    bucket[signal.label] = sentence
                    budget -= 1
    return found


def score_findings(found: Findings, primary: bool, words: int) -> Score | None:
    """Turn findings into a level.

    4: two solid and two advanced signals; 3: two solid, or one solid and one advanced; 2: any
    signal; 1: a red flag, or the question's main quality with nothing shown; otherwise not
    enough evidence. A red flag caps the score at 2 unless three solid or advanced signals
    outweigh it.
    """
    n_solid, n_adv = len(found.solid), len(found.advanced)
    score: Score | None
    if n_solid >= 2 and n_adv >= 2:
        score = 4
    elif n_solid >= 2 or (n_solid >= 1 and n_adv >= 1):
        score = 3
    elif found.basic or found.solid or found.advanced:
        score = 2
    elif found.red_flags or (primary and words >= MIN_WORDS_FOR_PRIMARY):
        score = 1
    else:
        score = None
    if score is not None and found.red_flags and n_solid + n_adv < 3:
        score = 2 if score > 2 else score
    return score


class HeuristicGrader:
    """Grades offline from the rubric's indicators; says plainly that it is a heuristic."""

    name = NAME

    def __init__(self, qualities: dict[QualityId, Quality] | None = None) -> None:
        self.qualities = qualities or rubric_qualities()

    def grade(self, item: GradingItem) -> AnswerGrade:
        """Grade every quality the item asks for."""
        text = "\n".join(item.answers)
        words = len(text.split())
        grades = [self._grade_quality(self.qualities[q], text, q == item.primary, words) for q in item.qualities]
        return AnswerGrade(question_id=item.question_id, grades=grades, grader=NAME, feedback=_feedback(grades))

    def _grade_quality(self, quality: Quality, text: str, primary: bool, words: int) -> QualityGrade:
        found = find_signals(quality, text)
        score = score_findings(found, primary, words)
        evidence = list(dict.fromkeys([*found.advanced.values(), *found.solid.values(), *found.basic.values()]))
        if score == 1:
            evidence = list(dict.fromkeys(found.red_flags.values()))
        return QualityGrade(
            quality=quality.id,
            score=score,
            evidence=evidence[:MAX_EVIDENCE],
            rationale=_rationale(found, score),
            improvement=_improvement(quality, found, score),
        )


def _rationale(found: Findings, score: Score | None) -> str:
    parts = [DISCLAIMER]
    for title, bucket in (
        ("Level-4 indicators", found.advanced),
        ("Level-3 indicators", found.solid),
        ("Level-2 indicators", found.basic),
        ("Red flags", found.red_flags),
    ):
        if bucket:
            parts.append(f"{title}: {'; '.join(bucket)}.")
    if found.injections:
        parts.append("Ignored text addressed to the grader.")
    if score is None:
        parts.append("Not enough evidence in this answer to score this quality.")
    return " ".join(parts)


def _improvement(quality: Quality, found: Findings, score: Score | None) -> str:
    if score == 4:
        return "Keep it: this answer shows every indicator of the top level. Tie the numbers to the scenario's stakes."
    pending = [s.label for s in quality.heuristic.solid if s.label not in found.solid]
    if score == 3 or not pending:
        pending = [s.label for s in quality.heuristic.advanced if s.label not in found.advanced]
    target = min((score or 1) + 1, 4)
    hint = f" For example: {pending[0]}." if pending else ""
    return f"To reach level {target}: {quality.levels[target]}{hint}"


def _feedback(grades: list[QualityGrade]) -> str:
    lines = []
    for g in grades:
        shown = "not enough evidence" if g.score is None else f"{g.score}/4"
        lines.append(f"{g.quality.value.replace('_', ' ')}: {shown}. {g.improvement}")
    return "\n".join(lines)
