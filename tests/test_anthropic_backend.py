"""The anthropic backend through the real SDK and a wire-level fake of the Messages API."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import replace

import pytest

from interviewer.anthropic_llm import AnthropicLLM
from interviewer.backends import create_backend
from interviewer.budget import count_tokens
from interviewer.config import Settings
from interviewer.domain import InterviewConfig, LLMGradeOutput, Mode, QualityId, Role
from interviewer.errors import BackendError, GradingError, MissingKeyError
from interviewer.grading import GradingItem
from interviewer.interview import Interview
from interviewer.llm import LLMRequest, Message, complete_structured
from interviewer.questions import plan_questions
from interviewer.storage import Store
from tests.fakes.anthropic_server import FakeAnthropic, content_text
from tests.fakes.claude_script import scripted_claude
from tests.fakes.keys import fake_key

KEY = fake_key("test")


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as server:
        yield server


@pytest.fixture
def live_settings(fake: FakeAnthropic) -> Settings:
    return Settings(api_key=KEY, base_url=fake.base_url, model="claude-sonnet-4-6")


def grade_json(qualities: list[QualityId], quote: str, score: int = 3) -> dict[str, object]:
    return {
        "grades": [
            {"quality": q.value, "score": score, "evidence": [quote], "rationale": "r", "improvement": "i"}
            for q in qualities
        ],
        "feedback": "Good specifics.",
    }


def test_full_interview_on_the_anthropic_backend(fake: FakeAnthropic, live_settings: Settings, store: Store) -> None:
    config = InterviewConfig(role=Role.BUILDER, num_questions=3, max_follow_ups=0, seed=3)
    questions = plan_questions(config)
    answer = "We would build an eval set of 300 real cases and gate the launch at 95 percent precision."

    fake.respond_with(scripted_claude("an eval set of 300 real cases"))
    backend = create_backend("anthropic", settings=live_settings)
    interview = Interview(backend, config, store=store, questions=questions)
    chunks = list(interview.start())
    assert len(chunks) > 1, "the reply must arrive as several streamed chunks"
    assert "<notes>" not in "".join(chunks) and "Welcome" in "".join(chunks)
    while not interview.finished:
        interview.answer(answer).read()
    report = interview.report(timeout=30)
    assert {s.quality for s in report.qualities} >= set(questions[0].qualities)
    assert all(s.score == 3 for s in report.qualities)
    assert report.role_fit.best is None, "one answer said three times is no evidence of a role"
    assert "Not enough evidence" in report.role_fit.reason
    assert report.usage.input_tokens > 0 and not report.usage.estimated
    assert report.usage.cost_usd > 0
    streamed = [r for r in fake.message_requests if r.body.get("stream")]
    assert len(streamed) == 1 + len(questions)
    assert all(r.api_key == KEY for r in fake.message_requests)
    stored = store.load_session(interview.session_id)
    assert stored is not None and stored.status == "finished"
    assert KEY not in json.dumps(stored.model_dump(mode="json"))
    assert store.load_report(interview.session_id) is not None
    interview.close()


def test_cached_prefixes_are_long_enough_to_be_cached(fake: FakeAnthropic, live_settings: Settings) -> None:
    # The API ignores cache_control on a prefix under 1024 tokens (Sonnet's minimum), even for a narrow focus.
    fake.add_text("<move>next</move>Hello.<notes>n</notes>")
    backend = create_backend("anthropic", settings=live_settings)
    interview = Interview(backend, InterviewConfig(num_questions=3, focus=[QualityId.PRODUCT_ALTITUDE], seed=1))
    interview.start().read()
    interview.close()
    question = plan_questions(InterviewConfig(num_questions=3, seed=1))[0]
    grader = backend.grader.request(GradingItem.from_question(question, ["An answer."]))
    interviewer_prefix = fake.message_requests[0].body["system"][0]["text"]
    for prefix in (interviewer_prefix, grader.system[0].text):
        assert count_tokens(prefix) >= 1024


def test_a_long_interview_stays_within_the_budget_to_the_report(
    fake: FakeAnthropic, live_settings: Settings, store: Store
) -> None:
    config = InterviewConfig(role=Role.ORCHESTRATOR, num_questions=8, max_follow_ups=0, seed=5)
    questions = plan_questions(config)
    answers = [
        " ".join(f"Point {k} of answer {n}: we measure precision at threshold {k % 89}." for k in range(180))
        + f" My decision for question {n} is to pilot first."
        for n in range(len(questions))
    ]
    assert all(len(a) <= 12_000 for a in answers)

    fake.respond_with(scripted_claude("we measure precision at threshold 3"))
    budget = 8_000
    backend = create_backend("anthropic", settings=replace(live_settings, budget=budget))
    interview = Interview(backend, config, store=store, questions=questions)
    interview.start().read()
    for answer in answers:
        interview.answer(answer).read()
    report = interview.report(timeout=60)
    assert len(report.answers) == len(questions)
    for sent in fake.message_requests:
        body = sent.body
        used = count_tokens(content_text(body["system"])) + sum(  # type: ignore[arg-type]
            count_tokens(content_text(m["content"])) + 4
            for m in body["messages"]  # type: ignore[union-attr, index]
        )
        assert used <= budget, f"a {len(body['messages'])}-message request used about {used} tokens"  # type: ignore[arg-type]
    # The report is written beside the last grade and the closing reply, so it need not be the last request.
    report_request = next(r for r in fake.message_requests if r.headers.get("x-interviewer-purpose") == "report")
    report_user = content_text(report_request.body["messages"][-1]["content"])  # type: ignore[index]
    assert "words left out to fit the token budget" in report_user
    assert all(f"My decision for question {n} is to pilot first." in report_user for n in range(len(questions)))
    interview.close()


def test_schema_violation_is_re_asked_once_then_accepted(fake: FakeAnthropic, live_settings: Settings) -> None:
    llm = AnthropicLLM(live_settings)
    fake.add_json({"grades": [{"quality": "calibrated_skepticism", "score": 7}], "feedback": "x"})
    fake.add_json(grade_json([QualityId.CALIBRATED_SKEPTICISM], "sample"))
    request = LLMRequest(purpose="grader", model="claude-sonnet-4-6", messages=[Message(role="user", content="grade")])
    output, usage = complete_structured(llm, request, LLMGradeOutput)
    assert output.grades[0].score == 3
    _first, second = (r.body for r in fake.message_requests)
    assert len(second["messages"]) == 3
    assert "did not match the required JSON schema" in content_text(second["messages"][2]["content"])
    assert "score" in content_text(second["messages"][2]["content"])
    assert usage.input_tokens > 0


def test_two_schema_violations_fail_clearly(fake: FakeAnthropic, live_settings: Settings) -> None:
    llm = AnthropicLLM(live_settings)
    fake.add_text("not json at all")
    fake.add_json({"grades": "still wrong"})
    request = LLMRequest(purpose="grader", model="claude-sonnet-4-6", messages=[Message(role="user", content="grade")])
    with pytest.raises(GradingError, match="after one re-ask"):
        complete_structured(llm, request, LLMGradeOutput)
    assert len(fake.message_requests) == 2


def test_request_is_trimmed_to_the_budget_once_so_the_replay_key_is_what_is_sent(
    fake: FakeAnthropic, live_settings: Settings
) -> None:
    from dataclasses import replace

    from interviewer.domain import Speaker, Transcript, Turn, TurnKind
    from interviewer.replay import request_key
    from interviewer.state import Step
    from interviewer.turns import TurnContext

    backend = create_backend("anthropic", settings=replace(live_settings, budget=4000))
    fake.add_text("<notes>n</notes><move>next</move>ok")
    turns = []
    for i in range(40):
        turns.append(Turn(speaker=Speaker.INTERVIEWER, kind=TurnKind.QUESTION, text=f"Question {i + 1}?"))
        turns.append(Turn(speaker=Speaker.CANDIDATE, kind=TurnKind.ANSWER, text=f"Answer {i}: " + "word " * 60))
    turns.append(Turn(speaker=Speaker.CANDIDATE, kind=TurnKind.ANSWER, text="The latest answer."))
    question = plan_questions(InterviewConfig(num_questions=3, seed=1))[0]
    ctx = TurnContext(InterviewConfig(), Step.REPLYING, question, 1, 3, 1, None, Transcript(turns=turns))
    request = backend.interviewer.request(ctx)  # type: ignore[attr-defined]
    backend.llm.stream(request).read()  # type: ignore[union-attr]
    sent = fake.message_requests[0].body["messages"]
    sent_texts = [
        block if isinstance(block, str) else block["text"]
        for m in sent
        for block in ([m["content"]] if isinstance(m["content"], str) else m["content"])
    ]
    assert [m.content for m in request.messages] == sent_texts, "nothing is trimmed again on the way out"
    assert request_key(request) == request_key(request.model_copy()), "the key is that of the request sent"
    assert len(sent) < len(turns) / 2
    assert sent_texts[-2].endswith("The latest answer."), (
        "the latest answer is kept, just before the turn's instructions"
    )
    assert sent[0]["role"] == "user" and "trimmed to fit the token budget" in content_text(sent[0]["content"])
    roles = [m["role"] for m in sent]
    assert all(a != b for a, b in itertools.pairwise(roles)), "roles must alternate"


def test_outage_mid_interview_loses_nothing_and_retries(
    fake: FakeAnthropic, live_settings: Settings, store: Store
) -> None:
    config = InterviewConfig(num_questions=3, max_follow_ups=0, seed=2, mode=Mode.INTERVIEW)
    fake.add_text("<notes>n</notes><move>next</move>Welcome, first question.")
    backend = create_backend(
        "anthropic",
        settings=live_settings.__class__(api_key=KEY, base_url=fake.base_url, model="claude-sonnet-4-6"),
    )
    llm = backend.llm
    assert isinstance(llm, AnthropicLLM)
    llm.client = llm.client.with_options(max_retries=0)
    interview = Interview(backend, config, store=store)
    interview.start().read()
    fake.add_stream_error(after_chunks=2)
    with pytest.raises(BackendError) as caught:
        interview.answer("My carefully written answer about evals.").read()
    assert KEY not in str(caught.value)
    assert caught.value.retryable, "the app offers a retry"
    stored = store.load_session(interview.session_id)
    assert stored is not None
    assert stored.turns[-1].text == "My carefully written answer about evals."
    assert interview.needs_retry
    fake.respond_with(scripted_claude())
    reply = interview.retry()
    assert "Thanks." in reply.read()
    assert not interview.needs_retry
    interview.close()


def test_rejected_key_gives_a_clear_error_without_the_key(fake: FakeAnthropic, live_settings: Settings) -> None:
    fake.add_error(401, "authentication_error", "invalid x-api-key")
    llm = AnthropicLLM(live_settings)
    request = LLMRequest(
        purpose="interviewer", model="claude-sonnet-4-6", messages=[Message(role="user", content="hi")]
    )
    with pytest.raises(BackendError, match="ANTHROPIC_API_KEY") as caught:
        llm.complete(request)
    assert KEY not in str(caught.value)


def test_sdk_retries_an_overloaded_api(fake: FakeAnthropic, live_settings: Settings) -> None:
    fake.add_error(529, "overloaded_error", "Overloaded", headers={"retry-after-ms": "10"})
    fake.add_text("recovered")
    llm = AnthropicLLM(live_settings)
    request = LLMRequest(
        purpose="interviewer", model="claude-sonnet-4-6", messages=[Message(role="user", content="hi")]
    )
    assert llm.complete(request).text == "recovered"
    assert len(fake.message_requests) == 2


def test_anthropic_backend_without_a_key_says_how_to_fix_it() -> None:
    with pytest.raises(MissingKeyError, match="ANTHROPIC_API_KEY"):
        create_backend("anthropic", settings=Settings())


def test_model_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERVIEWER_MODEL", "claude-haiku-4-5")
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    settings = Settings.from_env()
    assert settings.model == "claude-haiku-4-5"
    assert settings.default_backend == "anthropic"
    assert KEY not in repr(settings)
