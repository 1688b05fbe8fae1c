"""Write the calibration card the app shows beside each score: ``python -m evals card``.

It grades the committed gold cases with the offline heuristic and, for each recordings directory named,
with the LLM grader replaying those recordings, and keeps each grader's QWK per quality with its
bootstrap interval and n. An entry says where its replies came from (``heuristic``, ``recorded`` or
``synthetic``); the app matches a model only by recorded replies, so synthetic figures never describe one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from interviewer.grader_card import Card, CardEntry, CardFigure

from .cases import Case
from .evaluation import Evaluation, evaluate
from .graders import Subject
from .thresholds import Thresholds

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "src" / "interviewer" / "content" / "grader_card.json"
REFRESH = "python -m evals card (see the README: How the calibration card is made)"


def entry(ev: Evaluation, cases: Sequence[str], date: str) -> CardEntry:
    """One grader's card entry from its evaluation."""
    source = "synthetic" if ev.synthetic else "heuristic" if ev.grader == "heuristic" else "recorded"
    figures = {}
    for quality, agreement in ev.per_quality.items():
        interval = ev.intervals.get(quality, {}).get("qwk")
        figures[quality] = CardFigure(
            n=agreement.n,
            qwk=round(agreement.qwk, 3) if agreement.qwk is not None else None,
            interval=(round(interval[0], 3), round(interval[1], 3)) if interval else None,
            exact=round(agreement.exact, 3) if agreement.exact is not None else None,
        )
    grader = "heuristic" if ev.grader == "heuristic" else f"llm:{ev.model}"
    return CardEntry(
        grader=grader, templates=ev.templates, source=source, measured=date, cases=list(cases), qualities=figures
    )


def build_card(
    subjects: Sequence[Subject], cases: Sequence[Case], thresholds: Thresholds, case_paths: Sequence[str]
) -> Card:
    """Grade the cases with each subject (no probes: the card is about agreement) and collect the entries."""
    date = datetime.now(UTC).date().isoformat()
    entries = [entry(evaluate(s, cases, thresholds, probes=False), case_paths, date) for s in subjects]
    return Card(refreshed_by=REFRESH, entries=entries)


def write_card(card: Card, path: Path) -> None:
    """Write the card as stable, readable JSON."""
    path.write_text(json.dumps(card.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
