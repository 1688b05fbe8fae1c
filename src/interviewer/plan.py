"""A practice plan from the graded history: the weakest qualities, and what to practise on each.

Weakness is read from grades alone (interview answers and practice attempts), never from the
candidate's self-ratings. For each of the two or three weakest qualities the plan offers a drill
that exercises it (where one does), a question that probes it and has not been answered yet, and a
retry of the weakest answer on it. A plan is stored when it is made, so its steps stay put and are
marked done as they are practised, until the candidate asks for a new one.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from statistics import mean

from pydantic import BaseModel, Field

from .domain import AnswerGrade, QualityId, Role
from .drills import drills_for
from .practice import practice_attempts
from .questions import bank, by_id
from .rubric import qualities
from .storage import Store

MOST_QUALITIES = 3


class StepKind(StrEnum):
    """What a plan step asks for."""

    DRILL = "drill"
    QUESTION = "question"
    RETRY = "retry"


class Weakness(BaseModel):
    """A quality among the weakest, with the evidence for it."""

    quality: QualityId
    mean: float
    graded: int
    """How many graded answers and attempts the mean is over."""


class PlanStep(BaseModel):
    """One thing to practise."""

    kind: StepKind
    item_id: str
    """The drill or question to open."""
    quality: QualityId
    title: str
    why: str
    done: bool = False


class Plan(BaseModel):
    """The plan in use."""

    id: str
    made_at: datetime
    role: Role
    weakest: list[Weakness]
    steps: list[PlanStep] = Field(default_factory=list)

    @property
    def finished(self) -> bool:
        """Whether every step has been practised."""
        return bool(self.steps) and all(s.done for s in self.steps)


def _graded(store: Store) -> list[tuple[datetime, str, AnswerGrade]]:
    """Every grade there is (interview answers, then practice attempts), with when and what it was on."""
    graded = [(when, grade.question_id, grade) for when, _role, grade in store.graded_answers()]
    graded += [(a.at, a.item_id, a.grade) for a in practice_attempts(store) if a.grade is not None]
    return graded


def weakest(store: Store, count: int = MOST_QUALITIES) -> list[Weakness]:
    """The qualities with the lowest mean graded score, weakest first (none without graded answers)."""
    return _weakest(_graded(store), count)


def _weakest(graded: list[tuple[datetime, str, AnswerGrade]], count: int) -> list[Weakness]:
    scores: dict[QualityId, list[int]] = {}
    for _when, _item, grade in graded:
        for g in grade.grades:
            if g.score is not None:
                scores.setdefault(g.quality, []).append(g.score)
    ranked = sorted(scores, key=lambda q: (mean(scores[q]), -len(scores[q])))
    return [Weakness(quality=q, mean=round(mean(scores[q]), 2), graded=len(scores[q])) for q in ranked[:count]]


def make_plan(store: Store, role: Role) -> Plan | None:
    """A new plan from the history so far, stored as the one in use; None when nothing is graded yet."""
    graded = _graded(store)
    weak = [w for w in _weakest(graded, MOST_QUALITIES) if w.mean < 4]
    if not weak:
        return None
    practised = {item for _when, item, _grade in graded}
    steps: list[PlanStep] = []
    for w in weak:
        chosen = {s.item_id for s in steps}
        name = qualities()[w.quality].name
        basis = f"{name} is among your weakest: a mean of {w.mean:g} over {w.graded} graded answer(s)."
        drill = next(
            (d for d in drills_for(role) if w.quality in d.qualities and d.id not in practised | chosen),
            None,
        )
        if drill is not None:
            steps.append(
                PlanStep(kind=StepKind.DRILL, item_id=drill.id, quality=w.quality, title=drill.title, why=basis)
            )
        fresh = next(
            (
                q
                for q in bank()
                if role in q.roles and q.primary_quality is w.quality and q.id not in practised | chosen
            ),
            None,
        )
        if fresh is not None:
            steps.append(
                PlanStep(kind=StepKind.QUESTION, item_id=fresh.id, quality=w.quality, title=fresh.text, why=basis)
            )
        retry = _weakest_answer(graded, w.quality)
        if retry is not None and retry not in {s.item_id for s in steps}:
            text = by_id(retry).text
            steps.append(
                PlanStep(
                    kind=StepKind.RETRY,
                    item_id=retry,
                    quality=w.quality,
                    title=text,
                    why=f"Your lowest-graded answer on {name}: answer it again and compare.",
                )
            )
    plan = Plan(id=uuid.uuid4().hex, made_at=datetime.now(UTC), role=role, weakest=weak, steps=steps)
    store.save_plan(plan.id, plan.made_at, plan.model_dump(mode="json"))
    return plan


def _weakest_answer(graded: list[tuple[datetime, str, AnswerGrade]], quality: QualityId) -> str | None:
    in_bank = {q.id for q in bank()}
    scored = [
        (g.score, -when.timestamp(), item)
        for when, item, grade in graded
        for g in grade.grades
        if g.quality is quality and g.score is not None and item in in_bank
    ]
    return min(scored)[2] if scored else None


def current_plan(store: Store) -> Plan | None:
    """The plan in use, with each step marked done once it has been practised since the plan was made."""
    stored = store.latest_plan()
    if stored is None:
        return None
    plan = Plan.model_validate(stored)
    since = {item for when, item, _grade in _graded(store) if when > plan.made_at}
    for step in plan.steps:
        step.done = step.item_id in since
    return plan
