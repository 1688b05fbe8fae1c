"""Judge each check: pass, fail, or inconclusive when the evidence is too thin to say.

An agreement check (QWK, standardised mean difference, exact, within-one) on a gated quality is

- ``inconclusive`` when the quality has fewer cases than ``min_cases``, or its bootstrap interval
  (resampled by question) straddles the bar, or the figure is undefined;
- ``pass`` when the figure and its whole interval meet the bar;
- ``fail`` when the figure and its whole interval miss it.

A count check (robustness, pairs) has no interval: it passes or fails on the count, and is
inconclusive only when there is nothing to count. The run's status is ``fail`` if any gated check
fails, else ``inconclusive`` if any gated check is, else ``pass``; informational checks never
change it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .bootstrap import Interval
from .thresholds import GateSpec

PASS, FAIL, INCONCLUSIVE = "pass", "fail", "inconclusive"
EXIT_CODES = {PASS: 0, FAIL: 1, INCONCLUSIVE: 3}
"""Exit status of ``python -m evals run`` by overall status; 2 is left for usage and setup errors."""


@dataclass(frozen=True)
class GateResult:
    """The verdict on one check."""

    spec: GateSpec
    value: float | None
    interval: Interval | None
    status: str
    reason: str


def judge_agreement(
    spec: GateSpec, value: float | None, interval: Interval | None, n: int, min_cases: int
) -> GateResult:
    """Judge an agreement figure with its bootstrap interval."""
    if n < min_cases:
        return GateResult(spec, value, interval, INCONCLUSIVE, f"only {n} cases (at least {min_cases} needed)")
    if value is None:
        return GateResult(spec, value, interval, INCONCLUSIVE, "undefined on these cases")
    meets = spec.passes(value)
    if interval is None:
        return GateResult(spec, value, interval, INCONCLUSIVE, "no bootstrap interval (too few questions)")
    low, high = interval
    if meets and spec.passes(low) and spec.passes(high):
        return GateResult(spec, value, interval, PASS, "figure and interval meet the bar")
    if not meets and not spec.passes(low) and not spec.passes(high):
        return GateResult(spec, value, interval, FAIL, "figure and interval miss the bar")
    side = "meets" if meets else "misses"
    return GateResult(spec, value, interval, INCONCLUSIVE, f"figure {side} the bar but the interval straddles it")


def judge_count(spec: GateSpec, value: float | None, n: int, what: str) -> GateResult:
    """Judge a robustness or pairing figure over ``n`` checked items."""
    if n == 0 or value is None:
        return GateResult(spec, value, None, INCONCLUSIVE, f"no {what} to check")
    if spec.passes(value):
        return GateResult(spec, value, None, PASS, f"over {n} {what}")
    return GateResult(spec, value, None, FAIL, f"over {n} {what}")


def overall(results: list[GateResult]) -> str:
    """The run's status from its gated checks."""
    statuses = {r.status for r in results if r.spec.gated}
    if FAIL in statuses:
        return FAIL
    if INCONCLUSIVE in statuses:
        return INCONCLUSIVE
    return PASS
