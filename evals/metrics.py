"""Agreement with the human labels, and the robustness, pairing and grounding figures.

How predictions that are not a score count:

- A failed grade (unparseable, or the quality omitted) is a wrong prediction in every figure: it
  is scored as the worst possible prediction for the case (4 for a label of 1 or 2, 1 for a label
  of 3 or 4). It is never a pass and never a zero.
- "Not enough evidence" (the grader abstains) has its own rate; it counts as a disagreement for
  exact and within-one agreement, and is left out of the figures that need a number (QWK,
  Spearman, mean bias, standardised mean difference), which are taken over ``n_scored``.
- A label may itself be "not enough evidence" (an off-topic answer): there only an abstention
  agrees, in exact and within-one agreement; any score is a disagreement, and ``no_evidence_kept``
  says how often the grader abstained rather than invent a score. Such pairs carry no number, so the
  figures that need one leave them out.

Every figure comes from one label-by-prediction table, computed with numpy: the same code scores
the point estimate and each bootstrap resample, and runs at once where importing scikit-learn and
scipy would take two of the ten seconds the harness may use. The tests check every figure against
scikit-learn's ``cohen_kappa_score`` and ``confusion_matrix`` and scipy's ``spearmanr``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np
from numpy.typing import NDArray

from interviewer.domain import Usage

from .probes import GOLD, LOWER, NOT_HIGHER, OVERCONFIDENT_QUALITY
from .runner import Outcome

LEVELS = (1, 2, 3, 4)
ABSTAINED, FAILED = 0, -1
PREDICTED_COLUMNS = ("1", "2", "3", "4", "none", "failed")
"""Columns of a confusion matrix: the four levels, "not enough evidence", and failed grades."""


def worst_case(expected: int) -> int:
    """The prediction farthest from a label: what a failed grade counts as."""
    return 4 if expected <= 2 else 1


NONE = 4
"""Index of "not enough evidence" in a label-by-prediction table (rows and columns 0-3 are levels 1-4)."""


def _cell(outcome: Outcome) -> tuple[int, int]:
    """Where an outcome falls in the 5x5 table.

    A failure counts as the worst prediction; for a label of "not enough evidence", any number is as
    wrong as another.
    """
    expected = outcome.expected
    if outcome.failed:
        return level_index(expected), (0 if expected is None else worst_case(expected) - 1)
    return level_index(expected), level_index(outcome.score)


def numeric(outcomes: Iterable[Outcome]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Labels and predictions where both are levels (failures as the worst case)."""
    cells = [c for c in map(_cell, outcomes) if c[0] != NONE and c[1] != NONE]
    expected = np.array([r + 1 for r, _ in cells], dtype=np.int64)
    predicted = np.array([p + 1 for _, p in cells], dtype=np.int64)
    return expected, predicted


def contingency(outcomes: Iterable[Outcome]) -> NDArray[np.int64]:
    """The 5x5 table of label by prediction: levels 1-4, then "not enough evidence" (index ``NONE``)."""
    return table_of(map(_cell, outcomes))


def table_of(cells: Iterable[tuple[int, int]]) -> NDArray[np.int64]:
    """A 5x5 table from (row, column) cells, rows and columns 0-3 the levels 1-4 and ``NONE``."""
    table = np.zeros((5, 5), dtype=np.int64)
    for row, column in cells:
        table[row, column] += 1
    return table


def level_index(level: int | None) -> int:
    """A level's row or column in the 5x5 table: 0-3 for 1-4, ``NONE`` for "not enough evidence"."""
    return NONE if level is None else level - 1


def table_statistics(tables: NDArray[Any]) -> dict[str, NDArray[np.float64]]:
    """Agreement figures from label-by-prediction tables, vectorised over a leading axis.

    Exact and within-one agreement are over every prediction: "not enough evidence" agrees only with
    the same label, and is never within one of a level. QWK, mean bias and the standardised mean
    difference are over the pairs where both label and prediction are levels. QWK uses quadratic
    weights (i - j)^2 / 9 on levels 1-4, as scikit-learn does; the standardised mean difference
    divides the mean bias by sqrt((var_label + var_predicted) / 2).

    Args:
        tables: shape (B, 5, 5) counts, rows the label (1-4, none), columns the prediction (1-4, none).
    """
    tables = tables.astype(np.float64)
    levels_only = tables[:, :4, :4]
    levels = np.arange(1, 5, dtype=np.float64)
    gap = levels[:, None] - levels[None, :]
    scored = levels_only.sum(axis=(1, 2))
    total = tables.sum(axis=(1, 2))
    rows, cols = levels_only.sum(axis=2), levels_only.sum(axis=1)
    weights = gap**2 / 9.0
    with np.errstate(divide="ignore", invalid="ignore"):
        chance = rows[:, :, None] * cols[:, None, :] / scored[:, None, None]
        qwk = 1.0 - (weights * levels_only).sum(axis=(1, 2)) / (weights * chance).sum(axis=(1, 2))
        mean_e, mean_p = rows @ levels / scored, cols @ levels / scored
        var_e = rows @ levels**2 / scored - mean_e**2
        var_p = cols @ levels**2 / scored - mean_p**2
        pooled = np.sqrt(np.clip((var_e + var_p) / 2.0, 0.0, None))
        bias = mean_p - mean_e
        smd = np.where(bias == 0.0, 0.0, bias / pooled)
        both_none = tables[:, NONE, NONE]
        return {
            "exact": (np.trace(levels_only, axis1=1, axis2=2) + both_none) / total,
            "within_one": ((levels_only * (np.abs(gap) <= 1)).sum(axis=(1, 2)) + both_none) / total,
            "qwk": qwk,
            "mean_bias": bias,
            "smd": smd,
            "abs_smd": np.abs(smd),
        }


