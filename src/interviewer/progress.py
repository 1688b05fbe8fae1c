"""Progress across sessions: score history per quality and the candidate's weakest qualities."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from .calibration import Calibration, calibration
from .domain import QualityId, Role
from .storage import Store


class ScorePoint(BaseModel):
    """One quality's score in one finished session."""

    session_id: str
    date: datetime
    role: Role
    quality: QualityId
    score: float


def score_history(store: Store, role: Role | None = None) -> list[ScorePoint]:
    """Every assessed quality score of every finished session (of one role, if given), oldest first."""
    points = [
        ScorePoint(session_id=s.id, date=s.created_at, role=s.role, quality=quality, score=score)
        for s in store.list_sessions(limit=500)
        if role is None or s.role is role
        for quality, score in s.scores.items()
        if score is not None
    ]
    return sorted(points, key=lambda p: p.date)


def self_calibration(store: Store) -> Calibration:
    """How the candidate's self-ratings compare with the grades, over every finished session."""
    return calibration([pair for s in store.list_sessions(limit=500) for pair in s.rating_pairs])


def weakest_qualities(store: Store, count: int = 2) -> list[QualityId]:
    """The qualities with the lowest mean score over past sessions (empty with no history)."""
    totals: dict[QualityId, list[float]] = {}
    for point in score_history(store):
        totals.setdefault(point.quality, []).append(point.score)
    ranked = sorted(totals, key=lambda q: sum(totals[q]) / len(totals[q]))
    return ranked[:count]
