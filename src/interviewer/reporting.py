"""The final report: scores recomputed in code, and a narrative from the model or the offline reporter."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import mean
from typing import Protocol

from . import prompt_context
from .budget import fit_texts
from .config import DEFAULT_BUDGET
from .domain import (
    ROLE_TITLES,
    AnswerGrade,
    InterviewConfig,
    QualityId,
    QualitySummary,
    Question,
    ReportNarrative,
    Role,
    Usage,
)
from .llm import LLM, LLMRequest, Message, SystemBlock, complete_structured
from .rubric import qualities as all_qualities
from .templates import TemplateSet

REPORT_MAX_TOKENS = 2500

# Which qualities weigh most for each role, for the role-fit reflection.
ROLE_WEIGHTS: dict[Role, dict[QualityId, float]] = {
    Role.BUILDER: {
        QualityId.TECHNICAL_CURIOSITY: 2.0,
        QualityId.PROBABILISTIC_THINKING: 2.0,
        QualityId.CALIBRATED_SKEPTICISM: 1.0,
        QualityId.PROMPTING_AS_THINKING: 1.0,
    },
    Role.INTEGRATOR: {
        QualityId.USER_EMPATHY: 2.0,
        QualityId.LIMITATION_COMMUNICATION: 2.0,
        QualityId.STAKEHOLDER_COMMUNICATION: 1.0,
        QualityId.CALIBRATED_SKEPTICISM: 1.0,
        QualityId.PRIORITIZATION: 1.0,
    },
    Role.ORCHESTRATOR: {
        QualityId.CALIBRATED_SKEPTICISM: 2.0,
        QualityId.PROMPTING_AS_THINKING: 2.0,
        QualityId.PRODUCT_ALTITUDE: 1.0,
        QualityId.SAYING_NO: 1.0,
        QualityId.PRIORITIZATION: 1.0,
    },
}


@dataclass
class Exchange:
    """One question with the candidate's answers and its grade."""

    question: Question
    answers: list[str]
    grade: AnswerGrade | None

    @property
    def mean_score(self) -> float | None:
        """Mean of the assessed scores of this exchange."""
        scores = [g.score for g in self.grade.grades if g.score is not None] if self.grade else []
        return mean(scores) if scores else None


def summarise(grades: list[AnswerGrade]) -> list[QualitySummary]:
    """Each quality's mean score over the interview, with its best evidence and an improvement."""
    summaries = []
    for qid in all_qualities():
        graded = [g for a in grades for g in a.grades if g.quality is qid]
        assessed = [g for g in graded if g.score is not None]
        if not graded:
            continue
        score = round(mean(g.score for g in assessed if g.score is not None), 2) if assessed else None
        evidence = [quote for g in sorted(assessed, key=lambda g: -(g.score or 0)) for quote in g.evidence][:3]
        weakest = min(graded, key=lambda g: g.score if g.score is not None else 0)
        summaries.append(QualitySummary(quality=qid, score=score, evidence=evidence, improvement=weakest.improvement))
    return summaries


def role_fit(summaries: list[QualitySummary]) -> dict[Role, float]:
    """A weighted score per role from the quality scores (unassessed qualities are left out)."""
    scores = {s.quality: s.score for s in summaries if s.score is not None}
    fit: dict[Role, float] = {}
    for role, weights in ROLE_WEIGHTS.items():
        used = {q: w for q, w in weights.items() if q in scores}
        fit[role] = sum(scores[q] * w for q, w in used.items()) / sum(used.values()) if used else 0.0
    return fit


def weakest(exchanges: list[Exchange]) -> Exchange:
    """The answered exchange with the lowest mean score (unassessed counts as lowest)."""
    answered = [x for x in exchanges if x.answers] or exchanges
    return min(answered, key=lambda x: x.mean_score if x.mean_score is not None else 0.0)


class Reporter(Protocol):
    """Writes the report's narrative."""

    last_usage: Usage
    """The tokens of the latest narrative (zero without a model)."""

    def narrative(
        self, config: InterviewConfig, exchanges: list[Exchange], summaries: list[QualitySummary]
    ) -> ReportNarrative:
        """Strengths, gaps, a stronger rewrite of a weak answer, and the role fit."""
        ...


