"""Progress across sessions: score history per quality and the candidate's weakest qualities."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from .domain import QualityId
from .storage import Store


class ScorePoint(BaseModel):
    """One quality's score in one finished session."""

    session_id: str
    date: datetime
    quality: QualityId
    score: float


def score_history(store: Store) -> list[ScorePoint]:
    """Every assessed quality score of every finished session, oldest first."""
    points = [
        ScorePoint(session_id=s.id, date=s.created_at, quality=quality, score=score)
        for s in store.list_sessions(limit=500)
        for quality, score in s.scores.items()
        if score is not None
    ]
    return sorted(points, key=lambda p: p.date)


def weakest_qualities(store: Store, count: int = 2) -> list[QualityId]:
    """The qualities with the lowest mean score over past sessions (empty with no history)."""
    totals: dict[QualityId, list[float]] = {}
    for point in score_history(store):
        totals.setdefault(point.quality, []).append(point.score)
    ranked = sorted(totals, key=lambda q: sum(totals[q]) / len(totals[q]))
    return ranked[:count]
