"""Write the calibration card the app shows beside each score: ``python -m evals card``.

It grades the held-out gold cases (the exchanges and the fresh set: cases no grader's rules were tuned
on) with the offline heuristic and, for each recordings directory named, with the LLM grader replaying
those recordings, and keeps each grader's QWK per quality with its bootstrap interval and the number of
scored pairs it rests on. An entry says where its replies came from (``heuristic``, ``recorded`` or
``synthetic``); the app matches a model only by recorded replies, so synthetic figures never describe one.
Entries already in the card for graders not measured in this run are kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from interviewer.grader_card import Card, CardEntry, CardFigure, load_card_text
from interviewer.grading import grader_name
from interviewer.heuristic import NAME

from .cases import Case
from .evaluation import Evaluation, evaluate
from .graders import HEURISTIC, Subject
from .pages import write_json
from .thresholds import Thresholds

EVALS_DIR = Path(__file__).resolve().parent
DEFAULT_OUT = EVALS_DIR.parent / "src" / "interviewer" / "content" / "grader_card.json"
CARD_CASES = (EVALS_DIR / "cases" / "exchanges.jsonl", EVALS_DIR / "fresh")
"""Held out from every grader's rules: the card is the honest estimate, not the in-sample one."""
REFRESH = "python -m evals card (see the README: How the calibration card is made)"


def entry(ev: Evaluation, date: str) -> CardEntry:
    """One grader's card entry from its evaluation."""
    heuristic = ev.grader == HEURISTIC
    source = "synthetic" if ev.synthetic else "heuristic" if heuristic else "recorded"
    figures = {}
    for quality, agreement in ev.per_quality.items():
        interval = ev.intervals.get(quality, {}).get("qwk")
        figures[quality] = CardFigure(
            n=agreement.n_scored,
            qwk=round(agreement.qwk, 3) if agreement.qwk is not None else None,
            interval=(round(interval[0], 3), round(interval[1], 3)) if interval else None,
            exact=round(agreement.exact, 3) if agreement.exact is not None else None,
        )
    grader = NAME if heuristic else grader_name(ev.model or "")
    return CardEntry(
        grader=grader, templates=ev.templates, source=source, measured=date, cases=ev.case_files, qualities=figures
    )


def build_card(
    subjects: Sequence[Subject], cases: Sequence[Case], thresholds: Thresholds, case_paths: Sequence[str]
) -> Card:
    """Grade the cases with each subject (no probes: the card is about agreement) and collect the entries."""
    date = datetime.now(UTC).date().isoformat()
    entries = [entry(evaluate(s, cases, thresholds, probes=False, case_files=case_paths), date) for s in subjects]
    return Card(refreshed_by=REFRESH, entries=entries)


def merged(new: Card, old: Card | None) -> Card:
    """The new entries, then the old card's entries for graders this run did not measure."""
    if old is None:
        return new
    measured = {(e.grader, e.templates, e.source) for e in new.entries}
    kept = [e for e in old.entries if (e.grader, e.templates, e.source) not in measured]
    return new.model_copy(update={"entries": [*new.entries, *kept]})


def read_card(path: Path) -> Card | None:
    """The card at ``path``, or None when there is none yet.

    Raises:
        ContentError: the file is not a card.
    """
    return load_card_text(path.read_text(encoding="utf-8"), str(path)) if path.exists() else None


def write_card(card: Card, path: Path) -> None:
    """Write the card as stable, readable JSON."""
    write_json(card.model_dump(mode="json"), path)
