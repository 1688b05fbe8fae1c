"""Grade every item with a grader under test and keep what the metrics need.

One request grades an item's whole exchange on every quality the case lists, as the product grades a
question; it yields one outcome per (item, quality), and each is one prediction in every figure.
Identical requests are graded once (a probe can coincide with another case), so a replayed or
recorded run asks for each distinct request exactly once. A grader's ``GradingError`` makes that
item a failure; a missing recording, an outage or a broken template set stops the run.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from interviewer.domain import QualityId, Usage
from interviewer.grounding import is_grounded

from .graders import Graded, Subject
from .probes import Item

Progress = Callable[[int, int], None]
"""Called with (items done, items in all) as grading advances."""


@dataclass(frozen=True)
class Outcome:
    """The grader's verdict on one item's quality."""

    item: Item
    score: int | None
    """1-4; None with no ``error`` means the grader said "not enough evidence"."""
    error: str | None = None
    """Why no grade could be had (unparseable, or the quality omitted): a failed prediction."""
    evidence: tuple[str, ...] = ()
    quotes: int = 0
    """Evidence quotes the grader gave, including those the library dropped as ungrounded."""
    grounded: int = 0
    """Quotes kept that really appear in the answer."""
    withheld: bool = False
    """The library withheld a score because none of its quotes were found in the answer."""
    sources: tuple[str, ...] = ()
    usage: Usage = field(default_factory=Usage)
    duplicate: bool = False
    """Shares the grade of an identical earlier request (its replies and usage are counted there)."""
    quality: QualityId | None = None
    """The quality this verdict is on (the case's main one when not given)."""
    shares_request: bool = False
    """Another quality of the same request carries its replies and usage (counted once)."""

    def __post_init__(self) -> None:
        if self.quality is None:
            object.__setattr__(self, "quality", self.item.case.primary)

    @property
    def quality_id(self) -> QualityId:
        """The quality this verdict is on."""
        assert self.quality is not None
        return self.quality

    @property
    def expected(self) -> int | None:
        """The human label for this quality; None when a careful grader should say "not enough evidence"."""
        return self.item.case.expected[self.quality_id]

    @property
    def unlabelled(self) -> bool:
        """Whether the label is "not enough evidence" rather than a level."""
        return self.expected is None

    @property
    def failed(self) -> bool:
        """Whether grading failed for this item."""
        return self.error is not None

    @property
    def abstained(self) -> bool:
        """Whether the grader said "not enough evidence"."""
        return self.error is None and self.score is None


def outcomes_of(item: Item, graded: Graded) -> list[Outcome]:
    """Turn one grading result into an outcome per quality of the item's case, main quality first.

    The request's replies and usage ride on the first outcome only, so they are counted once.
    """
    return [_outcome(item, quality, graded, first=index == 0) for index, quality in enumerate(item.case.qualities)]


def _outcome(item: Item, quality: QualityId, graded: Graded, first: bool) -> Outcome:
    spent: dict[str, Any] = {"sources": graded.sources, "usage": graded.usage} if first else {"shares_request": True}
    if graded.grade is None:
        return Outcome(item, None, error=graded.error or "no grade", quality=quality, **spent)
    mine = [g for g in graded.grade.grades if g.quality is quality]
    if not mine:
        return Outcome(item, None, error=f"the grader omitted {quality.value}", quality=quality, **spent)
    grade = mine[0]
    # A request's dropped quotes are not told apart by quality: they are counted with the main one.
    dropped = graded.grade.dropped_quotes if first else 0
    return Outcome(
        item,
        grade.score,
        evidence=tuple(grade.evidence),
        quotes=len(grade.evidence) + dropped,
        grounded=sum(is_grounded(q, item.answer) for q in grade.evidence),
        withheld=quality in graded.grade.withheld,
        quality=quality,
        **spent,
    )


def request_identity(item: Item) -> str:
    """What makes two items the same grading request."""
    case = item.case
    return json.dumps([case.question, item.answers, item.follow_ups, [q.value for q in case.qualities]])


def grade_all(
    subject: Subject, items: Sequence[Item], *, workers: int = 1, progress: Progress | None = None
) -> list[Outcome]:
    """Grade every item, in order; identical requests are graded once and shared.

    Raises:
        InterviewerError: anything but a grading failure (a replay miss, an outage) stops the run.
    """
    first: dict[str, Item] = {}
    for item in items:
        first.setdefault(request_identity(item), item)
    unique = list(first.values())
    done: dict[str, list[Outcome]] = {}
    report = progress or (lambda _done, _total: None)
    if workers <= 1:
        for number, item in enumerate(unique, start=1):
            done[request_identity(item)] = outcomes_of(item, subject.grade(item))
            report(number, len(unique))
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(subject.grade, item) for item in unique]
            try:
                for number, (item, future) in enumerate(zip(unique, futures, strict=True), start=1):
                    done[request_identity(item)] = outcomes_of(item, future.result())
                    report(number, len(unique))
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    outcomes = []
    for item in items:
        for shared in done[request_identity(item)]:
            if shared.item is not item:
                shared = replace(shared, item=item, usage=Usage(), sources=(), duplicate=True)
            outcomes.append(shared)
    return outcomes
