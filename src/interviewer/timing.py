"""Timed answers: the time left on the countdown, and the time an answer took, in words."""

from __future__ import annotations

from datetime import UTC, datetime


def clock(seconds: float) -> str:
    """Seconds as minutes and seconds: ``2:05``."""
    whole = max(0, round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def seconds_left(asked_at: datetime, minutes: int, now: datetime | None = None) -> float:
    """What is left of a time limit that started when the question was on screen (never below zero)."""
    elapsed = ((now or datetime.now(UTC)) - asked_at).total_seconds()
    return max(0.0, minutes * 60 - elapsed)


def time_taken(seconds: float | None, limit_minutes: int | None) -> str:
    """How long an answer took, against the limit when there was one; empty when it was not measured."""
    if seconds is None:
        return ""
    said = f"Answered in {clock(seconds)}"
    if limit_minutes is None:
        return said
    over = seconds - limit_minutes * 60
    if over > 0:
        return f"{said}, {clock(over)} over the {limit_minutes}-minute limit"
    return f"{said}, within the {limit_minutes}-minute limit"
