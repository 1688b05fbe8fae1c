"""Replay and recording: hits, misses, provenance, and no keys in any file."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer import Interview, InterviewConfig, create_backend
from interviewer.anthropic_llm import AnthropicLLM
from interviewer.config import Settings
from interviewer.domain import QualityId
from interviewer.errors import RecordingError, ReplayMissError
from interviewer.fake_llm import FakeLLM
from interviewer.grading import GradingItem, LLMGrader
from interviewer.llm import Completion, LLMRequest, Message, SystemBlock
from interviewer.replay import (
    Provenance,
    Recording,
    RecordingLLM,
    ReplayLLM,
    load_recordings,
    request_key,
    write_recordings,
)
from interviewer.templates import load_set
from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.keys import fake_key

KEY = fake_key("replay")


def request(text: str = "hello") -> LLMRequest:
    return LLMRequest(
        purpose="grader",
        model="m",
        system=[SystemBlock(text="sys", cache=True)],
        messages=[Message(role="user", content=text)],
    )


def synthetic(req: LLMRequest, reply: str, sample: int = 0) -> Recording:
    return Recording(
        key=request_key(req, sample),
        purpose=req.purpose,
        request=req.canonical(sample),
        response=Completion(text=reply, model="synthetic"),
        provenance=Provenance(source="synthetic", model="none", date="2026-11-23", note="test"),
    )


def test_key_ignores_purpose_and_cache_flags_but_not_content() -> None:
    base = request()
    assert request_key(base) == request_key(base.model_copy(update={"purpose": "other"}))
    assert request_key(base) == request_key(base.model_copy(update={"system": [SystemBlock(text="sys")]}))
    assert request_key(base) != request_key(request("hello!"))
    assert request_key(base) != request_key(base.model_copy(update={"model": "m2"}))
    assert request_key(base, 0) != request_key(base, 1)


def test_replay_hit_returns_the_recorded_response(tmp_path: Path) -> None:
    path = tmp_path / "rec.jsonl"
    write_recordings(path, [synthetic(request(), "first"), synthetic(request(), "second", sample=1)])
    llm = ReplayLLM([path])
    assert llm.complete(request()).text == "first"
    assert llm.stream(request()).read().text == "second", "identical requests replay in sample order"
    assert llm.sources["synthetic"] == 2


def test_replay_miss_names_the_request_and_how_to_record(tmp_path: Path) -> None:
    llm = ReplayLLM([tmp_path / "none.jsonl"])
    with pytest.raises(ReplayMissError) as caught:
        llm.complete(request("unrecorded"))
    message = str(caught.value)
    assert request_key(request("unrecorded"))[:16] in message
    assert "grader" in message
    assert "--mode record" in message and "ANTHROPIC_API_KEY" in message


def test_corrupt_recording_file_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(synthetic(request(), "ok").model_dump_json() + "\n{not json\n")
    with pytest.raises(Exception, match=r"bad\.jsonl:2"):
        load_recordings([path])


def test_recording_through_the_real_sdk_then_replaying_offline(tmp_path: Path) -> None:
    path = tmp_path / "recorded.jsonl"
    item = GradingItem(
        question_id="q1",
        question_text="How do you verify?",
        answers=["We sample 5% of outputs every week."],
        qualities=[QualityId.CALIBRATED_SKEPTICISM],
    )
    grade = {
        "grades": [
            {
                "quality": "calibrated_skepticism",
                "score": 2,
                "evidence": ["We sample 5% of outputs every week"],
                "rationale": "r",
                "improvement": "i",
            }
        ],
        "feedback": "f",
    }
    with FakeAnthropic() as fake:
        fake.add_json(grade)
        settings = Settings(api_key=KEY, base_url=fake.base_url, model="claude-sonnet-4-6")
        live = RecordingLLM(AnthropicLLM(settings), path, secrets=(KEY,))
        recorded = LLMGrader(live, load_set("default"), "claude-sonnet-4-6").grade(item)
    text = path.read_text()
    assert KEY not in text and "x-api-key" not in text.lower() and "authorization" not in text.lower()
    record = next(iter(load_recordings([path]).values()))
    assert record.provenance.source == "recorded"
    assert record.provenance.model == "claude-sonnet-4-6"
    replayed = LLMGrader(ReplayLLM([path]), load_set("default"), "claude-sonnet-4-6").grade(item)
    assert replayed == recorded


def test_errors_are_never_recorded(tmp_path: Path) -> None:
    path = tmp_path / "rec.jsonl"
    with FakeAnthropic() as fake:
        fake.add_error(400, "invalid_request_error", "bad request")
        settings = Settings(api_key=KEY, base_url=fake.base_url, model="claude-sonnet-4-6")
        live = RecordingLLM(AnthropicLLM(settings), path)
        with pytest.raises(Exception, match="400"):
            live.complete(request())
    assert not path.exists()


def test_key_shaped_strings_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "rec.jsonl"
    leaky = FakeLLM(script=[f"my key is {KEY}"])
    with pytest.raises(RecordingError, match="key-shaped"):
        RecordingLLM(leaky, path).complete(request())
    with pytest.raises(RecordingError, match="key-shaped"):
        RecordingLLM(FakeLLM(script=["fine"]), path).complete(request(f"answer mentioning {KEY}"))
    with pytest.raises(RecordingError):
        write_recordings(path, [synthetic(request(), KEY)])
    assert not path.exists() or KEY not in path.read_text()


def test_refusals_are_not_recorded(tmp_path: Path) -> None:
    class Refusing(FakeLLM):
        def complete(self, request: LLMRequest) -> Completion:
            return Completion(text="I can't help with that.", stop_reason="refusal")

    with pytest.raises(RecordingError, match="refusal"):
        RecordingLLM(Refusing(), tmp_path / "r.jsonl").complete(request())


def test_full_interview_replays_from_a_recording(tmp_path: Path) -> None:
    path = tmp_path / "interview.jsonl"
    config = InterviewConfig(num_questions=3, max_follow_ups=0, seed=8)
    answers = ["We sample outputs weekly.", "A second answer.", "A third answer."]
    recorder = RecordingLLM(FakeLLM(), path)
    live = Interview(create_backend(llm=recorder), config)
    live.start().read()
    for answer in answers:
        live.answer(answer).read()
    live_report = live.report(timeout=10)
    live.close()
    # Re-label the fake's replies so they are never mistaken for a model's output.
    records = [
        r.model_copy(update={"provenance": r.provenance.model_copy(update={"source": "synthetic"})})
        for r in load_recordings([path]).values()
    ]
    write_recordings(path, records)
    replay = Interview(create_backend("replay", recordings=[path]), config)
    replay.start().read()
    for answer in answers:
        replay.answer(answer).read()
    report = replay.report(timeout=10)
    assert [s.model_dump() for s in report.qualities] == [s.model_dump() for s in live_report.qualities]
    replay.close()
