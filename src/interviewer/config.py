"""Settings read from the environment, with the project's defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError

DEFAULT_MODEL = "claude-sonnet-5-5"
"""A current Claude model; override with INTERVIEWER_MODEL."""

DEFAULT_DB = "interviews.db"

DEFAULT_BUDGET = 12_000
"""Estimated input tokens one request may use; override with INTERVIEWER_TOKEN_BUDGET."""
MIN_BUDGET = 4_000
"""Below this the grader's rubric alone would not fit."""

DEFAULT_DEADLINE = 90.0
"""Seconds one request to a model may take, retries included; override with INTERVIEWER_DEADLINE."""


@dataclass(frozen=True)
class Settings:
    """What the environment says about keys, model, templates and storage.

    The API key is held but never printed: ``repr`` masks it.
    """

    api_key: str | None = field(default=None, repr=False)
    base_url: str | None = None
    model: str = DEFAULT_MODEL
    prompts: Path | None = None
    db: str = DEFAULT_DB
    budget: int = DEFAULT_BUDGET
    deadline: float = DEFAULT_DEADLINE
    openai_api_key: str | None = field(default=None, repr=False)
    """For the ``openai`` backend (any OpenAI-compatible server): OPENAI_API_KEY, if the server needs one."""
    openai_base_url: str | None = None
    """For the ``openai`` backend: OPENAI_BASE_URL, e.g. ``http://localhost:11434/v1`` for Ollama."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL and the INTERVIEWER_* variables.

        Raises:
            ConfigError: INTERVIEWER_TOKEN_BUDGET is not a whole number of at least MIN_BUDGET, or
                INTERVIEWER_DEADLINE is not a number of seconds from 5 to 600.
        """
        env = os.environ if env is None else env
        prompts = env.get("INTERVIEWER_PROMPTS") or None
        return cls(
            api_key=env.get("ANTHROPIC_API_KEY") or None,
            base_url=env.get("ANTHROPIC_BASE_URL") or None,
            model=env.get("INTERVIEWER_MODEL") or DEFAULT_MODEL,
            prompts=Path(prompts) if prompts else None,
            db=env.get("INTERVIEWER_DB") or DEFAULT_DB,
            budget=_budget(env.get("INTERVIEWER_TOKEN_BUDGET")),
            deadline=_deadline(env.get("INTERVIEWER_DEADLINE")),
            openai_api_key=env.get("OPENAI_API_KEY") or None,
            openai_base_url=env.get("OPENAI_BASE_URL") or None,
        )

    @property
    def openai_configured(self) -> bool:
        """Whether an OpenAI-compatible server is set up: a base URL (a local server) or a key."""
        return bool(self.openai_base_url or self.openai_api_key)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every API key set, to keep out of logs and recordings."""
        return tuple(key for key in (self.api_key, self.openai_api_key) if key)

    @property
    def default_backend(self) -> str:
        """``anthropic`` when a key is set, else the embedded ``offline`` backend."""
        return "anthropic" if self.api_key else "offline"


def _budget(raw: str | None) -> int:
    if not raw:
        return DEFAULT_BUDGET
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        raise ConfigError(f"INTERVIEWER_TOKEN_BUDGET must be a whole number of tokens, not {raw!r}") from None
    if value < MIN_BUDGET:
        raise ConfigError(f"INTERVIEWER_TOKEN_BUDGET must be at least {MIN_BUDGET} tokens, not {value}")
    return value


def _deadline(raw: str | None) -> float:
    if not raw:
        return DEFAULT_DEADLINE
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"INTERVIEWER_DEADLINE must be a number of seconds, not {raw!r}") from None
    if not 5 <= value <= 600:
        raise ConfigError(f"INTERVIEWER_DEADLINE must be between 5 and 600 seconds, not {value:g}")
    return value


def project_root() -> Path:
    """The checkout's root when running from source (the folder holding ``prompts/``)."""
    return Path(__file__).resolve().parents[2]
