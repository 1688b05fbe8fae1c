"""Backends by name: which interviewer, grader and reporter an interview uses.

``offline`` (the default with no key) needs no model at all; ``anthropic`` talks to Claude;
``replay`` answers from recordings; any other ``LLM`` (such as a test's scripted fake) can be
passed in directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .config import Settings
from .errors import ConfigError, TemplateError
from .grading import Grader, LLMGrader
from .heuristic import HeuristicGrader
from .llm import LLM
from .llm_interviewer import LLMInterviewer
from .offline import OfflineInterviewer
from .prompt_context import sample_contexts
from .reporting import LLMReporter, OfflineReporter, Reporter
from .templates import TemplateSet, load_set
from .turns import InterviewerDraft, TurnContext

LIVE_BACKENDS = ("offline", "anthropic", "openai")
"""The backends a candidate runs an interview on (and a stored session resumes on)."""
BACKENDS = (*LIVE_BACKENDS, "replay", "fake")


class Interviewer(Protocol):
    """Produces the interviewer's turns."""

    name: str

    def reply(self, ctx: TurnContext) -> InterviewerDraft:
        """One attempt at the next turn: its text as it streams, then how it ended."""
        ...


@dataclass
class Backend:
    """The parts an interview runs on."""

    name: str
    interviewer: Interviewer
    grader: Grader
    reporter: Reporter
    templates: TemplateSet
    heuristic: bool
    model: str | None = None
    llm: LLM | None = None

    @property
    def label(self) -> str:
        """What the UI's badge says."""
        if self.heuristic:
            return "Offline: question bank and heuristic grader (no model)"
        return f"{self.name}: {self.model}"


def checked_templates(templates: TemplateSet | str | Path | None, settings: Settings) -> TemplateSet:
    """Load a template set and refuse it if validation finds any problem.

    Raises:
        TemplateError: listing every problem with file and line.
    """
    if not isinstance(templates, TemplateSet):
        # INTERVIEWER_PROMPTS may be one set or a folder of sets; only the former is a default choice.
        env_set = settings.prompts if settings.prompts and (settings.prompts / "manifest.toml").is_file() else None
        templates = load_set(templates or env_set or "default", extra=settings.prompts)
    problems = templates.validate(sample_contexts())
    if problems:
        raise TemplateError(problems)
    return templates


def create_backend(
    name: str | None = None,
    *,
    settings: Settings | None = None,
    templates: TemplateSet | str | Path | None = None,
    llm: LLM | None = None,
    recordings: list[Path] | None = None,
) -> Backend:
    """Build a backend by name; with ``llm`` given, use that model backend as is.

    Args:
        name: ``offline``, ``anthropic``, ``openai`` (any OpenAI-compatible server) or ``replay``; the
            settings' default when None.
        settings: environment settings (read from the environment when None).
        templates: a template set, its name or its directory.
        llm: a ready model backend (for example a scripted fake in tests).
        recordings: recording files for ``replay``.

    Raises:
        ConfigError: an unknown name, or replay without recordings.
        MissingKeyError: ``anthropic`` without a key.
        TemplateError: the template set is broken.
    """
    settings = settings or Settings.from_env()
    tset = checked_templates(templates, settings)
    if llm is None:
        name = name or settings.default_backend
        if name == "offline":
            return Backend("offline", OfflineInterviewer(), HeuristicGrader(), OfflineReporter(), tset, heuristic=True)
        llm = model_llm(name, settings, recordings)
    model = settings.model
    return Backend(
        name or llm.name,
        LLMInterviewer(llm, tset, model, settings.budget),
        LLMGrader(llm, tset, model, settings.budget),
        LLMReporter(llm, tset, model, settings.budget),
        tset,
        heuristic=False,
        model=model,
        llm=llm,
    )


def model_llm(name: str, settings: Settings, recordings: list[Path] | None = None) -> LLM:
    """The model behind a backend name (every backend but ``offline`` has one).

    Raises:
        ConfigError: an unknown name, replay without recordings, or the openai SDK not installed.
        MissingKeyError: ``anthropic`` without a key.
    """
    if name == "anthropic":
        from .anthropic_llm import AnthropicLLM

        return AnthropicLLM(settings)
    if name == "openai":
        try:
            from .openai_llm import OpenAICompatibleLLM
        except ImportError:
            raise ConfigError(
                "the openai backend needs the openai SDK: pip install 'ai-pm-interview-coach[openai]'"
            ) from None
        return OpenAICompatibleLLM(settings)
    if name == "fake":
        from .fake_llm import FakeLLM

        return FakeLLM()
    if name == "replay":
        if not recordings:
            raise ConfigError("the replay backend needs recording files (recordings=[...])")
        from .replay import ReplayLLM

        return ReplayLLM(recordings)
    raise ConfigError(f"unknown backend {name!r}: choose one of {', '.join(BACKENDS)}")
