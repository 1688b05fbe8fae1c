"""Eval suite: record mode through the real SDK against the wire-level fake API, then replay offline."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from evals.cases import load_cases
from evals.cli import main
from evals.probes import build_items
from evals.runner import request_identity
from evals.thresholds import load_thresholds
from interviewer.replay import KEY_SHAPED, load_recordings
from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.keys import fake_key

KEY = fake_key("test-record")
MODEL = "claude-sonnet-4-6"
ROWS = [
    {
        "id": f"r-{n}",
        "quality": "calibrated_skepticism",
        "question": f"Question {n}: how do you decide the agent's output is good enough?",
        "answer": answer,
        "expected": expected,
        "tags": [],
    }
    for n, (answer, expected) in enumerate(
        [
            ("We trust the model completely because it is state of the art.", 1),
            ("A human reviews every output before it ships to a customer.", 2),
            ("Refunds over 500 dollars are the costly errors, so those get human review. The bar is 1 in 200.", 3),
        ]
    )
]


def grade_reply(body: dict[str, Any]) -> dict[str, Any]:
    """What a grader model might answer: score by answer length, quoting the first sentence."""
    content = body["messages"][-1]["content"]
    answer = re.search(r'<answer n="1">\n(.*?)\n</answer>', content, re.S)
    assert answer is not None
    quote = answer.group(1).split(".")[0]
    score = 1 if len(answer.group(1)) < 64 else 3
    return {
        "grades": [
            {
                "quality": "calibrated_skepticism",
                "score": score,
                "evidence": [quote],
                "rationale": "r",
                "improvement": "i",
            }
        ],
        "feedback": "f",
    }


@pytest.fixture
def cases_file(tmp_path: Path) -> Path:
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    return path


def run(cases: Path, recordings: Path, out: Path, *extra: str) -> int:
    args = ["run", "--cases", str(cases), "--grader", "llm", "--model", MODEL, "--recordings", str(recordings)]
    return main([*args, "--json", str(out), "--no-progress", *extra])


def test_record_once_then_replay_offline(
    tmp_path: Path, cases_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    recordings = tmp_path / "recorded"
    with FakeAnthropic() as fake:
        fake.respond_with(grade_reply)
        monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.base_url)
        code = run(cases_file, recordings, tmp_path / "live.json", "--mode", "record", "--workers", "2")
        asked = len(fake.message_requests)
        assert {r.api_key for r in fake.message_requests} == {KEY}
    printed = capsys.readouterr().out
    live = json.loads((tmp_path / "live.json").read_text())
    items = build_items(load_cases([cases_file]), load_thresholds().qualities)
    assert asked == len({request_identity(i) for i in items}), "one request per distinct item, no re-asks"
    files = list(recordings.glob("*.jsonl"))
    assert len(files) == 1 and files[0].name.startswith("default-")
    text = files[0].read_text()
    assert KEY not in text and not KEY_SHAPED.search(text)
    assert "x-api-key" not in text.lower() and "authorization" not in text.lower()
    records = load_recordings(files)
    assert len(records) == asked
    assert {r.provenance.source for r in records.values()} == {"recorded"}
    assert {r.provenance.model for r in records.values()} == {MODEL}
    assert live["provenance"]["recorded"] == asked and live["synthetic"] is False
    assert live["usage"]["input_tokens"] > 0 and live["usage"]["cost_usd"] > 0
    assert f"Recorded {asked} new replies" in printed and "SYNTHETIC" not in printed
    assert code in (0, 1, 3)

    monkeypatch.delenv("ANTHROPIC_API_KEY")
    monkeypatch.delenv("ANTHROPIC_BASE_URL")
    replay_code = run(cases_file, recordings, tmp_path / "replay.json")
    replayed = json.loads((tmp_path / "replay.json").read_text())
    assert replay_code == code
    assert [p["predicted"] for p in replayed["predictions"]] == [p["predicted"] for p in live["predictions"]]
    assert [p["predicted"] for p in replayed["predictions"] if p["kind"] == "gold"] == [1, 1, 3]
    assert replayed["provenance"]["recorded"] == asked
    assert MODEL in replayed["describes"] and "recorded" in replayed["describes"]


def test_record_mode_fills_in_only_what_is_missing(
    tmp_path: Path, cases_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recordings = tmp_path / "recorded"
    with FakeAnthropic() as fake:
        fake.respond_with(grade_reply)
        monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.base_url)
        run(cases_file, recordings, tmp_path / "a.json", "--mode", "record", "--no-probes")
        first = len(fake.message_requests)
        run(cases_file, recordings, tmp_path / "b.json", "--mode", "record")
        second = len(fake.message_requests) - first
    assert first == len(ROWS)
    assert second > 0, "the probes were new"
    assert len(load_recordings(list(recordings.glob("*.jsonl")))) == first + second


def test_unparseable_replies_and_refusals_fail_the_case_and_refusals_are_not_recorded(
    tmp_path: Path, cases_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recordings = tmp_path / "recorded"
    with FakeAnthropic() as fake:
        fake.add_text("I can't grade that.", stop_reason="refusal")  # case r-0
        fake.add_text("a score of four")  # case r-1, then its re-ask
        fake.add_text("still not JSON")
        fake.add_json({"grades": [], "feedback": "omits the quality"})  # case r-2
        monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.base_url)
        code = run(cases_file, recordings, tmp_path / "out.json", "--mode", "record", "--no-probes")
    result = json.loads((tmp_path / "out.json").read_text())
    errors = {p["id"]: p["error"] for p in result["predictions"]}
    assert all(errors.values()), errors
    assert "refusal" in errors["r-0"] and "schema" in errors["r-1"] and "left out" in errors["r-2"]
    assert result["failure_rate"] == 1.0 and result["exact"] == 0.0 and result["within_one"] == 0.0
    assert result["not_enough_evidence_rate"] == 0.0
    assert code != 0
    records = load_recordings(list(recordings.glob("*.jsonl")))
    assert len(records) == 3, "the two invalid replies and the empty grade, never the refusal"
    assert all("can't grade" not in r.response.text for r in records.values())


def test_record_mode_without_a_key_says_how_to_get_one(
    tmp_path: Path, cases_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(cases_file, tmp_path / "rec", tmp_path / "out.json", "--mode", "record") == 2
    assert "ANTHROPIC_API_KEY" in capsys.readouterr().err


def test_replay_without_recordings_says_how_to_record(
    tmp_path: Path, cases_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(cases_file, tmp_path / "empty", tmp_path / "out.json") == 2
    err = capsys.readouterr().err
    assert "--mode record" in err and "ANTHROPIC_API_KEY" in err


def test_record_mode_refuses_a_directory_of_synthetic_recordings(
    tmp_path: Path, cases_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    synthetic = Path(__file__).parents[1] / "evals" / "recordings" / "synthetic" / "calibrated"
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    assert run(cases_file, synthetic, tmp_path / "out.json", "--mode", "record") == 2
    assert "synthetic recordings" in capsys.readouterr().err


def test_an_openai_compatible_server_is_recorded_with_its_model_id_then_replayed(
    tmp_path: Path, cases_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.fakes.openai_server import FakeOpenAI

    recordings, model = tmp_path / "recorded", "qwen2.5:32b"
    args = ["run", "--cases", str(cases_file), "--grader", "llm", "--model", model, "--recordings", str(recordings)]
    with FakeOpenAI() as fake:
        fake.respond_with(lambda body, headers: grade_reply(body))
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "test-openai-key")
        code = main([*args, "--mode", "record", "--backend", "openai", "--no-probes", "--no-progress"])
        asked = len(fake.requests)
    assert asked == len(ROWS)
    records = load_recordings(list(recordings.glob("*.jsonl")))
    assert {r.provenance.source for r in records.values()} == {"recorded"}
    assert {r.provenance.model for r in records.values()} == {model}
    text = "".join(p.read_text() for p in recordings.glob("*.jsonl"))
    assert "test-openai-key" not in text
    monkeypatch.delenv("OPENAI_BASE_URL")
    monkeypatch.delenv("OPENAI_API_KEY")
    out = tmp_path / "replay.json"
    assert main([*args, "--no-probes", "--no-progress", "--json", str(out)]) == code
    assert model in json.loads(out.read_text())["describes"]
