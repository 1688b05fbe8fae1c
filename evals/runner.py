"""Grade every item with a grader under test and keep what the metrics need.

Identical requests are graded once (a probe can coincide with another case), so a replayed or
recorded run asks for each distinct request exactly once. A grader's ``GradingError`` makes that
item a failure; a missing recording, an outage or a broken template set stops the run.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from interviewer.domain import Usage
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

    @property
    def failed(self) -> bool:
        """Whether grading failed for this item."""
        return self.error is not None

    @property
    def abstained(self) -> bool:
        """Whether the grader said "not enough evidence"."""
        return self.error is None and self.score is None


def outcome_of(item: Item, graded: Graded) -> Outcome:
    """Turn a grading result into an outcome for the item's quality."""
    if graded.grade is None:
        return Outcome(item, None, error=graded.error or "no grade", sources=graded.sources, usage=graded.usage)
    mine = [g for g in graded.grade.grades if g.quality is item.case.quality]
    if not mine:
        missing = f"the grader omitted {item.case.quality.value}"
        return Outcome(item, None, error=missing, sources=graded.sources, usage=graded.usage)
    grade = mine[0]
    dropped = graded.grade.dropped_quotes
    return Outcome(
        item,
        grade.score,
        evidence=tuple(grade.evidence),
        quotes=len(grade.evidence) + dropped,
        grounded=sum(is_grounded(q, item.answer) for q in grade.evidence),
        withheld=grade.score is None and dropped > 0 and not grade.evidence,
        sources=graded.sources,
        usage=graded.usage,
    )


def request_identity(item: Item) -> str:
    """What makes two items the same grading request."""
    return json.dumps([item.case.question, item.answer, item.case.quality.value])


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
    done: dict[str, Outcome] = {}
    report = progress or (lambda _done, _total: None)
    if workers <= 1:
        for number, item in enumerate(unique, start=1):
            done[request_identity(item)] = outcome_of(item, subject.grade(item))
            report(number, len(unique))
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(subject.grade, item) for item in unique]
            try:
                for number, (item, future) in enumerate(zip(unique, futures, strict=True), start=1):
                    done[request_identity(item)] = outcome_of(item, future.result())
                    report(number, len(unique))
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise
    outcomes = []
    for item in items:
        shared = done[request_identity(item)]
        if shared.item is not item:
            shared = replace(shared, item=item, usage=Usage(), sources=(), duplicate=True)
        outcomes.append(shared)
    return outcomes
