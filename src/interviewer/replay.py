"""Recorded exchanges: replay them offline, or record new ones from a live backend.

Recordings are kept at the SDK level (a normalised request and its reply), keyed by the SHA-256 of
the request's canonical JSON and a sample index, so headers and keys never reach a file. Each one
says where it came from: ``recorded`` (a real API reply, with model and date) or ``synthetic``
(written by hand to exercise the harness).
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationError

from .errors import ContentError, RecordingError, ReplayMissError
from .llm import LLM, Completion, LLMRequest, TextStream, stream_words
from .redaction import KEY_SHAPED


class Provenance(BaseModel):
    """Where a recording came from."""

    source: Literal["recorded", "synthetic"]
    model: str
    date: str
    note: str = ""


class Recording(BaseModel):
    """One recorded exchange."""

    key: str
    purpose: str
    request: str
    """The canonical request JSON the key hashes."""
    response: Completion
    provenance: Provenance


def request_key(request: LLMRequest, sample: int = 0) -> str:
    """The stable key of a request: SHA-256 of its canonical JSON and sample index."""
    return hashlib.sha256(request.canonical(sample).encode()).hexdigest()


def load_recordings(paths: list[Path]) -> dict[str, Recording]:
    """Read recordings from JSON Lines files (missing files count as empty).

    Raises:
        ContentError: a line is not a valid recording, naming file and line.
    """
    found: dict[str, Recording] = {}
    for path in paths:
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = Recording.model_validate_json(line)
            except ValidationError as exc:
                raise ContentError(f"{path}:{number}: not a valid recording: {exc.errors()[0]['msg']}") from exc
            found[record.key] = record
    return found


class _SampleCounter:
    """Numbers identical requests 0, 1, 2... so repeated samples of one request stay apart."""

    def __init__(self) -> None:
        self._seen: Counter[str] = Counter()
        self._lock = threading.Lock()

    def next(self, request: LLMRequest) -> int:
        base = request_key(request)
        with self._lock:
            sample = self._seen[base]
            self._seen[base] += 1
        return sample


class ReplayLLM:
    """Answers only from recordings; a request without one is a clear error.

    Args:
        paths: recording files to read.
    """

    name = "replay"

    def __init__(self, paths: list[Path]) -> None:
        self.paths = paths
        self.recordings = load_recordings(paths)
        self._samples = _SampleCounter()
        self.sources: Counter[str] = Counter()
        """How many replies of each provenance were served."""

    def lookup(self, request: LLMRequest) -> Recording:
        """The recording for a request.

        Raises:
            ReplayMissError: none was recorded.
        """
        key = request_key(request, self._samples.next(request))
        record = self.recordings.get(key)
        if record is None:
            raise ReplayMissError(key, request.purpose, ", ".join(str(p) for p in self.paths) or "(no files)")
        self.sources[record.provenance.source] += 1
        return record

    def complete(self, request: LLMRequest) -> Completion:
        """The recorded reply."""
        return self.lookup(request).response

    def stream(self, request: LLMRequest) -> TextStream:
        """The recorded reply, word by word, as a stream would deliver it."""
        completion = self.lookup(request).response
        return TextStream(stream_words(completion.text), lambda _text: completion)


class RecordingLLM:
    """Passes requests to a live backend and appends each good reply to a recording file.

    Errors and refusals are never recorded, and a reply or request holding a key-shaped string
    is refused rather than written.
    """

    name = "record"

    def __init__(self, inner: LLM, path: Path, secrets: tuple[str, ...] = ()) -> None:
        self.inner = inner
        self.path = path
        self.secrets = tuple(s for s in secrets if s)
        self._samples = _SampleCounter()
        self._lock = threading.Lock()

    def complete(self, request: LLMRequest) -> Completion:
        """Ask the live backend and record the reply."""
        return self.record(request).response

    def record(self, request: LLMRequest) -> Recording:
        """Ask the live backend and return the recording written for its reply."""
        sample = self._samples.next(request)
        return self._write(request, sample, self.inner.complete(request))

    def stream(self, request: LLMRequest) -> TextStream:
        """Stream from the live backend, recording the reply once it is complete."""
        sample = self._samples.next(request)
        inner = self.inner.stream(request)

        def finish(_text: str) -> Completion:
            assert inner.completion is not None
            self._write(request, sample, inner.completion)
            return inner.completion

        return TextStream(iter(inner), finish)

    def _write(self, request: LLMRequest, sample: int, completion: Completion) -> Recording:
        if completion.stop_reason == "refusal" or not completion.text.strip():
            raise RecordingError(f"refusing to record a refusal or empty reply to a {request.purpose} request")
        record = Recording(
            key=request_key(request, sample),
            purpose=request.purpose,
            request=request.canonical(sample),
            response=completion,
            provenance=Provenance(
                source="recorded",
                model=completion.model or request.model,
                date=datetime.now(UTC).date().isoformat(),
            ),
        )
        line = record.model_dump_json()
        if KEY_SHAPED.search(line) or any(secret in line for secret in self.secrets):
            raise RecordingError("refusing to write a recording that contains a key-shaped string")
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        return record


def write_recordings(path: Path, records: list[Recording]) -> None:
    """Write recordings (for example synthetic ones) to a file, refusing key-shaped strings."""
    lines = [r.model_dump_json() for r in records]
    for line in lines:
        if KEY_SHAPED.search(line):
            raise RecordingError("refusing to write a recording that contains a key-shaped string")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


__all__ = ["Provenance", "Recording", "RecordingLLM", "ReplayLLM", "load_recordings", "request_key"]
