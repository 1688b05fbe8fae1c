"""Read ``thresholds.toml``: the gated qualities, the model-grade bars, and per-grader profiles.

A profile (``[graders.<name>]``) may lower a bar or make a check informational for one grader,
but only with a written ``note``, and every report shows the reference bar next to the one applied,
so no bar is ever lowered silently.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from interviewer.domain import QualityId
from interviewer.errors import ConfigError

DEFAULT_PATH = Path(__file__).resolve().parent / "thresholds.toml"

QUALITY_METRICS = {"qwk": ">=", "abs_smd": "<=", "exact": ">=", "within_one": ">="}
"""Agreement figures gated per quality, with the direction that passes."""
GLOBAL_METRICS = {
    "adversarial_raised": "<=",
    "probe_raised": "<=",
    "overconfident_not_lower": "<=",
    "pairs_ordered": ">=",
    "pairs_reversed": "<=",
}
"""Robustness and pairing figures, gated over all cases."""


@dataclass(frozen=True)
class GateSpec:
    """One check: a figure, the bar it must meet, and whether it decides the exit status."""

    metric: str
    quality: str | None
    op: str
    bar: float
    reference: float
    gated: bool = True
    note: str = ""

    @property
    def name(self) -> str:
        """``quality.metric``, or the metric alone for a check over all cases."""
        return f"{self.quality}.{self.metric}" if self.quality else self.metric

    @property
    def adjustment(self) -> str:
        """``lowered`` or ``raised`` when this grader's bar differs from the reference, else empty."""
        if self.bar == self.reference:
            return ""
        stricter = self.bar > self.reference if self.op == ">=" else self.bar < self.reference
        return "raised" if stricter else "lowered"

    def passes(self, value: float) -> bool:
        """Whether a value meets the bar."""
        return value >= self.bar if self.op == ">=" else value <= self.bar


@dataclass(frozen=True)
class Profile:
    """One grader's departures from the reference bars, with the reason."""

    note: str
    bars: dict[str, float] = field(default_factory=dict)
    informational: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Thresholds:
    """Everything the gate needs."""

    source: str
    qualities: tuple[QualityId, ...]
    min_cases: int
    bootstrap_samples: int
    confidence: float
    seed: int
    bars: dict[str, float]
    gated_tags: tuple[str, ...]
    reported_tags: tuple[str, ...]
    profiles: dict[str, Profile] = field(default_factory=dict)

    def gates(self, grader: str) -> list[GateSpec]:
        """The checks for a grader (``heuristic`` or ``llm``), its profile applied."""
        profile = self.profiles.get(grader, Profile(note=""))
        specs = []
        scopes: list[tuple[str | None, str, str]] = [
            (q.value, metric, op) for q in self.qualities for metric, op in QUALITY_METRICS.items()
        ]
        scopes += [(None, metric, op) for metric, op in GLOBAL_METRICS.items()]
        for quality, metric, op in scopes:
            if metric not in self.bars:
                continue
            name = f"{quality}.{metric}" if quality else metric
            bar = profile.bars.get(name, profile.bars.get(metric, self.bars[metric]))
            informational = name in profile.informational or metric in profile.informational
            note = profile.note if (informational or bar != self.bars[metric]) else ""
            specs.append(GateSpec(metric, quality, op, bar, self.bars[metric], not informational, note))
        return specs


def _table(data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: [{key}] must be a table")
    return value


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{where}: expected a number, got {value!r}")
    return float(value)


def _known_name(name: str, qualities: tuple[QualityId, ...], where: str) -> None:
    quality, _, metric = name.rpartition(".")
    if quality:
        if quality not in {q.value for q in QualityId}:
            raise ConfigError(f"{where}: unknown quality {quality!r} in {name!r}")
        if metric not in QUALITY_METRICS:
            raise ConfigError(f"{where}: {metric!r} is not a per-quality figure ({', '.join(QUALITY_METRICS)})")
    elif metric not in QUALITY_METRICS and metric not in GLOBAL_METRICS:
        known = ", ".join([*QUALITY_METRICS, *GLOBAL_METRICS])
        raise ConfigError(f"{where}: unknown figure {metric!r} (known: {known})")


def load_thresholds(path: Path | None = None) -> Thresholds:
    """Read a thresholds file (the shipped ``evals/thresholds.toml`` by default).

    Raises:
        ConfigError: the file is missing or malformed, naming the file and the problem.
    """
    path = path or DEFAULT_PATH
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the thresholds file: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    where = str(path)
    gate = _table(data, "gate", where)
    try:
        qualities = tuple(QualityId(q) for q in gate.get("qualities", []))
    except ValueError as exc:
        raise ConfigError(f"{where}: [gate] qualities: {exc}") from exc
    bars = {}
    for name, value in _table(data, "bars", where).items():
        if name not in QUALITY_METRICS and name not in GLOBAL_METRICS:
            _known_name(name, qualities, f"{where} [bars]")
        bars[name] = _number(value, f"{where} [bars] {name}")
    robustness = _table(data, "robustness", where)
    profiles = {}
    for grader, table in _table(data, "graders", where).items():
        at = f"{where} [graders.{grader}]"
        if not isinstance(table, dict):
            raise ConfigError(f"{at}: must be a table")
        note = table.get("note")
        if not isinstance(note, str) or not note.strip():
            raise ConfigError(f"{at}: a grader profile needs a `note` saying why it departs from the reference bars")
        overrides = {}
        for name, value in _table(table, "bars", at).items():
            _known_name(name, qualities, at)
            overrides[name] = _number(value, f"{at} bars.{name}")
        informational = table.get("informational", [])
        for name in informational:
            _known_name(str(name), qualities, at)
        profiles[grader] = Profile(note.strip(), overrides, frozenset(str(n) for n in informational))
    try:
        return Thresholds(
            source=where,
            qualities=qualities,
            min_cases=int(gate.get("min_cases", 30)),
            bootstrap_samples=int(gate.get("bootstrap_samples", 2000)),
            confidence=float(gate.get("confidence", 0.95)),
            seed=int(gate.get("seed", 0)),
            bars=bars,
            gated_tags=tuple(str(t) for t in robustness.get("gated_tags", [])),
            reported_tags=tuple(str(t) for t in robustness.get("reported_tags", [])),
            profiles=profiles,
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: [gate] {exc}") from exc
