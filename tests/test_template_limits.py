"""Hostile template sets: nothing outside the set, no hang, every problem a file:line error."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from interviewer.cli import main
from interviewer.errors import TemplateError
from interviewer.prompt_context import sample_contexts
from interviewer.templates import TemplateSet


def template_set(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "manifest.toml").write_text('name = "hostile"\nversion = "1"\n')
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def problems(folder: Path) -> list[str]:
    started = time.monotonic()
    found = [str(p) for p in TemplateSet(folder).validate(sample_contexts())]
    assert time.monotonic() - started < 10, "validation cannot hang"
    return found


def test_a_symlink_out_of_the_set_is_refused_and_never_reaches_a_prompt(tmp_path: Path) -> None:
    folder = template_set(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:SECRET-LINE")
    (folder / "grader_system.j2").symlink_to(secret)
    found = problems(folder)
    assert any("grader_system.j2" in p and "symbolic link" in p for p in found), found
    with pytest.raises(TemplateError, match="symbolic link"):
        TemplateSet(folder).render("grader_system.j2", sample_contexts()["grader_system.j2"])
    assert "SECRET-LINE" not in " ".join(found)


@pytest.mark.parametrize(
    "body,problem",
    [
        ("{% for i in range(10**8) %}x{% endfor %}", "over a limit"),
        (
            "{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(1000) %}x{% endfor %}"
            "{% endfor %}{% endfor %}",
            "over a limit",
        ),
        ("{{ 'x' * 10000000 }}", "over a limit"),
        ("{% include 'grader_user.j2' %}", "includes itself"),
    ],
)
def test_runaway_templates_are_file_and_line_errors_not_hangs(tmp_path: Path, body: str, problem: str) -> None:
    folder = template_set(tmp_path, **{"grader_user.j2": "Question: {{ question }}\n" + body + "\n"})
    found = problems(folder)
    assert any("grader_user.j2:" in p and problem in p for p in found), found


def test_templates_validate_command_reports_them_and_exits_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = template_set(tmp_path, **{"grader_user.j2": "{% for i in range(10**8) %}x{% endfor %}\n"})
    assert main(["templates", "validate", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and "grader_user.j2:1" in out and "Traceback" not in out
