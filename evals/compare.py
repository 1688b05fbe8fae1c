"""Compare graders on the same cases: their figures side by side, and the cases they grade differently.

The graders are template sets run through the LLM grader (replayed, or recorded), and optionally the
heuristic as a baseline column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import metrics
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

    def to_json(self) -> dict[str, Any]:
        """Each evaluation's JSON and the disagreements."""
        return {
            "schema": "evals.compare/1",
            "graders": self.names,
            "synthetic": [ev.synthetic for ev in self.evaluations],
            "evaluations": {name: ev.to_json() for name, ev in zip(self.names, self.evaluations, strict=True)},
            "disagreements": self.disagreements(),
        }


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


def sections(comparison: Comparison) -> list[Section]:
    """Side-by-side figures, then the disagreements."""
    names = comparison.names
    side = Section("Side by side", [Table(["figure", *names], _figure_rows(comparison.evaluations))])
    disagreements = comparison.disagreements()
    labelled = [d for d in disagreements if d["kind"] == "gold"]
    rows = [[d["id"], d["quality"], str(d["expected"]), *[d["grades"][n] for n in names]] for d in labelled[:MAX_ROWS]]
    total = sum(1 for o in comparison.evaluations[0].outcomes if not o.item.is_probe)
    probes = len(disagreements) - len(labelled)
    blocks: list[str | Table] = [f"{len(labelled)} of {total} labelled cases graded differently, and {probes} probes."]
    if rows:
        blocks.append(Table(["case", "quality", "label", *names], rows, "ll" + "r" * (len(names) + 1)))
    if len(labelled) > MAX_ROWS:
        blocks.append(f"... and {len(labelled) - MAX_ROWS} more: see --json.")
    return [side, Section("Cases on which they disagree", blocks)]


def banner(comparison: Comparison) -> str | None:
    """The warning shown when any column's replies were synthetic."""
    synthetic = [n for n, ev in zip(comparison.names, comparison.evaluations, strict=True) if ev.synthetic]
    if not synthetic:
        return None
    return (
        f"SYNTHETIC: the replies for {', '.join(synthetic)} are synthetic recordings written to exercise the "
        "harness. Their figures are NOT a model's performance, and the comparison says nothing about the prompts."
    )
