"""`interviewer review`: answers drafted elsewhere, graded and reported as the app does, in the documented JSON."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from interviewer.cli import main
from interviewer.export import schema_text
from tests.interview_answers import MEDIUM, STRONG

SCHEMA = Path(__file__).parents[1] / "docs" / "report.schema.json"


def write_lines(path: Path, lines: list[object]) -> Path:
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    return path


def test_the_committed_schema_is_the_one_the_code_writes() -> None:
    assert SCHEMA.read_text(encoding="utf-8") == schema_text(), "run `interviewer schema > docs/report.schema.json`"


def test_review_writes_json_that_validates_against_the_documented_schema(tmp_path: Path) -> None:
    drafts = write_lines(
        tmp_path / "drafts.jsonl",
        [
            {"question_id": "int-clinical-wrong-medication", "answer": STRONG["int-clinical-wrong-medication"]},
            {
                "question": "How would you launch an AI summary for insurance adjusters?",
                "qualities": ["limitation_communication", "user_empathy"],
                "answer": [MEDIUM["int-head-of-support-distrust"], "We'd pilot with one team first."],
                "follow_ups": ["What would you tell the adjusters?"],
            },
        ],
    )
    out, markdown = tmp_path / "report.json", tmp_path / "report.md"
    assert main(["review", str(drafts), "--json", str(out), "--markdown", str(markdown)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert data["schema_version"] == 2
    first, second = data["answers"]
    assert first["question_id"] == "int-clinical-wrong-medication" and first["exemplar"]
    assert {g["quality"] for g in first["grades"]} == {
        "calibrated_skepticism",
        "limitation_communication",
        "user_empathy",
    }
    for grade in first["grades"]:
        assert set(grade) >= {"question_id", "quality", "score", "evidence", "improvement"}
        assert grade["question_id"] == "int-clinical-wrong-medication"
    assert second["question_id"] == "q2" and second["follow_ups"] == ["What would you tell the adjusters?"]
    assert len(second["answers"]) == 2 and second["strong_answer"] == [] and second["exemplar"] is None
    text = markdown.read_text(encoding="utf-8")
    assert "## Question 1" in text and "int-clinical-wrong-medication" not in text


@pytest.mark.parametrize(
    "line,problem",
    [
        ('{"answer": "x"}', "either"),
        ('{"question": "Why?", "answer": "x"}', "qualities"),
        ('{"question_id": "no-such-question", "answer": "x"}', "no question with id"),
        ('{"question_id": "gen-behav-too-deep", "answer": "   "}', "empty"),
        ('{"question_id": "gen-behav-said-no", "answer": "Again."}', "already reviewed"),
        ("not json", "not valid JSON"),
    ],
)
def test_a_bad_review_line_names_file_and_line(
    tmp_path: Path, line: str, problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    drafts = tmp_path / "drafts.jsonl"
    drafts.write_text('{"question_id": "gen-behav-said-no", "answer": "I said no."}\n' + line + "\n", encoding="utf-8")
    assert main(["review", str(drafts)]) == 2
    err = capsys.readouterr().err
    assert f"{drafts}:2" in err and problem in err


def test_review_on_claude_through_the_fake_api_reports_usage_and_the_template_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.fakes.anthropic_server import FakeAnthropic
    from tests.fakes.claude_script import scripted_claude
    from tests.fakes.keys import fake_key

    key = fake_key("review")
    drafts = write_lines(
        tmp_path / "drafts.jsonl",
        [{"question_id": "int-clinical-wrong-medication", "answer": "We'd build an eval set of 300 real notes."}],
    )
    out = tmp_path / "report.json"
    with FakeAnthropic() as fake:
        fake.respond_with(scripted_claude("an eval set of 300 real notes"))
        monkeypatch.setenv("ANTHROPIC_API_KEY", key)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.base_url)
        assert main(["review", str(drafts), "--backend", "anthropic", "--json", str(out)]) == 0
        purposes = [r.body.get("output_config") is not None for r in fake.message_requests]
    text = out.read_text(encoding="utf-8")
    assert key not in text
    data = json.loads(text)
    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert data["offline"] is False and data["template_set"].startswith("default@")
    assert data["usage"]["input_tokens"] > 0
    assert all(
        g["score"] == 3 and g["evidence"] == ["an eval set of 300 real notes"] for g in data["answers"][0]["grades"]
    )
    assert data["stronger_answer"]["question_number"] == 1
    assert len(purposes) == 2, "one grading request and one report request"
