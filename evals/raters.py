"""Agreement between two human raters who labelled the same cases separately: the ceiling for any grader.

A rater file is a JSON object from case id to that rater's label. For a single-quality case the label
is ``{"label": 1-4, "why": "..."}``; for an exchange it maps each quality id to one of those, with
``"label": null`` for "not enough evidence"::

    {"cs-056": {"label": 1, "why": "..."},
     "hx-001": {"calibrated_skepticism": {"label": 3, "why": "..."}, "user_empathy": {"label": null, "why": "..."}}}

Figures are computed as the harness computes a grader's, with the first rater in the place of the label
and the second in the place of the prediction (QWK is symmetric; exact and within-one agreement are too).
Each rater is also compared with the settled gold label, which is how disagreements were resolved.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interviewer.domain import QualityId
from interviewer.errors import ContentError

from .cases import Case
from .metrics import finite, level_index, table_of, table_statistics

Labels = dict[tuple[str, QualityId], int | None]
"""A rater's labels by (case id, quality)."""


def _level(value: object, where: str) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 4):
        return value
    raise ContentError(f"{where}: a label is 1-4 or null, got {value!r}")


def load_rater(path: Path, cases: Sequence[Case]) -> Labels:
    """One rater's labels, checked against the cases they are for.

    Raises:
        ContentError: the file is unreadable, names an unknown case or quality, or holds a bad label.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ContentError(f"{path}: cannot read the rater's labels: {exc}") from None
    if not isinstance(data, dict):
        raise ContentError(f"{path}: a rater file is a JSON object from case id to label")
    by_id = {c.id: c for c in cases}
    labels: Labels = {}
    for case_id, entry in data.items():
        where = f"{path}: {case_id}"
        case = by_id.get(case_id)
        if case is None:
            raise ContentError(f"{where}: no such case in the case files given")
        if not isinstance(entry, dict):
            raise ContentError(f"{where}: expected an object with a label")
        if "label" in entry:
            labels[(case_id, case.primary)] = _level(entry["label"], where)
            continue
        for quality_id, rated in entry.items():
            quality = next((q for q in case.expected if q.value == quality_id), None)
            if quality is None:
                raise ContentError(f"{where}: the case is not labelled on {quality_id!r}")
            if not isinstance(rated, dict) or "label" not in rated:
                raise ContentError(f"{where}.{quality_id}: expected an object with a label")
            labels[(case_id, quality)] = _level(rated["label"], f"{where}.{quality_id}")
    return labels


@dataclass(frozen=True)
class RaterAgreement:
    """How two label sources agree on one quality."""

    quality: str
    n: int
    exact: float | None
    within_one: float | None
    qwk: float | None
    first_matches_gold: float | None
    second_matches_gold: float | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready figures."""
        return dict(vars(self))


def _figures(pairs: Sequence[tuple[int | None, int | None]]) -> dict[str, float | None]:
    if not pairs:
        return {"exact": None, "within_one": None, "qwk": None}
    stats = table_statistics(table_of((level_index(a), level_index(b)) for a, b in pairs)[None])
    return {k: finite(stats[k][0]) for k in ("exact", "within_one", "qwk")}


def agreement(first: Labels, second: Labels, cases: Sequence[Case]) -> list[RaterAgreement]:
    """Agreement per quality over the (case, quality) pairs both raters labelled, then over all of them."""
    gold = {(c.id, q): level for c in cases for q, level in c.expected.items()}
    shared = [key for key in first if key in second]
    qualities = list(dict.fromkeys(q.value for _, q in shared))
    results = []
    for scope in [*qualities, "overall"]:
        keys = [k for k in shared if scope in ("overall", k[1].value)]
        figures = _figures([(first[k], second[k]) for k in keys])
        matches = [(first[k] == gold[k], second[k] == gold[k]) for k in keys]
        results.append(
            RaterAgreement(
                quality=scope,
                n=len(keys),
                exact=figures["exact"],
                within_one=figures["within_one"],
                qwk=figures["qwk"],
                first_matches_gold=sum(a for a, _ in matches) / len(keys) if keys else None,
                second_matches_gold=sum(b for _, b in matches) / len(keys) if keys else None,
            )
        )
    return results


def disagreements(first: Labels, second: Labels, cases: Sequence[Case]) -> list[dict[str, Any]]:
    """Every (case, quality) the raters labelled differently, with the settled label."""
    gold = {(c.id, q): level for c in cases for q, level in c.expected.items()}
    return [
        {
            "case": case_id,
            "quality": quality.value,
            "first": a,
            "second": second[(case_id, quality)],
            "gold": gold[(case_id, quality)],
        }
        for (case_id, quality), a in first.items()
        if (case_id, quality) in second and second[(case_id, quality)] != a
    ]