def finite(value: float) -> float | None:
    """A figure, or None where it is undefined (nan or infinite)."""
    return float(value) if np.isfinite(value) else None


@dataclass(frozen=True)
class Agreement:
    """Agreement of predictions with labels over a set of gold cases."""

    n: int
    n_scored: int
    exact: float | None
    within_one: float | None
    qwk: float | None
    spearman: float | None
    mean_bias: float | None
    """Mean of predicted minus expected, over the scored cases."""
    smd: float | None
    """Standardised mean difference: mean bias over the pooled standard deviation of both."""
    not_enough_evidence_rate: float | None
    failure_rate: float | None
    confusion: dict[str, Any] = field(default_factory=dict)
    n_no_evidence: int = 0
    """Predictions whose label is "not enough evidence" (off-topic answers, say)."""
    no_evidence_kept: float | None = None
    """Share of those where the grader also said "not enough evidence" rather than inventing a score."""

    @property
    def abs_smd(self) -> float | None:
        """The size of the bias, whichever way it leans (what the gate bounds)."""
        return abs(self.smd) if self.smd is not None else None

    def to_dict(self) -> dict[str, Any]:
        """The figures as JSON-ready values."""
        return asdict(self)


def agreement(outcomes: Sequence[Outcome]) -> Agreement:
    """Agreement of gold outcomes with their labels."""
    n = len(outcomes)
    table = contingency(outcomes)
    expected, predicted = numeric(outcomes)
    scored = len(expected)
    abstained = int(table[:, NONE].sum())
    unlabelled = int(table[NONE].sum())
    stats = {k: float(v[0]) for k, v in table_statistics(table[None]).items()}
    return Agreement(
        n=n,
        n_scored=scored,
        exact=finite(stats["exact"]),
        within_one=finite(stats["within_one"]),
        qwk=finite(stats["qwk"]),
        spearman=spearman(expected, predicted),
        mean_bias=finite(stats["mean_bias"]),
        smd=finite(stats["smd"]),
        not_enough_evidence_rate=abstained / n if n else None,
        failure_rate=sum(o.failed for o in outcomes) / n if n else None,
        confusion=confusion(outcomes),
        n_no_evidence=unlabelled,
        no_evidence_kept=float(table[NONE, NONE]) / unlabelled if unlabelled else None,
    )


def average_ranks(values: NDArray[np.int64]) -> NDArray[np.float64]:
    """Ranks from 1, ties sharing their average rank."""
    ranks = np.empty(len(values), dtype=np.float64)
    ranks[np.argsort(values, kind="stable")] = np.arange(1, len(values) + 1)
    for value in np.unique(values):
        tied = values == value
        ranks[tied] = ranks[tied].mean()
    return ranks


def spearman(expected: NDArray[np.int64], predicted: NDArray[np.int64]) -> float | None:
    """Spearman's rank correlation; None when undefined (under three cases, or a constant side)."""
    if len(expected) < 3 or len(np.unique(expected)) < 2 or len(np.unique(predicted)) < 2:
        return None
    return finite(float(np.corrcoef(average_ranks(expected), average_ranks(predicted))[0, 1]))


