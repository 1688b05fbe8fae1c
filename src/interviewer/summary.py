"""Each quality across the interview: from the answers that probed it, the question's main quality counting most."""

from __future__ import annotations

from .domain import AnswerReview, QualityGrade, QualitySummary
from .rubric import qualities as all_qualities

PRIMARY_WEIGHT = 2.0
"""How much more a question's main quality counts than the others it probes."""
MAX_EVIDENCE = 3


def weight(answer: AnswerReview, grade: QualityGrade) -> float:
    """How much one answer's grade counts towards its quality's summary."""
    return PRIMARY_WEIGHT if grade.quality is answer.primary else 1.0


def summarise(answers: list[AnswerReview]) -> list[QualitySummary]:
    """One summary for each quality some answer was graded on, in the rubric's order.

    The score is the weighted mean of the assessed grades. Its advice is that of the answer that
    set the score: the one that counts most, and of those the lowest, where there is most to gain.
    A quality probed but never assessed keeps its summary, with no score; a skipped question was not
    answered, so it probes nothing.
    """
    summaries = []
    for qid in all_qualities():
        graded = [(a, g) for a in answers if a.answers for g in a.graded_on if g.quality is qid]
        if not graded:
            continue
        assessed = [(a, g) for a, g in graded if g.score is not None]
        score = None
        if assessed:
            total = sum(weight(a, g) for a, g in assessed)
            score = round(sum(weight(a, g) * (g.score or 0) for a, g in assessed) / total, 2)
        decider = min(assessed or graded, key=lambda ag: (-weight(*ag), ag[1].score or 0, ag[0].number))
        best_first = sorted(assessed, key=lambda ag: (-(ag[1].score or 0), -weight(*ag), ag[0].number))
        evidence = list(dict.fromkeys(q for _a, g in best_first for q in g.evidence))[:MAX_EVIDENCE]
        summaries.append(
            QualitySummary(
                quality=qid,
                score=score,
                evidence=evidence,
                improvement=decider[1].improvement,
                probed_in=[a.question_id for a, _g in graded],
                from_questions=[a.question_id for a, _g in assessed],
                improvement_from=decider[0].question_id,
            )
        )
    return summaries
