"""The model-provider interface: stream a reply, or complete a request whose output must fit a schema."""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any, Literal, Protocol, TypeVar

from pydantic import BaseModel, Field, ValidationError

from .domain import Usage
from .errors import GradingError

T = TypeVar("T", bound=BaseModel)

status_sink: ContextVar[Callable[[str], None] | None] = ContextVar("status_sink", default=None)
"""Where a backend says what it is waiting for ("Claude is overloaded; retrying, 2 of 3"): set by the app."""


def report_status(message: str) -> None:
    """Tell whoever is watching this request what it is waiting for (nobody, outside the app)."""
    sink = status_sink.get()
    if sink is not None:
        sink(message)


class Message(BaseModel):
    """One chat message sent to the model.

    Consecutive messages of one role are sent as one message of several blocks, so a stable part
    (the transcript) and a changing part (this turn's instructions) can sit on either side of a
    cache marker.
    """

    role: Literal["user", "assistant"]
    content: str
    cache: bool = False
    """Whether the prompt up to the end of this message is a prefix the next request will reuse."""


class SystemBlock(BaseModel):
    """A piece of the system prompt; ``cache`` marks the end of a stable prefix worth caching."""

    text: str
    cache: bool = False


class LLMRequest(BaseModel):
    """A provider-neutral request. Everything but ``purpose`` identifies it for replay."""

    purpose: str
    """What the request is for (``interviewer``, ``grader``, ``report``): used in messages, not in keys."""
    model: str
    system: list[SystemBlock] = Field(default_factory=list)
    messages: list[Message]
    max_tokens: int = 1024
    output_schema: dict[str, Any] | None = None
    """JSON schema the reply must follow (structured output), or None for free text."""
    meta: dict[str, str] = Field(default_factory=dict)
    """What the request is about (question id, step, qualities asked for), for fakes and logs: not in the key."""

    def canonical(self, sample: int = 0) -> str:
        """Canonical JSON of what determines the reply: the key recordings are stored under."""
        payload = {
            "model": self.model,
            "max_tokens": self.max_tokens,
            "system": [b.text for b in self.system],
            # Cache markers change what is billed, never the reply: they are not part of the key.
            "messages": [{"role": m.role, "content": m.content} for m in self.messages],
            "output_schema": self.output_schema,
            "sample": sample,
        }
        return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def wire_headers(self) -> dict[str, str]:
        """``meta`` as HTTP headers (``x-interviewer-<name>``), for fakes and gateways; never in the recorded key."""
        return {f"x-interviewer-{k.replace('_', '-')}": v for k, v in self.meta.items()}


class Completion(BaseModel):
    """A finished reply."""

    text: str
    usage: Usage = Field(default_factory=Usage)
    model: str = ""
    stop_reason: str | None = None


class TextStream:
    """Chunks of a reply as they arrive; ``completion`` is set once the stream is exhausted."""

    def __init__(self, chunks: Iterator[str], finish: Callable[[str], Completion]) -> None:
        self._chunks = chunks
        self._finish = finish
        self.completion: Completion | None = None

    def __iter__(self) -> Iterator[str]:
        parts: list[str] = []
        for chunk in self._chunks:
            parts.append(chunk)
            yield chunk
        self.completion = self._finish("".join(parts))

    def read(self) -> Completion:
        """Consume the whole stream and return the finished reply."""
        for _ in self:
            pass
        assert self.completion is not None
        return self.completion


class LLM(Protocol):
    """What every model backend implements."""

    name: str

    def stream(self, request: LLMRequest) -> TextStream:
        """Stream a free-text reply."""
        ...

    def complete(self, request: LLMRequest) -> Completion:
        """Return a whole reply (used for structured output)."""
        ...


def schema_for(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON schema sent to the model for a pydantic output type (a copy the caller may change)."""
    return copy.deepcopy(_schema(model))


@functools.cache
def _schema(model: type[BaseModel]) -> dict[str, Any]:
    # Pydantic builds the schema anew on every call: about 2 ms, for every grading request.
    return model.model_json_schema()


def complete_structured(llm: LLM, request: LLMRequest, model: type[T]) -> tuple[T, Usage]:
    """Complete a request into a validated pydantic object, re-asking once on a schema violation.

    Raises:
        GradingError: the reply is still invalid after the re-ask.
    """
    request = request.model_copy(update={"output_schema": schema_for(model)})
    usage = Usage()
    problem = ""
    for attempt in range(2):
        completion = llm.complete(request)
        usage = usage + completion.usage
        try:
            return model.model_validate_json(_strip_fence(completion.text)), usage
        except ValidationError as exc:
            problem = _summarise(exc)
        if attempt == 0:
            request = request.model_copy(
                update={
                    "messages": [
                        *request.messages,
                        Message(role="assistant", content=completion.text),
                        Message(
                            role="user",
                            content=(
                                "Your reply did not match the required JSON schema: "
                                f"{problem}. Reply again with only the corrected JSON object."
                            ),
                        ),
                    ]
                }
            )
    error = GradingError(
        f"the {request.purpose} reply did not match the {model.__name__} schema after one re-ask: {problem}",
        what=request.purpose,
    )
    error.usage = usage
    raise error


def _strip_fence(text: str) -> str:
    text = text.strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
        text = text.rsplit("```", 1)[0]
    return text.strip()


def _summarise(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}" for err in exc.errors()[:5])


def stream_words(text: str) -> Iterator[str]:
    """Yield a fixed text word by word, so that fixed replies stream like model ones."""
    for match in re.finditer(r"\S+\s*|\s+", text):
        yield match.group(0)