class OfflineReporter:
    """Builds the narrative from the scores and the bank's notes on strong answers."""

    last_usage = Usage()

    def narrative(
        self, config: InterviewConfig, exchanges: list[Exchange], summaries: list[QualitySummary]
    ) -> ReportNarrative:
        """A narrative made without a model, from scores, evidence and strong-answer notes."""
        rubric = all_qualities()
        assessed = sorted((s for s in summaries if s.score is not None), key=lambda s: -(s.score or 0))
        strengths = [
            f"{rubric[s.quality].name} ({s.score:g}/4): you said \u201c{s.evidence[0]}\u201d"
            for s in assessed
            if s.score is not None and s.score >= 2.5 and s.evidence
        ][:3]
        gaps = [
            f"{rubric[s.quality].name} ({s.score:g}/4): {s.improvement}"
            for s in reversed(assessed)
            if (s.score or 0) < 3
        ][:3]
        unassessed = [rubric[s.quality].name for s in summaries if s.score is None]
        if unassessed:
            gaps.append(f"Not enough evidence to assess: {', '.join(unassessed)}.")
        target = weakest(exchanges)
        fit = role_fit(summaries)
        best = max(fit, key=lambda r: (fit[r], r is config.role))
        return ReportNarrative(
            strengths=strengths or ["No quality reached a solid level yet; the gaps below say what to add."],
            gaps=gaps or ["No major gaps found by the heuristic grader."],
            rewrite_question_id=target.question.id,
            stronger_answer=_stronger(target),
            role_fit=best,
            role_fit_reason=(
                f"Your scores weigh most towards {ROLE_TITLES[best]} "
                f"({', '.join(f'{ROLE_TITLES[r]} {v:.1f}' for r, v in fit.items())}, weighted means of the "
                "qualities each role leans on). This is a heuristic reading of your scores."
            ),
        )


def _stronger(exchange: Exchange) -> str:
    said = " ".join(exchange.answers).strip() or "(no answer given)"
    additions = " ".join(
        f"I'd also {point[0].lower()}{point[1:].rstrip('.')}." for point in exchange.question.strong_answer
    )
    return f"{said}\n\n{additions}" if additions else said


class LLMReporter:
    """Asks the model for the narrative through the set's report templates, checking it in code."""

    def __init__(self, llm: LLM, templates: TemplateSet, model: str, budget: int = DEFAULT_BUDGET) -> None:
        self.llm = llm
        self.templates = templates
        self.model = model
        self.budget = budget
        self.last_usage = Usage()

    def request(
        self, config: InterviewConfig, exchanges: list[Exchange], summaries: list[QualitySummary]
    ) -> LLMRequest:
        """The report request: roles and rubric (cached), then the graded interview, shortened to the budget."""
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
        system = self.templates.render("report_system.j2", prompt_context.report_system())

        def build(answers: list[str]) -> LLMRequest:
            remaining = iter(answers)
            rows = [
                {
                    "question_id": x.question.id,
                    "question": x.question.text,
                    "answers": [next(remaining) for _ in x.answers],
                    "mean_score": x.mean_score,
                }
                for x in exchanges
            ]
            return LLMRequest(
                purpose="report",
                model=self.model,
                system=[SystemBlock(text=system, cache=True)],
                messages=[
                    Message(
                        role="user",
                        content=self.templates.render(
                            "report_user.j2", prompt_context.report_user(config, scores, rows)
                        ),
                    )
                ],
                max_tokens=REPORT_MAX_TOKENS,
            )

        return fit_texts(build, [a for x in exchanges for a in x.answers], self.budget)

    def narrative(
        self, config: InterviewConfig, exchanges: list[Exchange], summaries: list[QualitySummary]
    ) -> ReportNarrative:
        """The model's narrative; an unknown rewrite target falls back to the weakest answer."""
        output, usage = complete_structured(self.llm, self.request(config, exchanges, summaries), ReportNarrative)
        self.last_usage = usage
        if output.rewrite_question_id not in {x.question.id for x in exchanges if x.answers}:
            output = output.model_copy(update={"rewrite_question_id": weakest(exchanges).question.id})
        return output
