"""Shared fixtures. No test reaches a network: only loopback connections are allowed."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from interviewer.config import Settings
from interviewer.storage import Store

_LOOPBACK = ("127.", "::1", "localhost")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--live", action="store_true", help="run tests that call the real Anthropic API")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--live"):
        return
    skip = pytest.mark.skip(reason="reaches the real API: run with --live and ANTHROPIC_API_KEY")
    for item in items:
        if "live" in item.keywords:
            item.add_marker(skip)


class NetworkBlocked(OSError):
    pass


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """Refuse every connection that is not to this machine."""
    if "live" in request.keywords:
        return
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else str(address)
        if self.family in (socket.AF_INET, socket.AF_INET6) and not str(host).startswith(_LOOPBACK):
            raise NetworkBlocked(f"test tried to reach {address!r}")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No key, no base URL and a private database for every test."""
    for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "INTERVIEWER_MODEL", "INTERVIEWER_PROMPTS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INTERVIEWER_DB", str(tmp_path / "sessions.db"))


@pytest.fixture
def settings() -> Settings:
    return Settings.from_env()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    db = Store(str(tmp_path / "store.db"))
    yield db
    db.close()
