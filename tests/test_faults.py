"""Faults at the wire, through the real SDK: what reaches the candidate and what is stored."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from interviewer import Interview, InterviewConfig, create_backend
from interviewer.config import Settings
from interviewer.domain import TurnKind
from interviewer.errors import BackendError
from interviewer.questions import plan_questions
from interviewer.storage import Store
from interviewer.turns import Restart
from tests.fakes.anthropic_server import FakeAnthropic
from tests.fakes.claude_script import scripted_claude
from tests.fakes.keys import fake_key

KEY = fake_key("faults")
ANSWER = "We'd build an eval set of 300 real cases and gate the launch at 95% precision, with review of risky ones."


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    with FakeAnthropic() as server:
        yield server


@pytest.fixture
def settings(fake: FakeAnthropic) -> Settings:
    return Settings(api_key=KEY, base_url=fake.base_url, model="claude-sonnet-4-6")


def interview_on(fake: FakeAnthropic, settings: Settings, store: Store | None = None, **config: object) -> Interview:
    options: dict[str, object] = {"num_questions": 3, "max_follow_ups": 0, "seed": 3} | config
    cfg = InterviewConfig(**options)  # type: ignore[arg-type]
    backend = create_backend("anthropic", settings=settings)
    backend.llm.sleep = lambda _seconds: None  # type: ignore[union-attr]  # retries without real waits
    return Interview(backend, cfg, store=store, questions=plan_questions(cfg))


def overloaded(fake: FakeAnthropic, times: int) -> None:
    for _ in range(times):
        fake.add_error(529, "overloaded_error", "Overloaded", headers={"retry-after-ms": "1"})


@pytest.mark.parametrize("fault", ["cut", "max_tokens"])
def test_a_cut_or_max_tokens_reply_is_asked_again_and_never_stored_as_a_question(
    fake: FakeAnthropic, settings: Settings, store: Store, fault: str
) -> None:
    fake.respond_with(scripted_claude())
    interview = interview_on(fake, settings, store)
    interview.start().read()
    broken = "<notes>n</notes><move>next</move>Thanks. Tell me about"
    if fault == "cut":
        fake.add_cut_stream(after_chunks=4, text=broken + " the time you shipped it.", purpose="interviewer")
    else:
        fake.add_text(broken, stop_reason="max_tokens", purpose="interviewer")
    turn = interview.answer(ANSWER)
    events = list(turn.events())
    assert any(isinstance(e, Restart) for e in events), "the candidate is told it is being asked again"
    stored = interview.transcript.turns[-1]
    assert stored.kind is TurnKind.QUESTION and stored.text == turn.text
    assert not stored.text.endswith("Tell me about") and "Thanks." in stored.text
    record = store.load_session(interview.session_id)
    assert record is not None and [t.text for t in record.turns] == [t.text for t in interview.transcript.turns]
    interview.close()


@pytest.mark.parametrize("fault", ["cut", "max_tokens"])
def test_a_reply_incomplete_twice_fails_the_turn_and_stores_nothing(
    fake: FakeAnthropic, settings: Settings, store: Store, fault: str
) -> None:
    fake.respond_with(scripted_claude())
    interview = interview_on(fake, settings, store)
    interview.start().read()
    for _ in range(2):
        if fault == "cut":
            fake.add_cut_stream(
                after_chunks=4,
                text="<notes>n</notes><move>next</move>Thanks. Tell me about it all.",
                purpose="interviewer",
            )
        else:
            fake.add_text(
                "<notes>n</notes><move>next</move>Thanks. Tell me about",
                stop_reason="max_tokens",
                purpose="interviewer",
            )
    before = [t.text for t in interview.transcript.turns]
    turn = interview.answer(ANSWER)
    with pytest.raises(BackendError, match="twice"):
        turn.read()
    assert [t.text for t in interview.transcript.turns] == [*before, ANSWER], "only the answer is stored"
    assert interview.needs_retry
    retried = interview.retry().read()
    assert "Thanks." in retried and interview.transcript.turns[-1].text == retried
    interview.close()


def test_an_outage_from_the_second_answer_on_still_ends_in_a_partial_report_that_fills_in(
    fake: FakeAnthropic, settings: Settings, store: Store
) -> None:
    script = scripted_claude()
    fake.respond_with(script)
    interview = interview_on(fake, settings, store)
    interview.start().read()
    interview.answer(ANSWER).read()
    assert interview.wait_for_grades(30)
    fake.respond_with(None)  # from here on every request fails: the fake has nothing to say
    with pytest.raises(BackendError):
        interview.answer(ANSWER).read()
    assert interview.needs_retry
    interview.go_on_without_model().read()  # the bank's next question, asked as written
    assert not interview.needs_retry and interview.current_question is not None
    with pytest.raises(BackendError):
        interview.answer(ANSWER).read()
    interview.go_on_without_model().read()  # the closing, from the bank
    assert interview.finished
    partial = interview.report(timeout=30)
    assert not partial.final
    assert [a.number for a in partial.not_graded] == [2, 3]
    assert partial.answers[0].grade is not None, "what was graded before the outage is in the report"
    assert store.load_report(interview.session_id) is None, "a partial report is not stored as the final one"
    fake.respond_with(script)  # the API is back
    interview.regrade_failed()
    full = interview.report(timeout=30)
    assert full.final and not full.not_graded and not full.narrative_offline
    assert store.load_report(interview.session_id) == full
    interview.close()


class Clock:
    """A clock that the backend's sleeps move forward, so deadlines are tested without waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


