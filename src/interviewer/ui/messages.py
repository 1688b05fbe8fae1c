"""The library's neutral errors, worded for a candidate in the browser: what happened and what to do."""

from __future__ import annotations

from ..errors import (
    AnswerError,
    BackendError,
    GradingError,
    InterviewerError,
    InterviewStateError,
    MissingKeyError,
    StaleSessionError,
    StorageError,
    TemplateError,
)

STALE = (
    "This interview was continued in another tab or window, so your last change here was not saved. "
    "The page now shows the latest turn."
)


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "." if text else ""


def explain(exc: InterviewerError) -> str:
    """An error as the candidate reads it."""
    if isinstance(exc, StaleSessionError):
        return STALE
    if isinstance(exc, MissingKeyError):
        return (
            "No Anthropic API key: set ANTHROPIC_API_KEY, add it to .streamlit/secrets.toml, or paste one in the "
            "sidebar. Without a key, the offline backend works."
        )
    if isinstance(exc, AnswerError):
        if "empty" in str(exc):
            return "Your answer is empty: type an answer, or skip the question."
        return _sentence(str(exc))
    if isinstance(exc, StorageError):
        return f"{_sentence(str(exc))} Nothing after your last saved turn was kept; try again once this is fixed."
    if isinstance(exc, BackendError):
        return f"The model did not answer: {exc}. Your answers are saved; retry, or go on without the model."
    if isinstance(exc, GradingError):
        return f"Grading did not work: {exc}. Your answers are saved; it is tried again."
    if isinstance(exc, TemplateError):
        return f"The template set has problems:\n{exc}"
    if isinstance(exc, InterviewStateError):
        return _sentence(str(exc))
    return _sentence(str(exc))
