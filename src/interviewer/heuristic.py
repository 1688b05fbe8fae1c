"""The offline grader: a transparent heuristic that scores from rubric indicators, not a model.

It looks, sentence by sentence, for the signals listed with each quality in the rubric data, and
returns the sentences that triggered them as evidence. A signal the rubric marks "when the scenario
raises it" counts only when the question or a follow-up raises it: elsewhere the criterion is neither
credited nor asked for. It cannot judge whether an idea is right
for the scenario, only whether the answer names concrete practices; its rationale says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from .checklist import check_points
from .domain import AnswerGrade, Heuristic, Quality, QualityGrade, QualityId, Score, Signal
from .grading import GradingItem
from .rubric import qualities as rubric_qualities
from .sentences import read_answer

NAME = "heuristic"
MIN_WORDS_FOR_CREDIT = 6
MAX_POSITIVE_PER_SENTENCE = 2
MAX_EVIDENCE = 3
MAX_MISSING_NAMED = 2
RED_FLAG_CAP = 2
"""Solid or advanced signals needed beside a red flag for a score above 1 (at most 2)."""
RED_FLAG_LIFTED = 3
"""Solid or advanced signals that outweigh a red flag altogether."""
NOT_ENOUGH = (
    "Not enough evidence for the offline grader: it found none of the signs of this quality it can recognise. "
    "That is not evidence of a weak answer; it only means the offline rules cannot judge it."
)


@cache
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def _match(signal: Signal, sentence: str, taken: list[tuple[int, int]]) -> tuple[int, int] | None:
    """Where a signal shows in a sentence, outside the words another signal already counted."""
    if not signal.patterns:
        return None
    for found in _compiled(tuple(signal.patterns)).finditer(sentence):
        span = found.span()
        if not any(span[0] < end and start < span[1] for start, end in taken):
            return span
    return None


# A red flag counts only when the candidate asserts it: not when it is a condition ("if it fails again,
# we switch it off for that category"), a contrast ("rather than turning it off") or someone else's
# position ("he came in wanting it off"), nor when it is denied ("it wasn't 'trust me'").
_CONDITION = re.compile(r"\b(?:if|unless|whenever|should (?:it|the \w+|they|we))\b", re.IGNORECASE)
_DISTANCE = re.compile(
    r"\b(?:rather than|instead of|before|until|not|never|no longer|wasn'?t|isn'?t|aren'?t|weren'?t|"
    r"wanted|wants|wanting|asked|asks|asking|tempt\w*|instinct|urge|pressure to|calls? to|demand\w*)\b[^,;:.]*$",
    re.IGNORECASE,
)


def _asserts(signal: Signal, sentence: str) -> bool:
    """Whether a red flag's match in a sentence is the candidate's own position."""
    if not signal.patterns:
        return False
    found = _compiled(tuple(signal.patterns)).search(sentence)
    if found is None:
        return False
    before = sentence[: found.start()]
    return not (_CONDITION.search(before) or _DISTANCE.search(before))


def in_scenario(quality: Quality, scenario: str) -> Quality:
    """The quality with only the signals this scenario gives the candidate a chance to show."""

    def applies(signal: Signal) -> bool:
        return signal.when is None or bool(_compiled(tuple(signal.when.patterns)).search(scenario))

    signals = quality.heuristic
    kept = Heuristic(
        red_flags=[s for s in signals.red_flags if applies(s)],
        basic=[s for s in signals.basic if applies(s)],
        solid=[s for s in signals.solid if applies(s)],
        advanced=[s for s in signals.advanced if applies(s)],
    )
    return quality if kept == signals else quality.model_copy(update={"heuristic": kept})


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
    reading = read_answer(text)
    found = Findings(injections=reading.addressed)
    for sentence in reading.sentences:
        flagged = False
        for signal in quality.heuristic.red_flags:
            if _asserts(signal, sentence):
                found.red_flags.setdefault(signal.label, sentence)
                flagged = True
        words = len(sentence.split())
        if flagged or words < MIN_WORDS_FOR_CREDIT:
            continue  # a sentence that overpromises or rejects wholesale earns no credit for its other words
        # A list of buzzwords is one idea at most; a sentence carries two ideas at most, and the same
        # words never count as two ideas ("keep it on" is a recommendation or a steady hand, not both).
        budget = 1 if sentence.count(",") >= max(2, words / 5) else MAX_POSITIVE_PER_SENTENCE
        taken: list[tuple[int, int]] = []
        for level, bucket in (
            (quality.heuristic.advanced, found.advanced),
            (quality.heuristic.solid, found.solid),
            (quality.heuristic.basic, found.basic),
        ):
            for signal in level:
                if budget == 0:
                    break
                span = None if signal.label in bucket else _match(signal, sentence, taken)
                if span is not None:
                    bucket[signal.label] = sentence
                    taken.append(span)
                    budget -= 1
    return found


def score_findings(found: Findings) -> Score | None:
    """Turn findings into a level.

    4: two solid and two advanced signals; 3: two solid, or one solid and one advanced; 2: any
    signal; 1: a red flag; otherwise not enough evidence, because finding none of its signals says
    nothing about the answer. A red flag is level 1's own description in the rubric, so it decides
    the level unless solid or advanced signals outweigh it: two cap the score at 2, three lift the cap.
    """
    n_solid, n_adv = len(found.solid), len(found.advanced)
    score: Score | None
    if n_solid >= 2 and n_adv >= 2:
        score = 4
    elif n_solid >= 2 or (n_solid >= 1 and n_adv >= 1):
        score = 3
    elif found.basic or found.solid or found.advanced:
        score = 2
    elif found.red_flags:
        score = 1
    else:
        score = None
    if score is not None and found.red_flags:
        outweighing = n_solid + n_adv
        if outweighing < RED_FLAG_CAP:
            score = 1
        elif outweighing < RED_FLAG_LIFTED:
            score = 2 if score > 2 else score
    return score


class HeuristicGrader:
    """Grades offline from the rubric's indicators; says plainly that it is a heuristic."""

    name = NAME

    def __init__(self, qualities: dict[QualityId, Quality] | None = None) -> None:
        self.qualities = qualities or rubric_qualities()

    def grade(self, item: GradingItem) -> AnswerGrade:
        """Grade every quality the item asks for, and check the strong answer's points."""
        text = "\n\n".join(item.answers)
        scenario = "\n".join([item.question_text, *item.follow_ups])
        grades = [self._grade_quality(in_scenario(self.qualities[q], scenario), text) for q in item.qualities]
        return AnswerGrade(
            question_id=item.question_id,
            grades=grades,
            grader=NAME,
            checklist=check_points(item.strong_answer, item.answers),
        )

    def _grade_quality(self, quality: Quality, text: str) -> QualityGrade:
        found = find_signals(quality, text)
        score = score_findings(found)
        evidence = list(dict.fromkeys([*found.advanced.values(), *found.solid.values(), *found.basic.values()]))
        if score == 1:
            evidence = list(dict.fromkeys(found.red_flags.values()))
        return QualityGrade(
            quality=quality.id,
            score=score,
            evidence=evidence[:MAX_EVIDENCE],
            rationale=_rationale(found, score),
            improvement=improvement(quality, score, *_next_level(quality, found, score)),
        )


