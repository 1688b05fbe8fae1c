"""Synthetic recordings for the harness's own tests: scripted graders, never a model.

``python -m evals synth`` runs the library's ``LLMGrader`` over the gold cases and probes, exactly as
a real run would, but answers each request from a script instead of a model, and writes the
exchanges as recordings with provenance ``synthetic``. Because the requests are the grader's own,
the keys match what a real run replays. Two scripts:

- ``calibrated``: the human label, off by one on about a fifth of the plain cases (never on pairs
  or adversarial cases); unmoved by padding, reformatting and instructions; scores the
  overconfident rewrite 1. The gate must pass it.
- ``miscalibrated``: one level too lenient everywhere, 4 for adversarial cases and for padded or
  instructed answers, and no lower for an overconfident rewrite; it also adds a paraphrased quote
  now and then, which the library must drop. The gate must fail it.

Both quote the answer's first sentence verbatim as evidence. The scripts read the label, so their
agreement says nothing about any model: reports mark them SYNTHETIC.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from interviewer.domain import LLMGradeOutput, QualityGrade, QualityId
from interviewer.llm import Completion, LLMRequest
from interviewer.replay import Provenance, Recording, request_key, write_recordings
from interviewer.sentences import split_sentences
from interviewer.templates import TemplateSet

from .cases import Case
from .graders import LLMSubject
from .probes import OVERCONFIDENT_QUALITY, Item, build_items
from .runner import grade_all

CALIBRATED, MISCALIBRATED = "calibrated", "miscalibrated"
KINDS = (CALIBRATED, MISCALIBRATED)
DEFAULT_DIR = Path(__file__).resolve().parent / "recordings" / "synthetic"
NOTES = {
    CALIBRATED: "synthetic calibrated grader (label-anchored script, python -m evals synth); not a model's output",
    MISCALIBRATED: "synthetic miscalibrated grader (lenient, fooled by padding and injection; python -m evals synth); "
    "not a model's output",
}
FOOLED_BY = ("injection", "verbose", "buzzwords", "overconfident")
NOISE_PERCENT = 20
QUOTE_MIN_WORDS = 4


def _hash(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest(), 16)


def _clip(score: int) -> int:
    return max(1, min(4, score))


def calibrated_score(item: Item, quality: QualityId) -> int | None:
    """Close to the label; the rewrite that drops verification scores 1; abstains where the label does."""
    case = item.case
    label = case.expected[quality]
    if item.kind == "overconfident":
        return 1 if quality is OVERCONFIDENT_QUALITY else label
    if label is None:
        return None
    key = f"{case.id}/{quality.value}" if case.exchange else case.id
    if case.pair or case.adversarial or _hash(key) % 100 >= NOISE_PERCENT:
        return label
    step = 1 if (_hash(key) >> 8) % 2 else -1
    moved = _clip(label + step)
    return moved if moved != label else _clip(label - step)


def miscalibrated_score(item: Item, quality: QualityId) -> int:
    """Too lenient, fooled by padding, instructions and confident tone, and never abstains (3 instead)."""
    case = item.case
    label = case.expected[quality]
    if item.kind in ("padding", "instruction") or any(tag in case.tags for tag in FOOLED_BY):
        return 4
    return 3 if label is None else _clip(label + 1)


def first_sentence(answer: str) -> str:
    """The answer's first sentence of four words or more: the verbatim quote both scripts give."""
    sentences = [s for s in split_sentences(answer) if len(s.split()) >= QUOTE_MIN_WORDS]
    return sentences[0] if sentences else answer.strip()


class SyntheticGrader:
    """A reply source that answers grading requests from a script and keeps them as recordings.

    Args:
        kind: ``calibrated`` or ``miscalibrated``.
        date: the date the recordings carry (today by default).
    """

    def __init__(self, kind: str, date: str | None = None) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown synthetic grader {kind!r}: choose {' or '.join(KINDS)}")
        self.kind = kind
        self.date = date or datetime.now(UTC).date().isoformat()
        self.records: list[Recording] = []
        self._lock = threading.Lock()

    def grade_output(self, item: Item) -> LLMGradeOutput:
        """The scripted grade for an item, on every quality its case lists."""
        grades = []
        for quality in item.case.qualities:
            score = calibrated_score(item, quality) if self.kind == CALIBRATED else miscalibrated_score(item, quality)
            evidence = [first_sentence(item.answers[0])] if score is not None else []
            if self.kind == MISCALIBRATED and _hash(item.id) % 5 == 0:
                evidence.append("the candidate clearly has a strong verification mindset")
            grades.append(
                QualityGrade(
                    quality=quality,
                    score=score,
                    evidence=evidence,
                    rationale=f"Synthetic {self.kind} grade: a script, not a model's judgement.",
                    improvement="Synthetic: no advice.",
                )
            )
        return LLMGradeOutput(grades=grades, feedback=f"Synthetic {self.kind} feedback.")

    def answer(self, request: LLMRequest, item: Item) -> tuple[Completion, Provenance]:
        """Answer from the script and keep the exchange as a synthetic recording."""
        completion = Completion(
            text=self.grade_output(item).model_dump_json(), model="synthetic", stop_reason="end_turn"
        )
        provenance = Provenance(source="synthetic", model="none", date=self.date, note=NOTES[self.kind])
        record = Recording(
            key=request_key(request),
            purpose=request.purpose,
            request=request.canonical(),
            response=completion,
            provenance=provenance,
        )
        with self._lock:
            self.records.append(record)
        return completion, provenance


def synthesize(
    cases: Sequence[Case], templates: TemplateSet, model: str, kind: str, probe_qualities: Sequence[QualityId]
) -> list[Recording]:
    """Synthetic recordings for every gold case and probe, keyed as the LLM grader's own requests."""
    source = SyntheticGrader(kind)
    items = build_items(cases, probe_qualities)
    grade_all(LLMSubject(templates, model, source), items)
    return source.records


def write_synthetic(records: list[Recording], directory: Path, kind: str, templates: TemplateSet) -> Path:
    """Write one kind's recordings for one template set to ``<directory>/<kind>/<set>.jsonl``."""
    path = directory / kind / f"{templates.name}.jsonl"
    write_recordings(path, records)
    return path
