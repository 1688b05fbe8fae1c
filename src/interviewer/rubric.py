"""The rubric: the ten qualities and their four levels, loaded from package data."""

from __future__ import annotations

from functools import cache
from importlib import resources

from pydantic import BaseModel, ValidationError

from .domain import Quality, QualityId
from .errors import ContentError


class _QualityFile(BaseModel):
    qualities: list[Quality]


def load_qualities_text(text: str, source: str = "qualities.json") -> dict[QualityId, Quality]:
    """Parse a qualities file's text into qualities keyed by id.

    Raises:
        ContentError: the text is not valid JSON, misses a quality or breaks the schema.
    """
    try:
        parsed = _QualityFile.model_validate_json(text)
    except ValidationError as exc:
        raise ContentError(f"{source} is not a valid rubric: {exc}") from exc
    by_id = {q.id: q for q in parsed.qualities}
    missing = set(QualityId) - set(by_id)
    if missing:
        raise ContentError(f"{source} lacks qualities: {', '.join(sorted(missing))}")
    return by_id


@cache
def qualities() -> dict[QualityId, Quality]:
    """The embedded rubric, in the brief's order."""
    text = resources.files("interviewer.content").joinpath("qualities.json").read_text(encoding="utf-8")
    return load_qualities_text(text)


def quality(qid: QualityId | str) -> Quality:
    """One quality by id."""
    return qualities()[QualityId(qid)]
