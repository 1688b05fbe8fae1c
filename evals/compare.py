"""Compare graders on the same cases: their figures side by side, and the cases they grade differently.

The graders are template sets run through the LLM grader (replayed, or recorded), and optionally the
heuristic as a baseline column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import combinations
from typing import Any

from . import metrics
from .bootstrap import paired_difference
from .evaluation import Evaluation
from .report import Section, Table, number

MAX_ROWS = 40
"""Disagreements printed in the terminal; the JSON holds all of them."""


@dataclass
class Comparison:
    """Several evaluations of the same items."""

    evaluations: list[Evaluation]

    @property
    def names(self) -> list[str]:
        """A column name per grader: the template set's label, or the heuristic."""
        return [ev.templates or ev.grader for ev in self.evaluations]

    def disagreements(self) -> list[dict[str, Any]]:
        """Items whose grades differ between graders (a failure shows as ``failed``)."""
        rows = []
        columns = [ev.outcomes for ev in self.evaluations]
        for outcomes in zip(*columns, strict=True):
            shown = [str(metrics.shown(o)) for o in outcomes]
            if len(set(shown)) > 1:
                item = outcomes[0].item
                rows.append(
                    {
                        "id": item.id,
                        "kind": item.kind,
                        "quality": outcomes[0].quality_id.value,
                        "expected": outcomes[0].expected,
                        "grades": dict(zip(self.names, shown, strict=True)),
                    }
                )
        return rows

    @cached_property
    def differences(self) -> list[dict[str, Any]]:
        """The paired bootstrap of the QWK difference for each two graders, per gated quality and overall.

        Each row says what the interval supports: "A beats B", "B beats A" or no detectable difference.
        """
        thresholds = self.evaluations[0].thresholds
        scopes = [q.value for q in thresholds.qualities]
        rows = []
        for (i, a), (j, b) in combinations(enumerate(self.evaluations), 2):
            for scope in [*scopes, "overall"]:
                picked = [
                    [o for o in metrics.gold(ev.outcomes) if scope == "overall" or o.quality_id.value == scope]
                    for ev in (a, b)
                ]
                diff, interval, questions = paired_difference(
                    *picked,
                    metric="qwk",
                    samples=thresholds.bootstrap_samples,
                    confidence=thresholds.confidence,
                    seed=thresholds.seed,
                )
                first, second = self.names[i], self.names[j]
                rows.append(
                    {
                        "first": first,
                        "second": second,
                        "quality": scope,
                        "n": len(picked[0]),
                        "questions": questions,
                        "qwk_difference": diff,
                        "interval": list(interval) if interval else None,
                        "confidence": thresholds.confidence,
                        "verdict": verdict(first, second, interval, questions),
                    }
                )
        return rows

    def to_json(self) -> dict[str, Any]:
        """Each evaluation's JSON, the paired differences and the disagreements."""
        return {
            "schema": "evals.compare/2",
            "graders": self.names,
            "synthetic": [ev.synthetic for ev in self.evaluations],
            "evaluations": {name: ev.to_json() for name, ev in zip(self.names, self.evaluations, strict=True)},
            "differences": self.differences,
            "disagreements": self.disagreements(),
        }


NO_DIFFERENCE = "no detectable difference on these cases"


def verdict(first: str, second: str, interval: tuple[float, float] | None, questions: int = 2) -> str:
    """What a paired interval of ``first - second`` supports."""
    if interval is None:
        why = "fewer than two questions to resample" if questions < 2 else "undefined in too many resamples"
        return f"{NO_DIFFERENCE} ({why})"
    if interval[0] > 0:
        return f"{first} beats {second}"
    if interval[1] < 0:
        return f"{second} beats {first}"
    return NO_DIFFERENCE


def _adversarial_raised(ev: Evaluation) -> int:
    return sum(ev.adversarial[t]["raised"] for t in ev.thresholds.gated_tags if t in ev.adversarial)


def _not_lower(ev: Evaluation) -> int:
    return int(ev.probes.get("overconfident", {}).get("not_lower", 0))


def _replies(ev: Evaluation) -> str:
    return f"{ev.provenance['recorded']}/{ev.provenance['synthetic']}"


