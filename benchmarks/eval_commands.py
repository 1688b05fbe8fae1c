"""The eval harness's offline commands end to end, as a user runs them (a fresh process each)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET_SECONDS = 10.0
"""What a heuristic run of the gold cases may take: quick enough to run on every change."""
RUNS = 3
COMMANDS = {
    "heuristic, gold cases and probes": ["run", "--cases", "evals/cases", "--grader", "heuristic"],
    "llm replay, synthetic calibrated": [
        "run",
        "--cases",
        "evals/cases",
        "--grader",
        "llm",
        "--recordings",
        "evals/recordings/synthetic/calibrated",
    ],
}


def time_command(args: list[str]) -> float:
    """Seconds one ``python -m evals`` command takes, from process start to exit."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "evals", *args, "--no-progress"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1, 3):
        raise SystemExit(f"python -m evals {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return elapsed


def main() -> None:
    """Print the median of a few runs of each command."""
    for name, args in COMMANDS.items():
        times = [time_command(args) for _ in range(RUNS)]
        median = statistics.median(times)
        verdict = "within" if median < BUDGET_SECONDS else "OVER"
        print(
            f"  {name:36} median {median:5.2f} s over {RUNS} runs "
            f"(min {min(times):.2f}, max {max(times):.2f}); {verdict} the {BUDGET_SECONDS:.0f} s budget"
        )
