"""Answers drafted elsewhere, graded and reported exactly as the app grades an interview.

A review file is JSON Lines. Each line is either a bank question by id, or a question given as free
text with the qualities to grade it on; the answer is a string, or a list (the answer, then the
answers to follow-ups, whose questions may be given as ``follow_ups``)::

    {"question_id": "int-clinical-wrong-medication", "answer": "..."}
    {"question": "How would you launch ...?", "qualities": ["user_empathy"], "answer": ["...", "..."]}
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError, model_validator

from . import questions as question_bank
from .answers import clean_answer
from .backends import Backend
from .domain import Format, InterviewConfig, QualityId, Question, Report, Speaker, Transcript, Turn, TurnKind, Usage
from .errors import AnswerError, ContentError
from .grading import GradingItem, grade_exchange
from .reporting import Exchange, build_report

NonEmpty = Annotated[StrictStr, Field(min_length=1)]
UNNAMED_FOLLOW_UP = "(a follow-up question)"


class ReviewLine(BaseModel):
    """One line of a review file."""

    model_config = ConfigDict(extra="ignore")

    question_id: NonEmpty | None = None
    question: NonEmpty | None = None
    qualities: list[QualityId] = Field(default_factory=list)
    answer: NonEmpty | list[StrictStr]
    follow_ups: list[StrictStr] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_question(self) -> ReviewLine:
        if (self.question_id is None) == (self.question is None):
            raise ValueError('give either "question_id" (a bank question) or "question" (free text), not both')
        if self.question is not None and not self.qualities:
            raise ValueError('a free-text "question" needs "qualities": the quality ids to grade it on')
        return self

    @property
    def answers(self) -> list[str]:
        """The answer and any follow-up answers."""
        return [self.answer] if isinstance(self.answer, str) else list(self.answer)


def load_review(path: Path, role_config: InterviewConfig) -> tuple[list[Question], list[list[str]], list[list[str]]]:
    """The questions, answers and follow-up questions of a review file.

    Raises:
        ContentError: the file cannot be read, or a line is not valid (naming file and line).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(f"{path}: cannot read the review file: {exc}") from exc
    questions: list[Question] = []
    answers: list[list[str]] = []
    follow_ups: list[list[str]] = []
    for number, raw in enumerate(text.split("\n"), start=1):  # not splitlines(): U+2028 may sit inside a string
        if not raw.strip():
            continue
        where = f"{path}:{number}"
        try:
            line = ReviewLine.model_validate(json.loads(raw))
        except json.JSONDecodeError as exc:
            raise ContentError(f"{where}: not valid JSON: {exc.msg} (column {exc.colno})") from exc
        except RecursionError:
            raise ContentError(f"{where}: not a valid review line: nested too deeply to read") from None
        except ValueError as exc:
            if not isinstance(exc, ValidationError):
                raise ContentError(f"{where}: not valid JSON: {exc}") from None
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(line)'}: {e['msg']}" for e in exc.errors())
            raise ContentError(f"{where}: not a valid review line: {problems}") from exc
        if line.question_id is not None and line.question_id in {q.id for q in questions}:
            raise ContentError(f"{where}: question {line.question_id!r} is already reviewed on an earlier line")
        if line.question_id is not None:
            try:
                question = question_bank.by_id(line.question_id)
            except ContentError as exc:
                raise ContentError(f"{where}: {exc}") from exc
        else:
            question = Question(
                id=f"q{len(questions) + 1}",
                text=line.question or "",
                format=Format.BEHAVIOURAL,
                roles=[role_config.role],
                qualities=list(dict.fromkeys(line.qualities)),
            )
        try:
            cleaned = [clean_answer(a)[0] for a in line.answers]
        except AnswerError as exc:
            raise ContentError(f"{where}: {exc}") from exc
        if not cleaned:
            raise ContentError(f"{where}: the answer list is empty")
        questions.append(question)
        answers.append(cleaned)
        asked = line.follow_ups[: len(cleaned) - 1]
        follow_ups.append(asked + [UNNAMED_FOLLOW_UP] * (len(cleaned) - 1 - len(asked)))
    if not questions:
        raise ContentError(f"{path}: no answers to review")
    return questions, answers, follow_ups


def review(path: Path, backend: Backend, config: InterviewConfig) -> tuple[Report, Transcript]:
    """Grade every answer of a review file with the backend's grader and build the app's report.

    Raises:
        ContentError: the file is not valid.
        InterviewerError: grading failed (an outage, say).
    """
    questions, answers, follow_ups = load_review(path, config)
    exchanges = []
    turns: list[Turn] = []
    for question, said, asked in zip(questions, answers, follow_ups, strict=True):
        named = [a if a != UNNAMED_FOLLOW_UP else "" for a in asked]
        grade = grade_exchange(backend.grader, GradingItem.from_question(question, said, named))
        exchanges.append(Exchange(question, said, grade, asked))
        turns.append(
            Turn(speaker=Speaker.INTERVIEWER, kind=TurnKind.QUESTION, text=question.text, question_id=question.id)
        )
        for index, answer in enumerate(said):
            if index:
                turns.append(
                    Turn(
                        speaker=Speaker.INTERVIEWER,
                        kind=TurnKind.FOLLOW_UP,
                        text=asked[index - 1],
                        question_id=question.id,
                    )
                )
            turns.append(Turn(speaker=Speaker.CANDIDATE, kind=TurnKind.ANSWER, text=answer, question_id=question.id))
    spent = sum((x.grade.usage for x in exchanges if x.grade is not None), Usage())
    report = build_report(uuid.uuid4().hex, config, exchanges, backend, usage=spent)
    return report, Transcript(turns=turns)