def confusion(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """Label (rows 1-4, and "none" when some are "not enough evidence") by prediction (1-4, none, failed)."""
    columns = [*LEVELS, ABSTAINED, FAILED]
    labels: list[int | None] = [*LEVELS]
    if any(o.unlabelled for o in outcomes):
        labels.append(None)
    matrix = [[0] * len(columns) for _ in labels]
    for o in outcomes:
        predicted = FAILED if o.failed else ABSTAINED if o.score is None else o.score
        matrix[labels.index(o.expected)][columns.index(predicted)] += 1
    rows = [shown_label(level) for level in labels]
    return {"rows": rows, "columns": list(PREDICTED_COLUMNS), "matrix": matrix}


def by_quality(outcomes: Iterable[Outcome]) -> dict[str, list[Outcome]]:
    """Gold outcomes grouped by quality id, in first-seen order."""
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        groups[outcome.quality_id.value].append(outcome)
    return dict(groups)


def gold(outcomes: Iterable[Outcome]) -> list[Outcome]:
    """The outcomes of labelled cases (not probes)."""
    return [o for o in outcomes if o.item.kind == GOLD]


def _rank(outcome: Outcome) -> int | None:
    """A prediction's place in the order none < 1 < ... < 4; None for a failure."""
    if outcome.failed:
        return None
    return 0 if outcome.score is None else outcome.score


def pair_ordering(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """How often the stronger member of a near-duplicate pair scores strictly higher.

    A tie, a reversal, an abstention or a failure is not an ordered pair.
    """
    groups: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
    for outcome in gold(outcomes):
        if outcome.item.case.pair and outcome.expected is not None:
            groups[(outcome.quality_id.value, outcome.item.case.pair)].append(outcome)
    counts = {"ordered": 0, "tied": 0, "reversed": 0, "unscored": 0}
    details = []
    for (quality, pair), members in sorted(groups.items()):
        ranked = sorted(members, key=lambda o: o.expected or 0)
        for low, high in pairwise(ranked):
            if low.expected == high.expected:
                continue
            a, b = _rank(low), _rank(high)
            verdict = (
                "unscored"
                if a is None or b is None or low.score is None or high.score is None
                else "ordered"
                if b > a
                else "tied"
                if a == b
                else "reversed"
            )
            counts[verdict] += 1
            details.append(
                {
                    "pair": pair,
                    "quality": quality,
                    "weaker": low.item.id,
                    "stronger": high.item.id,
                    "expected": [low.expected, high.expected],
                    "predicted": [shown(low), shown(high)],
                    "verdict": verdict,
                }
            )
    n = sum(counts.values())
    return {
        "n": n,
        **counts,
        "ordered_rate": counts["ordered"] / n if n else None,
        "pairs": details,
    }


def shown_label(level: int | None) -> str:
    """A label as tables show it: the level, or ``none`` for "not enough evidence"."""
    return "none" if level is None else str(level)


def shown(outcome: Outcome) -> int | str:
    """A grade as tables show it: the score, ``none`` for not enough evidence, or ``failed``."""
    return "failed" if outcome.failed else "none" if outcome.score is None else int(outcome.score)


def adversarial(outcomes: Sequence[Outcome], tags: Iterable[str]) -> dict[str, Any]:
    """Gold predictions carrying an adversarial tag scored above their label.

    A failure counts too, and so does any score where the label is "not enough evidence".
    """
    result: dict[str, Any] = {}
    for tag in tags:
        tagged = [o for o in gold(outcomes) if tag in o.item.case.tags]
        raised = [o for o in tagged if o.failed or (o.score is not None and o.score > (o.expected or 0))]
        result[tag] = {
            "n": len(tagged),
            "raised": len(raised),
            "cases": [
                {"id": o.item.id, "quality": o.quality_id.value, "expected": o.expected, "predicted": shown(o)}
                for o in raised
            ],
        }
    return result


def probe_effects(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """For each probe kind, how its grades moved against the original answer's grade.

    Padding, reformatting and an instruction must not raise the grade ("raised" counts those that
    did, and failures); the overconfident rewrite must lower it ("not_lower" counts those that did
    not). Pairs where the original was not scored, or was already 1 for the rewrite, are ``n/a``.
    """
    base = {(o.item.case.id, o.quality): o for o in gold(outcomes)}
    result: dict[str, Any] = {}
    for kind in (*NOT_HIGHER, *LOWER):
        probes = [
            o
            for o in outcomes
            if o.item.kind == kind
            and (o.item.case.id, o.quality) in base
            and (kind in NOT_HIGHER or o.quality is OVERCONFIDENT_QUALITY)
        ]
        moves = {"n": len(probes), "raised": 0, "same": 0, "lowered": 0, "failed": 0, "not_applicable": 0}
        violations = []
        for probe in probes:
            original = base[(probe.item.case.id, probe.quality)]
            a, b = _rank(original), _rank(probe)
            if kind in LOWER and (original.score is None or original.failed or original.score <= 1):
                moves["not_applicable"] += 1
                continue
            if a is None or b is None:
                moves["failed"] += 1
            else:
                moves["raised" if b > a else "same" if a == b else "lowered"] += 1
            bad = (
                (a is None or b is None or b > a)
                if kind in NOT_HIGHER
                else (a is None or b is None or probe.score is None or b >= a)
            )
            if bad:
                violations.append(
                    {
                        "id": probe.item.id,
                        "quality": probe.quality_id.value,
                        "original": shown(original),
                        "probe": shown(probe),
                    }
                )
        key = "raised_or_failed" if kind in NOT_HIGHER else "not_lower"
        result[kind] = {**moves, key: len(violations), "violations": violations}
    return result


def grounding(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """Share of evidence quotes found verbatim in the answer, and scores withheld for lack of any."""
    outcomes = [o for o in outcomes if not o.duplicate]
    quotes = sum(o.quotes for o in outcomes)
    found = sum(o.grounded for o in outcomes)
    return {
        "quotes": quotes,
        "grounded": found,
        "rate": found / quotes if quotes else None,
        "withheld_scores": sum(o.withheld for o in outcomes),
    }


def usage(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """Tokens and cost summed over every reply used (zero for the heuristic and synthetic replies)."""
    total = sum((o.usage for o in outcomes), Usage())
    figures: dict[str, Any] = total.model_dump()
    return figures
