"""Each question's grading in one place: pending, graded or failed, with the grade and its usage.

Grading runs in the background as soon as a question's exchange is over, often while the
interviewer's reply is still streaming. An exchange that turns out not to be over (a follow-up came
after all) is withdrawn, or graded again with its new answers; a grade made for answers that are no
longer the exchange's is dropped, never stored. A failure (an outage, an invalid reply) leaves the
question failed, not lost: the interview goes on, the report is built from the grades there are, and
failed questions are graded again when asked to.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from enum import StrEnum

from .domain import AnswerGrade, QualityGrade, Question
from .errors import InterviewerError
from .grading import Grader, GradingItem, grade_exchange
from .rubric import qualities as all_qualities

log = logging.getLogger(__name__)


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
        """Grade an exchange in the background: again if it failed, or if its answers changed."""
        with self._lock:
            qid = item.question_id
            entry = self._entries.get(qid)
            same = qid not in self._items or self._items[qid] == item  # a loaded grade has no item: it stands
            if entry is not None and entry.status is not GradeStatus.FAILED and same:
                return
            self._items[qid] = item
            self._entries[qid] = Entry(GradeStatus.PENDING)
            self._futures[qid] = self._executor.submit(self._grade, item)

    def withdraw(self, question_id: str) -> None:
        """Forget an exchange submitted too early (it goes on); a grade still being made for it is dropped."""
        with self._lock:
            if question_id in self._items:
                for book in (self._entries, self._items, self._futures):
                    book.pop(question_id, None)

    def _current(self, item: GradingItem) -> bool:
        with self._lock:
            return self._items.get(item.question_id) is item

    def _grade(self, item: GradingItem) -> None:
        try:
            grade = grade_exchange(self.grader, item)
            if not self._current(item):
                return
            if self._on_graded is not None:
                self._on_graded(grade)
        except InterviewerError as exc:
            log.warning("grading %s failed: %s", item.question_id, exc)
            self._set(item, Entry(GradeStatus.FAILED, error=str(exc)))
            return
        except Exception as exc:  # a grading bug must not end the interview: keep it for the retry button
            log.exception("grading %s failed unexpectedly", item.question_id)
            self._set(item, Entry(GradeStatus.FAILED, error=f"{exc.__class__.__name__}: {exc}"))
            return
        self._set(item, Entry(GradeStatus.GRADED, grade))

    def _set(self, item: GradingItem, entry: Entry) -> None:
        with self._lock:
            if self._items.get(item.question_id) is item:
                self._entries[item.question_id] = entry

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

    def wait(
        self, question_id: str | None = None, timeout: float | None = None, but: frozenset[str] = frozenset()
    ) -> bool:
        """Wait for one question's grading (or all of it, ``but`` some); True if it is no longer pending."""
        with self._lock:
            futures = [f for q, f in self._futures.items() if question_id in (None, q) and q not in but]
        _done, pending = wait(futures, timeout=timeout)
        return not pending

    def feedback(self, question_id: str) -> str | None:
        """Coach-mode feedback on one exchange: None while it is being graded."""
        entry = self.entry(question_id)
        if entry is None or entry.status is GradeStatus.PENDING:
            return None
        if entry.grade is not None:
            return feedback_text(entry.grade)
        return f"Feedback on this answer is not available yet ({entry.error}); it will be in your report."

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