def backend_with_clock(settings: Settings, clock: Clock):  # type: ignore[no-untyped-def]
    backend = create_backend("anthropic", settings=settings)
    backend.llm.sleep, backend.llm.clock = clock.sleep, lambda: clock.now  # type: ignore[union-attr]
    return backend


def test_a_long_retry_after_is_capped_and_each_retry_is_announced(fake: FakeAnthropic, settings: Settings) -> None:
    from interviewer.llm import status_sink
    from interviewer.retrying import MAX_RETRIES, RETRY_AFTER_CAP

    clock = Clock()
    backend = backend_with_clock(settings, clock)
    for _ in range(MAX_RETRIES + 1):
        fake.add_error(529, "overloaded_error", "Overloaded", headers={"retry-after": "100"})
    said: list[str] = []
    token = status_sink.set(said.append)
    try:
        interview = Interview(backend, InterviewConfig(num_questions=3), questions=plan_questions(InterviewConfig()))
        with pytest.raises(BackendError, match="Overloaded"):
            interview.start().read()
    finally:
        status_sink.reset(token)
    assert clock.waits == [RETRY_AFTER_CAP] * MAX_RETRIES, "100 s asked for, 10 s waited, three times"
    assert said == [f"Claude is overloaded; retrying, {n} of {MAX_RETRIES}" for n in range(1, MAX_RETRIES + 1)]
    interview.close()


def test_no_request_outlives_its_deadline_and_the_message_says_how_long(
    fake: FakeAnthropic, settings: Settings
) -> None:
    from dataclasses import replace

    clock = Clock()
    backend = backend_with_clock(replace(settings, deadline=15.0), clock)
    for _ in range(4):
        fake.add_error(529, "overloaded_error", "Overloaded", headers={"retry-after": "8"})
    interview = Interview(backend, InterviewConfig(num_questions=3), questions=plan_questions(InterviewConfig()))
    with pytest.raises(BackendError, match="within the 15 s deadline"):
        interview.start().read()
    assert sum(clock.waits) <= 15.0
    assert len(fake.message_requests) == 2, "the third attempt would have passed the deadline"
    interview.close()


def test_a_report_narrative_the_model_cannot_write_is_stood_in_for_then_written(
    fake: FakeAnthropic, settings: Settings, store: Store
) -> None:
    fake.respond_with(scripted_claude())
    for _ in range(2):  # the narrative written beside the last grade fails, and so does the report's own ask
        fake.add_error(400, "invalid_request_error", "Down just for the report", purpose="report")
    interview = interview_on(fake, settings, store)
    interview.start().read()
    while not interview.finished:
        interview.answer(ANSWER).read()
    assert interview.wait_for_grades(30)
    standing_in = interview.report(timeout=30)
    assert standing_in.narrative_offline and not standing_in.final and not standing_in.not_graded
    assert store.load_report(interview.session_id) is None
    assert fake.pending == 0, "both report requests were made"
    written = interview.report(timeout=30)
    assert written.final and written.narrative.stronger_answer == "A stronger answer."
    interview.close()
