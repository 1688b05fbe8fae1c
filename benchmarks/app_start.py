"""How long the app takes to draw its first page, in a fresh process as a server would."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 3
_PROBE = """
import time
started = time.perf_counter()
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("streamlit_app.py", default_timeout=120).run()
assert not at.exception, at.exception
print(time.perf_counter() - started)
"""


def first_render() -> float:
    """Seconds from a fresh interpreter to the set-up page drawn (imports included), no API key."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k != "ANTHROPIC_API_KEY"}
        env["INTERVIEWER_DB"] = str(Path(tmp) / "bench.db")
        done = subprocess.run(
            [sys.executable, "-c", _PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
    if done.returncode != 0:
        raise SystemExit(f"the app did not render:\n{done.stderr}")
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Print the median first render over a few runs."""
    times = [first_render() for _ in range(RUNS)]
    print(
        f"  first page of the app, fresh process: median {statistics.median(times):.2f} s over {RUNS} runs "
        f"(min {min(times):.2f}, max {max(times):.2f})"
    )
