"""Token counting works with no network, and budgets and costs add up."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from interviewer.budget import (
    count_tokens,
    estimate_usage,
    fit_texts,
    fit_to_budget,
    price,
    request_tokens,
    shorten_texts,
)
from interviewer.config import Settings
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


def _varied(n: int, tag: str) -> str:
    return " ".join(f"{tag}{i} considers precision at threshold {i % 97}." for i in range(n)) + f" END-{tag}"


def test_shorten_texts_leaves_short_texts_and_cuts_the_middle_of_long_ones() -> None:
    short, long = "We pilot with 20 agents.", _varied(600, "a")
    cut = shorten_texts([short, long], count_tokens(short) + 300)
    assert cut[0] == short
    assert count_tokens(cut[1]) <= 300 + 20
    assert cut[1].startswith("a0 considers") and cut[1].endswith("END-a"), "opening and end are kept"
    assert "words left out to fit the token budget" in cut[1]


def test_fit_texts_shortens_the_answers_until_the_request_fits() -> None:
    def build(texts: list[str]) -> LLMRequest:
        body = "\n".join(f"<answer>{t}</answer>" for t in texts)
        return LLMRequest(
            purpose="report",
            model="m",
            system=[SystemBlock(text="rubric " * 2000)],
            messages=[Message(role="user", content=body + "\nWrite the report.")],
        )

    answers = [_varied(700, tag) for tag in "abcdefghij"]
    assert request_tokens(build(answers)) > 12_000
    fitted = fit_texts(build, answers, 12_000)
    assert request_tokens(fitted) <= 12_000
    content = fitted.messages[0].content
    assert all(f"END-{tag}" in content for tag in "abcdefghij"), "every answer keeps its end"
    assert content.endswith("Write the report.")


def test_fit_texts_fails_clearly_when_the_fixed_part_is_over_budget() -> None:
    def build(texts: list[str]) -> LLMRequest:
        return LLMRequest(
            purpose="grader",
            model="m",
            system=[SystemBlock(text="rubric " * 3000)],
            messages=[Message(role="user", content=" ".join(texts))],
        )

    with pytest.raises(ConfigError, match="INTERVIEWER_TOKEN_BUDGET"):
        fit_texts(build, [_varied(200, "a")], 2_000)


def test_the_budget_is_configurable_and_checked() -> None:
    assert Settings.from_env({"INTERVIEWER_TOKEN_BUDGET": "30_000"}).budget == 30_000
    assert Settings.from_env({}).budget == 12_000
    with pytest.raises(ConfigError, match="whole number"):
        Settings.from_env({"INTERVIEWER_TOKEN_BUDGET": "lots"})
    with pytest.raises(ConfigError, match="at least"):
        Settings.from_env({"INTERVIEWER_TOKEN_BUDGET": "500"})
