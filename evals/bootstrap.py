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
    rng = np.random.default_rng(seed)
    weights = rng.multinomial(clusters, np.full(clusters, 1.0 / clusters), size=samples)
    stats = table_statistics(np.tensordot(weights, tables, axes=(1, 0)))
    tail = (1.0 - confidence) / 2.0 * 100.0
    found: dict[str, Interval | None] = {}
    for name in names:
        values = stats[name][np.isfinite(stats[name])]
        if len(values) < samples * 0.9:
            found[name] = None
            continue
        low, high = np.percentile(values, [tail, 100.0 - tail])
        found[name] = (float(low), float(high))
    return clusters, found
