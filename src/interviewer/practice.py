"""Practice outside an interview: a question answered again, or a critique drill, attempt beside attempt.

An attempt is graded like any answer and stored; a question's history also holds every interview's
exchange on it, so the first attempt to compare against may be the answer given in a mock interview.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from .answers import clean_answer
from .backends import Backend
from .domain import AnswerGrade, QualityId, Question
from .drills import Drill, DrillResult, grade_drill
from .grading import GradingItem, grade_exchange
from .storage import AttemptRow, Store


class AttemptKind(StrEnum):
    """What was practised."""

    QUESTION = "question"
    DRILL = "drill"


class Attempt(BaseModel):
    """One go at a question or a drill, with its grade."""

    id: str
    kind: AttemptKind
    item_id: str
    at: datetime
    answers: list[str]
    grade: AnswerGrade | None
    """None for an interview answer that was never graded."""
    drill: DrillResult | None = None
    """For a drill: the count against its key (``grade`` is its grade)."""
    seconds: float | None = None
    session_id: str | None = None
    """The interview it was part of, when it was not a practice attempt."""
    backend: str = ""
    notice: str = ""
    """What the candidate should know about how their answer was kept (trimmed, characters replaced)."""


def practise_question(
    backend: Backend, store: Store | None, question: Question, answer: str, seconds: float | None = None
) -> Attempt:
    """Grade one more answer to a bank question, and store it.

    Raises:
        AnswerError: the answer is empty.
        GradingError, LLMError: the model could not grade it (nothing is stored).
        StorageError: it was graded but could not be stored.
    """
    cleaned, notice = clean_answer(answer)
    grade = grade_exchange(backend.grader, GradingItem.from_question(question, [cleaned]))
    attempt = _new(AttemptKind.QUESTION, question.id, cleaned, grade, None, seconds, backend, notice)
    _store(store, attempt)
    return attempt


def practise_drill(
    backend: Backend, store: Store | None, drill: Drill, answer: str, seconds: float | None = None
) -> Attempt:
    """Grade a critique of a drill against its planted defects, and store it.

    Raises:
        AnswerError: the answer is empty.
        GradingError, LLMError: the model could not grade it (nothing is stored).
        StorageError: it was graded but could not be stored.
    """
    cleaned, notice = clean_answer(answer)
    result = grade_drill(backend.grader, drill, [cleaned])
    attempt = _new(AttemptKind.DRILL, drill.id, cleaned, result.grade, result, seconds, backend, notice)
    _store(store, attempt)
    return attempt


def _new(
    kind: AttemptKind,
    item_id: str,
    answer: str,
    grade: AnswerGrade,
    drill: DrillResult | None,
    seconds: float | None,
    backend: Backend,
    notice: str,
) -> Attempt:
    return Attempt(
        id=uuid.uuid4().hex,
        kind=kind,
        item_id=item_id,
        at=datetime.now(UTC),
        answers=[answer],
        grade=grade,
        drill=drill,
        seconds=seconds,
        backend=backend.name,
        notice=notice,
    )


def _store(store: Store | None, attempt: Attempt) -> None:
    """Keep an attempt: a drill's whole result (its grade inside), or a question's grade (as ``_from_row`` reads)."""
    if store is None:
        return
    result = (
        {"drill": attempt.drill.model_dump(mode="json")}
        if attempt.drill
        else {"grade": attempt.grade.model_dump(mode="json") if attempt.grade else None}
    )
    store.save_attempt(
        AttemptRow(
            id=attempt.id,
            created_at=attempt.at,
            kind=attempt.kind.value,
            item_id=attempt.item_id,
            backend=attempt.backend,
            answer=attempt.answers[0],
            seconds=attempt.seconds,
            result=result,
        )
    )


def _from_row(row: AttemptRow) -> Attempt:
    drill = DrillResult.model_validate(row.result["drill"]) if "drill" in row.result else None
    grade = drill.grade if drill else AnswerGrade.model_validate(row.result["grade"])
    return Attempt(
        id=row.id,
        kind=AttemptKind(row.kind),
        item_id=row.item_id,
        at=row.created_at,
        answers=[row.answer],
        grade=grade,
        drill=drill,
        seconds=row.seconds,
        backend=row.backend,
    )


def practice_attempts(store: Store) -> list[Attempt]:
    """Every practice attempt (not interview answers), oldest first."""
    return [_from_row(r) for r in store.load_attempts()]


def history(store: Store, kind: AttemptKind, item_id: str) -> list[Attempt]:
    """Every attempt at one question (interview answers included) or one drill, oldest first."""
    attempts = [_from_row(r) for r in store.load_attempts(kind.value, item_id)]
    if kind is AttemptKind.QUESTION:
        attempts += [
            Attempt(
                id=f"{a.session_id}:{item_id}",
                kind=kind,
                item_id=item_id,
                at=a.created_at,
                answers=a.answers,
                grade=a.grade,
                seconds=a.seconds,
                session_id=a.session_id,
            )
            for a in store.answers_to(item_id)
        ]
    return sorted(attempts, key=lambda a: a.at)


class LevelChange(BaseModel):
    """One quality's level in two attempts, with the quotes behind each."""

    quality: QualityId
    before: int | None
    after: int | None
    before_quotes: list[str] = Field(default_factory=list)
    after_quotes: list[str] = Field(default_factory=list)

    @property
    def moved(self) -> str:
        """Up, down or the same; empty when either attempt has no level for it."""
        if self.before is None or self.after is None:
            return ""
        return "up" if self.after > self.before else "down" if self.after < self.before else "same"


class Comparison(BaseModel):
    """What changed from one attempt to the next."""

    levels: list[LevelChange]
    newly_covered: list[str]
    """Strong-answer points (or a drill's defects and actions) the later attempt covers and the earlier did not."""
    lost: list[str]
    """Points the earlier attempt covered and the later does not."""


def compare(before: Attempt, after: Attempt) -> Comparison:
    """Attempt beside attempt: the level per quality, and which points are newly covered or lost."""
    qualities: list[QualityId] = []
    for attempt in (before, after):
        for g in attempt.grade.grades if attempt.grade else []:
            if g.quality not in qualities:
                qualities.append(g.quality)

    def grade_of(attempt: Attempt, quality: QualityId) -> tuple[int | None, list[str]]:
        found = attempt.grade.grade_for(quality) if attempt.grade else None
        return (found.score, list(found.evidence)) if found else (None, [])

    levels = []
    for quality in qualities:
        (b, bq), (a, aq) = grade_of(before, quality), grade_of(after, quality)
        levels.append(LevelChange(quality=quality, before=b, after=a, before_quotes=bq, after_quotes=aq))
    was = {p.point for p in before.grade.checklist if p.covered} if before.grade else set()
    now = [p.point for p in after.grade.checklist if p.covered] if after.grade else []
    latest = after.grade or before.grade
    order = [p.point for p in latest.checklist] if latest else []
    return Comparison(
        levels=levels,
        newly_covered=[p for p in order if p in now and p not in was],
        lost=[p for p in order if p in was and p not in now],
    )