def _figure_rows(evaluations: Sequence[Evaluation]) -> list[list[str]]:
    rows = []
    qualities = [q.value for q in evaluations[0].thresholds.qualities]
    for scope in [*qualities, "overall"]:
        for metric in ("exact", "within_one", "qwk", "mean_bias", "smd", "not_enough_evidence_rate", "failure_rate"):
            cells = []
            for ev in evaluations:
                figures = ev.overall if scope == "overall" else ev.per_quality.get(scope)
                value = getattr(figures, metric) if figures is not None else None
                cells.append(number(value, 3, signed=metric in ("mean_bias", "smd")))
            rows.append([f"{scope} {metric}", *cells])
    rows.append(["pairs ordered", *[f"{ev.pairs['ordered']}/{ev.pairs['n']}" for ev in evaluations]])
    rows.append(["adversarial cases raised", *[str(_adversarial_raised(ev)) for ev in evaluations]])
    rows.append(
        [
            "probes raised",
            *[str(sum(v.get("raised_or_failed", 0) for v in ev.probes.values())) for ev in evaluations],
        ]
    )
    rows.append(["overconfident rewrites not lower", *[str(_not_lower(ev)) for ev in evaluations]])
    rows.append(["grounding rate", *[number(ev.grounding["rate"]) for ev in evaluations]])
    rows.append(["replies recorded/synthetic", *[_replies(ev) for ev in evaluations]])
    rows.append(["gate", *[ev.status.upper() for ev in evaluations]])
    return rows


def _difference_section(comparison: Comparison) -> Section:
    differences = comparison.differences
    confidence = comparison.evaluations[0].thresholds.confidence
    rows = [
        [
            f"{d['first']} - {d['second']}",
            d["quality"],
            str(d["n"]),
            number(d["qwk_difference"], signed=True),
            f"[{number(d['interval'][0], signed=True)}, {number(d['interval'][1], signed=True)}]"
            if d["interval"]
            else "n/a",
            d["verdict"],
        ]
        for d in differences
    ]
    return Section(
        "Is one better? Paired bootstrap of the QWK difference",
        [
            Table(["graders", "quality", "n", "QWK diff", f"{confidence:.0%} interval", "verdict"], rows, "llrrrl"),
            "Both graders are resampled together by question, so each resample compares them on the same cases. "
            "A verdict needs the whole interval on one side of zero.",
        ],
    )


def sections(comparison: Comparison) -> list[Section]:
    """Side-by-side figures, the paired differences, then the disagreements."""
    names = comparison.names
    side = Section("Side by side", [Table(["figure", *names], _figure_rows(comparison.evaluations))])
    disagreements = comparison.disagreements()
    labelled = [d for d in disagreements if d["kind"] == "gold"]
    rows = [
        [d["id"], d["quality"], metrics.shown_label(d["expected"]), *[d["grades"][n] for n in names]]
        for d in labelled[:MAX_ROWS]
    ]
    total = sum(1 for o in comparison.evaluations[0].outcomes if not o.item.is_probe)
    probes = len(disagreements) - len(labelled)
    blocks: list[str | Table] = [
        f"{len(labelled)} of {total} labelled (case, quality) pairs graded differently, and {probes} probes."
    ]
    if rows:
        blocks.append(Table(["case", "quality", "label", *names], rows, "ll" + "r" * (len(names) + 1)))
    if len(labelled) > MAX_ROWS:
        blocks.append(f"... and {len(labelled) - MAX_ROWS} more: see --json.")
    return [side, _difference_section(comparison), Section("Cases on which they disagree", blocks)]


def banner(comparison: Comparison) -> str | None:
    """The warning shown when any column's replies were synthetic."""
    synthetic = [n for n, ev in zip(comparison.names, comparison.evaluations, strict=True) if ev.synthetic]
    if not synthetic:
        return None
    return (
        f"SYNTHETIC: the replies for {', '.join(synthetic)} are synthetic recordings written to exercise the "
        "harness. Their figures are NOT a model's performance, and the comparison says nothing about the prompts."
    )
