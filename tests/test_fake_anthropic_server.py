"""The real `anthropic` SDK talks to the wire-level fake correctly."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import anthropic
import pytest

from tests.fakes.anthropic_server import NO_SCRIPT_MESSAGE, FakeAnthropic, split_deltas

MODEL = "claude-sonnet-4-6"
USER = [{"role": "user", "content": "Ask me a product-sense question."}]


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as server:
        yield server


@pytest.fixture
def client(fake: FakeAnthropic) -> Iterator[anthropic.Anthropic]:
    with anthropic.Anthropic(api_key="test-key", base_url=fake.base_url, max_retries=0) as sdk:
        yield sdk


def test_non_streaming_create_returns_scripted_text_and_usage(fake, client):
    fake.add_text(
        "How would you improve Google Maps?",
        usage={"input_tokens": 42, "output_tokens": 9},
    )

    message = client.messages.create(model=MODEL, max_tokens=256, messages=USER)

    assert message.content[0].type == "text"
    assert message.content[0].text == "How would you improve Google Maps?"
    assert message.role == "assistant"
    assert message.model == MODEL
    assert message.stop_reason == "end_turn"
    assert message.usage.input_tokens == 42
    assert message.usage.output_tokens == 9
    assert message.usage.cache_read_input_tokens == 0
    assert message._request_id.startswith("req_fake_")
    assert fake.pending == 0


def test_default_usage_is_estimated_from_request_and_reply(fake, client):
    fake.add_text("word " * 40)
    long_prompt = [{"role": "user", "content": "x" * 4000}]

    small = client.messages.create(model=MODEL, max_tokens=256, messages=USER)
    fake.add_text("ok")
    large = client.messages.create(model=MODEL, max_tokens=256, messages=long_prompt)

    assert 40 <= small.usage.output_tokens <= 60
    assert large.usage.output_tokens == 1
    assert small.usage.input_tokens < 50
    assert large.usage.input_tokens > 900


def test_stream_yields_several_chunks_and_final_usage(fake, client):
    reply = "Let's talk about a product you love and why it works."
    fake.add_text(
        reply,
        usage={"input_tokens": 120, "output_tokens": 14, "cache_read_input_tokens": 80},
    )

    with client.messages.stream(model=MODEL, max_tokens=256, messages=USER) as stream:
        chunks = list(stream.text_stream)
        final = stream.get_final_message()

    assert len(chunks) > 3
    assert "".join(chunks) == reply
    assert final.content[0].text == reply
    assert final.stop_reason == "end_turn"
    assert final.usage.input_tokens == 120
    assert final.usage.output_tokens == 14
    assert final.usage.cache_read_input_tokens == 80
    assert fake.requests[0].body["stream"] is True


def test_stream_events_arrive_in_the_real_order(fake, client):
    fake.add_text("one two three")

    with client.messages.stream(model=MODEL, max_tokens=256, messages=USER) as stream:
        kinds = [event.type for event in stream]

    assert kinds[:2] == ["message_start", "content_block_start"]
    assert kinds[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    assert kinds.count("content_block_delta") == 3


def test_raw_create_stream_true_yields_raw_events(fake, client):
    fake.add_text("a b c d", deltas=["a b", " c d"])

    events = list(client.messages.create(model=MODEL, max_tokens=64, messages=USER, stream=True))

    deltas = [e.delta.text for e in events if e.type == "content_block_delta"]
    assert deltas == ["a b", " c d"]
    assert events[0].message.stop_reason is None
    assert events[-2].delta.stop_reason == "end_turn"


def test_structured_output_request_reaches_fake_and_reply_parses(fake, client):
    schema = {
        "type": "object",
        "properties": {"score": {"type": "integer"}, "feedback": {"type": "string"}},
        "required": ["score", "feedback"],
        "additionalProperties": False,
    }
    fake.add_json({"score": 4, "feedback": "Clear structure."})

    message = client.messages.create(
        model=MODEL,
        max_tokens=256,
        messages=USER,
        output_config={"format": {"type": "json_schema", "schema": schema}},
    )

    assert json.loads(message.content[0].text) == {
        "score": 4,
        "feedback": "Clear structure.",
    }
    sent = fake.requests[0].body["output_config"]
    assert sent == {"format": {"type": "json_schema", "schema": schema}}


def test_cached_system_blocks_reach_fake_intact(fake, client):
    system = [
        {
            "type": "text",
            "text": "You are a PM interviewer.",
            "cache_control": {"type": "ephemeral"},
        },
        {"type": "text", "text": "Be concise."},
    ]
    fake.add_text("Hi.", usage={"cache_creation_input_tokens": 1500})

    message = client.messages.create(model=MODEL, max_tokens=64, system=system, messages=USER)

    assert fake.requests[0].body["system"] == system
    assert message.usage.cache_creation_input_tokens == 1500


def test_records_api_key_path_and_body(fake, client):
    fake.add_text("Hi.")

    client.messages.create(model=MODEL, max_tokens=64, messages=USER)

    (request,) = fake.requests
    assert request.query == ""
    assert request.path == "/v1/messages"
    assert request.api_key == "test-key"
    # SDK 2.12 sends the key as a bearer token; x-api-key is what older SDKs used.
    assert request.headers["authorization"] == "Bearer test-key"
    assert "anthropic-version" in request.headers
    assert request.body["messages"] == USER
    assert request.body["max_tokens"] == 64
    assert fake.message_requests == [request]


def test_api_key_is_also_read_from_x_api_key_header(fake):
    fake.add_text("Hi.")

    with anthropic.Anthropic(
        api_key="unused",
        base_url=fake.base_url,
        max_retries=0,
        default_headers={"X-Api-Key": "header-key", "Authorization": anthropic.Omit()},
    ) as sdk:
        sdk.messages.create(model=MODEL, max_tokens=64, messages=USER)

    assert "authorization" not in fake.requests[0].headers
    assert fake.requests[0].api_key == "header-key"


def test_internal_server_error_surfaces_as_sdk_exception(fake, client):
    fake.add_error(500, "api_error", "Internal server error")

    with pytest.raises(anthropic.InternalServerError) as excinfo:
        client.messages.create(model=MODEL, max_tokens=64, messages=USER)

    assert excinfo.value.status_code == 500
    assert excinfo.value.type == "api_error"
    assert excinfo.value.body["error"]["message"] == "Internal server error"


def test_overloaded_error_is_an_api_status_error(fake, client):
    fake.add_error(529, "overloaded_error", "Overloaded")

    with pytest.raises(anthropic.APIStatusError) as excinfo:
        client.messages.create(model=MODEL, max_tokens=64, messages=USER)

    assert excinfo.value.status_code == 529
    assert excinfo.value.type == "overloaded_error"


def test_rate_limit_error_carries_retry_after(fake, client):
    fake.add_error(429, "rate_limit_error", "Slow down", headers={"retry-after": "7"})

    with pytest.raises(anthropic.RateLimitError) as excinfo:
        client.messages.create(model=MODEL, max_tokens=64, messages=USER)

    assert excinfo.value.response.headers["retry-after"] == "7"
    assert excinfo.value.type == "rate_limit_error"


def test_streaming_request_can_get_http_error(fake, client):
    fake.add_error(529, "overloaded_error", "Overloaded")

    stream_manager = client.messages.stream(model=MODEL, max_tokens=64, messages=USER)
    with pytest.raises(anthropic.APIStatusError) as excinfo, stream_manager as stream:
        list(stream.text_stream)

    assert excinfo.value.status_code == 529


def test_mid_stream_error_event_raises_during_iteration(fake, client):
    fake.add_stream_error(after_chunks=2, error_type="overloaded_error", message="Overloaded")
    received: list[str] = []

    stream_manager = client.messages.stream(model=MODEL, max_tokens=64, messages=USER)
    with pytest.raises(anthropic.APIStatusError) as excinfo, stream_manager as stream:
        received.extend(stream.text_stream)

    assert len(received) == 2
    assert excinfo.value.type == "overloaded_error"
    assert excinfo.value.body["error"]["message"] == "Overloaded"


def test_sdk_retries_529_then_succeeds(fake):
    fake.add_error(529, "overloaded_error", "Overloaded", headers={"retry-after-ms": "10"})
    fake.add_text("Second time lucky.")

    with anthropic.Anthropic(api_key="test-key", base_url=fake.base_url, max_retries=2) as client:
        message = client.messages.create(model=MODEL, max_tokens=64, messages=USER)

    assert message.content[0].text == "Second time lucky."
    assert [r.headers["x-stainless-retry-count"] for r in fake.requests] == ["0", "1"]


def test_empty_queue_fails_loudly(fake, client):
    with pytest.raises(anthropic.InternalServerError, match="no scripted response"):
        client.messages.create(model=MODEL, max_tokens=64, messages=USER)

    assert NO_SCRIPT_MESSAGE.startswith("FakeAnthropic")


def test_stream_error_script_rejects_plain_request(fake, client):
    fake.add_stream_error()

    with pytest.raises(anthropic.InternalServerError, match="not streaming"):
        client.messages.create(model=MODEL, max_tokens=64, messages=USER)


def test_responder_answers_from_request_when_queue_empty(fake, client):
    fake.add_text("scripted first")
    fake.respond_with(lambda body: "echo: " + body["messages"][-1]["content"])

    first = client.messages.create(model=MODEL, max_tokens=64, messages=USER)
    second = client.messages.create(model=MODEL, max_tokens=64, messages=[{"role": "user", "content": "ping"}])

    assert first.content[0].text == "scripted first"
    assert second.content[0].text == "echo: ping"


def test_concurrent_requests_are_each_answered_and_recorded(fake, client):
    fake.respond_with(lambda body: "echo: " + body["messages"][-1]["content"])

    def ask(n: int) -> str:
        messages = [{"role": "user", "content": f"q{n}"}]
        reply = client.messages.create(model=MODEL, max_tokens=8, messages=messages)
        return reply.content[0].text

    with ThreadPoolExecutor(max_workers=8) as pool:
        replies = list(pool.map(ask, range(24)))

    assert replies == [f"echo: q{n}" for n in range(24)]
    assert len(fake.requests) == 24


def test_async_client_streams_too(fake):
    fake.add_text("Async works fine here.")

    async def run() -> list[str]:
        async with anthropic.AsyncAnthropic(api_key="test-key", base_url=fake.base_url, max_retries=0) as sdk:
            manager = sdk.messages.stream(model=MODEL, max_tokens=64, messages=USER)
            async with manager as stream:
                return [text async for text in stream.text_stream]

    assert "".join(asyncio.run(run())) == "Async works fine here."


def test_queue_is_fifo(fake, client):
    fake.add_text("first")
    fake.add_json({"n": 2})

    texts = [client.messages.create(model=MODEL, max_tokens=64, messages=USER).content[0].text for _ in range(2)]

    assert texts == ["first", '{"n": 2}']


def test_count_tokens_endpoint(fake, client):
    result = client.messages.count_tokens(model=MODEL, messages=USER)

    assert result.input_tokens > 0
    assert fake.requests[0].path == "/v1/messages/count_tokens"
    assert fake.pending == 0


def test_request_without_model_is_a_400(fake, client):
    fake.add_text("unused")

    with pytest.raises(anthropic.BadRequestError, match="model"):
        client.post("/v1/messages", body={"messages": USER}, cast_to=object)

    assert fake.pending == 1


def test_split_deltas_rejoins_exactly():
    for text in ["", "ab", '{"a": 1}', "  lead and trail  ", "one two three four"]:
        assert "".join(split_deltas(text)) == text
    assert len(split_deltas('{"score":4}')) == 3


def test_stop_is_idempotent_and_base_url_needs_start():
    server = FakeAnthropic()
    with pytest.raises(RuntimeError):
        _ = server.base_url
    server.start()
    assert server.base_url.startswith("http://127.0.0.1:")
    server.stop()
    server.stop()


def test_stop_with_open_keep_alive_client_does_not_hang():
    server = FakeAnthropic().start()
    server.add_text("hi")
    with anthropic.Anthropic(api_key="k", base_url=server.base_url, max_retries=0) as sdk:
        sdk.messages.create(model=MODEL, max_tokens=8, messages=USER)
        server.stop()  # the SDK still holds a pooled keep-alive connection here
