"""Eval suite: the synthetic graders. The gate passes the calibrated one and fails the miscalibrated one,
reports keep them apart from any model, and compare shows where two sets differ."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.cases import load_cases
from evals.cli import main
from evals.graders import ReplaySource
from evals.probes import build_items
from evals.synthetic import KINDS, synthesize
from evals.thresholds import load_thresholds
from interviewer.config import DEFAULT_MODEL
from interviewer.domain import LLMGradeOutput
from interviewer.errors import ConfigError
from interviewer.grading import LLMGrader
from interviewer.llm import schema_for
from interviewer.replay import KEY_SHAPED, Provenance, load_recordings, request_key, write_recordings
from interviewer.templates import load_set

ROOT = Path(__file__).parents[1]
CASES = ROOT / "evals" / "cases"
SYNTHETIC = ROOT / "evals" / "recordings" / "synthetic"
STALE = "shipped synthetic recordings are stale: run `python -m evals synth` and commit the result"


def run_json(tmp_path: Path, *args: str) -> tuple[int, dict[str, object]]:
    out = tmp_path / "result.json"
    code = main(["run", "--cases", str(CASES), "--json", str(out), "--no-progress", *args])
    return code, json.loads(out.read_text())


def test_the_gate_passes_the_calibrated_synthetic_grader(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run_json(tmp_path, "--grader", "llm", "--recordings", str(SYNTHETIC / "calibrated"))
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert result["status"] == "pass"
    assert result["synthetic"] is True
    assert result["provenance"] == {"recorded": 0, "synthetic": result["provenance"]["synthetic"], "heuristic": 0}
    assert "NOT a model's performance" in str(result["describes"])
    assert printed.count("These figures are NOT a model's performance") == 2, "banner opens and closes the output"
    assert {r["source"] for r in result["replies"]} == {"synthetic"}  # type: ignore[attr-defined]


def test_the_gate_fails_the_miscalibrated_synthetic_grader(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run_json(tmp_path, "--grader", "llm", "--recordings", str(SYNTHETIC / "miscalibrated"))
    printed = capsys.readouterr().out
    assert code == 1
    failed = {g["name"] for g in result["gates"] if g["status"] == "fail"}  # type: ignore[attr-defined]
    assert {"adversarial_raised", "probe_raised", "calibrated_skepticism.abs_smd"} <= failed
    assert result["mean_bias"] > 0.5, "too lenient"  # type: ignore[operator]
    assert "Result: FAIL" in printed and "adversarial_raised" in printed
    assert "NOT a model's performance" in printed
    grounding = result["grounding"]
    assert grounding["rate"] < 1.0, "its paraphrased quotes are caught"  # type: ignore[index]


def test_shipped_synthetic_recordings_are_keyed_as_the_llm_graders_requests() -> None:
    templates = load_set("default")
    cases = load_cases([CASES])
    items = build_items(cases, load_thresholds().qualities)
    grader = LLMGrader(llm=None, templates=templates, model=DEFAULT_MODEL)  # type: ignore[arg-type]
    schema = schema_for(LLMGradeOutput)
    expected = {
        request_key(grader.request(i.grading_item()).model_copy(update={"output_schema": schema})) for i in items
    }
    for kind in KINDS:
        shipped = load_recordings([SYNTHETIC / kind / "default.jsonl"])
        assert set(shipped) == expected, STALE
        assert {r.provenance.source for r in shipped.values()} == {"synthetic"}
        text = (SYNTHETIC / kind / "default.jsonl").read_text()
        assert not KEY_SHAPED.search(text)


def test_synthesize_writes_what_replay_serves(tmp_path: Path) -> None:
    lines = (CASES / "limitation_communication.jsonl").read_text().splitlines()[:6]
    cases_file = tmp_path / "six.jsonl"
    cases_file.write_text("".join(line + "\n" for line in lines))
    records = synthesize(load_cases([cases_file]), load_set("plain"), "some-model", "calibrated", [])
    assert len(records) == 6 and {r.provenance.source for r in records} == {"synthetic"}
    write_recordings(tmp_path / "rec" / "plain.jsonl", records)
    out = tmp_path / "out.json"
    args = ["run", "--cases", str(cases_file), "--grader", "llm", "--prompts", "plain", "--model", "some-model"]
    code = main([*args, "--recordings", str(tmp_path / "rec"), "--no-probes", "--json", str(out)])
    result = json.loads(out.read_text())
    assert code == 3, "six cases are too few to decide"
    assert result["provenance"]["synthetic"] == 6
    scripted = [json.loads(r.response.text)["grades"][0]["score"] for r in records]
    assert [p["predicted"] for p in result["predictions"]] == scripted
    assert main([*args, "--recordings", str(tmp_path / "rec"), "--no-probes", "--allow-inconclusive"]) == 0


def test_recorded_and_synthetic_replies_are_never_pooled(tmp_path: Path) -> None:
    record = next(iter(load_recordings([SYNTHETIC / "calibrated" / "default.jsonl"]).values()))
    real = record.model_copy(
        update={"key": "0" * 64, "provenance": Provenance(source="recorded", model="claude-x", date="2026-01-01")}
    )
    write_recordings(tmp_path / "a.jsonl", [record])
    write_recordings(tmp_path / "b.jsonl", [real])
    with pytest.raises(ConfigError, match="mix recorded and synthetic"):
        ReplaySource(tmp_path)


def test_conflicting_replies_for_one_request_are_refused(tmp_path: Path) -> None:
    calibrated = load_recordings([SYNTHETIC / "calibrated" / "default.jsonl"])
    miscalibrated = load_recordings([SYNTHETIC / "miscalibrated" / "default.jsonl"])
    key = next(k for k in calibrated if calibrated[k].response.text != miscalibrated[k].response.text)
    write_recordings(tmp_path / "one.jsonl", [calibrated[key]])
    write_recordings(tmp_path / "two.jsonl", [miscalibrated[key]])
    with pytest.raises(ConfigError, match="different replies"):
        ReplaySource(tmp_path)


def test_stale_synthetic_recordings_say_how_to_regenerate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases_file = tmp_path / "new.jsonl"
    row = {"id": "n-1", "quality": "saying_no", "question": "Q?", "answer": "A new answer.", "expected": 2, "tags": []}
    cases_file.write_text(json.dumps(row) + "\n")
    code = main(["run", "--cases", str(cases_file), "--grader", "llm", "--recordings", str(SYNTHETIC / "calibrated")])
    err = capsys.readouterr().err
    assert code == 2
    assert "No recording for this grader request" in err and "python -m evals synth" in err


def test_compare_shows_two_sets_side_by_side_with_their_disagreements(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases_file = tmp_path / "cs.jsonl"
    cases_file.write_text(
        "".join(f"{line}\n" for line in (CASES / "calibrated_skepticism.jsonl").read_text().splitlines()[:12])
    )
    cases = load_cases([cases_file])
    qualities = load_thresholds().qualities
    recordings = tmp_path / "rec"
    write_recordings(
        recordings / "default.jsonl", synthesize(cases, load_set("default"), DEFAULT_MODEL, "calibrated", qualities)
    )
    write_recordings(
        recordings / "plain.jsonl", synthesize(cases, load_set("plain"), DEFAULT_MODEL, "miscalibrated", qualities)
    )
    runs = {}
    for prompts in ("default", "plain"):
        out = tmp_path / f"{prompts}.json"
        main(
            [
                "run",
                "--cases",
                str(cases_file),
                "--grader",
                "llm",
                "--prompts",
                prompts,
                "--recordings",
                str(recordings),
                "--json",
                str(out),
            ]
        )
        runs[prompts] = {p["id"]: p["predicted"] for p in json.loads(out.read_text())["predictions"]}
    capsys.readouterr()
    out = tmp_path / "compare.json"
    code = main(
        [
            "compare",
            "--cases",
            str(cases_file),
            "--prompts",
            "default",
            "prompts/plain",
            "--heuristic",
            "--recordings",
            str(recordings),
            "--json",
            str(out),
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0
    comparison = json.loads(out.read_text())
    assert len(comparison["graders"]) == 3 and comparison["graders"][2] == "heuristic"
    differ = {i for i in runs["default"] if runs["default"][i] != runs["plain"][i]}
    assert differ, "the two scripts disagree somewhere"
    listed = {d["id"] for d in comparison["disagreements"]}
    assert differ <= listed
    agree_everywhere = set(runs["default"]) - listed
    assert all(runs["default"][i] == runs["plain"][i] for i in agree_everywhere)
    assert "Side by side" in printed and "Cases on which they disagree" in printed
    assert "Paired bootstrap of the QWK difference" in printed
    verdicts = {(d["first"], d["second"], d["quality"]): d["verdict"] for d in comparison["differences"]}
    assert len(verdicts) == 3 * 3, "each two graders, on each gated quality and overall"
    assert all(
        v.endswith("beats " + b) or v.endswith("beats " + a) or v.startswith("no detectable")
        for (a, b, _), v in verdicts.items()
    )
    assert "NOT a model's performance" in printed and "says nothing about the prompts" in printed
    some_case = next(d["id"] for d in comparison["disagreements"] if d["kind"] == "gold")
    assert some_case in printed
