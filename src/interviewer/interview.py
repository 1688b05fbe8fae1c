"""The interview engine: a state machine from set-up to report, independent of any UI.

Configure, ask, answer, follow up or move on, grade, finish, report. Each question's exchange is
graded in the background as soon as the interviewer moves on, so the report is ready as soon
as the last answer is graded. State is persisted after every turn.
"""

from __future__ import annotations

import re
import threading
import uuid
from concurrent.futures import Future, ThreadPoolExecutor, wait
from enum import StrEnum

from pydantic import BaseModel, Field

from . import questions as question_bank
from .backends import Backend
from .domain import (
    AnswerGrade,
    InterviewConfig,
    Mode,
    QualityGrade,
    Question,
    Report,
    Speaker,
    Transcript,
    Turn,
    TurnKind,
    Usage,
)
from .errors import AnswerError, GradingError, InterviewerError, InterviewStateError
from .grading import GradingItem, grade_exchange
from .offline import CLOSING, ask_text
from .reply import InterviewerReply, Move, TurnContext
from .reporting import Exchange, build_report
from .rubric import qualities as all_qualities
from .storage import Store

MAX_ANSWER_CHARS = 12_000
"""Longer answers are trimmed to this, with a notice; about 2,000 words."""
SKIPPED_TEXT = "(skipped)"


class Phase(StrEnum):
    """Where the interview stands."""

    NEW = "new"
    ASKING = "asking"
    FINISHED = "finished"


class InterviewState(BaseModel):
    """The persisted state, enough to resume after a crash or a refresh (turns are stored apart)."""

    question_ids: list[str]
    index: int = 0
    follow_ups_used: int = 0
    phase: Phase = Phase.NEW
    pending: str | None = None
    """The interviewer turn that failed and awaits a retry (``opening`` or ``after_answer``)."""
    ended_early: bool = False
    completed: list[str] = Field(default_factory=list)
    """Questions whose exchange is over (and so is graded or being graded)."""
    self_ratings: dict[str, int] = Field(default_factory=dict)
    """The candidate's own rating (1-4) of their answer to a question, on its main quality, by question id."""
    usage: Usage = Field(default_factory=Usage)
    """The interviewer's tokens."""
    report_usage: Usage = Field(default_factory=Usage)
    """The report narrative's tokens (the grades carry their own)."""


