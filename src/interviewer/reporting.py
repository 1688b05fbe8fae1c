"""The final report: by answer, scores summarised in code, role fit from evidence, and a narrative.

The narrative (strengths, gaps and, with a model, a stronger rewrite of one answer) comes from the
model or from the offline reporter; everything else is computed here, the same for every backend.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import mean
from typing import TYPE_CHECKING, Protocol

from . import prompt_context
from .budget import fit_texts
from .config import DEFAULT_BUDGET
from .domain import (
    AnswerGrade,
    AnswerReview,
    InterviewConfig,
    QualitySummary,
    Question,
    Report,
    ReportNarrative,
    Score,
    Usage,
)
from .errors import InterviewerError
from .llm import LLM, LLMRequest, Message, SystemBlock, complete_structured
from .role_fit import fit_role
from .rubric import qualities as all_qualities
from .sentences import without_addressed
from .stakeholder import trust_path
from .summary import summarise
from .templates import TemplateSet

if TYPE_CHECKING:
    from .backends import Backend

REPORT_MAX_TOKENS = 2500
STRENGTH_LEVEL = 3
"""A quality is named a strength only from this level up, and only with a quote."""
MAX_ITEMS = 3


NOT_GRADED_YET = "grading is still running"


@dataclass
class Exchange:
    """One question with the candidate's answers, the follow-ups asked, and its grade (None: not yet)."""

    question: Question
    answers: list[str]
    grade: AnswerGrade | None
    follow_ups: list[str] = field(default_factory=list)
    error: str = ""
    """Why grading failed, when it did (it is retried later)."""
    seconds: float | None = None
    """How long the first answer took, when it was measured."""


def review_answers(exchanges: list[Exchange], self_ratings: dict[str, int] | None = None) -> list[AnswerReview]:
    """The report's answers, numbered in the order asked, with any self-rating the candidate gave."""
    ratings = self_ratings or {}
    return [
        AnswerReview(
            number=number,
            question_id=x.question.id,
            question=x.question.text,
            primary=x.question.primary_quality,
            follow_ups=x.follow_ups,
            answers=x.answers,
            grade=x.grade,
            not_graded_why="" if x.grade is not None else (x.error or NOT_GRADED_YET),
            exemplar=x.question.exemplar,
            self_rating=_score(ratings.get(x.question.id)),
            seconds=x.seconds,
            trust=trust_path(x.question, x.answers),
        )
        for number, x in enumerate(exchanges, start=1)
    ]


def _score(value: int | None) -> Score | None:
    return value if value in (1, 2, 3, 4) else None  # type: ignore[return-value]


def mean_score(answer: AnswerReview) -> float | None:
    """Mean of an answer's assessed scores."""
    scores = [g.score for g in answer.graded_on if g.score is not None]
    return mean(scores) if scores else None


def weakest(answers: list[AnswerReview]) -> AnswerReview:
    """The answered question with the lowest mean score (unassessed counts as lowest)."""
    answered = [a for a in answers if a.answers] or answers
    return min(answered, key=lambda a: (mean_score(a) if mean_score(a) is not None else 0.0, a.number))


def asked_in(question_ids: list[str], answers: list[AnswerReview]) -> str:
    """Where a summary comes from, in the candidate's numbering: "question 2" or "questions 1 and 3"."""
    numbers = [str(a.number) for a in answers if a.question_id in question_ids]
    if not numbers:
        return "no question"
    if len(numbers) == 1:
        return f"question {numbers[0]}"
    return f"questions {', '.join(numbers[:-1])} and {numbers[-1]}"


class Reporter(Protocol):
    """Writes the report's narrative."""

    def narrative(
        self, config: InterviewConfig, answers: list[AnswerReview], summaries: list[QualitySummary]
    ) -> tuple[ReportNarrative, Usage]:
        """Strengths, gaps and, where the reporter can write one, a stronger rewrite; and the tokens spent."""
        ...


class OfflineReporter:
    """Builds the narrative from the grades alone; it writes no rewrite (the bank's exemplars stand in)."""

    def narrative(
        self, config: InterviewConfig, answers: list[AnswerReview], summaries: list[QualitySummary]
    ) -> tuple[ReportNarrative, Usage]:
        """Strengths only from level 3 up with a quote; gaps with the advice of the answer that set the score."""
        rubric = all_qualities()
        strengths: list[str] = []
        named: set[str] = set()
        graded = [(a, g) for a in answers for g in a.graded_on if g.score is not None and g.evidence]
        for a, g in sorted(graded, key=lambda ag: (-(ag[1].score or 0), ag[1].quality is not ag[0].primary)):
            if (g.score or 0) < STRENGTH_LEVEL or g.quality.value in named:
                continue
            named.add(g.quality.value)
            strengths.append(
                f"{rubric[g.quality].name} ({g.score}/4) in your answer to question {a.number}: "
                f"you said \u201c{g.evidence[0]}\u201d"
            )
        assessed = sorted((s for s in summaries if s.score is not None), key=lambda s: s.score or 0)
        gaps = [
            f"{rubric[s.quality].name} ({s.score:g}/4, from {asked_in(s.from_questions, answers)}): {s.improvement}"
            for s in assessed
            if (s.score or 0) < STRENGTH_LEVEL
        ]
        unassessed = [s for s in summaries if s.score is None]
        if unassessed:
            gaps.append(
                "Not assessed: "
                + ", ".join(f"{rubric[s.quality].name} ({asked_in(s.probed_in, answers)})" for s in unassessed)
                + ". The offline grader found no signs of these it can recognise; that is not a verdict on them."
            )
        waiting = [a for a in answers if a.grade is None and a.answers]
        if waiting:
            gaps.append(f"Not graded yet: {asked_in([a.question_id for a in waiting], answers)}.")
        narrative = ReportNarrative(
            strengths=strengths[:MAX_ITEMS]
            or ["No answer reached level 3 on any quality in this interview yet; the gaps say what to add."],
            gaps=gaps[: MAX_ITEMS + 2] or ["No quality below level 3 among those the offline grader could assess."],
        )
        return narrative, Usage()


