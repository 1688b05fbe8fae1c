"""The offline backend's own costs: a turn of the interview and one heuristic grade."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from interviewer import Interview, InterviewConfig, create_backend
from interviewer.grading import GradingItem
from interviewer.questions import plan_questions
from interviewer.storage import Store

from .interview import ANSWER

GRADES = 50


def turn_times(num_questions: int = 8) -> list[float]:
    """Seconds from submitting each answer to its reply fully read, on a SQLite file."""
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(str(Path(tmp) / "offline.db"))
        interview = Interview(create_backend("offline"), InterviewConfig(num_questions=num_questions), store=store)
        interview.start().read()
        while not interview.finished:
            started = time.perf_counter()
            interview.answer(ANSWER).read()
            times.append(time.perf_counter() - started)
        interview.close()
        store.close()
    return times


def grade_times() -> list[float]:
    """Seconds the heuristic takes to grade one answer, over the first questions of a plan."""
    grader = create_backend("offline").grader
    questions = plan_questions(InterviewConfig(num_questions=8, seed=3))
    times = []
    for n in range(GRADES):
        item = GradingItem.from_question(questions[n % len(questions)], [ANSWER])
        started = time.perf_counter()
        grader.grade(item)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    """Print the median offline turn and heuristic grade."""
    turns, grades = turn_times(), grade_times()
    print(
        f"  offline turn (answer saved, reply streamed and saved): median {statistics.median(turns) * 1000:.0f} ms "
        f"over {len(turns)} turns (max {max(turns) * 1000:.0f} ms)"
    )
    print(
        f"  heuristic grade of one answer: median {statistics.median(grades) * 1000:.1f} ms "
        f"over {len(grades)} (max {max(grades) * 1000:.1f} ms)"
    )
