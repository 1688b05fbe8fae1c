"""Bounded retries for any model API: every wait capped, the whole request within its deadline, each retry said.

The backends differ only in how they read their SDK's errors, so each gives a ``Provider``: the SDK's
error class, how long an error asks to wait (None: retrying cannot help), how to word it, and how to
turn it into a ``BackendError``.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx2

from .errors import BackendError
from .llm import report_status
from .redaction import mask_key

log = logging.getLogger(__name__)

T = TypeVar("T")

TIMEOUT_SECONDS = 60.0
"""The longest one attempt may take (less when the deadline is nearer)."""
MAX_RETRIES = 3
RETRY_AFTER_CAP = 10.0
"""Seconds: a longer ``retry-after`` is not waited for in full."""
BACKOFF = 0.5
RETRYABLE_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504, 529})


@dataclass(frozen=True)
class Provider:
    """How one SDK's errors are read."""

    label: str
    """Who answers, in the candidate's words ("Claude", "the model server")."""
    error: type[BaseException]
    """The SDK's base error: anything else is not the API's and is never retried."""
    status_error: type[BaseException]
    """An error response (it has ``status_code`` and ``response``): retried when the status says it may help."""
    connection_error: type[BaseException]
    """The server could not be reached or did not answer in time: retried."""
    why: Callable[[Any], str]
    """What went wrong, for the retry notice."""
    fail: Callable[[Any, int], BackendError]
    """The error to raise after ``attempts`` retries."""
    text: Callable[[Any], str]
    """The API's own message."""

    @classmethod
    def for_sdk(
        cls,
        sdk: Any,
        label: str,
        why: Callable[[Any], str],
        text: Callable[[Any], str],
        fail: Callable[[Any, int], BackendError],
    ) -> Provider:
        """A provider for an SDK shaped like ``anthropic`` and ``openai`` (both name their errors alike)."""
        return cls(label, sdk.APIError, sdk.APIStatusError, sdk.APIConnectionError, why, fail, text)


@dataclass(frozen=True)
class Wording:
    """How one backend words a failed request."""

    prefix: str
    key: str
    """The variable holding the key, named when the key is rejected."""
    rate: str
    timeout: str
    unreachable: str
    answered: str
    retry_stream_errors: bool = False
    """Whether a status-200 error (an error event inside a stream) is worth another try."""


def backend_error(
    sdk: Any, words: Wording, text: Callable[[Any], str], exc: Any, attempts: int, key: str | None
) -> BackendError:
    """The ``BackendError`` for an SDK error after ``attempts`` retries, worded for the candidate, key masked."""
    tries = f" after {attempts + 1} attempts" if attempts else ""
    retryable = True
    if isinstance(exc, sdk.AuthenticationError):
        detail, retryable = f"the API key was rejected ({words.key})", False
    elif isinstance(exc, sdk.RateLimitError):
        detail = f"{words.rate}{tries}"
    elif isinstance(exc, sdk.APITimeoutError):
        detail = f"{words.timeout} {TIMEOUT_SECONDS:.0f} s{tries}"
    elif isinstance(exc, sdk.APIConnectionError):
        detail = f"{words.unreachable}{tries}"
    elif isinstance(exc, sdk.APIStatusError):
        detail = f"{words.answered} {exc.status_code}: {text(exc)}{tries}"
        retryable = exc.status_code in RETRYABLE_STATUS or (words.retry_stream_errors and exc.status_code == 200)
    else:
        detail = text(exc)
    return BackendError(mask_key(f"{words.prefix}: {detail}", key), retryable=retryable)


def client_options() -> dict[str, Any]:
    """How both SDK clients are built: no retries of their own (these are), one attempt's timeout."""
    return {"max_retries": 0, "timeout": httpx2.Timeout(TIMEOUT_SECONDS, connect=5.0)}


def retry_after(headers: Any) -> float | None:
    """The wait a response asks for, in seconds (``retry-after-ms`` or ``retry-after``), if any."""
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        raw = headers.get(name)
        if raw is None:
            continue
        try:
            return max(0.0, float(str(raw)) / scale)
        except ValueError:
            continue
    return None


def with_retries(
    call: Callable[[float], T],
    provider: Provider,
    deadline_seconds: float,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
) -> T:
    """Make a request, retrying what can be retried, within the deadline; say so before each retry.

    Streams are retried only until they start: ``call`` returns once the response has begun.

    Raises:
        BackendError: the request failed for good, or the deadline would pass.
    """
    deadline = clock() + deadline_seconds
    for attempt in range(MAX_RETRIES + 1):
        remaining = deadline - clock()
        try:
            return call(max(1.0, min(TIMEOUT_SECONDS, remaining)))
        except provider.error as exc:
            wait = _wait(provider, exc, attempt)
            if wait is None or attempt == MAX_RETRIES:
                raise provider.fail(exc, attempt) from None
            if clock() + wait >= deadline:
                raise BackendError(
                    f"no answer from {provider.label} within the {deadline_seconds:.0f} s deadline "
                    f"({provider.text(exc)}, after {attempt + 1} attempts)"
                ) from None
            why = provider.why(exc)
            log.warning("%s request failed (%s); retrying, %d of %d", provider.label, why, attempt + 1, MAX_RETRIES)
            report_status(f"{why}; retrying, {attempt + 1} of {MAX_RETRIES}")
            sleep(wait)
    raise AssertionError("unreachable")  # the loop returns or raises


def _wait(provider: Provider, exc: BaseException, attempt: int) -> float | None:
    """Seconds to wait before retrying, or None when retrying cannot help."""
    if isinstance(exc, provider.status_error):
        status: Any = exc  # both SDKs' status errors carry the code and the response
        if status.status_code not in RETRYABLE_STATUS:
            return None
        asked = retry_after(status.response.headers)
        if asked is not None:
            return min(asked, RETRY_AFTER_CAP)
    elif not isinstance(exc, provider.connection_error):
        return None
    return float(min(BACKOFF * 2.0**attempt, 8.0)) * (0.75 + random.random() / 2)
