"""Gold cases: load JSON Lines files or directories in the brief's schema.

One case a line: ``id``, ``quality``, ``question``, ``answer``, ``expected`` (1-4) and ``tags``.
Unknown extra fields are ignored. The labelling guide's optional ``pair`` (which groups a near-duplicate
pair) is read when present, leniently, since it is not part of the brief's contract.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, ValidationError, field_validator

from interviewer.domain import QualityId
from interviewer.errors import ContentError

ADVERSARIAL_TAGS = ("injection", "verbose", "buzzwords", "overconfident", "dismissive")
"""Tags the brief reserves for adversarial kinds of answer."""


class Case(BaseModel):
    """One labelled answer: the human label is ``expected``."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: Annotated[StrictStr, Field(min_length=1)]
    quality: QualityId
    question: Annotated[StrictStr, Field(min_length=1)]
    answer: Annotated[StrictStr, Field(min_length=1)]
    expected: Annotated[StrictInt, Field(ge=1, le=4)]
    tags: tuple[StrictStr, ...]
    pair: str | None = None
    """Groups the members of a near-duplicate pair that differ in one decisive detail."""
    source: str = ""
    """Where the case was read from, as ``file:line`` (set by the loader)."""

    @field_validator("pair", mode="before")
    @classmethod
    def _lenient_pair(cls, value: object) -> str | None:
        if isinstance(value, bool) or not isinstance(value, str | int):
            return None
        return str(value) or None

    @property
    def adversarial(self) -> tuple[str, ...]:
        """The adversarial tags the case carries."""
        return tuple(t for t in self.tags if t in ADVERSARIAL_TAGS)


def case_files(paths: Iterable[Path]) -> list[Path]:
    """The ``*.jsonl`` files named, or found under the directories named, in order.

    Raises:
        ContentError: a path does not exist, or a directory holds no case file.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(path.rglob("*.jsonl"))
            if not found:
                raise ContentError(f"{path}: no *.jsonl case files in this directory")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise ContentError(f"{path}: no such case file or directory")
    return list(dict.fromkeys(files))


def parse_line(line: str, where: str) -> Case:
    """Parse one line of a case file.

    Raises:
        ContentError: the line is not a JSON object in the case schema, naming ``where``.
    """
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ContentError(f"{where}: not valid JSON: {exc.msg} (column {exc.colno})") from exc
    except RecursionError:
        raise ContentError(f"{where}: not a valid case: nested too deeply to read") from None
    except ValueError as exc:  # for example an integer of thousands of digits
        raise ContentError(f"{where}: not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ContentError(f"{where}: a case must be a JSON object, got {type(data).__name__}")
    data.pop("source", None)
    try:
        return Case.model_validate({**data, "source": where})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(case)'}: {e['msg']}" for e in exc.errors())
        raise ContentError(f"{where}: not a valid case: {problems}") from exc


def load_cases(paths: Iterable[Path | str]) -> list[Case]:
    """Read every case from files or directories of JSON Lines; blank lines are skipped.

    Raises:
        ContentError: a missing path, a corrupt line (naming file and line) or a repeated id.
    """
    cases: list[Case] = []
    seen: dict[str, str] = {}
    for path in case_files(Path(p) for p in paths):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ContentError(f"{path}: cannot read the case file: {exc}") from exc
        # JSON Lines ends lines with \n only: str.splitlines() would also split inside a string at U+2028.
        for number, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            case = parse_line(line, f"{path}:{number}")
            if case.id in seen:
                raise ContentError(f"{case.source}: case id {case.id!r} is already used at {seen[case.id]}")
            seen[case.id] = case.source
            cases.append(case)
    if not cases:
        raise ContentError("no cases found in " + ", ".join(str(p) for p in paths))
    return cases
