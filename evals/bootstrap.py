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


def cluster_tables(outcomes: Sequence[Outcome]) -> tuple[np.ndarray, np.ndarray]:
    """One label-by-prediction table and abstention count per distinct question."""
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        groups[" ".join(outcome.item.case.question.split()).lower()].append(outcome)
    tables, abstained = [], []
    for members in groups.values():
        table, none = contingency(members)
        tables.append(table)
        abstained.append(none)
    return np.array(tables, dtype=np.int64).reshape(-1, 4, 4), np.array(abstained, dtype=np.int64)


def intervals(
    outcomes: Sequence[Outcome], *, samples: int, confidence: float, seed: int
) -> tuple[int, dict[str, Interval | None]]:
    """Percentile intervals of every agreement figure, and the number of questions resampled.

    Returns no interval for a figure that is undefined in too many resamples, or when there are
    fewer than two questions to resample.
    """
    tables, abstained = cluster_tables(outcomes)
    clusters = len(tables)
    names = ("exact", "within_one", "qwk", "mean_bias", "smd", "abs_smd")
    if clusters < 2 or samples < 1:
        return clusters, dict.fromkeys(names)
    rng = np.random.default_rng(seed)
    weights = rng.multinomial(clusters, np.full(clusters, 1.0 / clusters), size=samples)
    stats = table_statistics(
        np.tensordot(weights, tables, axes=(1, 0)),
        weights @ abstained,
    )
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
