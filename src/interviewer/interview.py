"""The interview engine: from the first question to the report, independent of any UI.

Each action (start, answer, skip, end, a self-rating) changes the state in one save: the new turns
and the new state are written together, and the copy in memory changes only once the write has
succeeded, so what is shown is always what was stored. The interviewer's turns run through the turn
pipeline (``turns.py``); each finished question is graded in the background (``gradebook.py``), and
the report can be built at any time after the end from the grades there are.

Nothing the candidate waits for waits on anything else. An exchange is graded as soon as it is over:
at submission when no follow-up can come, else the moment the reply states that it moves on (its
first tokens). The last answer is graded at submission even when a follow-up could still come (the
grade is dropped if one does), and the report's narrative is written beside that grade
(``narrative_job.py``), so the report is ready about one model call after the last answer. Coach-mode
feedback is read from the grade book when it is ready; the next question never waits for it.

It is longer than most modules because each action and the save that makes it true belong together;
the pieces with a job of their own live apart (``turns``, ``moves``, ``gradebook``, ``answers``).
"""

from __future__ import annotations

import threading
import uuid
from datetime import datetime
from typing import Any

from . import questions as question_bank
from .answers import clean_answer
from .backends import Backend
from .domain import (
    AnswerGrade,
    InterviewConfig,
    Question,
    Report,
    Speaker,
    Transcript,
    Turn,
    TurnKind,
)
from .errors import AnswerError, InterviewStateError
from .gradebook import GradeBook, GradeStatus, skipped_grade
from .grading import GradingItem
from .header import Move
from .moves import moves_on
from .narrative_job import EarlyNarrative, Written
from .offline import OfflineInterviewer
from .reporting import Exchange, build_report, review_answers
from .state import InterviewState, Step
from .storage import Store
from .summary import summarise
from .turns import TurnContext, TurnResult, TurnStream

