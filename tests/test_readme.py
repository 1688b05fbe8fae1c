"""The README's Python example runs as written (with scripted input)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest


def test_readme_python_example_runs_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    code = re.search(r"```python\n(.*?)```", readme, re.S)
    assert code is not None
    lines = [line for line in code.group(1).splitlines() if line.strip()]
    assert len(lines) < 20, "the README promises a whole interview in under 20 lines"
    monkeypatch.chdir(tmp_path)
    answers = iter(["We'd sample 5% of outputs every week and review refunds over $500 by hand."] * 20)
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    namespace: dict[str, object] = {}
    exec(compile(code.group(1), "README.md", "exec"), namespace)
    out = capsys.readouterr().out
    assert "Question 1 of 3" in out
    assert "report is being prepared" in out
    assert (tmp_path / "interviews.db").exists()
    namespace["interview"].close()  # type: ignore[attr-defined]


def _figures(cases: list[str], tmp_path: Path) -> dict[str, float]:
    import json
    import subprocess
    import sys

    out = tmp_path / "figures.json"
    subprocess.run(
        [sys.executable, "-m", "evals", "run", "--cases", *cases, "--grader", "heuristic", "--json", str(out)],
        cwd=Path(__file__).parents[1],
        capture_output=True,
        check=False,
    )
    data = json.loads(out.read_text())
    return {q: round(data["per_quality"][q]["qwk"], 3) for q in ("calibrated_skepticism", "limitation_communication")}


SINGLE = [
    f"evals/cases/{name}.jsonl" for name in ("calibrated_skepticism", "limitation_communication", "other_qualities")
]


@pytest.mark.parametrize(
    "cases,label",
    [(SINGLE, "in-sample"), (["evals/cases/exchanges.jsonl"], "exchanges"), (["evals/fresh"], "fresh")],
)
def test_readme_heuristic_figures_are_the_ones_the_harness_prints(cases: list[str], label: str, tmp_path: Path) -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    for quality, qwk in _figures(cases, tmp_path).items():
        row = re.search(rf"^\| `{quality}` \| {label} \|.*\*\*([\d.]+)\*\*", readme, re.M)
        assert row is not None, f"README lacks the {label} row for {quality}"
        assert float(row.group(1)) == pytest.approx(qwk, abs=0.0005), f"README's {label} QWK for {quality} is stale"


def test_readme_rater_agreement_is_the_one_the_harness_prints(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    out = tmp_path / "raters.json"
    raters = ["--first", "evals/raters/exchanges-first.json", "--second", "evals/raters/exchanges-second.json"]
    subprocess.run(
        [sys.executable, "-m", "evals", "raters", *raters, "--json", str(out)],
        cwd=Path(__file__).parents[1],
        capture_output=True,
        check=True,
    )
    figures = json.loads(out.read_text())["per_quality"]
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    for quality in ("calibrated_skepticism", "limitation_communication"):
        row = re.search(rf"^\| `{quality}` \| (\d+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|$", readme, re.M)
        assert row is not None, f"README lacks the rater row for {quality}"
        f = figures[quality]
        assert [int(row.group(1)), *map(float, row.groups()[1:])] == [
            f["n"],
            round(f["exact"], 3),
            round(f["within_one"], 3),
            round(f["qwk"], 3),
        ], f"README's rater agreement for {quality} is stale"
