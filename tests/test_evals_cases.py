"""Eval suite: loading gold cases, and a case file written by someone else running unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.cases import Case, load_cases, parse_line
from evals.cli import main
from evals.probes import NOT_HIGHER, build_items, overconfident, pad, reformat
from interviewer.domain import QualityId
from interviewer.errors import ContentError
from interviewer.sentences import split_sentences

BRIEF_FIELDS = ("id", "quality", "question", "answer", "expected", "tags")


def case(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "x-001",
        "quality": "calibrated_skepticism",
        "question": "How would you decide the AI summary is good enough to show?",
        "answer": "We would check a sample of 200 real summaries against the CRM record before launch.",
        "expected": 2,
        "tags": ["mid"],
    }
    return base | overrides


def write(path: Path, rows: list[dict[str, object]] | list[str]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_someone_elses_case_file_runs_unchanged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = [
        ("cs", "calibrated_skepticism", "The model handles it; we would ship it to everyone and trust it.", 1),
        (
            "cs",
            "calibrated_skepticism",
            "A wrong dose is the costly error, so every dose is checked against the medication record, and we "
            "sample 5% of the rest weekly. The bar is zero dose mismatches on 500 replayed notes.",
            3,
        ),
        ("lc", "limitation_communication", "Yes, the AI can do everything the demo showed, cut the team now.", 1),
        ("ue", "user_empathy", "I would shadow six nurses on a night shift to see where notes slow them down.", 3),
    ]
    rows = [
        {
            "id": f"{prefix}-9{n:02d}",
            "quality": quality,
            "question": "A question from another team's interview practice.",
            "answer": answer,
            "expected": expected,
            "tags": [],
            "reviewer": "someone else",  # an unknown extra field
        }
        for n, (prefix, quality, answer, expected) in enumerate(answers)
    ]
    for row in rows:
        assert set(row) == {*BRIEF_FIELDS, "reviewer"}
    file = write(tmp_path / "theirs.jsonl", rows)
    out = tmp_path / "out.json"
    code = main(["run", "--cases", str(file), "--grader", "heuristic", "--json", str(out), "--no-progress"])
    result = json.loads(out.read_text())
    assert code in (0, 1, 3)
    assert code == {"pass": 0, "fail": 1, "inconclusive": 3}[result["status"]]
    assert result["n"] == len(rows)
    assert {p["case"] for p in result["predictions"] if p["kind"] == "gold"} == {r["id"] for r in rows}
    contract = ("n", "exact", "within_one", "qwk", "mean_bias")
    assert all(key in result for key in contract)
    keys = {frozenset(figures) for figures in result["per_quality"].values()}
    assert len(keys) == 1 and set(contract) <= next(iter(keys))
    assert sum(q["n"] for q in result["per_quality"].values()) == len(rows)
    # Too few cases for the gated qualities: their agreement checks cannot pass.
    gated = [g for g in result["gates"] if g["quality"] is not None]
    assert gated and all(g["status"] == "inconclusive" for g in gated)
    assert "Agreement with the human labels" in capsys.readouterr().out


def test_a_corrupt_line_names_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = write(tmp_path / "bad.jsonl", [case(), "{not json", case(id="x-002")])
    with pytest.raises(ContentError, match=r"bad\.jsonl:2: not valid JSON"):
        load_cases([file])
    assert main(["run", "--cases", str(file), "--grader", "heuristic", "--no-progress"]) == 2
    assert "bad.jsonl:2" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (case(expected=5), "expected"),
        (case(expected="3"), "expected"),
        (case(expected=True), "expected"),
        (case(quality="charisma"), "quality"),
        (case(answer=""), "answer"),
        ({k: v for k, v in case().items() if k != "tags"}, "tags"),
        ([1, 2], "JSON object"),
    ],
)
def test_invalid_cases_are_refused_with_the_field(tmp_path: Path, row: object, problem: str) -> None:
    file = tmp_path / "cases.jsonl"
    file.write_text(json.dumps(case(id="x-000")) + "\n" + json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(ContentError, match=rf"cases\.jsonl:2: .*{problem}"):
        load_cases([file])


def test_repeated_ids_name_both_places(tmp_path: Path) -> None:
    write(tmp_path / "a.jsonl", [case()])
    write(tmp_path / "b.jsonl", [case(id="x-002"), case()])
    with pytest.raises(ContentError, match=r"b\.jsonl:2: case id 'x-001' is already used at .*a\.jsonl:1"):
        load_cases([tmp_path])


def test_directories_are_read_recursively_and_blank_lines_skipped(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub" / "b.jsonl", [case(id="x-002"), "", case(id="x-003", pair=7)])
    write(tmp_path / "a.jsonl", [case(id="x-001", pair="cs-pair-01")])
    cases = load_cases([tmp_path])
    assert [c.id for c in cases] == ["x-001", "x-002", "x-003"]
    assert cases[0].source.endswith("a.jsonl:1") and cases[2].source.endswith("b.jsonl:3")
    assert [c.pair for c in cases] == ["cs-pair-01", None, "7"]


def test_missing_paths_and_empty_directories_are_errors(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="no such case file"):
        load_cases([tmp_path / "nope.jsonl"])
    with pytest.raises(ContentError, match=r"no \*\.jsonl case files"):
        load_cases([tmp_path])


def test_the_gold_cases_load_and_cover_the_gated_qualities() -> None:
    cases = load_cases([Path(__file__).parents[1] / "evals" / "cases"])
    counts = {q: sum(c.primary is q and not c.exchange for c in cases) for q in QualityId}
    assert counts[QualityId.CALIBRATED_SKEPTICISM] >= 40
    assert counts[QualityId.LIMITATION_COMMUNICATION] >= 40


def test_probes_keep_the_answer_and_apply_where_they_should() -> None:
    answer = "We sample 5% of summaries. A wrong amount is costly! So amounts are always checked."
    assert pad(answer).count(answer) == 3
    bullets = reformat(answer)
    assert all(f"- {s}" in bullets for s in split_sentences(answer))
    assert overconfident(answer).startswith("We sample 5% of summaries.")
    strong = load_cases_from_rows([case(id="s", expected=3), case(id="w", expected=2), case(id="o", expected=4)])
    strong += load_cases_from_rows([case(id="l", expected=4, quality="limitation_communication")])
    items = build_items(strong, [QualityId.CALIBRATED_SKEPTICISM])
    kinds = {(i.case.id, i.kind) for i in items}
    assert {("s", k) for k in NOT_HIGHER} <= kinds
    assert ("s", "overconfident") in kinds and ("o", "overconfident") in kinds
    assert ("w", "overconfident") not in kinds
    assert not any(i.is_probe for i in items if i.case.id == "l")


def load_cases_from_rows(rows: list[dict[str, object]]) -> list[Case]:
    return [parse_line(json.dumps(r), f"rows:{n}") for n, r in enumerate(rows, start=1)]


@pytest.mark.parametrize(
    "line,problem",
    [
        ('{"id": "x-1", "answer": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
        (
            '{"id": "x-1", "quality": "calibrated_skepticism", "question": "q", "answer": "a", "expected": '
            + "9" * 5000
            + ', "tags": []}',
            "not valid JSON",
        ),
    ],
)
def test_a_hostile_case_line_is_a_file_and_line_error_with_exit_two(
    tmp_path: Path, line: str, problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from evals.cli import main

    bad = tmp_path / "bad.jsonl"
    bad.write_text(line + "\n", encoding="utf-8")
    assert main(["run", "--cases", str(bad), "--grader", "heuristic", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:1" in err and problem in err and "Traceback" not in err


def test_a_line_separator_inside_a_json_string_is_fine(tmp_path: Path) -> None:
    case = {
        "id": "ls-1",
        "quality": "calibrated_skepticism",
        "question": "q",
        "answer": "First line\u2028second line, with a paragraph separator\u2029 too.",
        "expected": 2,
        "tags": [],
    }
    path = tmp_path / "ls.jsonl"
    path.write_text(json.dumps(case, ensure_ascii=False) + "\n", encoding="utf-8")
    (loaded,) = load_cases([path])
    assert "\u2028" in loaded.answers[0]