SKIPPED_TEXT = "(skipped)"


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
        self.gradebook = GradeBook(backend.grader, on_graded=self._store_grade)
        self.narrative = EarlyNarrative()
        self._lock = threading.RLock()
        self._in_flight: TurnStream | None = None
        self._stored_turns = 0

    # ----- where it stands -------------------------------------------------------------------

    @property
    def step(self) -> Step:
        """Where the interview stands."""
        return self.state.step

    @property
    def finished(self) -> bool:
        """Whether the interview is over (the report can be built)."""
        return self.state.step is Step.FINISHED

    @property
    def current_question(self) -> Question | None:
        """The question in play, or None once all are done."""
        return self.questions[self.state.index] if self.state.index < len(self.questions) else None

    @property
    def asked_at(self) -> datetime | None:
        """When the question waiting for an answer was on screen (its reply stored); None when none waits."""
        if self.state.step is not Step.ANSWERING or self.unfinished_reply is not None:
            return None
        return next((t.at for t in reversed(self.transcript.turns) if t.speaker is Speaker.INTERVIEWER), None)

    @property
    def question_number(self) -> int:
        """1-based number of the question in play."""
        return min(self.state.index + 1, len(self.questions))

    @property
    def total(self) -> int:
        """How many main questions the interview has."""
        return len(self.questions)

    @property
    def unfinished_reply(self) -> TurnStream | None:
        """A turn whose reader stopped part-way (a page rerun): read it on to finish it."""
        turn = self._in_flight
        return turn if turn is not None and not turn.done and not turn.failed else None

    @property
    def needs_retry(self) -> bool:
        """Whether the interviewer's turn is due but none is running (it failed, or the app stopped)."""
        failed = self._in_flight is not None and self._in_flight.failed
        due = self.state.step.interviewer_due and self.unfinished_reply is None
        return due and (bool(self.transcript.turns) or failed)

    @property
    def answered_any(self) -> bool:
        """Whether the candidate answered at least one question (so there is something to report)."""
        return any(t.kind is TurnKind.ANSWER for t in self.transcript.turns)

    @property
    def answered_questions(self) -> list[Question]:
        """The questions answered so far, in the order asked."""
        return [q for q in self.questions if self.transcript.answers_to(q.id)]

    @property
    def grades(self) -> dict[str, AnswerGrade]:
        """Every grade there is so far, by question id."""
        return self.gradebook.grades()

    @property
    def usage(self) -> Any:
        """Token use and cost so far, interviewer, grader and reporter together (kept across a resume)."""
        return sum((g.usage for g in self.grades.values()), self.state.usage + self.state.report_usage)

    # ----- actions ---------------------------------------------------------------------------

    def start(self) -> TurnStream:
        """Open the interview: the greeting and the first question, streamed.

        Raises:
            InterviewStateError: the interview has already started.
        """
        if self.state.step is not Step.OPENING or self.transcript.turns or self._in_flight is not None:
            raise InterviewStateError("the interview has already started")
        return self._turn()

    def answer(self, text: str) -> TurnStream:
        """Record the candidate's answer and return the interviewer's streamed reply.

        Raises:
            AnswerError: the answer is empty.
            InterviewStateError: no question is waiting for an answer.
            StorageError, StaleSessionError: the answer could not be saved (and so was not taken).
        """
        self._expect_answer()
        cleaned, notice = clean_answer(text)
        answer = Turn(speaker=Speaker.CANDIDATE, kind=TurnKind.ANSWER, text=cleaned, question_id=self._qid())
        if self.asked_at is not None:
            # From the question being on screen (its reply was stored as it finished) to the answer sent.
            answer.seconds = round(max(0.0, (answer.at - self.asked_at).total_seconds()), 1)
        self._save([answer], step=Step.REPLYING)
        return self._turn(notice)

    def skip(self) -> TurnStream:
        """Skip the question in play and move to the next one."""
        self._expect_answer()
        skipped = Turn(speaker=Speaker.CANDIDATE, kind=TurnKind.SKIPPED, text=SKIPPED_TEXT, question_id=self._qid())
        self._save([skipped], step=Step.REPLYING, follow_ups_used=self.config.max_follow_ups)
        return self._turn()

    def retry(self) -> TurnStream:
        """Run the interviewer's due turn again (after an outage, say).

        Raises:
            InterviewStateError: no interviewer turn is due.
        """
        if not self.needs_retry:
            raise InterviewStateError("there is no failed turn to retry")
        return self._turn()

    def go_on_without_model(self) -> TurnStream:
        """Take the due turn from the question bank instead of the interviewer (when the model is down).

        The bank's next question is asked as written, with no follow-up, so the candidate can go on.
        """
        if not self.needs_retry:
            raise InterviewStateError("there is no failed turn to replace")
        return self._turn(interviewer=OfflineInterviewer(next_only=True))

    def end(self) -> None:
        """End early: grade what was answered and close the interview."""
        if self.finished:
            return
        qid = self._qid()
        completed = list(self.state.completed)
        if qid and self.transcript.answers_to(qid) and qid not in completed:
            completed.append(qid)
        closing = Turn(
            speaker=Speaker.INTERVIEWER,
            kind=TurnKind.CLOSING,
            text="Interview ended early. Your report covers the questions you answered.",
        )
        self._save([closing], step=Step.FINISHED, ended_early=True, completed=completed)
        self._in_flight = None
        if qid in completed:
            self._submit_grade(qid)
        self._start_narrative(completed, last=qid if qid in completed else None)

    def rate_self(self, question_id: str, level: int | None) -> None:
        """Store (or, with None, clear) the candidate's own rating of an answer on the question's main quality.

        Raises:
            AnswerError: the level is not 1-4, or the question was not answered.
        """
        if level is not None and level not in (1, 2, 3, 4):
            raise AnswerError(f"a self-rating is a level from 1 to 4, not {level!r}")
        if not self.transcript.answers_to(question_id):
            raise AnswerError("only an answered question can be rated")
        ratings = {k: v for k, v in self.state.self_ratings.items() if k != question_id}
        if level is not None:
            ratings[question_id] = level
        self._save([], self_ratings=ratings)

    # ----- grading and report ----------------------------------------------------------------

    def wait_for_grades(self, timeout: float | None = None) -> bool:
        """Wait until background grading is done; True if it finished within the timeout."""
        return self.gradebook.wait(timeout=timeout)

    def pending_grades(self) -> int:
        """How many exchanges are still being graded."""
        return len(self.gradebook.ids(GradeStatus.PENDING))

    def feedback(self, question_id: str) -> str | None:
        """Coach-mode feedback on a finished question: None while its grade is being made."""
        return self.gradebook.feedback(question_id)

    def failed_grades(self) -> int:
        """How many exchanges could not be graded (yet)."""
        return len(self.gradebook.ids(GradeStatus.FAILED))

    def regrade_failed(self) -> None:
        """Submit again every exchange whose grading failed."""
        for qid in self.gradebook.ids(GradeStatus.FAILED):
            self._submit_grade(qid)

    def report(self, timeout: float | None = None) -> Report:
        """The report from the grades there are; questions still pending or failed are listed as not graded yet.

        A report with every answer graded (and, with a model, its narrative written) is final and stored.

        Raises:
            InterviewStateError: the interview is not finished, or no question was answered.
        """
        if not self.finished:
            raise InterviewStateError("the interview is not finished yet")
        if not self.answered_any:
            raise InterviewStateError("no question was answered, so there is nothing to report")
        self.wait_for_grades(timeout)
        exchanges = self._exchanges(self.state.completed)
        early = None
        if all(x.grade is not None for x in exchanges):
            early = self.narrative.take(tuple(x.question.id for x in exchanges), timeout)
        spent = sum((g.usage for g in self.grades.values()), self.state.usage)
        report = build_report(
            self.session_id, self.config, exchanges, self.backend, self.state.self_ratings, spent, narrative=early
        )
        if report.final:
            self._save([], report_usage=report.narrative_usage)
            if self.store:
                self.store.save_report(report)
        return report

    def close(self) -> None:
        """Stop the grading threads (after waiting for them)."""
        self.gradebook.close()
        self.narrative.close()

    # ----- internals -------------------------------------------------------------------------

    def _qid(self) -> str | None:
        question = self.current_question
        return question.id if question else None

    def _expect_answer(self) -> None:
        if self.unfinished_reply is not None:
            raise InterviewStateError("the interviewer is still speaking")
        if self.state.step is Step.FINISHED:
            raise InterviewStateError("the interview is over")
        if self.state.step is not Step.ANSWERING:
            raise InterviewStateError("the interviewer's turn is due first: retry it")

    def _context(self) -> TurnContext:
        question = self.current_question
        assert question is not None
        index = self.state.index
        return TurnContext(
            config=self.config,
            step=self.state.step,
            question=question,
            number=index + 1,
            total=len(self.questions),
            follow_ups_left=max(0, self.config.max_follow_ups - self.state.follow_ups_used),
            next_question=self.questions[index + 1] if index + 1 < len(self.questions) else None,
            transcript=self.transcript.model_copy(deep=True),
            answers=self.transcript.answers_to(question.id),
        )

    def _turn(self, notice: str = "", interviewer: Any = None) -> TurnStream:
        ctx = self._context()
        if not ctx.opening and (moves_on(None, ctx) or ctx.next_question is None):
            # No follow-up can come, or this is the last answer, where the report waits: grade it now.
            self._exchange_over(ctx)
        source = interviewer or self.backend.interviewer
        turn = TurnStream(
            ctx,
            lambda: source.reply(ctx),
            lambda result: self._commit(ctx, result),
            notice,
            on_move=lambda move: self._on_move(ctx, move),
        )
        self._in_flight = turn
        return turn

    def _on_move(self, ctx: TurnContext, move: Move) -> None:
        """The reply has just stated its move: grade the exchange now if it is over, else take back an early start."""
        if ctx.opening:
            return
        if moves_on(move, ctx):
            self._exchange_over(ctx)
        else:
            self._not_over(ctx)

    def _exchange_over(self, ctx: TurnContext) -> None:
        done = ctx.question.id
        self._submit_grade(done)
        if ctx.next_question is None:
            self._start_narrative([*self.state.completed, done], last=done)

    def _not_over(self, ctx: TurnContext) -> None:
        self.gradebook.withdraw(ctx.question.id)
        if ctx.next_question is None:
            self.narrative.withdraw()

    def _commit(self, ctx: TurnContext, result: TurnResult) -> None:
        """Persist a checked turn."""
        if self.state.step is not ctx.step:
            raise InterviewStateError("the interview moved on while this turn was running", retryable=False)
        changes: dict[str, Any] = {"usage": self.state.usage + result.usage}
        qid: str | None = ctx.question.id
        if ctx.opening:
            kind = TurnKind.QUESTION
            changes["step"] = Step.ANSWERING
        elif result.move is Move.FOLLOW_UP:
            self._not_over(ctx)
            kind = TurnKind.FOLLOW_UP
            changes.update(step=Step.ANSWERING, follow_ups_used=self.state.follow_ups_used + 1)
        else:
            done = ctx.question.id
            changes.update(
                index=self.state.index + 1,
                follow_ups_used=0,
                completed=[*self.state.completed, done] if done not in self.state.completed else self.state.completed,
            )
            self._exchange_over(ctx)
            if ctx.next_question is None:
                kind, qid = TurnKind.CLOSING, None
                changes["step"] = Step.FINISHED
            else:
                kind, qid = TurnKind.QUESTION, ctx.next_question.id
                changes["step"] = Step.ANSWERING
        turn = Turn(
            speaker=Speaker.INTERVIEWER, kind=kind, text=result.text, question_id=qid, notes=result.notes or None
        )
        self._save([turn], **changes)

    def _exchanges(self, question_ids: list[str], pending: str | None = None) -> list[Exchange]:
        """The finished exchanges among ``question_ids``, in the order asked, with the grades there are.

        ``pending`` is a question whose grade is not to be used (it is still being made).
        """
        exchanges = []
        for question in self.questions:
            if question.id not in question_ids:
                continue
            entry = self.gradebook.entry(question.id) if question.id != pending else None
            exchanges.append(
                Exchange(
                    question,
                    self.transcript.answers_to(question.id),
                    entry.grade if entry else None,
                    self.transcript.follow_ups_to(question.id),
                    error=entry.error if entry and entry.status is GradeStatus.FAILED else "",
                    seconds=self.transcript.time_taken(question.id),
                )
            )
        return exchanges

    def _start_narrative(self, question_ids: list[str], last: str | None) -> None:
        """Write the report's narrative now, beside the last answer's grade (a model backend only)."""
        if self.backend.heuristic or not any(self.transcript.answers_to(q) for q in question_ids):
            return
        ids = [q.id for q in self.questions if q.id in question_ids]
        ratings = dict(self.state.self_ratings)

        def write() -> Written | None:
            self.gradebook.wait(but=frozenset({last}) if last else frozenset())
            exchanges = self._exchanges(ids, pending=last)
            if any(x.grade is None for x in exchanges if x.question.id != last):
                return None  # an earlier answer has no grade: the report will ask once it has
            answers = review_answers(exchanges, ratings)
            return self.backend.reporter.narrative(self.config, answers, summarise(answers))

        self.narrative.start(tuple(ids), write)

    def _submit_grade(self, question_id: str) -> None:
        question = next(q for q in self.questions if q.id == question_id)
        answers = self.transcript.answers_to(question_id)
        if not answers:
            self.gradebook.load(skipped_grade(question))
            return
        follow_ups = self.transcript.follow_ups_to(question_id)
        self.gradebook.submit(GradingItem.from_question(question, answers, follow_ups))

    def _store_grade(self, grade: AnswerGrade) -> None:
        if self.store:
            self.store.save_grade(self.session_id, grade)

    def _save(self, new_turns: list[Turn], **changes: Any) -> None:
        """Write the new turns and state in one transaction; only then change the copy in memory."""
        with self._lock:
            state = self.state.model_copy(update=changes, deep=True)
            turns = [*self.transcript.turns, *new_turns]
            if self.store is not None:
                self.store.save_session(
                    self.session_id,
                    self.config,
                    state.status,
                    self.backend.name,
                    self.backend.templates.label,
                    state.model_dump(mode="json"),
                    turns,
                    stored_turns=self._stored_turns,
                )
            self.state = state
            self.transcript = Transcript(turns=turns)
            self._stored_turns = len(turns)

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
        for grade in store.load_grades(session_id).values():
            if grade.question_id in state.completed:  # a grade made before a follow-up came is not the exchange's
                interview.gradebook.load(grade)
        for qid in state.completed:
            if interview.gradebook.entry(qid) is None:
                interview._submit_grade(qid)
        return interview
