"""The report's narrative, written while the last answer is still being graded.

The narrative is one model call, and so is the last answer's grade: started together the moment the
last answer is in, the report is ready about one call later instead of two. The narrative is written
from every earlier grade and the last answer's words (its grade is not known yet, and the request
says so); the report's scores, quotes and advice still come from the grades themselves.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from .domain import ReportNarrative, Usage

Written = tuple[ReportNarrative, Usage]


class EarlyNarrative:
    """One interview's narrative job: started once per set of questions, taken by the report."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._questions: tuple[str, ...] = ()
        self._future: Future[Written | None] | None = None

    def start(self, questions: tuple[str, ...], write: Callable[[], Written | None]) -> None:
        """Write the narrative for these questions in the background, unless it already is being written.

        ``write`` returns None when it cannot write a narrative the report may use (an earlier answer
        has no grade); the report then asks for its own.
        """
        with self._lock:
            if self._future is not None and self._questions == questions:
                return
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="narrative")
            self._questions = questions
            self._future = self._executor.submit(write)

    def withdraw(self) -> None:
        """Forget a narrative started too early (the interviewer followed up after all)."""
        with self._lock:
            self._questions, self._future = (), None

    def take(self, questions: tuple[str, ...], timeout: float | None = None) -> Written | None:
        """The narrative for exactly these questions, waiting up to ``timeout``; None if there is none to use."""
        with self._lock:
            future = self._future if self._questions == questions else None
        if future is None:
            return None
        try:
            return future.result(timeout=timeout)
        except FutureTimeout:
            return None
        except Exception:  # an outage or a bug alike: the report asks for its own narrative, which says why
            with self._lock:
                if self._future is future:
                    self._questions, self._future = (), None
            return None

    def close(self) -> None:
        """Wait for a narrative being written and stop the thread."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
