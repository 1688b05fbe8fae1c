"""The question bank and how an interview's questions are chosen from it."""

from __future__ import annotations

import random
from collections.abc import Iterable
from functools import cache
from importlib import resources

from pydantic import BaseModel, ValidationError

from .content_checks import unique_ids
from .domain import Difficulty, Format, InterviewConfig, QualityId, Question
from .errors import ContentError

_DIFFICULTY_ORDER = [Difficulty.FOUNDATIONAL, Difficulty.STANDARD, Difficulty.STRETCH]


class _QuestionFile(BaseModel):
    questions: list[Question]


def load_questions_text(text: str, source: str = "questions.json") -> list[Question]:
    """Parse a question bank's text.

    Raises:
        ContentError: the text is not valid JSON, breaks the schema or repeats an id.
    """
    try:
        parsed = _QuestionFile.model_validate_json(text)
    except ValidationError as exc:
        raise ContentError(f"{source} is not a valid question bank: {exc}") from exc
    unique_ids((q.id for q in parsed.questions), source, "question")
    return parsed.questions


@cache
def bank() -> tuple[Question, ...]:
    """The embedded question bank."""
    text = resources.files("interviewer.content").joinpath("questions.json").read_text(encoding="utf-8")
    return tuple(load_questions_text(text))


def by_id(question_id: str) -> Question:
    """A question of the embedded bank by id.

    Raises:
        ContentError: no question has that id.
    """
    for q in bank():
        if q.id == question_id:
            return q
    raise ContentError(f"no question with id {question_id!r} in the bank")


def plan_questions(
    config: InterviewConfig,
    questions: Iterable[Question] | None = None,
    exclude: Iterable[str] = (),
) -> list[Question]:
    """Choose the interview's questions: fitted to role, difficulty and focus, no repeats.

    Focus qualities come first (round-robin so each gets a turn), then a spread of other
    qualities and formats; a reflection question closes interviews of four questions or more.
    Questions in ``exclude`` (asked in earlier sessions) are used only when nothing else fits.
    """
    pool = [q for q in (questions if questions is not None else bank()) if config.role in q.roles]
    if not pool:
        raise ContentError(f"the question bank has no question for role {config.role.value}")
    rng = random.Random(config.seed)
    excluded = set(exclude)
    target = _DIFFICULTY_ORDER.index(config.difficulty)

    def rank(q: Question) -> tuple[int, int, float]:
        return (q.id in excluded, abs(_DIFFICULTY_ORDER.index(q.difficulty) - target), rng.random())

    reflections = sorted((q for q in pool if q.format is Format.REFLECTION), key=rank)
    main = sorted((q for q in pool if q.format is not Format.REFLECTION), key=rank)
    wanted_main = config.num_questions - (1 if config.num_questions >= 4 and reflections else 0)

    chosen = _pick_focus(main, list(config.focus), wanted_main)
    while len(chosen) < wanted_main:
        covered = {q.primary_quality for q in chosen}
        formats = {q.format for q in chosen}
        fresh = [q for q in main if q not in chosen]
        pick = next((q for q in fresh if q.primary_quality not in covered and q.format not in formats), None)
        pick = pick or next((q for q in fresh if q.primary_quality not in covered), None)
        pick = pick or next(iter(fresh), None)
        if pick is None:
            break
        chosen.append(pick)
    if len(chosen) < config.num_questions and reflections:
        chosen.append(reflections[0])
    return chosen


def _pick_focus(main: list[Question], focus: list[QualityId], wanted: int) -> list[Question]:
    """Round-robin over the focus qualities: a question led by each, else one that probes it."""
    chosen: list[Question] = []
    while focus and len(chosen) < wanted:
        for quality in list(focus):
            fresh = [q for q in main if q not in chosen]
            pick = next((q for q in fresh if q.primary_quality is quality), None)
            pick = pick or next((q for q in fresh if quality in q.qualities), None)
            if pick is None:
                focus.remove(quality)
                continue
            chosen.append(pick)
            if len(chosen) >= wanted:
                break
    return chosen
