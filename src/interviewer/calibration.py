"""How calibrated the candidate is about themselves: their own rating of an answer against its grade.

The candidate may rate each answer on the question's main quality, against the rubric's level texts.
The gap is self-rating minus grade, only where both exist: positive means they rate themselves higher
than the grader does.
"""

from __future__ import annotations

from statistics import mean

from pydantic import BaseModel

from .domain import Report

MIN_RATINGS = 3
"""Fewer rated and graded answers than this are too few to call anyone over- or under-confident."""
CALIBRATED_WITHIN = 0.5
"""A mean gap within this many levels of zero counts as calibrated."""


class Calibration(BaseModel):
    """The gap between the candidate's self-ratings and the grades, over one session or many."""

    ratings: int
    """How many answers had both a self-rating and a grade."""
    mean_gap: float | None
    """Mean of self-rating minus grade; None with no pair."""
    verdict: str
    """``over-rates``, ``under-rates``, ``calibrated`` or ``too few ratings``."""

    @property
    def sentence(self) -> str:
        """The verdict in words, for the candidate."""
        if self.mean_gap is None:
            return "You have not rated any graded answer yet."
        if self.mean_gap == 0:
            phrase = "your ratings matched the grades on average"
        else:
            side = "above" if self.mean_gap > 0 else "below"
            phrase = f"your ratings were on average {abs(self.mean_gap):.1f} of a level {side} the grades"
        opening = f"Over {self.ratings} rated answer{'s' if self.ratings != 1 else ''}, {phrase}"
        return (
            opening
            + {
                "too few ratings": ": too few to say how calibrated you are.",
                "calibrated": ": you are well calibrated.",
                "over-rates": ": you tend to rate yourself higher than your answers show (over-confident).",
                "under-rates": ": you tend to rate yourself lower than your answers show (under-confident).",
            }[self.verdict]
        )


def rating_pairs(report: Report) -> list[tuple[int, int]]:
    """(self-rating, grade) for every answer of a report that has both, on the question's main quality."""
    pairs: list[tuple[int, int]] = []
    for answer in report.answers:
        grade = answer.primary_grade
        if answer.self_rating is not None and grade is not None and grade.score is not None:
            pairs.append((answer.self_rating, grade.score))
    return pairs


def calibration(pairs: list[tuple[int, int]]) -> Calibration:
    """The mean gap and what it says, from (self-rating, grade) pairs."""
    if not pairs:
        return Calibration(ratings=0, mean_gap=None, verdict="too few ratings")
    gap = round(mean(own - grade for own, grade in pairs), 2)
    if len(pairs) < MIN_RATINGS:
        verdict = "too few ratings"
    elif gap > CALIBRATED_WITHIN:
        verdict = "over-rates"
    elif gap < -CALIBRATED_WITHIN:
        verdict = "under-rates"
    else:
        verdict = "calibrated"
    return Calibration(ratings=len(pairs), mean_gap=gap, verdict=verdict)


def report_calibration(report: Report) -> Calibration:
    """The candidate's calibration in one report."""
    return calibration(rating_pairs(report))
