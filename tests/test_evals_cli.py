"""Eval suite: the command line, its JSON contract, the reports and the progress bar."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from evals.cli import main
from evals.progress import ProgressBar
from interviewer.templates import prompts_root

ROOT = Path(__file__).parents[1]
CASES = ROOT / "evals" / "cases"


@pytest.fixture(scope="module")
def heuristic_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, Any], str]:
    out = tmp_path_factory.mktemp("run") / "heuristic.json"
    capture = io.StringIO()
    with contextlib.redirect_stdout(capture):
        code = main(["run", "--cases", str(CASES), "--grader", "heuristic", "--json", str(out), "--no-progress"])
    return code, json.loads(out.read_text()), capture.getvalue()


def test_heuristic_run_exit_status_follows_the_gate(heuristic_run: tuple[int, dict[str, Any], str]) -> None:
    code, result, printed = heuristic_run
    assert code == {"pass": 0, "fail": 1, "inconclusive": 3}[result["status"]]
    gated = [g for g in result["gates"] if g["gated"]]
    if any(g["status"] == "fail" for g in gated):
        assert code == 1
        for gate in gated:
            if gate["status"] == "fail":
                assert gate["name"] in printed.split("Result:")[1], "the failing check is named"
    assert result["synthetic"] is False and result["provenance"]["heuristic"] > 0
    assert result["describes"].startswith("the offline heuristic grader")
    assert "SYNTHETIC" not in printed


def test_json_figures_agree_with_the_predictions_it_lists(heuristic_run: tuple[int, dict[str, Any], str]) -> None:
    _, result, _ = heuristic_run
    gold = [p for p in result["predictions"] if p["kind"] == "gold"]
    lines = [json.loads(line) for f in CASES.glob("*.jsonl") for line in f.read_text().splitlines() if line.strip()]
    pairs = sum(len(c["expected"]) if isinstance(c["expected"], dict) else 1 for c in lines)
    assert result["n"] == len(gold) == pairs, "one prediction per (case, quality) pair"
    by_quality: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in gold:
        by_quality[p["quality"]].append(p)
    for quality, rows in by_quality.items():
        figures = result["per_quality"][quality]
        exact = sum(p["predicted"] == p["expected"] for p in rows) / len(rows)
        within = sum(
            p["predicted"] == p["expected"]
            or (None not in (p["predicted"], p["expected"]) and abs(p["predicted"] - p["expected"]) <= 1)
            for p in rows
        ) / len(rows)
        scored = [p for p in rows if p["predicted"] is not None and p["expected"] is not None]
        bias = sum(p["predicted"] - p["expected"] for p in scored) / len(scored)
        assert figures["n"] == len(rows)
        assert figures["exact"] == pytest.approx(exact)
        assert figures["within_one"] == pytest.approx(within)
        assert figures["mean_bias"] == pytest.approx(bias)
        matrix = figures["confusion"]["matrix"]
        assert sum(map(sum, matrix)) == len(rows)
        both_none = sum(p["predicted"] is None and p["expected"] is None for p in rows)
        assert sum(matrix[i][i] for i in range(4)) + both_none == round(exact * len(rows))
    assert set(result["per_quality"]) == set(by_quality)
    assert len({frozenset(f) for f in result["per_quality"].values()}) == 1, "same keys for every quality"
    for key in ("spearman", "smd", "not_enough_evidence_rate", "failure_rate", "pairs", "robustness", "grounding"):
        assert key in result
    assert result["seconds"] > 0


def test_gated_qualities_are_gated_on_every_agreement_figure(heuristic_run: tuple[int, dict[str, Any], str]) -> None:
    _, result, printed = heuristic_run
    names = {g["name"] for g in result["gates"] if g["gated"]}
    for quality in ("calibrated_skepticism", "limitation_communication"):
        assert {f"{quality}.{m}" for m in ("qwk", "abs_smd", "exact", "within_one")} <= names
        figures = result["per_quality"][quality]
        assert f"{figures['qwk']:.3f}" in printed
        interval = result["intervals"][quality]["qwk"]
        assert interval[0] <= figures["qwk"] <= interval[1]
        assert result["intervals"][quality]["questions"] < figures["n"], "resampled by question, not by case"


def test_reports_with_a_confusion_matrix_per_quality(tmp_path: Path) -> None:
    cases = CASES / "limitation_communication.jsonl"
    md, page = tmp_path / "r" / "report.md", tmp_path / "report.html"
    for out in (md, page):
        main(["run", "--cases", str(cases), "--grader", "heuristic", "--report", str(out), "--no-progress"])
    pictures = sorted((tmp_path / "r" / "report_files").glob("*.png"))
    assert [p.name for p in pictures] == ["confusion-limitation_communication.png"]
    assert pictures[0].read_bytes().startswith(b"\x89PNG")
    text = md.read_text()
    assert "](report_files/confusion-limitation_communication.png)" in text and "| check |" in text
    html = page.read_text()
    assert html.count("data:image/png;base64,") == 1 and "<table>" in html


def test_heuristic_refuses_llm_options_and_odd_report_names(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--cases", str(CASES), "--grader", "heuristic", "--prompts", "plain"]) == 2
    assert "--prompts and --mode apply to the llm grader only" in capsys.readouterr().err
    assert main(["run", "--cases", str(CASES), "--grader", "heuristic", "--report", "out.pdf"]) == 2
    assert "must end in .md" in capsys.readouterr().err


def test_a_broken_template_set_is_named_with_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(prompts_root() / "plain", broken)
    (broken / "grader_user.j2").write_text("Question: {{ question }}\n{{ answer_text }}\n")
    code = main(
        ["run", "--cases", str(CASES), "--grader", "llm", "--prompts", str(broken), "--recordings", str(tmp_path)]
    )
    assert code == 2
    assert f"{broken / 'grader_user.j2'}:2" in capsys.readouterr().err


def test_compare_needs_two_graders(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", "--cases", str(CASES), "--prompts", "default"]) == 2
    assert "at least two" in capsys.readouterr().err


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_draws_on_a_terminal_and_stays_quiet_in_fast_logs() -> None:
    terminal, log = Terminal(), io.StringIO()
    for stream in (terminal, log):
        bar = ProgressBar("grading", stream=stream)
        for done in range(1, 51):
            bar(done, 50)
    assert "\r" in terminal.getvalue() and "50/50" in terminal.getvalue() and terminal.getvalue().endswith("\n")
    assert log.getvalue() == "", "a fast run prints nothing into a log"
    small = Terminal()
    ProgressBar("grading", stream=small)(1, 3)
    assert small.getvalue() == "", "short runs show no bar"
    quiet = Terminal()
    ProgressBar("grading", stream=quiet, enabled=False)(50, 50)
    assert quiet.getvalue() == ""
