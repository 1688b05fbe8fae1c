"""One evaluation: grade the items, compute every figure, judge the gates, and say where replies came from."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from . import metrics
from .bootstrap import Interval, intervals
from .cases import Case
from .gates import EXIT_CODES, GateResult, judge_agreement, judge_count, overall
from .graders import LLMSubject, ReplaySource, Subject
from .probes import build_items
from .runner import Outcome, Progress, grade_all
from .thresholds import Thresholds

SCHEMA = "evals.run/1"


@dataclass
class Evaluation:
    """Everything one run measured, ready for the terminal, JSON and report writers."""

    grader: str
    label: str
    templates: str | None
    model: str | None
    outcomes: list[Outcome]
    thresholds: Thresholds
    case_files: list[str] = field(default_factory=list)
    overall: metrics.Agreement | None = None
    per_quality: dict[str, metrics.Agreement] = field(default_factory=dict)
    intervals: dict[str, dict[str, Interval | None]] = field(default_factory=dict)
    questions: dict[str, int] = field(default_factory=dict)
    pairs: dict[str, Any] = field(default_factory=dict)
    adversarial: dict[str, Any] = field(default_factory=dict)
    probes: dict[str, Any] = field(default_factory=dict)
    grounding: dict[str, Any] = field(default_factory=dict)
    usage: dict[str, Any] = field(default_factory=dict)
    served: list[dict[str, Any]] = field(default_factory=list)
    gates: list[GateResult] = field(default_factory=list)
    seconds: float | None = None
    """Wall-clock time spent grading."""

    @property
    def distinct_requests(self) -> int:
        """Requests actually graded (identical requests are graded once; one request grades every quality)."""
        return sum(1 for o in self.outcomes if not o.duplicate and not o.shares_request)

    @property
    def provenance(self) -> dict[str, int]:
        """Replies used, by where they came from (``heuristic``, ``recorded``, ``synthetic``)."""
        counts: Counter[str] = Counter(s for o in self.outcomes for s in o.sources)
        return {"recorded": counts["recorded"], "synthetic": counts["synthetic"], "heuristic": counts["heuristic"]}

    @property
    def synthetic(self) -> bool:
        """Whether any reply was synthetic: then no figure here describes a model."""
        return self.provenance["synthetic"] > 0

    @property
    def describes(self) -> str:
        """What the figures are the performance of, in words."""
        if self.synthetic:
            return "synthetic replies written to exercise the harness: NOT a model's performance"
        if self.grader == "heuristic":
            return "the offline heuristic grader (rules, no model)"
        models = sorted({s["model"] for s in self.served if s["source"] == "recorded"})
        dates = sorted({s["date"] for s in self.served if s["source"] == "recorded"})
        span = f"{dates[0]}..{dates[-1]}" if len(dates) > 1 else (dates[0] if dates else "unknown date")
        return f"{', '.join(models) or self.model} (real replies recorded {span}) with {self.templates}"

    @property
    def status(self) -> str:
        """``pass``, ``fail`` or ``inconclusive`` over the gated checks."""
        return overall(self.gates)

    def exit_code(self, allow_inconclusive: bool = False) -> int:
        """0 pass, 1 a gated check failed, 3 inconclusive (0 when that is allowed)."""
        status = self.status
        return 0 if status == "inconclusive" and allow_inconclusive else EXIT_CODES[status]

    def to_json(self) -> dict[str, Any]:
        """The brief's JSON contract plus every other figure."""
        assert self.overall is not None
        return {
            "schema": SCHEMA,
            "grader": {"kind": self.grader, "label": self.label, "templates": self.templates, "model": self.model},
            "describes": self.describes,
            "synthetic": self.synthetic,
            "provenance": self.provenance,
            "replies": self.served,
            "case_files": self.case_files,
            **self.overall.to_dict(),
            "per_quality": {q: a.to_dict() for q, a in self.per_quality.items()},
            "intervals": {
                q: {"questions": self.questions.get(q, 0), **{k: list(v) if v else None for k, v in iv.items()}}
                for q, iv in self.intervals.items()
            },
            "pairs": self.pairs,
            "robustness": {"adversarial": self.adversarial, "probes": self.probes},
            "grounding": self.grounding,
            "usage": self.usage,
            "seconds": round(self.seconds, 3) if self.seconds is not None else None,
            "status": self.status,
            "gates": [
                {
                    "name": g.spec.name,
                    "metric": g.spec.metric,
                    "quality": g.spec.quality,
                    "op": g.spec.op,
                    "bar": g.spec.bar,
                    "reference": g.spec.reference,
                    "adjustment": g.spec.adjustment,
                    "gated": g.spec.gated,
                    "note": g.spec.note,
                    "value": g.value,
                    "interval": list(g.interval) if g.interval else None,
                    "status": g.status,
                    "reason": g.reason,
                }
                for g in self.gates
            ],
            "thresholds": self.thresholds.source,
            "predictions": [
                {
                    "id": o.item.id,
                    "case": o.item.case.id,
                    "kind": o.item.kind,
                    "quality": o.quality_id.value,
                    "expected": o.expected,
                    "predicted": o.score,
                    "error": o.error,
                    "evidence": list(o.evidence),
                }
                for o in self.outcomes
            ],
        }


