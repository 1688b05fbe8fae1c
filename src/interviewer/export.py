"""The report as a JSON document with a documented schema: the app's download and ``interviewer review``'s output.

Its schema is ``ReportDocument`` (``docs/report.schema.json`` is generated from it). It carries no
server paths, no template hash and no token figures for the offline backend; ``markdown.py`` writes
the same report for reading.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from .calibration import report_calibration
from .domain import BACKGROUND_TITLES, ROLE_TITLES, AnswerGrade, QualityId, Report, Role, Transcript
from .grader_card import trust_in
from .markdown import report_markdown, shown_score
from .rubric import qualities as all_qualities

SCHEMA_VERSION: Literal[2] = 2


class _Documented(BaseModel):
    # Field docstrings become the schema's descriptions.
    model_config = ConfigDict(use_attribute_docstrings=True)


class GradeOut(_Documented):
    """One answer's grade on one quality."""

    question_id: str
    """The question's id (a bank id, or ``q<n>`` for a question given as free text)."""
    quality: QualityId
    quality_name: str
    score: int | None
    """1 to 4, or null: not enough evidence to assess this quality in this answer."""
    evidence: list[str]
    """The candidate's own words the score rests on, verbatim."""
    rationale: str
    improvement: str
    """What this answer would add to reach the next level."""
    trust: TrustOut
    """How far this grader's scores on this quality can be trusted (its agreement with human labels)."""


class TrustOut(_Documented):
    """How far the grader's scores on this quality can be trusted: the calibration card."""

    measured: bool
    """False: not yet measured for this grader (no committed eval results for it)."""
    source: str | None
    """Where the figure comes from: ``recorded`` model replies, ``synthetic`` scripts or the offline ``heuristic``."""
    n: int
    """Labelled answers the figure rests on."""
    qwk: float | None
    """Agreement with human labels (quadratic weighted kappa: 1 perfect, 0 chance)."""
    interval: list[float] | None
    """The QWK's 95 % bootstrap interval."""
    sentence: str


class PointOut(_Documented):
    """One point of a strong answer to the question."""

    point: str
    covered: bool
    evidence: str | None
    """The candidate's sentence that covers it."""


class AnswerOut(_Documented):
    """One question of the report."""

    number: int
    question_id: str
    question: str
    main_quality: QualityId
    follow_ups: list[str]
    answers: list[str]
    grades: list[GradeOut]
    """Empty while the answer is not graded yet."""
    not_graded_why: str | None
    """Why the answer has no grades yet (grading is running, or failed and will be retried); null once graded."""
    strong_answer: list[PointOut]
    """What a strong answer to this question contains, each point covered or missing."""
    exemplar: str | None
    """A hand-written strong answer to this question, when the bank has one."""
    self_rating: int | None
    """The candidate's own rating on the main quality, if given."""
    seconds: float | None = None
    """How long the first answer took, in seconds, when it was measured."""


class QualityOut(_Documented):
    """One quality across the interview."""

    quality: QualityId
    name: str
    score: float | None
    """Weighted mean over the answers assessed on it (a question's main quality counts twice); null: not assessed."""
    from_questions: list[int]
    """Numbers of the questions whose grades make the score."""
    probed_in: list[int]
    """Numbers of every question graded on this quality."""
    evidence: list[str]
    improvement: str
    improvement_from: int | None
    """Number of the question whose grade set the score and gives the advice."""


class RewriteOut(_Documented):
    """The model's stronger version of one answer."""

    question_number: int
    text: str


class RoleEvidenceOut(_Documented):
    """A sentence that speaks to a role's work."""

    role: Role
    quote: str
    why: str


class RoleFitOut(_Documented):
    """Which role the answers read like, against the role practised for."""

    practised: Role
    reads_like: Role | None
    """Null when the evidence cannot tell the roles apart."""
    reason: str
    evidence: list[RoleEvidenceOut]


class CalibrationOut(_Documented):
    """Self-ratings against grades, in this session."""

    ratings: int
    mean_gap: float | None
    """Mean of self-rating minus grade."""
    verdict: str
    sentence: str


class UsageOut(_Documented):
    """Tokens and estimated cost (model backends only)."""

    input_tokens: int
    output_tokens: int
    estimated: bool
    cost_usd: float


class TurnOut(_Documented):
    """One turn of the transcript (the interviewer's private notes are never exported)."""

    speaker: str
    kind: str
    text: str


