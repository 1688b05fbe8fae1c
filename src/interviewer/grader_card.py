"""How far a grader's scores can be trusted, quality by quality: the calibration card shown beside each score.

The figures come from the last committed eval results (``content/grader_card.json``, written by
``python -m evals card``): the grader's agreement with human labels (QWK with its bootstrap interval, and
how many labelled answers it rests on), and where the grader's replies came from: recorded model replies,
synthetic scripts, or the offline heuristic. A model grader is matched only by recorded replies of that
model with that template set; anything else is "not yet measured for this model", never a borrowed figure.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .domain import AnswerGrade, QualityId
from .errors import ContentError
from .grading import model_of
from .heuristic import NAME
from .rubric import qualities

CARD_FILE = "grader_card.json"
HEURISTIC = NAME
"""How the heuristic's entry and its grades name their grader."""
MIN_SCORED = 10
"""Below this many scored answers a QWK says nothing: the card says so instead of showing it."""
FEW_SCORED = 30
"""Below this many the figure is shown as a rough guide."""
HEURISTIC = "heuristic"
Source = Literal["recorded", "synthetic", "heuristic"]


class CardFigure(BaseModel):
    """A grader's agreement with human labels on one quality."""

    model_config = ConfigDict(frozen=True)

    n: int
    """Labelled (answer, quality) pairs it was measured on."""
    qwk: float | None
    interval: tuple[float, float] | None = None
    """The 95 % bootstrap interval of the QWK, resampled by question."""
    exact: float | None = None


class CardEntry(BaseModel):
    """One grader's measured agreement, per quality."""

    model_config = ConfigDict(frozen=True)

    grader: str
    """``heuristic``, or ``llm:<model id>``, as grades name their grader."""
    templates: str | None = None
    """The template set's label (``default@1.0.0``); None for the heuristic."""
    source: Source
    measured: str
    """The date the figures were produced."""
    cases: list[str]
    qualities: dict[QualityId, CardFigure]


class Card(BaseModel):
    """Every measured grader."""

    model_config = ConfigDict(frozen=True)

    refreshed_by: str
    entries: list[CardEntry] = Field(default_factory=list)


class Trust(BaseModel):
    """What the card says about one grader's scores on one quality."""

    model_config = ConfigDict(frozen=True)

    measured: bool
    source: Source | None = None
    n: int = 0
    qwk: float | None = None
    interval: tuple[float, float] | None = None
    sentence: str


@cache
def load_card() -> Card:
    """The committed card.

    Raises:
        ContentError: the card file is missing or malformed.
    """
    try:
        text = resources.files("interviewer.content").joinpath(CARD_FILE).read_text(encoding="utf-8")
    except OSError as exc:
        raise ContentError(f"{CARD_FILE}: cannot read the grader card: {exc}") from None
    return load_card_text(text, CARD_FILE)


def load_card_text(text: str, source: str) -> Card:
    """A card from its JSON text.

    Raises:
        ContentError: the text is not a card, naming ``source``.
    """
    try:
        return Card.model_validate(json.loads(text))
    except ValueError as exc:
        raise ContentError(f"{source}: cannot read the grader card: {exc}") from None


def entry_for(card: Card, grader: str, templates: str | None) -> CardEntry | None:
    """The card's entry for a grader: the heuristic's, or recorded replies of this model with this set."""
    for entry in card.entries:
        if grader == HEURISTIC and entry.grader == HEURISTIC:
            return entry
        # The label carries the set's content hash: an edited set is a different grader, not yet measured.
        if entry.source == "recorded" and entry.grader == grader and entry.templates == templates:
            return entry
    return None


def _said_by(entry: CardEntry) -> str:
    if entry.source == HEURISTIC:
        return "the offline heuristic (rules, no model)"
    return f"recorded replies of {model_of(entry.grader)} with template set {entry.templates}"


def trust_in(grade: AnswerGrade | None, quality: QualityId) -> Trust:
    """How far the grader that made ``grade`` can be trusted on ``quality`` (nothing to say before a grade)."""
    if grade is None:
        return Trust(measured=False, sentence="Not graded yet.")
    return trust(grade.grader, grade.templates, quality)


def trust(grader: str, templates: str | None, quality: QualityId, card: Card | None = None) -> Trust:
    """How far this grader's scores on ``quality`` can be trusted, in one sentence with its figures."""
    card = card or load_card()
    entry = entry_for(card, grader, templates)
    name = qualities()[quality].name.lower()
    figure = entry.qualities.get(quality) if entry else None
    if entry is None or figure is None or figure.qwk is None:
        what = "this grader" if grader == HEURISTIC else f"{model_of(grader)} with {templates}"
        return Trust(
            measured=False,
            sentence=(
                f"Not yet measured for this model: no committed eval results for {what} on {name}, so how well "
                "these scores agree with human raters is unknown."
            ),
        )
    if figure.n < MIN_SCORED:
        return Trust(
            measured=False,
            source=entry.source,
            n=figure.n,
            sentence=(
                f"Too few labelled answers to say how far to trust this score: {_said_by(entry)} has been checked "
                f"against people's labels on only {figure.n} answers on {name}."
            ),
        )
    spread = f" (95 % interval {figure.interval[0]:.2f} to {figure.interval[1]:.2f})" if figure.interval else ""
    few = " Few labelled answers: read it as a rough guide." if figure.n < FEW_SCORED else ""
    sentence = (
        f"How far to trust this score: on {figure.n} answers labelled by people, {_said_by(entry)} agreed with "
        f"them on {name} at QWK {figure.qwk:.2f}{spread}; 1 is perfect agreement, 0 no better than chance. "
        f"Measured {entry.measured}.{few}"
    )
    return Trust(
        measured=True, source=entry.source, n=figure.n, qwk=figure.qwk, interval=figure.interval, sentence=sentence
    )
