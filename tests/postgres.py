"""A private PostgreSQL cluster for the tests: initdb in a temporary folder, on a free loopback port.

Debian's ``postgresql`` package provides the binaries (``.ci/run`` installs it). initdb refuses to run
as root, so as root the cluster runs as the package's ``postgres`` user. Locally, without the binaries,
the tests that need it are skipped with a reason; in CI a missing server is a failure.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.net import free_port

PASSWORD = "pg-test-password-7f3a"
"""The cluster's password: tests check it never shows in a message or a log."""


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, if PostgreSQL is installed."""
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(versions[-1]).parent if versions else None


def require_binaries() -> Path:
    """The binaries, or a skip (a failure in CI)."""
    found = binaries()
    if found is None:
        message = "PostgreSQL is not installed (apt-get install postgresql)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@contextmanager
def private_cluster() -> Iterator[str]:
    """Start a cluster in a new temporary folder; yields its URL (``postgresql://coach:…@127.0.0.1:PORT/coach``).

    The folder is made directly under the system's temporary directory: pytest's own folders are
    private to root, and the ``postgres`` user must reach this one.
    """
    bin_dir = require_binaries()
    folder = Path(tempfile.mkdtemp(prefix="interviewer-pg-"))
    data, sockets, pwfile = folder / "data", folder / "sockets", folder / "pw"
    sockets.mkdir()
    pwfile.write_text(PASSWORD)
    as_user: list[str] = []
    if os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres")
        shutil.chown(sockets, "postgres")
        shutil.chown(pwfile, "postgres")
        folder.chmod(0o700)
    run = {"check": True, "capture_output": True, "text": True}
    subprocess.run(
        [
            *as_user,
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            "coach",
            "--auth=scram-sha-256",
            f"--pwfile={pwfile}",
            "--encoding=UTF8",
            "--no-instructions",
        ],
        **run,  # type: ignore[call-overload]
    )
    port = free_port()
    options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={sockets} -c fsync=off"
    subprocess.run(
        [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"],
        **run,  # type: ignore[call-overload]
    )
    try:
        subprocess.run(
            [str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "coach", "coach"],
            env={**os.environ, "PGPASSWORD": PASSWORD},
            **run,  # type: ignore[call-overload]
        )
        yield f"postgresql://coach:{PASSWORD}@127.0.0.1:{port}/coach"
    finally:
        subprocess.run(
            [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            check=False,
        )
        time.sleep(0.1)
        shutil.rmtree(folder, ignore_errors=True)
