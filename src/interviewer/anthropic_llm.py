"""The Anthropic backend: the only module that imports the ``anthropic`` SDK."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anthropic
import httpx2

from .budget import fit_to_budget, price
from .config import Settings
from .domain import Usage
from .errors import BackendError, MissingKeyError
from .llm import Completion, LLMRequest, TextStream

TIMEOUT_SECONDS = 60.0
MAX_RETRIES = 3


class AnthropicLLM:
    """Claude through the Messages API: streamed replies, structured output, prompt caching.

    Args:
        settings: key, base URL and model; read from the environment when not given.
        client: an ``anthropic.Anthropic`` client to use instead of building one (for tests).
        budget: input-token budget every request is trimmed to (the settings' budget when None).
    """

    name = "anthropic"

    def __init__(
        self,
        settings: Settings | None = None,
        client: anthropic.Anthropic | None = None,
        budget: int | None = None,
    ) -> None:
        self.settings = settings or Settings.from_env()
        self.budget = budget or self.settings.budget
        if client is None:
            if not self.settings.api_key:
                raise MissingKeyError()
            client = anthropic.Anthropic(
                api_key=self.settings.api_key,
                base_url=self.settings.base_url,
                max_retries=MAX_RETRIES,
                timeout=httpx2.Timeout(TIMEOUT_SECONDS, connect=5.0),
            )
        self.client = client

    @property
    def model(self) -> str:
        """The model requests default to."""
        return self.settings.model

    def stream(self, request: LLMRequest) -> TextStream:
        """Stream a reply, chunk by chunk, as the API sends it."""
        params = self._params(request)
        state: dict[str, Any] = {}

        def chunks() -> Iterator[str]:
            try:
                with self.client.messages.stream(**params) as stream:
                    yield from stream.text_stream
                    state["message"] = stream.get_final_message()
            except anthropic.APIError as exc:
                raise self._backend_error(exc) from None
            except httpx2.HTTPError as exc:
                # The SDK does not wrap transport errors raised after the stream has started.
                raise BackendError(
                    f"Claude's reply was cut off ({exc.__class__.__name__}). Your answers are saved; retry the turn."
                ) from None

        def finish(text: str) -> Completion:
            message = state["message"]
            return Completion(
                text=text,
                usage=self._usage(request.model, message.usage),
                model=message.model,
                stop_reason=message.stop_reason,
            )

        return TextStream(chunks(), finish)

    def complete(self, request: LLMRequest) -> Completion:
        """Return a whole reply; with ``output_schema`` set, as structured JSON output."""
        params = self._params(request)
        if request.output_schema is not None:
            params["output_config"] = {
                "format": {"type": "json_schema", "schema": anthropic.transform_schema(request.output_schema)}
            }
        try:
            message = self.client.messages.create(**params)
        except anthropic.APIError as exc:
            raise self._backend_error(exc) from None
        text = "".join(block.text for block in message.content if block.type == "text")
        return Completion(
            text=text,
            usage=self._usage(request.model, message.usage),
            model=message.model,
            stop_reason=message.stop_reason,
        )

    def _params(self, request: LLMRequest) -> dict[str, Any]:
        request = fit_to_budget(request, self.budget)
        system: list[dict[str, Any]] = []
        for block in request.system:
            item: dict[str, Any] = {"type": "text", "text": block.text}
            if block.cache:
                item["cache_control"] = {"type": "ephemeral"}
            system.append(item)
        params: dict[str, Any] = {
            "model": request.model,
            "max_tokens": request.max_tokens,
            "system": system,
            "messages": [m.model_dump() for m in request.messages],
        }
        return params

    def _usage(self, model: str, usage: Any) -> Usage:
        figures = Usage(
            input_tokens=usage.input_tokens or 0,
            output_tokens=usage.output_tokens or 0,
            cache_read_tokens=getattr(usage, "cache_read_input_tokens", None) or 0,
            cache_write_tokens=getattr(usage, "cache_creation_input_tokens", None) or 0,
        )
        return figures.model_copy(update={"cost_usd": price(model, figures)})

    def _backend_error(self, exc: anthropic.APIError) -> BackendError:
        if isinstance(exc, anthropic.AuthenticationError):
            detail = "the API key was rejected: check ANTHROPIC_API_KEY"
        elif isinstance(exc, anthropic.RateLimitError):
            detail = "rate limited by the API after retries; wait a minute and retry"
        elif isinstance(exc, anthropic.APITimeoutError):
            detail = f"no answer from the API within {TIMEOUT_SECONDS:.0f} s after retries"
        elif isinstance(exc, anthropic.APIConnectionError):
            detail = "could not reach the Anthropic API (network or ANTHROPIC_BASE_URL)"
        elif isinstance(exc, anthropic.APIStatusError):
            detail = f"the API answered {exc.status_code}: {_error_text(exc)}"
        else:
            detail = _error_text(exc)
        return BackendError(self._redact(f"Claude request failed: {detail}. Your answers are saved; retry the turn."))

    def _redact(self, text: str) -> str:
        key = self.settings.api_key
        return text.replace(key, "[redacted]") if key else text


def _error_text(exc: anthropic.APIError) -> str:
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return f"{error.get('type', 'error')}: {error['message']}"
    return str(exc.message)