class LLMReporter:
    """Asks the model for the narrative through the set's report templates, checking it in code."""

    def __init__(self, llm: LLM, templates: TemplateSet, model: str, budget: int = DEFAULT_BUDGET) -> None:
        self.llm = llm
        self.templates = templates
        self.model = model
        self.budget = budget

    def request(
        self, config: InterviewConfig, answers: list[AnswerReview], summaries: list[QualitySummary]
    ) -> LLMRequest:
        """The report request: roles and rubric, then the graded interview, shortened to the budget."""
        rubric = all_qualities()
        scores = [
            {
                "quality": s.quality.value,
                "name": rubric[s.quality].name,
                "score": s.score,
                "evidence": s.evidence,
            }
            for s in summaries
        ]
        system = self.templates.render_stable("report_system.j2", prompt_context.report_system())

        def build(texts: list[str]) -> LLMRequest:
            remaining = iter(texts)
            rows = [
                {
                    "question_id": a.question_id,
                    "question": a.question,
                    "answers": [next(remaining) for _ in a.answers],
                    "mean_score": mean_score(a),
                    "graded": a.grade is not None,
                }
                for a in answers
            ]
            return LLMRequest(
                purpose="report",
                model=self.model,
                # Not marked: one report is written per interview, so a cached copy would not be read again.
                system=[SystemBlock(text=system)],
                messages=[
                    Message(
                        role="user",
                        content=self.templates.render(
                            "report_user.j2", prompt_context.report_user(config, scores, rows)
                        ),
                    )
                ],
                max_tokens=REPORT_MAX_TOKENS,
                meta={"purpose": "report", "questions": ",".join(a.question_id for a in answers if a.answers)},
            )

        return fit_texts(build, [t for a in answers for t in a.answers], self.budget)

    def narrative(
        self, config: InterviewConfig, answers: list[AnswerReview], summaries: list[QualitySummary]
    ) -> tuple[ReportNarrative, Usage]:
        """The model's narrative; the rewrite targets an answered question and repeats nothing said to the grader."""
        output, usage = complete_structured(self.llm, self.request(config, answers, summaries), ReportNarrative)
        target = output.rewrite_question_id
        if target not in {a.question_id for a in answers if a.answers}:
            target = weakest(answers).question_id
        narrative = output.model_copy(
            update={"rewrite_question_id": target, "stronger_answer": without_addressed(output.stronger_answer)}
        )
        return narrative, usage


def build_report(
    session_id: str,
    config: InterviewConfig,
    exchanges: list[Exchange],
    backend: Backend,
    self_ratings: dict[str, int] | None = None,
    usage: Usage | None = None,
    narrative: tuple[ReportNarrative, Usage] | None = None,
) -> Report:
    """The report for graded exchanges, the same way for the app, the terminal and ``interviewer review``.

    ``narrative`` is one written already (beside the last grade, with its tokens); without it the
    reporter writes one now. With answers not graded yet, or when the model cannot write the
    narrative, the offline narrative stands in and the report is not final: it fills in when it is
    built again.
    """
    answers = review_answers(exchanges, self_ratings)
    summaries = summarise(answers)
    narrative_offline = False
    if any(a.grade is None for a in answers):
        written, spent = OfflineReporter().narrative(config, answers, summaries)
        narrative_offline = not backend.heuristic
    elif narrative is not None:
        written, spent = narrative
    else:
        try:
            written, spent = backend.reporter.narrative(config, answers, summaries)
        except InterviewerError:
            written, spent = OfflineReporter().narrative(config, answers, summaries)
            narrative_offline = True
    return Report(
        session_id=session_id,
        config=config,
        answers=answers,
        qualities=summaries,
        narrative=written,
        role_fit=fit_role(config.role, answers, summaries),
        grader=backend.grader.name,
        template_set=backend.templates.title,
        template_hash=backend.templates.content_hash,
        usage=(usage or Usage()) + spent,
        narrative_usage=spent,
        dropped_quotes=sum(a.grade.dropped_quotes for a in answers if a.grade is not None),
        heuristic=backend.heuristic,
        narrative_offline=narrative_offline,
    )
