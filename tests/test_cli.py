"""The terminal interview: saved where the app saves, resumable, retryable, and Ctrl-D ends it cleanly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from interviewer.cli import main
from interviewer.storage import Store

ANSWER = "We'd pull 300 real tickets into an eval set and ship at 95% accuracy, with refunds over $500 reviewed."


def scripted_input(monkeypatch: pytest.MonkeyPatch, lines: list[str]) -> None:
    typed: Iterator[str] = iter(lines)

    def fake_input(prompt: str = "") -> str:
        try:
            return next(typed)
        except StopIteration:
            raise EOFError from None  # Ctrl-D

    monkeypatch.setattr("builtins.input", fake_input)


def test_the_cli_saves_to_interviewer_db_says_where_and_ctrl_d_ends_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "cli.db"
    monkeypatch.setenv("INTERVIEWER_DB", str(db))
    scripted_input(monkeypatch, [ANSWER])
    assert main(["interview", "--questions", "3"]) == 0
    out = capsys.readouterr().out
    assert f"Saved to sqlite:///{db}" in out and "--resume" in out
    assert "Stopped. Your answers are saved" in out and "Traceback" not in out
    store = Store(str(db))
    (session,) = store.list_sessions()
    record = store.load_session(session.id)
    assert record is not None and ANSWER in [t.text for t in record.turns]

    scripted_input(monkeypatch, [ANSWER] * 12)
    assert main(["interview", "--resume", session.id]) == 0
    out = capsys.readouterr().out
    assert ANSWER in out, "the resumed transcript is shown first"
    assert store.load_session(session.id).status == "finished"  # type: ignore[union-attr]
    assert "Role fit" in out


def test_a_lone_surrogate_and_an_empty_answer_do_not_stick_the_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("INTERVIEWER_DB", str(tmp_path / "cli.db"))
    scripted_input(monkeypatch, ["   ", "I'd check the \udcff output " + ANSWER, "/end"])
    assert main(["interview", "--questions", "3"]) == 0
    out = capsys.readouterr().out
    assert "Your answer is empty" in out
    assert "could not be stored and were replaced" in out
    store = Store(str(tmp_path / "cli.db"))
    record = store.load_session(store.list_sessions()[0].id)
    assert record is not None
    answers = [t.text for t in record.turns if t.kind.value == "answer"]
    assert answers and "\ufffd" in answers[0] and "\udcff" not in answers[0]
    assert record.status == "finished"


def test_after_an_outage_enter_retries_and_bank_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.fakes.anthropic_server import FakeAnthropic
    from tests.fakes.claude_script import scripted_claude
    from tests.fakes.keys import fake_key

    monkeypatch.setenv("INTERVIEWER_DB", str(tmp_path / "cli.db"))
    with FakeAnthropic() as fake:
        monkeypatch.setenv("ANTHROPIC_API_KEY", fake_key("cli"))
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.base_url)
        fake.respond_with(scripted_claude())
        fake.add_text("<notes>n</notes><move>next</move>Welcome. First question?")
        fake.add_error(400, "invalid_request_error", "a refused request")  # not retried by the backend
        scripted_input(monkeypatch, [ANSWER, "", "/end"])
        assert main(["interview", "--backend", "anthropic", "--questions", "3"]) == 0
    out = capsys.readouterr().out
    assert "The interviewer did not answer" in out and "Press Enter to retry" in out
    assert "Thanks." in out, "Enter retried the turn"
