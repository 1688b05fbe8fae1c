"""A role-play stakeholder whose trust in the AI moves with each answer, and the line they say next.

Trust runs from -2 (wants the AI switched off) through 0 (calibrated: trusts it where the evidence
says so) to +2 (believes it can do anything). It moves on the offline grader's signals in the
candidate's answer, the same with or without a model, so where it went can be shown with the
sentence that moved it:

- grounded, specific answers (two or more solid or advanced signals, none of the failures below)
  bring it one step towards calibrated;
- hype or vague reassurance pushes an over-truster further, and reads as a sales pitch to an
  under-truster, who pulls away;
- jargon or alarm pushes an under-truster further away; alarm swings an over-truster to doubt;
- anything else leaves it where it was.

Offline the stakeholder's next line is scripted per state; with a model, the turn's template is
told the state and the model writes the line.
"""

from __future__ import annotations

from enum import StrEnum

from .domain import Format, QualityId, Question, TrustStep
from .heuristic import Findings, find_signals
from .rubric import qualities


class Stance(StrEnum):
    """Where a stakeholder's trust in the AI starts."""

    OVER = "over"
    UNDER = "under"


LINES = {
    -2: "I'm not convinced. One bad answer in front of a customer and we're finished. Why shouldn't I pull it today?",
    -1: "That helps a little, but I still don't see what stops it going wrong again. What would I actually see?",
    0: "Okay, that I can work with: I know where it helps and where a person steps in. Let's do it that way.",
    1: "Great, so we're basically there. Can we roll it out to everyone next month?",
    2: "Perfect, so I can tell the board it does the whole job by next quarter, right?",
}

# The rubric's signal labels that stand for each kind of answer (tests pin them to the rubric's data).
HYPE = (
    (QualityId.LIMITATION_COMMUNICATION, "overpromises what the AI can do"),
    (QualityId.LIMITATION_COMMUNICATION, "reassures or promises to improve, without specifics"),
    (QualityId.CALIBRATED_SKEPTICISM, "overpromises accuracy"),
    (QualityId.CALIBRATED_SKEPTICISM, "trusts the output wholesale"),
)
ALARM = (
    (QualityId.LIMITATION_COMMUNICATION, "alarms the listener or rejects the AI outright"),
    (QualityId.CALIBRATED_SKEPTICISM, "rejects the output wholesale"),
)
JARGON = ((QualityId.LIMITATION_COMMUNICATION, "buries the listener in jargon"),)
GROUNDED_SIGNALS = 2
"""Solid or advanced signals an answer needs to count as grounded."""


def stance(question: Question) -> Stance | None:
    """Where the stakeholder of a role-play question starts; None for a question without one."""
    if question.format is not Format.STAKEHOLDER_ROLEPLAY or question.stakeholder_trust is None:
        return None
    return Stance(question.stakeholder_trust)


def trust_path(question: Question, answers: list[str]) -> list[TrustStep]:
    """The stakeholder's trust at the start and after each answer; empty for a question without one."""
    start = stance(question)
    if start is None:
        return []
    trust = 2 if start is Stance.OVER else -2
    steps = [TrustStep(answer=0, trust=trust, why="where they start")]
    for number, answer in enumerate(answers, start=1):
        trust, why, quote = _move(trust, answer)
        steps.append(TrustStep(answer=number, trust=trust, why=why, quote=quote))
    return steps


def prompt_view(steps: list[TrustStep]) -> dict[str, object] | None:
    """Where the stakeholder's trust stands, for the interviewer's turn template; None without a stakeholder."""
    if not steps:
        return None
    return {
        "trust": steps[-1].label,
        "moved": steps[-1].why,
        "path": [step.label for step in steps],
        "line": next_line(steps),
    }


def next_line(steps: list[TrustStep]) -> str:
    """What the stakeholder says next, from where their trust stands."""
    return LINES[steps[-1].trust]


def _move(trust: int, answer: str) -> tuple[int, str, str | None]:
    read = (QualityId.LIMITATION_COMMUNICATION, QualityId.CALIBRATED_SKEPTICISM)
    found = {q: find_signals(qualities()[q], answer) for q in read}
    hype, alarm, jargon = (_first(found, kind) for kind in (HYPE, ALARM, JARGON))
    grounded = [s for f in found.values() for s in (*f.solid.values(), *f.advanced.values())]
    if alarm and trust > 0:
        return -1, "alarm swung them from over-trusting to doubt", alarm
    if trust <= 0 and (alarm or jargon):
        why = "alarm or jargon pushed them further away" if trust < 0 else "alarm or jargon made them doubt it"
        return max(-2, trust - 1), why, alarm or jargon
    if hype:
        if trust >= 0:
            return min(2, trust + 1), "hype or vague reassurance pushed them further", hype
        return max(-2, trust - 1), "it sounded like a sales pitch, so they pulled away", hype
    if len(grounded) >= GROUNDED_SIGNALS:
        step = -1 if trust > 0 else 1 if trust < 0 else 0
        return trust + step, "a grounded, specific answer moved them towards calibrated trust", grounded[0]
    return trust, "nothing in the answer moved them", None


def _first(found: dict[QualityId, Findings], kind: tuple[tuple[QualityId, str], ...]) -> str | None:
    for quality, label in kind:
        sentence = found[quality].red_flags.get(label) or found[quality].basic.get(label)
        if sentence:
            return sentence
    return None
