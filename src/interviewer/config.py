"""Settings read from the environment, with the project's defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MODEL = "claude-sonnet-5-5"
"""A current Claude model; override with INTERVIEWER_MODEL."""

DEFAULT_DB = "interviews.db"


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

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL, INTERVIEWER_MODEL, INTERVIEWER_PROMPTS, INTERVIEWER_DB."""
        env = os.environ if env is None else env
        prompts = env.get("INTERVIEWER_PROMPTS") or None
        return cls(
            api_key=env.get("ANTHROPIC_API_KEY") or None,
            base_url=env.get("ANTHROPIC_BASE_URL") or None,
            model=env.get("INTERVIEWER_MODEL") or DEFAULT_MODEL,
            prompts=Path(prompts) if prompts else None,
            db=env.get("INTERVIEWER_DB") or DEFAULT_DB,
        )

    @property
    def default_backend(self) -> str:
        """``anthropic`` when a key is set, else the embedded ``offline`` backend."""
        return "anthropic" if self.api_key else "offline"


def project_root() -> Path:
    """The checkout's root when running from source (the folder holding ``prompts/``)."""
    return Path(__file__).resolve().parents[2]
