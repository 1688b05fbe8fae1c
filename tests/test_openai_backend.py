"""The openai backend at the wire level: the real ``openai`` SDK against a fake chat-completions server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from interviewer import Interview, InterviewConfig, create_backend
from interviewer.config import Settings
from interviewer.domain import LLMGradeOutput, QualityId
from interviewer.errors import BackendError, ConfigError, GradingError
from interviewer.llm import LLMRequest, Message, SystemBlock, complete_structured, status_sink
from interviewer.openai_llm import OpenAICompatibleLLM
from interviewer.questions import by_id, plan_questions
from interviewer.storage import Store
from tests.fakes.openai_server import FakeOpenAI

KEY = "test-openai-key"
MODEL = "llama3.1:8b"
QUOTE = "We sample 5% of drafts every week"


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def settings(server: FakeOpenAI) -> Settings:
    return Settings(openai_api_key=KEY, openai_base_url=server.base_url, model=MODEL, deadline=30)


def model_server(body: dict[str, Any], headers: dict[str, str]) -> object:
    """A model that follows the project's protocols, reading what a request is about from its headers."""
    schema = body.get("response_format", {}).get("json_schema", {}).get("name")
    if schema == "LLMGradeOutput":
        grades = [
            {"quality": q, "score": 3, "evidence": [QUOTE], "rationale": "r", "improvement": "i"}
            for q in headers["x-interviewer-qualities"].split(",")
        ]
        return {"grades": grades, "feedback": "Good specifics."}
    if schema == "ReportNarrative":
        first = headers["x-interviewer-questions"].split(",")[0]
        return {"strengths": ["s"], "gaps": ["g"], "rewrite_question_id": first, "stronger_answer": "A rewrite."}
    upcoming = headers.get("x-interviewer-next-question", "")
    if headers.get("x-interviewer-step") == "opening":
        return f"<move>next</move>Hello. {by_id(headers['x-interviewer-question']).text}<notes>open</notes>"
    said = f"Thanks. {by_id(upcoming).text}" if upcoming else "Thank you, that is all."
    return f"<move>next</move>{said}<notes>n</notes>"


def test_a_whole_interview_streams_grades_and_reports_through_the_openai_sdk(
    server: FakeOpenAI, settings: Settings, store: Store
) -> None:
    server.respond_with(model_server)
    config = InterviewConfig(num_questions=3, max_follow_ups=0, seed=3)
    questions = plan_questions(config)
    interview = Interview(create_backend("openai", settings=settings), config, store=store, questions=questions)
    opening = interview.start()
    chunks = [e for e in opening.events() if getattr(e, "text", "")]
    assert len(chunks) > 3, "the reply arrives in pieces as the server streams it"
    while not interview.finished:
        interview.answer(f"{QUOTE} and send refunds over $500 to a person.").read()
    report = interview.report(timeout=30)
    assert all(g.score == 3 and g.evidence == [QUOTE] for a in report.answers for g in a.graded_on)
    assert report.final and report.narrative.stronger_answer == "A rewrite."
    streamed = [r for r in server.requests if r.body.get("stream")]
    assert streamed and all(r.body["model"] == MODEL for r in server.requests)
    first = streamed[0].body["messages"]
    assert first[0]["role"] == "system" and "<move>" in first[0]["content"], "the shared templates, as one system"
    graded = [r for r in server.requests if r.body.get("response_format")]
    assert graded[0].body["response_format"]["type"] == "json_schema"
    assert interview.usage.input_tokens > 0
    interview.close()


def _grade_request() -> LLMRequest:
    return LLMRequest(
        purpose="grader",
        model=MODEL,
        system=[SystemBlock(text="Grade.", cache=True)],
        messages=[Message(role="user", content="grade this")],
        meta={"qualities": "calibrated_skepticism"},
    )


def test_a_schema_violation_is_re_asked_once_as_on_the_claude_path(server: FakeOpenAI, settings: Settings) -> None:
    replies: list[object] = [
        {"grades": [{"quality": "calibrated_skepticism", "score": 7}], "feedback": "x"},
        model_server(
            {"response_format": {"json_schema": {"name": "LLMGradeOutput"}}},
            {"x-interviewer-qualities": "calibrated_skepticism"},
        ),
    ]
    server.respond_with(lambda body, headers: replies.pop(0))
    output, _usage = complete_structured(OpenAICompatibleLLM(settings), _grade_request(), LLMGradeOutput)
    assert output.grades[0].quality is QualityId.CALIBRATED_SKEPTICISM and output.grades[0].score == 3
    second = server.requests[1].body["messages"]
    assert "did not match the required JSON schema" in second[-1]["content"]
    server.respond_with(lambda body, headers: "not json")
    with pytest.raises(GradingError, match="after one re-ask"):
        complete_structured(OpenAICompatibleLLM(settings), _grade_request(), LLMGradeOutput)


def test_a_429_with_retry_after_is_retried_and_announced(server: FakeOpenAI, settings: Settings) -> None:
    server.respond_with(lambda body, headers: "fine")
    server.fail_next(429, {"retry-after": "0"})
    llm = OpenAICompatibleLLM(settings)
    notices: list[str] = []
    token = status_sink.set(notices.append)
    try:
        text = llm.stream(LLMRequest(purpose="interviewer", model=MODEL, messages=[Message(role="user", content="hi")]))
        assert text.read().text == "fine"
    finally:
        status_sink.reset(token)
    assert any("rate limiting" in n and "1 of 3" in n for n in notices)
    assert len(server.requests) == 2


def test_a_stream_cut_short_is_not_a_complete_reply(server: FakeOpenAI, settings: Settings) -> None:
    server.respond_with(lambda body, headers: "one two three four five six seven eight nine ten")
    server.cut_next = True
    stream = OpenAICompatibleLLM(settings).stream(
        LLMRequest(purpose="interviewer", model=MODEL, messages=[Message(role="user", content="hi")])
    )
    try:
        stream.read()
    except BackendError:
        return  # the transport noticed the cut
    assert stream.completion is not None and stream.completion.stop_reason != "end_turn"


def test_a_rejected_key_is_a_clear_error_without_the_key(server: FakeOpenAI, settings: Settings) -> None:
    wrong = Settings(openai_api_key="sk-" + "w" * 30, openai_base_url=server.base_url, model=MODEL)
    with pytest.raises(BackendError) as caught:
        OpenAICompatibleLLM(wrong).complete(_grade_request())
    assert "OPENAI_API_KEY" in str(caught.value) and "w" * 30 not in str(caught.value)
    assert not caught.value.retryable


def test_it_needs_a_server_and_a_model_name() -> None:
    with pytest.raises(ConfigError, match="OPENAI_BASE_URL"):
        OpenAICompatibleLLM(Settings(model=MODEL))
    with pytest.raises(ConfigError, match="INTERVIEWER_MODEL"):
        OpenAICompatibleLLM(Settings(openai_base_url="http://127.0.0.1:1/v1"))
    env = {"OPENAI_BASE_URL": "http://127.0.0.1:1/v1", "OPENAI_API_KEY": KEY, "INTERVIEWER_MODEL": MODEL}
    read = Settings.from_env(env)
    assert read.openai_base_url == env["OPENAI_BASE_URL"] and read.openai_api_key == KEY
    assert KEY not in repr(read)
