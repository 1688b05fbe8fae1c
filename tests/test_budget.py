"""Token counting works with no network, and budgets and costs add up."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from interviewer.budget import count_tokens, estimate_usage, fit_to_budget, price, request_tokens
from interviewer.domain import Usage
from interviewer.errors import ConfigError
from interviewer.llm import LLMRequest, Message, SystemBlock


def test_token_counting_needs_no_network(tmp_path: Path) -> None:
    # A fresh interpreter with an empty tiktoken cache and every socket refused.
    code = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network disabled')\n"
        "socket.socket.connect = refuse\nsocket.create_connection = refuse\n"
        "from interviewer.budget import count_tokens\n"
        "print(count_tokens('Calibrated skepticism is a quality.'))\n"
    )
    env = {
        "TIKTOKEN_CACHE_DIR": str(tmp_path / "empty-cache"),
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
    }
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) > 3


def test_counts_are_plausible() -> None:
    assert count_tokens("") == 0
    assert 2 <= count_tokens("hello world") <= 3
    assert count_tokens("<|endoftext|>") > 0, "special-token text is counted, not rejected"


def test_network_is_blocked_in_tests() -> None:
    with pytest.raises(OSError, match="tried to reach"):
        socket.create_connection(("93.184.216.34", 443), timeout=1)


def test_fit_to_budget_keeps_short_requests_as_they_are() -> None:
    request = LLMRequest(purpose="x", model="m", messages=[Message(role="user", content="short")])
    assert fit_to_budget(request, 1000) is request


def test_fit_to_budget_fails_clearly_when_even_the_latest_message_does_not_fit() -> None:
    request = LLMRequest(
        purpose="grader",
        model="m",
        system=[SystemBlock(text="word " * 500)],
        messages=[Message(role="user", content="x")],
    )
    with pytest.raises(ConfigError, match="over the budget"):
        fit_to_budget(request, 100)


def test_trimmed_request_fits_and_alternates() -> None:
    messages = [Message(role="user" if i % 2 == 0 else "assistant", content="word " * 100) for i in range(21)]
    request = LLMRequest(purpose="x", model="m", messages=messages)
    trimmed = fit_to_budget(request, 600)
    assert request_tokens(trimmed) <= 600
    assert trimmed.messages[0].role == "user" and trimmed.messages[-1] == messages[-1]


def test_cost_uses_the_model_family_and_cache_discounts() -> None:
    usage = Usage(input_tokens=1_000_000, output_tokens=1_000_000)
    assert price("claude-sonnet-4-6", usage) == pytest.approx(18.0)
    assert price("claude-haiku-4-5", usage) == pytest.approx(6.0)
    cached = Usage(cache_read_tokens=1_000_000)
    assert price("claude-sonnet-4-6", cached) == pytest.approx(0.3)


def test_estimates_are_labelled() -> None:
    request = LLMRequest(purpose="x", model="claude-sonnet-4-6", messages=[Message(role="user", content="hello")])
    usage = estimate_usage(request, "a reply")
    assert usage.estimated and usage.input_tokens > 0 and usage.cost_usd > 0
    assert (usage + Usage()).estimated
