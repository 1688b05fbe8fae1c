"""The graders under test: the offline heuristic, or the LLM grader answered from recordings.

The LLM grader is the library's own ``LLMGrader``; only where its replies come from changes. A
reply source is replay (recordings only), replay-then-record (live calls for what is missing,
written with provenance ``recorded``), or the synthetic graders in ``evals.synthetic``. Every reply
is tagged with its provenance, so a result can say whether a model or a hand-written script
produced it.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from interviewer.backends import model_llm
from interviewer.config import Settings
from interviewer.domain import AnswerGrade, Usage
from interviewer.errors import ConfigError, GradingError, RecordingError, ReplayMissError
from interviewer.grading import LLMGrader, grade_exchange
from interviewer.heuristic import HeuristicGrader
from interviewer.llm import LLM, Completion, LLMRequest, TextStream
from interviewer.replay import Provenance, RecordingLLM, ReplayLLM, load_recordings
from interviewer.templates import TemplateSet

from .probes import Item

HEURISTIC = "heuristic"
LLM_GRADER = "llm"


@dataclass
class Graded:
    """What grading one item produced: a grade or an error, and where the replies came from."""

    grade: AnswerGrade | None
    error: str | None = None
    sources: tuple[str, ...] = ()
    """One provenance per reply used: ``recorded``, ``synthetic`` or ``heuristic``."""
    usage: Usage = field(default_factory=Usage)


class Subject(Protocol):
    """A grader under test."""

    kind: str
    label: str

    def grade(self, item: Item) -> Graded:
        """Grade one item; a grading failure comes back as ``Graded.error``, not an exception."""
        ...


class HeuristicSubject:
    """The library's offline heuristic grader."""

    kind = HEURISTIC
    label = "heuristic (offline rules, no model)"

    def __init__(self) -> None:
        self.grader = HeuristicGrader()

    def grade(self, item: Item) -> Graded:
        """Grade with the heuristic."""
        return Graded(grade_exchange(self.grader, item.grading_item()), sources=(HEURISTIC,))


class ReplySource(Protocol):
    """Answers the LLM grader's requests and says where each reply came from."""

    def answer(self, request: LLMRequest, item: Item) -> tuple[Completion, Provenance]:
        """The reply to ``request``, made while grading ``item``."""
        ...


class _Tap:
    """A per-item view of a reply source that implements the library's LLM interface."""

    name = "eval-tap"

    def __init__(self, source: ReplySource, item: Item) -> None:
        self.source = source
        self.item = item
        self.sources: list[str] = []

    def complete(self, request: LLMRequest) -> Completion:
        completion, provenance = self.source.answer(request, self.item)
        self.sources.append(provenance.source)
        return completion

    def stream(self, request: LLMRequest) -> TextStream:
        completion = self.complete(request)
        return TextStream(iter([completion.text]), lambda _text: completion)


class LLMSubject:
    """The library's ``LLMGrader`` with one template set and model, fed by a reply source."""

    kind = LLM_GRADER

    def __init__(self, templates: TemplateSet, model: str, source: ReplySource) -> None:
        self.templates = templates
        self.model = model
        self.source = source
        self.label = f"llm:{model} with {templates.label}"

    def grader(self, llm: LLM) -> LLMGrader:
        """A grader on ``llm`` with this subject's templates and model."""
        return LLMGrader(llm, self.templates, self.model)

    def grade(self, item: Item) -> Graded:
        """Grade through the library's LLM grader; its ``GradingError`` becomes a failed grade."""
        tap = _Tap(self.source, item)
        try:
            grade = grade_exchange(self.grader(tap), item.grading_item())
        except GradingError as exc:
            spent = exc.usage if isinstance(exc.usage, Usage) else Usage()
            return Graded(None, error=str(exc), sources=tuple(tap.sources), usage=spent)
        return Graded(grade, sources=tuple(tap.sources), usage=grade.usage)


def recording_files(directory: Path) -> list[Path]:
    """Every ``*.jsonl`` under a recordings directory."""
    return sorted(directory.rglob("*.jsonl")) if directory.is_dir() else []


def check_recordings(files: list[Path]) -> Counter[str]:
    """Provenance counts of the recordings in ``files``.

    Raises:
        ConfigError: two files hold different replies under one key, or recorded and synthetic
            replies are mixed (they must live in separate directories and never be pooled).
    """
    owner: dict[str, tuple[Path, str]] = {}
    sources: Counter[str] = Counter()
    for path in files:
        for key, record in load_recordings([path]).items():
            sources[record.provenance.source] += 1
            seen = owner.get(key)
            if seen is not None and seen[1] != record.response.text:
                raise ConfigError(
                    f"{path} and {seen[0]} hold different replies for request {key[:16]}: "
                    "keep each grader's recordings in its own directory"
                )
            owner[key] = (path, record.response.text)
    if sources["recorded"] and sources["synthetic"]:
        raise ConfigError(
            f"{', '.join(str(f) for f in files)} mix recorded and synthetic replies; keep them in separate "
            "directories so synthetic figures are never pooled with a model's"
        )
    return sources


class ReplaySource:
    """Replies from recordings only; a request without one stops the run with how to record it."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.files = recording_files(directory)
        self.available = check_recordings(self.files)
        self.replay = ReplayLLM(self.files)
        self._lock = threading.Lock()
        self.served: Counter[tuple[str, str, str]] = Counter()
        """Replies served, by (provenance, model, date)."""

    def answer(self, request: LLMRequest, item: Item) -> tuple[Completion, Provenance]:
        """The recorded reply.

        Raises:
            ReplayMissError: nothing was recorded for the request.
        """
        record = self.replay.lookup(request)
        return record.response, self._count(record.provenance)

    @property
    def synthetic(self) -> bool:
        """Whether the directory holds synthetic recordings."""
        return bool(self.available["synthetic"])

    def _count(self, provenance: Provenance) -> Provenance:
        with self._lock:
            self.served[(provenance.source, provenance.model, provenance.date)] += 1
        return provenance


STALE_SYNTHETIC = (
    "These are synthetic recordings: they go stale when the template set, the rubric or the cases change. "
    "Regenerate them with `python -m evals synth`."
)


class RecordSource(ReplaySource):
    """Replays what is recorded and asks the live API for the rest, appending each reply to a file.

    Errors and refusals are never written (the library's ``RecordingLLM`` refuses them); a refusal
    makes that item a failed grade for this run.
    """

    def __init__(
        self,
        directory: Path,
        templates: TemplateSet,
        settings: Settings,
        live: LLM | None = None,
        backend: str = "anthropic",
    ) -> None:
        super().__init__(directory)
        if self.available["synthetic"]:
            raise ConfigError(f"{directory} holds synthetic recordings: record real replies into another directory")
        if live is None:
            live = model_llm(backend, settings)
        self.path = directory / f"{templates.name}-{templates.content_hash[:10]}.jsonl"
        self.recorder = RecordingLLM(live, self.path, secrets=settings.secrets)
        self.recorded = 0

    def answer(self, request: LLMRequest, item: Item) -> tuple[Completion, Provenance]:
        """The recorded reply, or a live one that is recorded now."""
        try:
            return super().answer(request, item)
        except ReplayMissError:
            pass
        try:
            record = self.recorder.record(request)
        except RecordingError as exc:
            raise GradingError(f"the reply could not be recorded: {exc}") from exc
        with self._lock:
            self.recorded += 1
        return record.response, self._count(record.provenance)
