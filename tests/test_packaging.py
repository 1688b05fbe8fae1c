"""What a user of the package relies on: the version, logs that hold no secret, and the app from a wheel."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path

import pytest

from interviewer import __version__
from interviewer.cli import main as cli_main
from interviewer.logs import configure
from tests.fakes.keys import fake_key
from tests.net import free_port, served

ROOT = Path(__file__).parents[1]


def test_version_is_the_packages(capsys: pytest.CaptureFixture[str]) -> None:
    assert __version__ == version("ai-pm-interview-coach")
    with pytest.raises(SystemExit) as done:
        cli_main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"interviewer {__version__}"


def test_logs_go_to_stderr_with_keys_and_database_passwords_masked(capsys: pytest.CaptureFixture[str]) -> None:
    key = fake_key("logging")
    configure(secrets=("hunter2-not-key-shaped",))
    log = logging.getLogger("interviewer.storage")
    log.info("not shown: below the default level")
    log.warning("calling with %s against postgresql://coach:s3cret@db.internal/coach", key)
    try:
        raise RuntimeError(f"boom {key} hunter2-not-key-shaped")
    except RuntimeError:
        log.exception("it failed")
    err = capsys.readouterr().err
    assert "interviewer.storage" in err and "it failed" in err and "RuntimeError" in err
    assert "not shown" not in err
    for secret in (key, "s3cret", "hunter2-not-key-shaped"):
        assert secret not in err, secret
    assert "postgresql://coach:***@db.internal/coach" in err
    logging.getLogger("interviewer").handlers.clear()  # the handler writes to this test's captured stream


@contextmanager
def _served(command: list[str], env: dict[str, str], cwd: Path) -> Iterator[str]:
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    port = command[command.index("--server.port") + 1]
    url = f"http://127.0.0.1:{port}"
    try:
        if not served(url, process, 90):
            output = process.stdout.read().decode() if process.stdout else ""
            raise AssertionError(f"the app did not start:\n{output}")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)
        if process.stdout:
            process.stdout.close()


def test_a_wheel_installed_outside_the_checkout_serves_the_app_and_runs_an_interview(tmp_path: Path) -> None:
    wheels, site, home = tmp_path / "wheels", tmp_path / "site", tmp_path / "elsewhere"
    home.mkdir()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(ROOT)], check=True)
    (wheel,) = wheels.glob("*.whl")
    subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(wheel)], check=True)
    # The installed copy comes first on the path, ahead of the checkout's editable install; the
    # dependencies are this environment's.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "INTERVIEWER_"))}
    env.update(PYTHONPATH=str(site), INTERVIEWER_DB=str(home / "coach.db"))
    interview = (
        "import interviewer, sys\n"
        "from interviewer import Interview, InterviewConfig, Store, create_backend\n"
        f"assert interviewer.__file__.startswith({str(site)!r}), interviewer.__file__\n"
        "store = Store('coach.db')\n"
        "i = Interview(create_backend('offline'), InterviewConfig(num_questions=3, max_follow_ups=0), store=store)\n"
        "i.start().read()\n"
        "while not i.finished:\n"
        "    i.answer('We sample 5% of drafts weekly and send refunds over $500 to a person.').read()\n"
        "print(len(i.report(timeout=30).answers))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", interview], env=env, cwd=home, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "3"
    command = [sys.executable, "-m", "interviewer", "app", "--server.port", str(free_port())]
    with _served(command, env, home) as url, urllib.request.urlopen(url, timeout=10) as page:
        assert page.status == 200