class Interview:
    """One mock interview.

    Args:
        backend: interviewer, grader and reporter to use.
        config: the candidate's choices.
        store: where to persist every turn; None keeps the interview in memory only.
        questions: the questions to ask; chosen from the bank when not given.
        session_id: an id to use (a new one when not given).
    """

    def __init__(
        self,
        backend: Backend,
        config: InterviewConfig,
        store: Store | None = None,
        questions: list[Question] | None = None,
        session_id: str | None = None,
    ) -> None:
        self.backend = backend
        self.config = config
        self.store = store
        self.session_id = session_id or uuid.uuid4().hex
        exclude = store.asked_question_ids() if store and questions is None else set()
        self.questions = questions or question_bank.plan_questions(config, exclude=exclude)
        self.state = InterviewState(question_ids=[q.id for q in self.questions])
        self.transcript = Transcript()
        self.grades: dict[str, AnswerGrade] = {}
        self.grade_errors: dict[str, str] = {}
        self._futures: dict[str, Future[AnswerGrade]] = {}
        self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="grader")
        self._lock = threading.RLock()
        self._in_flight: InterviewerReply | None = None
        self._stored_turns = 0

    # ----- state -----------------------------------------------------------------------------

    @property
    def phase(self) -> Phase:
        """Where the interview stands."""
        return self.state.phase

    @property
    def finished(self) -> bool:
        """Whether the interview is over (the report can be built)."""
        return self.state.phase is Phase.FINISHED

    @property
    def current_question(self) -> Question | None:
        """The question in play, or None once finished."""
        if self.state.index >= len(self.questions):
            return None
        return self.questions[self.state.index]

    @property
    def question_number(self) -> int:
        """1-based number of the question in play."""
        return min(self.state.index + 1, len(self.questions))

    @property
    def total(self) -> int:
        """How many main questions the interview has."""
        return len(self.questions)

    @property
    def needs_retry(self) -> bool:
        """Whether the last interviewer turn failed and should be retried."""
        return self.state.pending is not None and self.unfinished_reply is None

    @property
    def answered_any(self) -> bool:
        """Whether the candidate answered at least one question (so there is something to report)."""
        return any(t.kind is TurnKind.ANSWER for t in self.transcript.turns)

    @property
    def unfinished_reply(self) -> InterviewerReply | None:
        """A reply whose reader stopped part-way (a page rerun): iterate it again to finish it."""
        reply = self._in_flight
        return reply if reply is not None and not reply.done and not reply.failed else None

    @property
    def usage(self) -> Usage:
        """Token use and cost so far, interviewer, grader and reporter together (kept across a resume)."""
        with self._lock:
            graded = list(self.grades.values())
        return sum((g.usage for g in graded), self.state.usage + self.state.report_usage)

    # ----- actions ---------------------------------------------------------------------------

    def start(self) -> InterviewerReply:
        """Open the interview: the greeting and the first question, streamed.

        Raises:
            InterviewStateError: the interview has already started.
        """
        if self.state.phase is not Phase.NEW:
            raise InterviewStateError("the interview has already started")
        self.state.phase = Phase.ASKING
        return self._interviewer_turn("opening")

    def answer(self, text: str) -> InterviewerReply:
        """Record the candidate's answer and return the interviewer's streamed reply.

        Raises:
            AnswerError: the answer is empty.
            InterviewStateError: no question is waiting for an answer, or a failed turn needs a retry.
        """
        self._expect_answer()
        cleaned, notice = clean_answer(text)
        self._record(Turn(speaker=Speaker.CANDIDATE, kind=TurnKind.ANSWER, text=cleaned, question_id=self._qid()))
        reply = self._interviewer_turn("after_answer")
        reply.notice = notice
        return reply

    def skip(self) -> InterviewerReply:
        """Skip the question in play and move to the next one."""
        self._expect_answer()
        self._record(Turn(speaker=Speaker.CANDIDATE, kind=TurnKind.SKIPPED, text=SKIPPED_TEXT, question_id=self._qid()))
        self.state.follow_ups_used = self.config.max_follow_ups
        return self._interviewer_turn("after_answer")

    def retry(self) -> InterviewerReply:
        """Run the interviewer turn that failed again (after an outage, say).

        Raises:
            InterviewStateError: nothing failed.
        """
        if self.state.pending is None:
            raise InterviewStateError("there is no failed turn to retry")
        return self._interviewer_turn(self.state.pending)

    def rate_self(self, question_id: str, level: int | None) -> None:
        """Store (or, with None, clear) the candidate's own rating of an answer on the question's main quality.

        Raises:
            AnswerError: the level is not 1-4, or the question was not answered.
        """
        if level is not None and level not in (1, 2, 3, 4):
            raise AnswerError(f"A self-rating is a level from 1 to 4, not {level!r}.")
        if not self.transcript.answers_to(question_id):
            raise AnswerError("Only an answered question can be rated.")
        with self._lock:
            if level is None:
                self.state.self_ratings.pop(question_id, None)
            else:
                self.state.self_ratings[question_id] = level
            self._persist()

    @property
    def answered_questions(self) -> list[Question]:
        """The questions answered so far, in the order asked."""
        return [q for q in self.questions if self.transcript.answers_to(q.id)]

    def end(self) -> None:
        """End early: grade what was answered and close the interview."""
        if self.finished:
            return
        qid = self._qid()
        if qid and self.transcript.answers_to(qid) and qid not in self.state.completed:
            self._complete_question(qid)
        self.state.pending = None
        self.state.ended_early = True
        self.state.phase = Phase.FINISHED
        self._record(
            Turn(
                speaker=Speaker.INTERVIEWER,
                kind=TurnKind.CLOSING,
                text="Interview ended early. Your report covers the questions you answered.",
            )
        )

    # ----- grading and report ----------------------------------------------------------------

    def wait_for_grades(self, timeout: float | None = None) -> bool:
        """Wait until background grading is done; True if it finished within the timeout."""
        with self._lock:
            futures = list(self._futures.values())
        _done, pending = wait(futures, timeout=timeout)
        return not pending

    def pending_grades(self) -> int:
        """How many exchanges are still being graded."""
        with self._lock:
            return sum(1 for f in self._futures.values() if not f.done())

    def regrade_failed(self) -> None:
        """Submit again every exchange whose grading failed."""
        for qid in list(self.grade_errors):
            self._submit_grade(qid)

    def report(self, timeout: float | None = None) -> Report:
        """The final report, once every answered question is graded.

        Raises:
            InterviewStateError: the interview is not finished.
            GradingError: an exchange could not be graded (retry with ``regrade_failed``).
        """
        if not self.finished:
            raise InterviewStateError("the interview is not finished yet: answer the last question or end it")
        if not self.wait_for_grades(timeout):
            raise GradingError("grading is still running; try again in a moment")
        if self.grade_errors:
            qid, detail = next(iter(self.grade_errors.items()))
            number = self.state.question_ids.index(qid) + 1 if qid in self.state.question_ids else "?"
            raise GradingError(f"your answer to question {number} could not be graded: {detail}")
        exchanges = [
            Exchange(q, self.transcript.answers_to(q.id), self.grades.get(q.id), self.transcript.follow_ups_to(q.id))
            for q in self.questions
            if q.id in self.state.completed and q.id in self.grades
        ]
        if not any(x.answers for x in exchanges):
            raise InterviewStateError("no question was answered, so there is nothing to report")
        with self._lock:
            spent = sum((g.usage for g in self.grades.values()), self.state.usage)
        report = build_report(
            self.session_id, self.config, exchanges, self.backend, self.state.self_ratings, usage=spent
        )
        self.state.report_usage = self.backend.reporter.last_usage
        if self.store:
            self.store.save_report(report)
        return report

    def close(self) -> None:
        """Stop the grading threads (after waiting for them)."""
        self._executor.shutdown(wait=True)

    # ----- internals -------------------------------------------------------------------------

    def _qid(self) -> str | None:
        question = self.current_question
        return question.id if question else None

    def _expect_answer(self) -> None:
        if self.state.phase is not Phase.ASKING:
            raise InterviewStateError("the interview is over" if self.finished else "the interview has not started yet")
        if self.unfinished_reply is not None:
            raise InterviewStateError("the interviewer is still speaking: finish reading its reply first")
        if self.state.pending is not None:
            raise InterviewStateError("the interviewer's last turn failed: retry it before answering")

    def _context(self, phase: str) -> TurnContext:
        question = self.current_question
        assert question is not None
        index = self.state.index
        return TurnContext(
            config=self.config,
            phase=phase,
            question=question,
            number=index + 1,
            total=len(self.questions),
            follow_ups_left=max(0, self.config.max_follow_ups - self.state.follow_ups_used),
            next_question=self.questions[index + 1] if index + 1 < len(self.questions) else None,
            transcript=self.transcript.model_copy(deep=True),
            answers=self.transcript.answers_to(question.id),
        )

    def _interviewer_turn(self, phase: str) -> InterviewerReply:
        ctx = self._context(phase)
        self.state.pending = phase
        self._persist()
        reply = self.backend.interviewer.reply(ctx)
        self._in_flight = reply
        reply.on_move(lambda r: self._on_move(r, ctx))
        reply.on_end(lambda r, text: _missing_question(r, text, ctx))
        reply.on_done(lambda r: self._on_done(r, ctx))
        return reply

    def _on_move(self, reply: InterviewerReply, ctx: TurnContext) -> tuple[str, str]:
        """Bound the follow-ups, then (coach mode) put the finished exchange's feedback first."""
        epilogue = ""
        if ctx.phase == "opening":
            reply.move = Move.NEXT
            return "", ""
        if reply.move is Move.FOLLOW_UP and ctx.follow_ups_left <= 0:
            reply.move = Move.NEXT
            epilogue = _fallback_next(ctx)
        if reply.move is Move.FOLLOW_UP or self.config.mode is not Mode.COACH:
            return "", epilogue
        qid = ctx.question.id
        self._complete_question(qid)
        future = self._futures.get(qid)
        if future is None:
            return "", epilogue
        try:
            grade = future.result()
        except InterviewerError as exc:
            return (
                f"(Feedback on this answer is not available: {exc}. It will be retried for the report.)",
                epilogue,
            )
        return _feedback_text(grade), epilogue

    def _on_done(self, reply: InterviewerReply, ctx: TurnContext) -> None:
        with self._lock:
            self.state.pending = None
            self.state.usage = self.state.usage + reply.usage
            if reply.prelude:
                self._append(
                    Turn(
                        speaker=Speaker.INTERVIEWER,
                        kind=TurnKind.FEEDBACK,
                        text=reply.prelude,
                        question_id=ctx.question.id,
                    )
                )
            if ctx.phase == "opening":
                kind, qid = TurnKind.QUESTION, ctx.question.id
            elif reply.move is Move.FOLLOW_UP:
                self.state.follow_ups_used += 1
                kind, qid = TurnKind.FOLLOW_UP, ctx.question.id
            else:
                self._complete_question(ctx.question.id)
                self.state.index += 1
                self.state.follow_ups_used = 0
                if ctx.next_question is None:
                    self.state.phase = Phase.FINISHED
                    kind, qid = TurnKind.CLOSING, None
                else:
                    kind, qid = TurnKind.QUESTION, ctx.next_question.id
            self._append(
                Turn(
                    speaker=Speaker.INTERVIEWER,
                    kind=kind,
                    text=reply.text,
                    question_id=qid,
                    notes=reply.notes or None,
                )
            )
            self._persist()

    def _complete_question(self, qid: str) -> None:
        with self._lock:
            if qid in self.state.completed:
                return
            self.state.completed.append(qid)
        self._submit_grade(qid)

    def _submit_grade(self, qid: str) -> None:
        question = next(q for q in self.questions if q.id == qid)
        answers = self.transcript.answers_to(qid)
        with self._lock:
            self.grade_errors.pop(qid, None)
            if not answers:
                self.grades[qid] = _skipped_grade(question)
                return
            item = GradingItem.from_question(question, answers)
            self._futures[qid] = self._executor.submit(self._grade, item)

    def _grade(self, item: GradingItem) -> AnswerGrade:
        try:
            grade = grade_exchange(self.backend.grader, item)
        except Exception as exc:
            # Kept for the report and the retry button; a grading bug must not end the interview.
            detail = str(exc) if isinstance(exc, InterviewerError) else f"{exc.__class__.__name__}: {exc}"
            with self._lock:
                self.grade_errors[item.question_id] = detail
            raise
        with self._lock:
            self.grades[item.question_id] = grade
        if self.store:
            self.store.save_grade(self.session_id, grade)
        return grade

    def _record(self, turn: Turn) -> None:
        with self._lock:
            self._append(turn)
            self._persist()

    def _append(self, turn: Turn) -> None:
        self.transcript.turns.append(turn)

    def _persist(self) -> None:
        if self.store is None:
            return
        with self._lock:
            status = "finished" if self.finished else "in_progress"
            self.store.save_session(
                self.session_id,
                self.config,
                status,
                self.backend.name,
                self.backend.templates.label,
                self.state.model_dump(mode="json"),
                self.transcript.turns,
                stored_turns=self._stored_turns,
            )
            self._stored_turns = len(self.transcript.turns)

    # ----- resume ----------------------------------------------------------------------------

    @classmethod
    def resume(cls, backend: Backend, store: Store, session_id: str) -> Interview:
        """Load a stored interview and carry on where it stopped; unfinished grading is redone.

        Raises:
            InterviewStateError: no session has that id.
        """
        record = store.load_session(session_id)
        if record is None:
            raise InterviewStateError(f"no stored session with id {session_id!r}")
        state = InterviewState.model_validate(record.state)
        questions = [question_bank.by_id(qid) for qid in state.question_ids]
        interview = cls(backend, record.config, store=store, questions=questions, session_id=session_id)
        interview.state = state
        interview.transcript = Transcript(turns=record.turns)
        interview._stored_turns = len(record.turns)
        interview.grades = store.load_grades(session_id)
        for qid in state.completed:
            if qid not in interview.grades:
                interview._submit_grade(qid)
        if state.pending is None and state.phase is Phase.ASKING and not _awaits_answer(interview.transcript):
            # Crashed between the candidate's answer and the interviewer's reply.
            interview.state.pending = "after_answer" if interview.transcript.turns else "opening"
        return interview


