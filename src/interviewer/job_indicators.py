"""The job-post indicators: what in a post signals each kind of AI PM role, and what it stresses.

The indicators are data (``content/job_indicators.json``) so the reading stays transparent: the app
shows each matched sentence with its indicator's ``why``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .content_checks import compiled
from .domain import QualityId, Role
from .errors import ContentError


class Indicator(BaseModel):
    """One thing a post can say, as patterns matched against one sentence at a time."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    why: str
    weight: float = Field(default=1.0, gt=0)
    patterns: list[str] = Field(min_length=1)
    with_: list[str] = Field(default_factory=list, alias="with")
    """The sentence must also match one of these."""
    unless: list[str] = Field(default_factory=list)
    """The indicator does not count in a sentence matching one of these."""
    in_ai_post: bool = False
    """A context indicator: it counts only in a post that describes AI work somewhere, and adds to a role at most
    the weight the role's direct indicators give it (so "A/B tests" and "compliance" never make a role alone)."""


class _IndicatorFile(BaseModel):
    about: str = ""
    ai_names: list[str] = Field(min_length=1)
    ai_work: list[Indicator]
    roles: dict[Role, list[Indicator]]
    focus: dict[QualityId, list[Indicator]]


@dataclass(frozen=True)
class Rule:
    """An indicator compiled: its patterns, the ones that must come with it, and the ones that rule it out."""

    why: str
    weight: float
    patterns: tuple[re.Pattern[str], ...]
    with_: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...]
    in_ai_post: bool

    def match(self, sentence: str, ai_post: bool) -> re.Match[str] | None:
        """Where the indicator shows in a sentence, if it does."""
        if (self.in_ai_post and not ai_post) or any(p.search(sentence) for p in self.unless):
            return None
        if self.with_ and not any(p.search(sentence) for p in self.with_):
            return None
        return next((m for m in (p.search(sentence) for p in self.patterns) if m), None)


@dataclass(frozen=True)
class Indicators:
    """The loaded indicators, compiled."""

    ai_names: tuple[re.Pattern[str], ...]
    ai_work: tuple[Rule, ...]
    roles: dict[Role, tuple[Rule, ...]]
    focus: dict[QualityId, tuple[Rule, ...]]

    def names_ai(self, sentence: str) -> bool:
        """Whether a sentence names AI (AI, ML, LLM, GenAI, machine learning ...)."""
        return any(p.search(sentence) for p in self.ai_names)


def _rule(indicator: Indicator, source: str, where: str) -> Rule:
    def many(patterns: list[str]) -> tuple[re.Pattern[str], ...]:
        return tuple(compiled(p, source, where, re.IGNORECASE) for p in patterns)

    return Rule(
        indicator.why,
        indicator.weight,
        many(indicator.patterns),
        many(indicator.with_),
        many(indicator.unless),
        indicator.in_ai_post,
    )


def load_indicators_text(text: str, source: str = "job_indicators.json") -> Indicators:
    """Parse a job-indicators file.

    Raises:
        ContentError: the text breaks the schema, a role has no indicators, or a pattern is not a valid regex.
    """
    try:
        parsed = _IndicatorFile.model_validate_json(text)
    except ValidationError as exc:
        raise ContentError(f"{source} is not a valid job-indicators file: {exc}") from exc
    missing = [r.value for r in Role if not parsed.roles.get(r)]
    if missing:
        raise ContentError(f"{source} has no indicators for roles: {', '.join(missing)}")
    return Indicators(
        ai_names=tuple(compiled(p, source, "ai_names", re.IGNORECASE) for p in parsed.ai_names),
        ai_work=tuple(_rule(i, source, "ai_work") for i in parsed.ai_work),
        roles={r: tuple(_rule(i, source, f"role {r.value}") for i in parsed.roles[r]) for r in Role},
        focus={q: tuple(_rule(i, source, f"focus {q.value}") for i in rules) for q, rules in parsed.focus.items()},
    )


@cache
def indicators() -> Indicators:
    """The embedded indicators."""
    text = resources.files("interviewer.content").joinpath("job_indicators.json").read_text(encoding="utf-8")
    return load_indicators_text(text)
