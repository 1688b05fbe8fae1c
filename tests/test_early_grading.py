"""When grading and the report's narrative start: as soon as an exchange is over, never after the reply.

Each test holds the grader at a gate, so what is checked is the order of events, never a timing.
"""

from __future__ import annotations

import threading

from interviewer import Interview, InterviewConfig, create_backend
from interviewer.domain import Mode, TurnKind
from interviewer.fake_llm import FakeLLM, default_reply
from interviewer.llm import LLMRequest
from interviewer.questions import plan_questions
from interviewer.storage import Store
from interviewer.turns import Text


class GatedModel:
    """The fake model, with grading and report requests held until ``open`` is called."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.seen: list[tuple[str, str]] = []
        """(purpose, question or questions) of every request, in the order they arrived."""
        self.interviewer: list[str] = []
        """The interviewer's next replies, used before the default ones."""
        self.llm = FakeLLM(respond=self._respond)
        self._lock = threading.Lock()

    def _respond(self, request: LLMRequest) -> str:
        with self._lock:
            self.seen.append((request.purpose, request.meta.get("question") or request.meta.get("questions", "")))
            if request.purpose == "interviewer" and self.interviewer:
                return self.interviewer.pop(0)
        if request.purpose != "interviewer":
            assert self.gate.wait(30), "the test never opened the gate"
        return default_reply(request)

    def asked(self, purpose: str) -> list[str]:
        """The questions requests of one purpose were about, in order."""
        with self._lock:
            return [q for p, q in self.seen if p == purpose]

    def open(self) -> None:
        """Let grading and the report through."""
        self.gate.set()


def arrives(model: GatedModel, purpose: str, about: str | None = None) -> list[str]:
    """The requests of one purpose once one (about ``about``, if given) has arrived: they run on threads."""
    for _ in range(500):
        asked = model.asked(purpose)
        if asked and (about is None or about in asked):
            break
        threading.Event().wait(0.01)
    return model.asked(purpose)


def interview_on(model: GatedModel, **config: object) -> Interview:
    cfg = InterviewConfig(num_questions=3, seed=4, **config)  # type: ignore[arg-type]
    return Interview(create_backend(llm=model.llm), cfg, questions=plan_questions(cfg))


def test_with_no_follow_up_possible_grading_starts_at_submission_before_the_reply_is_read() -> None:
    model = GatedModel()
    interview = interview_on(model, max_follow_ups=0)
    interview.start().read()
    first = interview.current_question
    assert first is not None
    interview.answer("We sample 5% of drafts every week.")
    assert interview.pending_grades() == 1, "grading started the moment the answer was saved"
    assert arrives(model, "grader") == [first.id]
    model.open()
    interview.close()


def test_with_a_follow_up_possible_grading_starts_when_the_reply_states_it_moves_on() -> None:
    model = GatedModel()
    interview = interview_on(model, max_follow_ups=1)
    interview.start().read()
    first = interview.current_question
    assert first is not None
    turn = interview.answer("We sample 5% of drafts every week.")
    assert interview.pending_grades() == 0, "a follow-up may still come"
    events = turn.events()
    first_text = next(e for e in events if isinstance(e, Text))
    assert first_text.text.strip(), "the reply's first visible words"
    assert interview.pending_grades() == 1, "the move came first, and grading started on it"
    assert not turn.done, "while the reply is still streaming"
    assert arrives(model, "grader") == [first.id]
    model.open()
    list(events)
    interview.close()


def test_coach_feedback_never_holds_up_the_next_question_and_appears_once_graded() -> None:
    model = GatedModel()
    interview = interview_on(model, max_follow_ups=0, mode=Mode.COACH)
    interview.start().read()
    first = interview.current_question
    assert first is not None
    reply = interview.answer("We sample 5% of drafts every week.").read()
    assert interview.current_question is not None and interview.current_question.text in reply
    assert "Feedback" not in reply and interview.feedback(first.id) is None, "the grade is still at the gate"
    assert TurnKind.FEEDBACK not in [t.kind for t in interview.transcript.turns]
    model.open()
    assert interview.wait_for_grades(30)
    feedback = interview.feedback(first.id)
    assert feedback is not None and feedback.startswith("Feedback on your answer")
    interview.close()


def test_the_last_answer_is_graded_and_the_narrative_written_at_once_when_it_is_submitted() -> None:
    model = GatedModel()
    interview = interview_on(model, max_follow_ups=1)
    interview.start().read()
    for _ in range(2):
        interview.answer("We sample 5% of drafts every week.").read()
    last = interview.current_question
    assert last is not None
    model.open()
    assert interview.wait_for_grades(30)
    model.gate.clear()
    turn = interview.answer("We ship at 95% on 300 labelled tickets.")
    assert interview.pending_grades() == 1, "graded at submission: the report waits on this one"
    turn.read()  # the closing reply, while the last grade is held at the gate
    assert arrives(model, "grader", about=last.id)[-1] == last.id
    assert arrives(model, "report") == [",".join(q.id for q in interview.questions)], "beside the last grade"
    assert interview.pending_grades() == 1, "sent while the last grade was still being made"
    report_request = next(r for r in model.llm.requests if r.purpose == "report")
    assert "not graded yet" in report_request.messages[-1].content, "and the request says the last is ungraded"
    model.open()
    report = interview.report(timeout=30)
    assert report.final and len(model.asked("report")) == 1, "the report used that narrative"
    interview.close()


def test_a_follow_up_after_an_early_start_drops_that_grade_and_grades_the_whole_exchange(store: Store) -> None:
    model = GatedModel()
    config = InterviewConfig(num_questions=3, max_follow_ups=1, seed=4)
    interview = Interview(create_backend(llm=model.llm), config, store=store, questions=plan_questions(config))
    interview.start().read()
    for _ in range(2):
        interview.answer("We sample 5% of drafts every week.").read()
    model.open()
    assert interview.wait_for_grades(30)
    model.gate.clear()
    last = interview.questions[-1].id
    model.interviewer = ["<move>follow_up</move>What would make you loosen the review?<notes>n</notes>"]
    interview.answer("We sample 5% of drafts every week.").read()
    assert interview.transcript.turns[-1].kind is TurnKind.FOLLOW_UP
    model.open()  # the grade of the last answer alone, started at submission, is made now: it must be dropped
    assert interview.wait_for_grades(30)
    assert last not in interview.grades and last not in store.load_grades(interview.session_id)
    interview.answer("After a clean quarter with no critical errors.").read()
    assert interview.finished and interview.wait_for_grades(30)
    graders = [r for r in model.llm.requests if r.purpose == "grader" and r.meta["question"] == last]
    assert "After a clean quarter" in graders[-1].messages[-1].content, "graded with both answers"
    stored = store.load_grades(interview.session_id)
    assert last in stored and interview.report(timeout=30).final
    interview.close()