def clean_answer(text: str) -> tuple[str, str]:
    """An answer as it is kept, and a notice for the candidate if it had to be trimmed.

    Raises:
        AnswerError: the answer is empty.
    """
    cleaned = text.strip()
    if not cleaned:
        raise AnswerError("Your answer is empty: type an answer, or skip the question.")
    notice = ""
    if len(cleaned) > MAX_ANSWER_CHARS:
        notice = (
            f"Your answer was {len(cleaned):,} characters; only the first {MAX_ANSWER_CHARS:,} were kept "
            "and sent. Interview answers work best under about 400 words."
        )
        cleaned = cleaned[:MAX_ANSWER_CHARS]
    return cleaned, notice


def _awaits_answer(transcript: Transcript) -> bool:
    return bool(transcript.turns) and transcript.turns[-1].speaker is Speaker.INTERVIEWER


def _missing_question(reply: InterviewerReply, text: str, ctx: TurnContext) -> str:
    """The question a reply failed to ask, so that the candidate always has one on screen.

    An empty reply (only its header, or nothing) gets the question from the bank. A reply that
    did not state its move is taken as moving on; unless it already carries most of the next
    question's words, the next question is appended, or the candidate would answer a question
    the engine is not on.
    """
    if reply.epilogue:
        return ""
    if not text.strip():
        if ctx.phase == "opening":
            return ask_text(ctx.question, ctx.number, ctx.total)
        reply.move = Move.NEXT
        return _fallback_next(ctx)
    if reply.move_stated or ctx.phase == "opening" or ctx.next_question is None:
        return ""
    wanted = _content_words(ctx.next_question.text)
    if wanted and len(wanted & _content_words(text)) >= len(wanted) / 2:
        return ""
    return _fallback_next(ctx)


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z][a-z'-]{3,}", text.lower())}


def _fallback_next(ctx: TurnContext) -> str:
    if ctx.next_question is None:
        return CLOSING
    return ask_text(ctx.next_question, ctx.number + 1, ctx.total)


def _feedback_text(grade: AnswerGrade) -> str:
    rubric = all_qualities()
    lines = ["**Feedback on your answer**"]
    for g in grade.grades:
        shown = "not assessed" if g.score is None else f"{g.score}/4"
        lines.append(f"- {rubric[g.quality].name}: {shown}. {g.improvement}")
    if grade.feedback:
        lines.append(grade.feedback)
    return "\n".join(lines)


def _skipped_grade(question: Question) -> AnswerGrade:
    return AnswerGrade(
        question_id=question.id,
        grades=[
            QualityGrade(quality=q, score=None, rationale="Skipped.", improvement="Answer this question next time.")
            for q in question.qualities
        ],
        grader="skipped",
    )
