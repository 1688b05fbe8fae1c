"""Every error the library raises on purpose: neutral about who reads it, with structured fields.

The library says what failed and whether trying again can help; the app and the command line word
it for their reader (``ui/messages.py``, ``cli.py``), adding what to click or type.
"""

from __future__ import annotations


class InterviewerError(Exception):
    """Base class: catch this to handle any expected failure of the library.

    Args:
        message: what went wrong, in plain words, without telling anyone what to click.
        retryable: whether the same action may succeed if tried again (defaults per class).
        what: what failed, when it helps to say (``interviewer``, ``grader``, ``report``, ``database``).
    """

    retryable = False

    def __init__(self, message: str, *, retryable: bool | None = None, what: str = "") -> None:
        super().__init__(message)
        if retryable is not None:
            self.retryable = retryable
        self.what = what


class ConfigError(InterviewerError):
    """A setting is missing or invalid."""


class MissingKeyError(ConfigError):
    """The Anthropic backend was chosen without an API key."""

    def __init__(self) -> None:
        super().__init__("no Anthropic API key is set (ANTHROPIC_API_KEY)")


class ContentError(InterviewerError):
    """A content file (rubric, question bank, case file) is missing or malformed."""


class TemplateProblem:
    """One problem found in a template file, with where it is."""

    def __init__(self, file: str, line: int | None, message: str) -> None:
        self.file = file
        self.line = line
        self.message = message

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"

    def __repr__(self) -> str:
        return f"TemplateProblem({self!s})"


class TemplateError(InterviewerError):
    """A template set failed to load, validate or render."""

    def __init__(self, problems: list[TemplateProblem] | str) -> None:
        if isinstance(problems, str):
            problems = [TemplateProblem("(template set)", None, problems)]
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class AnswerError(InterviewerError):
    """The candidate's answer cannot be accepted as it is (for example, it is empty)."""


class JobPostError(InterviewerError):
    """A job post cannot be read as it is (for example, it is empty, or far longer than one post)."""


class InterviewStateError(InterviewerError):
    """An action does not fit the interview's current state (for example, answering after the end)."""


class StaleSessionError(InterviewStateError):
    """The stored interview moved on without this copy of it (another tab, window or process continued it)."""

    def __init__(self) -> None:
        super().__init__("the stored interview has moved on without this copy, so its last change was not saved")


class BackendError(InterviewerError):
    """The model backend failed: outage, timeout, a refused request or a cut-off reply."""

    retryable = True


class GradingError(InterviewerError):
    """The grader's output could not be turned into a valid grade, even after one re-ask."""

    retryable = True
    usage: object = None
    """The tokens spent before it failed (a ``Usage``), when any were."""


class ReplayMissError(InterviewerError):
    """A replay backend has no recording for a request."""

    def __init__(self, key: str, purpose: str, directory: str) -> None:
        self.key = key
        super().__init__(
            f"No recording for this {purpose} request (key {key[:16]}) in {directory}. "
            "Record it once with a key: set ANTHROPIC_API_KEY and run with --mode record "
            "(python -m evals run ... --mode record), then replay offline."
        )


class RecordingError(InterviewerError):
    """A recording would be unsafe or wrong to write (an error response, or a key-shaped string)."""


class StorageError(InterviewerError):
    """The session store could not be read or written; the message says what happened, never a password."""
