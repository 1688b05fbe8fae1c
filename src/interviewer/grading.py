"""Grading: what is graded, the grader interface, and the LLM grader driven by a template set."""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, Field

from . import prompt_context
from .budget import fit_texts
from .checklist import check_points
from .config import DEFAULT_BUDGET
from .domain import (
    AnswerGrade,
    LLMGradeOutput,
    PointCheck,
    PointVerdict,
    QualityGrade,
    QualityId,
    Question,
    StrongPoint,
)
from .errors import GradingError
from .grounding import ground, is_evidence
from .llm import LLM, LLMRequest, Message, SystemBlock, complete_structured
from .rubric import qualities as all_qualities
from .templates import TemplateSet

GRADER_MAX_TOKENS = 2048


class GradingItem(BaseModel):
    """One question's exchange to grade: the question and every answer the candidate gave to it."""

    question_id: str
    question_text: str
    answers: list[str]
    follow_ups: list[str] = Field(default_factory=list)
    """The interviewer's follow-up questions: ``follow_ups[i]`` was asked after ``answers[i]``."""
    qualities: list[QualityId]
    primary: QualityId | None = None
    strong_answer: list[StrongPoint] = Field(default_factory=list)

    @classmethod
    def from_question(cls, question: Question, answers: list[str], follow_ups: list[str] | None = None) -> GradingItem:
        """The item for a bank question."""
        return cls(
            question_id=question.id,
            question_text=question.text,
            answers=answers,
            follow_ups=follow_ups or [],
            qualities=list(question.qualities),
            primary=question.primary_quality,
            strong_answer=list(question.strong_answer),
        )

    @property
    def source(self) -> str:
        """The candidate's words, against which quotes are checked."""
        return "\n".join(self.answers)


class Grader(Protocol):
    """Anything that grades an exchange."""

    name: str

    def grade(self, item: GradingItem) -> AnswerGrade:
        """Grade every quality the item names; quotes must come from ``item.answers``."""
        ...


LLM_PREFIX = "llm:"


def grader_name(model: str) -> str:
    """How grades name a model grader: ``llm:<model id>``."""
    return LLM_PREFIX + model


def model_of(grader: str) -> str:
    """The model id in a model grader's name."""
    return grader.removeprefix(LLM_PREFIX)


class LLMGrader:
    """Grades through a model with the set's grader templates; checks the result in code.

    Args:
        llm: the backend that answers.
        templates: the template set holding ``grader_system.j2`` and ``grader_user.j2``.
        model: the model to ask.
        budget: estimated input tokens a grading request may use; long answers are shortened to fit.
    """

    def __init__(self, llm: LLM, templates: TemplateSet, model: str, budget: int = DEFAULT_BUDGET) -> None:
        self.llm = llm
        self.templates = templates
        self.model = model
        self.budget = budget
        self.name = grader_name(model)

    def request(self, item: GradingItem) -> LLMRequest:
        """The grading request for an item (the system prompt, the whole rubric, is cached)."""
        system = self.templates.render_stable("grader_system.j2", prompt_context.grader_system())

        def build(answers: list[str]) -> LLMRequest:
            user = self.templates.render(
                "grader_user.j2",
                prompt_context.grader_user(
                    item.question_text, answers, item.follow_ups, item.qualities, [p.text for p in item.strong_answer]
                ),
            )
            return LLMRequest(
                purpose="grader",
                model=self.model,
                system=[SystemBlock(text=system, cache=True)],
                messages=[Message(role="user", content=user)],
                max_tokens=GRADER_MAX_TOKENS,
                meta={
                    "purpose": "grader",
                    "question": item.question_id,
                    "qualities": ",".join(q.value for q in item.qualities),
                    "points": str(len(item.strong_answer)),
                },
            )

        return fit_texts(build, item.answers, self.budget)

    def grade(self, item: GradingItem) -> AnswerGrade:
        """Grade, keeping only the asked-for qualities; the grade carries the tokens it cost.

        Quotes are checked against the answers once, by ``grade_exchange``.

        Raises:
            GradingError: the reply stays invalid after a re-ask, or omits a quality (with ``usage`` spent).
        """
        output, usage = complete_structured(self.llm, self.request(item), LLMGradeOutput)
        by_quality: dict[QualityId, QualityGrade] = {}
        for grade in output.grades:
            by_quality.setdefault(grade.quality, grade)
        missing = [all_qualities()[q].name for q in item.qualities if q not in by_quality]
        if missing:
            error = GradingError(f"the grader left out {', '.join(missing)}")
            error.usage = usage
            raise error
        return AnswerGrade(
            question_id=item.question_id,
            grades=[by_quality[q] for q in item.qualities],
            grader=self.name,
            templates=self.templates.label,
            feedback=output.feedback,
            checklist=model_checklist(item, output.checklist),
            usage=usage,
        )


def grade_exchange(grader: Grader, item: GradingItem) -> AnswerGrade:
    """Grade an exchange and keep only quotes that are the candidate's own words: how every grade is made."""
    return ground(grader.grade(item), item.source)


def model_checklist(item: GradingItem, verdicts: list[PointVerdict]) -> list[PointCheck]:
    """The model's verdict on each strong-answer point, trusted only with a quote found in the answers.

    A point the model calls covered with no quote, or with words the candidate never said, is shown as
    missing. Without a verdict for every point (a template set that does not ask for them), the offline
    check of the points stands in.
    """
    by_point = {v.point: v for v in verdicts}
    if not item.strong_answer or any(n not in by_point for n in range(1, len(item.strong_answer) + 1)):
        return check_points(item.strong_answer, item.answers)
    checks = []
    for number, point in enumerate(item.strong_answer, start=1):
        quote = (by_point[number].quote or "").strip()
        covered = by_point[number].covered and bool(quote) and is_evidence(quote, item.source)
        checks.append(PointCheck(point=point.text, covered=covered, evidence=quote if covered else None))
    return checks
