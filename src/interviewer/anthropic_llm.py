"""The Anthropic backend: the only module that imports the ``anthropic`` SDK.

Retries are the shared bounded ones of ``retrying.py``, not the SDK's, so that every wait is bounded
and visible; this module says only how the SDK's errors are read and worded.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import anthropic
import httpx2

from .budget import price
from .config import Settings
from .domain import Usage
from .errors import BackendError, MissingKeyError
from .llm import Completion, LLMRequest, Message, TextStream
from .retrying import Provider, Wording, backend_error, client_options, with_retries

T = TypeVar("T")
WORDS = Wording(
    prefix="Claude request failed",
    key="ANTHROPIC_API_KEY",
    rate="rate limited by the API",
    timeout="no answer from the API within",
    unreachable="could not reach the Anthropic API (network or ANTHROPIC_BASE_URL)",
    answered="the API answered",
    # A 200 status on an error is an error event inside a stream (an overload mid-reply): worth another try.
    retry_stream_errors=True,
)


class AnthropicLLM:
    """Claude through the Messages API: streamed replies, structured output, prompt caching.

    Args:
        settings: key, base URL and model; read from the environment when not given.
        client: an ``anthropic.Anthropic`` client to use instead of building one (for tests).
    """

    name = "anthropic"

    def __init__(
        self,
        settings: Settings | None = None,
        client: anthropic.Anthropic | None = None,
    ) -> None:
        self.settings = settings or Settings.from_env()
        if client is None:
            if not self.settings.api_key:
                raise MissingKeyError()
            client = anthropic.Anthropic(
                api_key=self.settings.api_key,
                base_url=self.settings.base_url,
                **client_options(),
            )
        self.client = client
        self.sleep: Callable[[float], None] = time.sleep
        self.clock: Callable[[], float] = time.monotonic

    @property
    def model(self) -> str:
        """The model requests default to."""
        return self.settings.model

    def stream(self, request: LLMRequest) -> TextStream:
        """Stream a reply, chunk by chunk, as the API sends it."""
        params = self._params(request)
        state: dict[str, Any] = {}

        def start(timeout: float) -> tuple[Any, Any]:
            # Entering the manager sends the request: that is the part worth retrying.
            manager = self.client.messages.stream(**params, timeout=timeout)
            return manager, manager.__enter__()

        def chunks() -> Iterator[str]:
            manager, stream = self._with_retries(start)
            try:
                yield from stream.text_stream
                state["message"] = stream.get_final_message()
            except anthropic.APIError as exc:
                raise self._backend_error(exc) from None
            except httpx2.HTTPError as exc:
                # The SDK does not wrap transport errors raised after the stream has started.
                raise BackendError(f"Claude's reply was cut off ({exc.__class__.__name__})") from None
            finally:
                manager.__exit__(None, None, None)

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
        message = self._with_retries(lambda timeout: self.client.messages.create(**params, timeout=timeout))
        text = "".join(block.text for block in message.content if block.type == "text")
        return Completion(
            text=text,
            usage=self._usage(request.model, message.usage),
            model=message.model,
            stop_reason=message.stop_reason,
        )

    def _with_retries(self, call: Callable[[float], T]) -> T:
        """Make a request with the shared bounded retries (``retrying.py``)."""
        provider = Provider.for_sdk(anthropic, "Claude", _why, _error_text, self._backend_error)
        return with_retries(call, provider, self.settings.deadline, self.clock, self.sleep)

    def _params(self, request: LLMRequest) -> dict[str, Any]:
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
            "messages": _wire_messages(request.messages),
        }
        if request.meta:
            params["extra_headers"] = request.wire_headers()
        return params

    def _usage(self, model: str, usage: Any) -> Usage:
        figures = Usage(
            input_tokens=usage.input_tokens or 0,
            output_tokens=usage.output_tokens or 0,
            cache_read_tokens=getattr(usage, "cache_read_input_tokens", None) or 0,
            cache_write_tokens=getattr(usage, "cache_creation_input_tokens", None) or 0,
        )
        return figures.model_copy(update={"cost_usd": price(model, figures)})

    def _backend_error(self, exc: anthropic.APIError, attempts: int = 0) -> BackendError:
        return backend_error(anthropic, WORDS, _error_text, exc, attempts, self.settings.api_key)


def _wire_messages(messages: list[Message]) -> list[dict[str, Any]]:
    """Messages as the API takes them: one role after another, a run of one role as one message of blocks.

    A message marked for caching ends in a ``cache_control`` block; an unmarked run stays a plain string.
    """
    wire: list[dict[str, Any]] = []
    for message in messages:
        block: dict[str, Any] = {"type": "text", "text": message.content}
        if message.cache:
            block["cache_control"] = {"type": "ephemeral"}
        if wire and wire[-1]["role"] == message.role:
            wire[-1]["content"].append(block)
        else:
            wire.append({"role": message.role, "content": [block]})
    for item in wire:
        blocks = item["content"]
        if len(blocks) == 1 and "cache_control" not in blocks[0]:
            item["content"] = blocks[0]["text"]
    return wire


def _error_text(exc: anthropic.APIError) -> str:
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return f"{error.get('type', 'error')}: {error['message']}"
    return str(exc.message)


def _why(exc: anthropic.APIError) -> str:
    if isinstance(exc, anthropic.APIStatusError) and exc.status_code == 529:
        return "Claude is overloaded"
    if isinstance(exc, anthropic.RateLimitError):
        return "Claude is rate limiting us"
    if isinstance(exc, anthropic.APIConnectionError):
        return "Claude could not be reached"
    return "Claude had a problem"
