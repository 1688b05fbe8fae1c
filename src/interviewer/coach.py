"""What the app does, without the widgets: settings from the sidebar, starting and resuming interviews."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .backends import LIVE_BACKENDS, Backend, create_backend
from .config import Settings
from .domain import InterviewConfig, QualityId
from .errors import InterviewStateError
from .interview import Interview
from .offline import OfflineInterviewer
from .storage import Store
from .templates import TemplateSet, discover_sets

OFFLINE_WORD_DELAY = 0.012

HEURISTIC_LIMITS = (
    "The offline grader is a transparent heuristic, not a model. It can tell whether your answer names "
    "concrete practices from the rubric (an eval set of real cases, a threshold, a rollout plan) and quotes "
    "the sentences that did. It cannot judge whether those ideas are right for the scenario, notice a subtle "
    "mistake, or credit an unusual but sound approach. Add an Anthropic API key for model grading."
)


BACKEND_TITLES = {"offline": "Offline (no model)", "anthropic": "Claude", "openai": "OpenAI-compatible server"}


def backend_choices(settings: Settings) -> list[str]:
    """The backends the settings make possible: offline always, Claude with a key, a server with its URL or key."""
    choices = ["offline"]
    if settings.openai_configured:
        choices.append("openai")
    if settings.api_key:
        choices.append("anthropic")
    return choices


def effective_settings(base: Settings, pasted_key: str | None, model: str | None) -> Settings:
    """Environment settings overridden by what the candidate typed in this browser session only."""
    key = (pasted_key or "").strip() or base.api_key
    return replace(base, api_key=key or None, model=(model or "").strip() or base.model)


def focus_qualities(chosen: list[str], weakest: bool, history_weak: list[QualityId]) -> list[QualityId]:
    """The focus qualities for a new interview: the history's weakest first, when asked for, then the chosen."""
    picked = [QualityId(v) for v in chosen]
    return list(dict.fromkeys([*history_weak, *picked])) if weakest else picked


def template_choices(settings: Settings) -> dict[str, Path]:
    """Template sets to offer, labelled with name and version; broken ones still listed by folder."""
    choices: dict[str, Path] = {}
    for directory in discover_sets(settings.prompts):
        try:
            label = TemplateSet(directory).title
        except Exception:
            label = f"{directory.name} (cannot load)"
        if label in choices:
            label = f"{label} ({directory.name})"
        choices[label] = directory
    return choices


def open_interview(
    backend_name: str, settings: Settings, templates: Path | None, config: InterviewConfig, store: Store
) -> Interview:
    """Build the backend (validating the template set) and a new interview persisted in the store."""
    backend = create_backend(backend_name, settings=settings, templates=templates)
    _pace(backend)
    return Interview(backend, config.model_copy(update={"template_set": str(templates or "default")}), store=store)


def resume_interview(session_id: str, settings: Settings, store: Store) -> Interview:
    """Reopen a stored interview with the backend it started on.

    Raises:
        InterviewStateError: no such session.
        MissingKeyError: it ran on Claude and no key is available now.
    """
    record = store.load_session(session_id)
    if record is None:
        raise InterviewStateError(f"no stored session with id {session_id!r}")
    name = record.backend if record.backend in LIVE_BACKENDS else "offline"
    templates = Path(record.config.template_set) if Path(record.config.template_set).is_dir() else None
    backend: Backend = create_backend(name, settings=settings, templates=templates)
    _pace(backend)
    return Interview.resume(backend, store, session_id)


def _pace(backend: Backend) -> None:
    # Offline replies are instant; a short pause per word makes them read like the streamed model replies.
    if isinstance(backend.interviewer, OfflineInterviewer):
        backend.interviewer.word_delay = OFFLINE_WORD_DELAY
