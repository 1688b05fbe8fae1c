"""Bootstrap intervals resampled by question, so that small case sets show how noisy they are.

Several cases often share one question (a near-duplicate pair, the same scenario at different
levels); they are not independent, so whole questions are resampled rather than single cases.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from .metrics import contingency, table_statistics
from .runner import Outcome

Interval = tuple[float, float]


def question_key(outcome: Outcome) -> str:
    """The cluster an outcome is resampled with: its question, whitespace and case folded."""
    return " ".join(outcome.item.case.question.split()).lower()


def cluster_tables(outcomes: Sequence[Outcome]) -> np.ndarray:
    """One label-by-prediction table per distinct question."""
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        groups[question_key(outcome)].append(outcome)
    return np.array([contingency(members) for members in groups.values()], dtype=np.int64).reshape(-1, 5, 5)


def _weights(clusters: int, samples: int, seed: int) -> np.ndarray:
    """How many times each question is drawn in each resample."""
    return np.random.default_rng(seed).multinomial(clusters, np.full(clusters, 1.0 / clusters), size=samples)


def _percentiles(values: np.ndarray, samples: int, confidence: float) -> Interval | None:
    """The percentile interval of resampled values; None when the figure is undefined in too many resamples."""
    values = values[np.isfinite(values)]
    if len(values) < samples * 0.9:
        return None
    tail = (1.0 - confidence) / 2.0 * 100.0
    low, high = np.percentile(values, [tail, 100.0 - tail])
    return float(low), float(high)


def intervals(
    outcomes: Sequence[Outcome], *, samples: int, confidence: float, seed: int
) -> tuple[int, dict[str, Interval | None]]:
    """Percentile intervals of every agreement figure, and the number of questions resampled.

    Returns no interval for a figure that is undefined in too many resamples, or when there are
    fewer than two questions to resample.
    """
    tables = cluster_tables(outcomes)
    clusters = len(tables)
    names = ("exact", "within_one", "qwk", "mean_bias", "smd", "abs_smd")
    if clusters < 2 or samples < 1:
        return clusters, dict.fromkeys(names)
    stats = table_statistics(np.tensordot(_weights(clusters, samples, seed), tables, axes=(1, 0)))
    return clusters, {name: _percentiles(stats[name], samples, confidence) for name in names}


def paired_difference(
    first: Sequence[Outcome], second: Sequence[Outcome], *, metric: str, samples: int, confidence: float, seed: int
) -> tuple[float | None, Interval | None, int]:
    """The difference ``first - second`` in one figure on the same predictions, with a paired interval.

    Both graders are resampled together, question by question, so each resample compares them on the
    same cases; the interval is of the difference itself. Returns no interval when the figure is
    undefined in too many resamples or there are fewer than two questions; the third value is the
    number of questions.

    Raises:
        ValueError: the two sequences are not the same cases in the same order.
    """
    if [(o.item.id, o.quality) for o in first] != [(o.item.id, o.quality) for o in second]:
        raise ValueError("a paired comparison needs the same cases, in the same order, for both graders")
    # The same cases in the same order group into the same questions, so the tables line up.
    a, b = cluster_tables(first), cluster_tables(second)
    point = table_statistics(a.sum(axis=0)[None])[metric][0] - table_statistics(b.sum(axis=0)[None])[metric][0]
    estimate = float(point) if np.isfinite(point) else None
    clusters = len(a)
    if clusters < 2 or samples < 1:
        return estimate, None, clusters
    weights = _weights(clusters, samples, seed)
    diffs = (
        table_statistics(np.tensordot(weights, a, axes=(1, 0)))[metric]
        - table_statistics(np.tensordot(weights, b, axes=(1, 0)))[metric]
    )
    return estimate, _percentiles(diffs, samples, confidence), clusters
