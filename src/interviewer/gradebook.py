"""Each question's grading in one place: pending, graded or failed, with the grade and its usage.

Grading runs in the background as soon as a question's exchange is over. A failure (an outage, an
invalid reply) leaves the question failed, not lost: the interview goes on, the report is built from
the grades there are, and failed questions are graded again when asked to.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from enum import StrEnum

from .domain import AnswerGrade, QualityGrade, Question
from .errors import InterviewerError
from .grading import Grader, GradingItem, grade_exchange
from .rubric import qualities as all_qualities


class GradeStatus(StrEnum):
    """Where one question's grading stands."""

    PENDING = "pending"
    GRADED = "graded"
    FAILED = "failed"


@dataclass
class Entry:
    """One question's grading."""

    status: GradeStatus
    grade: AnswerGrade | None = None
    error: str = ""
    """Why it failed, in the library's neutral words."""


class GradeBook:
    """Grades exchanges on background threads and keeps each question's status.

    Args:
        grader: what grades.
        on_graded: called with each new grade (to persist it); if it raises, the question is failed.
    """

    def __init__(self, grader: Grader, on_graded: Callable[[AnswerGrade], None] | None = None) -> None:
        self.grader = grader
        self._on_graded = on_graded
        self._entries: dict[str, Entry] = {}
        self._items: dict[str, GradingItem] = {}
        self._futures: dict[str, Future[None]] = {}
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="grader")

    def load(self, grade: AnswerGrade) -> None:
        """Record a grade made earlier (a resumed interview's stored grades)."""
        with self._lock:
            self._entries[grade.question_id] = Entry(GradeStatus.GRADED, grade)

    def submit(self, item: GradingItem) -> None:
        """Grade an exchange in the background (again, if it failed before)."""
        with self._lock:
            entry = self._entries.get(item.question_id)
            if entry is not None and entry.status is not GradeStatus.FAILED:
                return
            self._items[item.question_id] = item
            self._entries[item.question_id] = Entry(GradeStatus.PENDING)
            self._futures[item.question_id] = self._executor.submit(self._grade, item)

    def _grade(self, item: GradingItem) -> None:
        try:
            grade = grade_exchange(self.grader, item)
            if self._on_graded is not None:
                self._on_graded(grade)
        except InterviewerError as exc:
            self._set(item.question_id, Entry(GradeStatus.FAILED, error=str(exc)))
            return
        except Exception as exc:  # a grading bug must not end the interview: keep it for the retry button
            self._set(item.question_id, Entry(GradeStatus.FAILED, error=f"{exc.__class__.__name__}: {exc}"))
            return
        self._set(item.question_id, Entry(GradeStatus.GRADED, grade))

    def _set(self, question_id: str, entry: Entry) -> None:
        with self._lock:
            self._entries[question_id] = entry

    def entry(self, question_id: str) -> Entry | None:
        """One question's grading, if it was ever submitted or loaded."""
        with self._lock:
            return self._entries.get(question_id)

    def grades(self) -> dict[str, AnswerGrade]:
        """Every grade there is, by question id."""
        with self._lock:
            return {q: e.grade for q, e in self._entries.items() if e.grade is not None}

    def ids(self, status: GradeStatus) -> list[str]:
        """The questions in one status."""
        with self._lock:
            return [q for q, e in self._entries.items() if e.status is status]

    def wait(self, question_id: str | None = None, timeout: float | None = None) -> bool:
        """Wait for one question's grading (or all of it); True if it is no longer pending."""
        with self._lock:
            futures = [f for q, f in self._futures.items() if question_id in (None, q)]
        _done, pending = wait(futures, timeout=timeout)
        return not pending

    def retry_failed(self) -> int:
        """Grade every failed question again; how many were resubmitted."""
        with self._lock:
            failed = [
                self._items[q] for q, e in self._entries.items() if e.status is GradeStatus.FAILED and q in self._items
            ]
        for item in failed:
            self.submit(item)
        return len(failed)

    def close(self) -> None:
        """Wait for running grading and stop the threads."""
        self._executor.shutdown(wait=True)


def feedback_text(grade: AnswerGrade) -> str:
    """Coach-mode feedback on one answer: each quality's grade and what the next level adds."""
    rubric = all_qualities()
    lines = ["Feedback on your answer"]
    for g in grade.grades:
        shown = "not assessed" if g.score is None else f"{g.score}/4"
        lines.append(f"- {rubric[g.quality].name}: {shown}. {g.improvement}")
    if grade.feedback:
        lines.append(grade.feedback)
    return "\n".join(lines)


def skipped_grade(question: Question) -> AnswerGrade:
    """The grade of a skipped question: every quality not assessed."""
    return AnswerGrade(
        question_id=question.id,
        grades=[
            QualityGrade(quality=q, score=None, rationale="Skipped.", improvement="Answer this question next time.")
            for q in question.qualities
        ],
        grader="skipped",
    )