def _rationale(found: Findings, score: Score | None) -> str:
    parts: list[str] = []
    for title, bucket in (
        ("Level-4 signs", found.advanced),
        ("Level-3 signs", found.solid),
        ("Level-2 signs", found.basic),
        ("Red flags", found.red_flags),
    ):
        if bucket:
            parts.append(f"{title}: {'; '.join(bucket)}.")
    if found.injections:
        parts.append("Text addressed to the grader was ignored: it earns nothing.")
    if score is None:
        parts.append(NOT_ENOUGH)
    return " ".join(parts)


def _next_level(quality: Quality, found: Findings, score: Score | None) -> tuple[list[str], list[str]]:
    """The next level's signs the answer did not show, and those it already shows.

    The level's advice names everything that level asks for; saying which parts are already there keeps
    it from telling a candidate to add what they said.
    """
    if score in (2, None):
        wanted, have = quality.heuristic.solid, found.solid
    elif score == 3:
        wanted, have = quality.heuristic.advanced, found.advanced
    else:
        return [], []  # level 2's signs describe generic habits: never advice
    missing = [s.label for s in wanted if s.label not in have][:MAX_MISSING_NAMED]
    return missing, [s.label for s in wanted if s.label in have]


def improvement(
    quality: Quality, score: Score | None, missing: list[str] | None = None, already: list[str] | None = None
) -> str:
    """What to add to this answer to reach the next level, worded as what the stronger answer does."""
    if score == 4:
        return (
            "This answer already shows the top level. To keep it there, tie each number to what an error "
            "would cost in this scenario."
        )
    named = f" Already in this answer: {'; '.join(already)}." if already else ""
    named += f" The offline grader did not find: {'; '.join(missing)}." if missing else ""
    if score is None:
        return f"To show {quality.name.lower()} in this answer: {_lower_first(quality.advice[3])}{named}"
    return f"To reach level {score + 1}: {_lower_first(quality.advice[score + 1])}{named}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
