"""Any OpenAI-compatible chat-completions server (Ollama, vLLM, a gateway): the only module importing ``openai``.

The same requests as the Claude path, from the same templates: the system blocks become one system
message, structured output goes as a JSON-schema response format (checked and re-asked once by
``complete_structured``, as for Claude), and retries and deadlines are the shared bounded ones.
Prompt caching is the server's business: the request carries no markers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import httpx2
import openai

from .config import Settings
from .domain import Usage
from .errors import BackendError, ConfigError
from .llm import Completion, LLMRequest, TextStream
from .retrying import Provider, Wording, backend_error, client_options, with_retries

T = TypeVar("T")
WORDS = Wording(
    prefix="model request failed",
    key="OPENAI_API_KEY",
    rate="rate limited by the server",
    timeout="no answer within",
    unreachable="could not reach the model server (network or OPENAI_BASE_URL)",
    answered="the server answered",
)

NO_KEY = "not-needed"
"""What the SDK is given when the server needs no key (a local Ollama or vLLM)."""
_STOPS = {"stop": "end_turn", "length": "max_tokens", "content_filter": "refusal"}
"""OpenAI's finish reasons in the words the turn pipeline reads."""


class OpenAICompatibleLLM:
    """A model behind an OpenAI-compatible chat-completions API.

    Args:
        settings: ``openai_base_url``, ``openai_api_key`` and the model (``INTERVIEWER_MODEL``).
        client: an ``openai.OpenAI`` client to use instead of building one (for tests).

    Raises:
        ConfigError: neither a base URL nor a key is set, or the model is still a Claude model.
    """

    name = "openai"

    def __init__(self, settings: Settings | None = None, client: openai.OpenAI | None = None) -> None:
        self.settings = settings or Settings.from_env()
        if client is None:
            if not self.settings.openai_configured:
                raise ConfigError("the openai backend needs OPENAI_BASE_URL (a local server) or OPENAI_API_KEY")
            if self.settings.model.startswith("claude"):
                raise ConfigError("set INTERVIEWER_MODEL to a model your OpenAI-compatible server serves")
            client = openai.OpenAI(
                api_key=self.settings.openai_api_key or NO_KEY,
                base_url=self.settings.openai_base_url,
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
        """Stream a reply, chunk by chunk, as the server sends it."""
        params = {**self._params(request), "stream": True, "stream_options": {"include_usage": True}}
        state: dict[str, Any] = {"usage": None, "finish": None, "model": request.model}

        def chunks() -> Iterator[str]:
            stream = self._with_retries(lambda timeout: self.client.chat.completions.create(**params, timeout=timeout))
            try:
                for chunk in stream:
                    state["model"] = chunk.model or state["model"]
                    if chunk.usage is not None:
                        state["usage"] = chunk.usage
                    for choice in chunk.choices:
                        if choice.finish_reason:
                            state["finish"] = choice.finish_reason
                        if choice.delta and choice.delta.content:
                            yield choice.delta.content
            except openai.APIError as exc:
                raise self._backend_error(exc) from None
            except httpx2.HTTPError as exc:
                raise BackendError(f"the model server's reply was cut off ({exc.__class__.__name__})") from None
            finally:
                stream.close()

        def finish(text: str) -> Completion:
            return Completion(
                text=text,
                usage=_usage(state["usage"]),
                model=state["model"],
                stop_reason=_STOPS.get(state["finish"] or "", state["finish"]),
            )

        return TextStream(chunks(), finish)

    def complete(self, request: LLMRequest) -> Completion:
        """Return a whole reply; with ``output_schema`` set, in the JSON-schema response format."""
        params = self._params(request)
        if request.output_schema is not None:
            params["response_format"] = {
                "type": "json_schema",
                "json_schema": {
                    "name": str(request.output_schema.get("title", "output")),
                    "schema": request.output_schema,
                },
            }
        response = self._with_retries(lambda timeout: self.client.chat.completions.create(**params, timeout=timeout))
        choice = response.choices[0] if response.choices else None
        finish = choice.finish_reason if choice else None
        return Completion(
            text=(choice.message.content or "") if choice else "",
            usage=_usage(response.usage),
            model=response.model or request.model,
            stop_reason=_STOPS.get(finish or "", finish),
        )

    def _params(self, request: LLMRequest) -> dict[str, Any]:
        messages: list[dict[str, Any]] = []
        system = "\n\n".join(block.text for block in request.system)
        if system:
            messages.append({"role": "system", "content": system})
        for message in request.messages:
            if messages and messages[-1]["role"] == message.role:
                messages[-1]["content"] += "\n\n" + message.content
            else:
                messages.append({"role": message.role, "content": message.content})
        params: dict[str, Any] = {"model": request.model, "max_tokens": request.max_tokens, "messages": messages}
        if request.meta:
            params["extra_headers"] = request.wire_headers()
        return params

    def _with_retries(self, call: Callable[[float], T]) -> T:
        provider = Provider.for_sdk(openai, "the model server", _why, _error_text, self._backend_error)
        return with_retries(call, provider, self.settings.deadline, self.clock, self.sleep)

    def _backend_error(self, exc: openai.APIError, attempts: int = 0) -> BackendError:
        return backend_error(openai, WORDS, _error_text, exc, attempts, self.settings.openai_api_key)


def _usage(usage: Any) -> Usage:
    if usage is None:
        return Usage()
    details = getattr(usage, "prompt_tokens_details", None)
    cached = (getattr(details, "cached_tokens", None) or 0) if details is not None else 0
    prompt = usage.prompt_tokens or 0
    # No list price is known for a self-hosted or gateway model, so no cost is claimed.
    return Usage(input_tokens=prompt - cached, output_tokens=usage.completion_tokens or 0, cache_read_tokens=cached)


def _why(exc: openai.APIError) -> str:
    if isinstance(exc, openai.RateLimitError):
        return "the model server is rate limiting us"
    if isinstance(exc, openai.APIConnectionError):
        return "the model server could not be reached"
    return "the model server had a problem"


def _error_text(exc: openai.APIError) -> str:
    body = exc.body
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])
    return str(exc.message)
