"""Where the cache markers go, and that the next request reuses what the last one cached.

The fake Messages API simulates prompt caching as the API documents it (a marker writes the prefix
up to its block; a read is the longest cached prefix ending at the marker or up to 20 block
boundaries before it), so these tests check what is billed, not only where markers are.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from interviewer import Interview, InterviewConfig, create_backend
from interviewer.budget import TRIM_STEP, fit_to_budget, request_tokens
from interviewer.config import Settings
from interviewer.llm import LLMRequest, Message, SystemBlock
from interviewer.questions import plan_questions
from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.claude_script import scripted_claude
from tests.fakes.keys import fake_key

ANSWER = "We sample 5% of drafts weekly, send refunds over $500 to a person, and ship at 95% on 300 tickets."


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as server:
        server.caching = True
        server.respond_with(scripted_claude())
        yield server


def run(fake: FakeAnthropic, **config: Any) -> Interview:
    settings = Settings(api_key=fake_key("caching"), base_url=fake.base_url, model="claude-sonnet-4-6")
    cfg = InterviewConfig(num_questions=4, seed=3, **config)
    interview = Interview(create_backend("anthropic", settings=settings), cfg, questions=plan_questions(cfg))
    interview.start().read()
    while not interview.finished:
        interview.answer(ANSWER).read()
    interview.report(timeout=30)
    interview.close()
    return interview


def markers(body: dict[str, Any]) -> list[str]:
    """Where a request's cache markers are: ``system``, or the role of the message block."""
    found = ["system" for block in body["system"] if "cache_control" in block]
    for message in body["messages"]:
        content = message["content"]
        blocks = content if isinstance(content, list) else []
        found += [message["role"] for block in blocks if "cache_control" in block]
    return found


def marked_text(body: dict[str, Any]) -> list[str]:
    """The text of each marked message block."""
    content = [m["content"] for m in body["messages"] if isinstance(m["content"], list)]
    return [block["text"] for blocks in content for block in blocks if "cache_control" in block]


def purpose(request: Any) -> str:
    return str(request.headers.get("x-interviewer-purpose"))


def test_the_transcript_is_marked_and_the_turns_instructions_come_after_the_marker(fake: FakeAnthropic) -> None:
    run(fake, max_follow_ups=0)
    interviewer = [r.body for r in fake.message_requests if purpose(r) == "interviewer"]
    assert len(interviewer) == 5
    for body in interviewer[:-1]:
        assert markers(body) == ["system", "user"], "the system prompt, and the transcript so far"
        last = body["messages"][-1]["content"]
        assert "cache_control" in last[-2] and "cache_control" not in last[-1], "the turn's instructions come last"
        assert "Question" in last[-1]["text"]
    closing = interviewer[-1]
    assert markers(closing) == ["system", "user"]
    assert marked_text(closing) == marked_text(interviewer[-2]), "the closing turn marks where the turn before did"
    grader = [r.body for r in fake.message_requests if purpose(r) == "grader"]
    assert grader and all(markers(b) == ["system"] for b in grader), "the rubric, read by every grade"
    report = [r.body for r in fake.message_requests if purpose(r) == "report"]
    assert len(report) == 1 and markers(report[0]) == [], "one report an interview: nothing to read it again"


def test_every_turn_reads_the_previous_turns_prefix_from_the_cache(fake: FakeAnthropic) -> None:
    run(fake, max_follow_ups=0)
    turns = [usage for p, usage in fake.cache_usage if p == "interviewer"]
    reads = [u["cache_read_input_tokens"] for u in turns]
    assert reads[0] == 0 and turns[0]["cache_creation_input_tokens"] > 1024, "the first turn writes the prefix"
    assert all(later > earlier for earlier, later in itertools.pairwise(reads[1:])), "the read grows"
    assert turns[-1]["cache_creation_input_tokens"] == 0, "the closing turn writes nothing no one will read"
    assert reads[1] >= turns[0]["cache_creation_input_tokens"], "the second turn reads all the first one wrote"
    for usage in turns[1:]:
        assert usage["input_tokens"] < 700, "only the turn's instructions are billed in full"
    grades = [u for p, u in fake.cache_usage if p == "grader"]
    assert all(u["cache_read_input_tokens"] > 1024 for u in grades[1:])


def test_a_second_session_of_the_same_set_up_starts_from_the_cached_prefix(fake: FakeAnthropic) -> None:
    run(fake, max_follow_ups=0)
    first_session = len(fake.cache_usage)
    run(fake, max_follow_ups=0)
    opening = next(u for p, u in fake.cache_usage[first_session:] if p == "interviewer")
    assert opening["cache_read_input_tokens"] > 1024 and opening["cache_creation_input_tokens"] < 200


def test_trimming_moves_in_steps_so_the_prefix_stays_put_between_cuts() -> None:
    system = [SystemBlock(text="rubric " * 50, cache=True)]

    def request(exchanges: int) -> LLMRequest:
        messages = [Message(role="user", content="(joined)")]
        for n in range(exchanges):
            messages += [
                Message(role="assistant", content=f"Question {n}? " + "detail " * 60),
                Message(role="user", content=f"Answer {n}. " + "words " * 60),
            ]
        messages[-1] = messages[-1].model_copy(update={"cache": True})
        return LLMRequest(
            purpose="interviewer",
            model="m",
            system=system,
            messages=[*messages, Message(role="user", content="turn")],
        )

    budget = 1200
    cuts = []
    for exchanges in range(4, 16):
        trimmed = fit_to_budget(request(exchanges), budget)
        assert request_tokens(trimmed) <= budget
        assert trimmed.messages[0].role == "user" and trimmed.messages[-1].content == "turn"
        assert f"Answer {exchanges - 1}." in trimmed.messages[-2].content, "the latest answer is kept"
        first = trimmed.messages[0].content
        cuts.append(first[first.index("[") : first.index("]")] if "[" in first else "")
    changes = sum(a != b for a, b in itertools.pairwise(cuts))
    assert 0 < changes <= len(cuts) // (TRIM_STEP // 2) + 1, f"the cut moved {changes} times in {len(cuts)} turns"


def test_a_request_with_more_than_four_markers_is_refused_by_the_fake_as_by_the_api(fake: FakeAnthropic) -> None:
    from interviewer.anthropic_llm import AnthropicLLM
    from interviewer.errors import BackendError

    settings = replace(Settings(api_key=fake_key("caching"), base_url=fake.base_url), model="claude-sonnet-4-6")
    marked = [Message(role="user" if n % 2 == 0 else "assistant", content=f"m{n}", cache=True) for n in range(5)]
    request = LLMRequest(purpose="x", model="claude-sonnet-4-6", messages=marked)
    with pytest.raises(BackendError, match="maximum of 4"):
        AnthropicLLM(settings).complete(request)