class ReportDocument(_Documented):
    """The downloadable report, schema version 2."""

    schema_version: Literal[2] = SCHEMA_VERSION
    session_id: str
    created_at: datetime
    role: Role
    role_title: str
    background: str
    mode: str
    grader: str
    offline: bool
    """True when the offline heuristic grader produced the grades."""
    final: bool
    """False while some answer is not graded yet, or a model's narrative could not be written: it fills in later."""
    template_set: str | None
    """Name and version of the template set (null offline, where no template is used)."""
    answers: list[AnswerOut]
    qualities: list[QualityOut]
    strengths: list[str]
    gaps: list[str]
    stronger_answer: RewriteOut | None
    role_fit: RoleFitOut
    self_calibration: CalibrationOut
    usage: UsageOut | None
    transcript: list[TurnOut]


def _trust_out(grade: AnswerGrade | None, quality: QualityId) -> TrustOut:
    return TrustOut.model_validate(trust_in(grade, quality).model_dump())


def _numbers(question_ids: list[str], report: Report) -> list[int]:
    return [a.number for a in report.answers if a.question_id in question_ids]


def report_document(report: Report, transcript: Transcript | None = None) -> ReportDocument:
    """The report as the documented download."""
    rubric = all_qualities()
    by_id = {a.question_id: a.number for a in report.answers}
    calibrated = report_calibration(report)
    rewrite = None
    if report.narrative.stronger_answer and report.narrative.rewrite_question_id in by_id:
        rewrite = RewriteOut(
            question_number=by_id[report.narrative.rewrite_question_id], text=report.narrative.stronger_answer
        )
    return ReportDocument(
        session_id=report.session_id,
        created_at=report.created_at,
        role=report.config.role,
        role_title=ROLE_TITLES[report.config.role],
        background=BACKGROUND_TITLES[report.config.background],
        mode=report.config.mode.value,
        grader=report.grader,
        offline=report.heuristic,
        final=report.final,
        template_set=None if report.heuristic else report.template_set,
        answers=[
            AnswerOut(
                number=a.number,
                question_id=a.question_id,
                question=a.question,
                main_quality=a.primary,
                follow_ups=a.follow_ups,
                answers=a.answers,
                grades=[
                    GradeOut(
                        question_id=a.question_id,
                        quality=g.quality,
                        quality_name=rubric[g.quality].name,
                        score=g.score,
                        evidence=g.evidence,
                        rationale=g.rationale,
                        improvement=g.improvement,
                        trust=_trust_out(a.grade, g.quality),
                    )
                    for g in a.graded_on
                ],
                not_graded_why=None if a.grade else a.not_graded_why,
                strong_answer=[PointOut(point=p.point, covered=p.covered, evidence=p.evidence) for p in a.checklist],
                exemplar=a.exemplar or None,
                self_rating=a.self_rating,
                seconds=a.seconds,
            )
            for a in report.answers
        ],
        qualities=[
            QualityOut(
                quality=s.quality,
                name=rubric[s.quality].name,
                score=s.score,
                from_questions=_numbers(s.from_questions, report),
                probed_in=_numbers(s.probed_in, report),
                evidence=s.evidence,
                improvement=s.improvement,
                improvement_from=by_id.get(s.improvement_from or ""),
            )
            for s in report.qualities
        ],
        strengths=report.narrative.strengths,
        gaps=report.narrative.gaps,
        stronger_answer=rewrite,
        role_fit=RoleFitOut(
            practised=report.role_fit.target,
            reads_like=report.role_fit.best,
            reason=report.role_fit.reason,
            evidence=[RoleEvidenceOut(role=e.role, quote=e.quote, why=e.why) for e in report.role_fit.evidence],
        ),
        self_calibration=CalibrationOut(
            ratings=calibrated.ratings,
            mean_gap=calibrated.mean_gap,
            verdict=calibrated.verdict,
            sentence=calibrated.sentence,
        ),
        usage=None
        if report.heuristic
        else UsageOut(
            input_tokens=report.usage.input_tokens,
            output_tokens=report.usage.output_tokens,
            estimated=report.usage.estimated,
            cost_usd=round(report.usage.cost_usd, 6),
        ),
        transcript=[
            TurnOut(speaker=t.speaker.value, kind=t.kind.value, text=t.text)
            for t in (transcript.turns if transcript else [])
        ],
    )


def report_json(report: Report, transcript: Transcript | None = None) -> str:
    """The report as the documented JSON download."""
    return report_document(report, transcript).model_dump_json(indent=2)


def report_schema() -> dict[str, Any]:
    """The JSON Schema of the download."""
    return ReportDocument.model_json_schema()


def schema_text() -> str:
    """The schema as the committed file holds it."""
    return json.dumps(report_schema(), indent=2, ensure_ascii=False) + "\n"


__all__ = [
    "ReportDocument",
    "report_document",
    "report_json",
    "report_markdown",
    "report_schema",
    "schema_text",
    "shown_score",
]