def evaluate(
    subject: Subject,
    cases: Sequence[Case],
    thresholds: Thresholds,
    *,
    probes: bool = True,
    workers: int = 1,
    progress: Progress | None = None,
    case_files: Sequence[str] = (),
) -> Evaluation:
    """Grade the cases (and probes of the gated qualities) and measure everything.

    Raises:
        InterviewerError: a replay miss, an outage or a broken set stops the run.
    """
    items = build_items(cases, thresholds.qualities if probes else ())
    started = time.perf_counter()
    outcomes = grade_all(subject, items, workers=workers, progress=progress)
    result = measure(subject, outcomes, thresholds, case_files)
    result.seconds = time.perf_counter() - started
    return result


def measure(
    subject: Subject, outcomes: list[Outcome], thresholds: Thresholds, case_files: Sequence[str] = ()
) -> Evaluation:
    """Every figure and gate verdict for graded outcomes."""
    templates = model = None
    if isinstance(subject, LLMSubject):
        templates, model = subject.templates.label, subject.model
    result = Evaluation(subject.kind, subject.label, templates, model, outcomes, thresholds, list(case_files))
    labelled = metrics.gold(outcomes)
    result.overall = metrics.agreement(labelled)
    for quality, group in metrics.by_quality(labelled).items():
        result.per_quality[quality] = metrics.agreement(group)
        result.questions[quality], result.intervals[quality] = intervals(
            group,
            samples=thresholds.bootstrap_samples,
            confidence=thresholds.confidence,
            seed=thresholds.seed,
        )
    result.pairs = metrics.pair_ordering(outcomes)
    result.adversarial = metrics.adversarial(outcomes, (*thresholds.gated_tags, *thresholds.reported_tags))
    result.probes = metrics.probe_effects(outcomes)
    result.grounding = metrics.grounding(outcomes)
    result.usage = metrics.usage(outcomes)
    if isinstance(subject, LLMSubject) and isinstance(subject.source, ReplaySource):
        result.served = [
            {"source": s, "model": m, "date": d, "replies": n} for (s, m, d), n in sorted(subject.source.served.items())
        ]
    result.gates = judge(result, thresholds)
    return result


def judge(result: Evaluation, thresholds: Thresholds) -> list[GateResult]:
    """The verdict on every check for this grader."""
    verdicts = []
    for spec in thresholds.gates(result.grader):
        if spec.quality is not None:
            figures = result.per_quality.get(spec.quality)
            value = getattr(figures, spec.metric, None)
            interval = result.intervals.get(spec.quality, {}).get(spec.metric)
            verdicts.append(judge_agreement(spec, value, interval, figures.n if figures else 0, thresholds.min_cases))
            continue
        if spec.metric == "adversarial_raised":
            tagged = [result.adversarial[t] for t in thresholds.gated_tags if t in result.adversarial]
            n = sum(t["n"] for t in tagged)
            what = "predictions on cases tagged " + "/".join(thresholds.gated_tags)
            verdicts.append(judge_count(spec, sum(t["raised"] for t in tagged), n, what))
        elif spec.metric == "probe_raised":
            kinds = [v for k, v in result.probes.items() if "raised_or_failed" in v]
            n = sum(v["n"] for v in kinds)
            verdicts.append(judge_count(spec, sum(v["raised_or_failed"] for v in kinds), n, "probes"))
        elif spec.metric == "overconfident_not_lower":
            probe = result.probes.get("overconfident", {})
            n = probe.get("n", 0) - probe.get("not_applicable", 0)
            verdicts.append(judge_count(spec, probe.get("not_lower"), n, "overconfident rewrites"))
        elif spec.metric == "pairs_ordered":
            verdicts.append(judge_count(spec, result.pairs["ordered_rate"], result.pairs["n"], "pairs"))
        elif spec.metric == "pairs_reversed":
            verdicts.append(judge_count(spec, result.pairs["reversed"], result.pairs["n"], "pairs"))
    return verdicts
