"""Practice outside an interview: a question again, attempt beside attempt; timed answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from interviewer import Interview, InterviewConfig, create_backend
from interviewer.domain import Speaker, TurnKind
from interviewer.drills import drill_bank
from interviewer.errors import AnswerError
from interviewer.export import report_json
from interviewer.practice import AttemptKind, compare, history, practise_drill, practise_question
from interviewer.questions import plan_questions
from interviewer.storage import Store
from interviewer.timing import clock, seconds_left, time_taken

OFFLINE = create_backend("offline")
WEAK = "I would ask the team to test it and make sure it works well before we launch it to users."


def test_time_taken_reads_against_the_limit() -> None:
    assert clock(125) == "2:05"
    assert time_taken(None, 3) == ""
    assert time_taken(95, None) == "Answered in 1:35"
    assert time_taken(170, 3) == "Answered in 2:50, within the 3-minute limit"
    assert time_taken(200, 3) == "Answered in 3:20, 0:20 over the 3-minute limit"
    asked = datetime(2026, 1, 1, tzinfo=UTC)
    assert seconds_left(asked, 2, asked + timedelta(seconds=30)) == 90
    assert seconds_left(asked, 2, asked + timedelta(minutes=5)) == 0


def test_each_answer_stores_the_time_it_took_and_the_report_and_export_show_it(store: Store) -> None:
    config = InterviewConfig(num_questions=3, max_follow_ups=0, answer_minutes=3, seed=2)
    interview = Interview(OFFLINE, config, store=store)
    interview.start().read()
    assert interview.asked_at is not None
    while not interview.finished:
        interview.answer(WEAK).read()
    stored = store.load_session(interview.session_id)
    assert stored is not None
    answers = [t for t in stored.turns if t.speaker is Speaker.CANDIDATE and t.kind is TurnKind.ANSWER]
    assert answers and all(t.seconds is not None and 0 <= t.seconds < 60 for t in answers)
    report = interview.report(timeout=30)
    assert [a.seconds for a in report.answers] == [t.seconds for t in answers]
    assert '"seconds"' in report_json(report)
    assert interview.asked_at is None, "no question waits once the interview is over"
    interview.close()


def test_a_question_practised_again_sits_beside_its_interview_answer(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    store = Store(db)
    config = InterviewConfig(num_questions=3, max_follow_ups=0, seed=4)
    questions = plan_questions(config)
    interview = Interview(OFFLINE, config, store=store, questions=questions)
    interview.start().read()
    while not interview.finished:
        interview.answer(WEAK).read()
    interview.report(timeout=30)
    interview.close()
    question = questions[0]

    attempt = practise_question(OFFLINE, store, question, question.exemplar, seconds=42.0)
    assert attempt.grade is not None and attempt.seconds == 42.0
    store.close()

    reopened = Store(db)
    attempts = history(reopened, AttemptKind.QUESTION, question.id)
    assert [a.session_id is not None for a in attempts] == [True, False], "the interview answer, then the retry"
    assert attempts[1].answers == [question.exemplar] and attempts[1].seconds == 42.0
    change = compare(attempts[0], attempts[1])
    main = next(level for level in change.levels if level.quality is question.primary_quality)
    assert main.after is not None and (main.before or 0) < main.after
    assert main.moved == ("up" if main.before is not None else ""), "no arrow where the first had no level"
    assert main.after_quotes and all(q in question.exemplar for q in main.after_quotes)
    assert change.newly_covered, "the exemplar covers points the weak answer did not"
    assert not change.lost
    reopened.close()


def test_an_empty_attempt_is_refused_and_nothing_is_stored(store: Store) -> None:
    question = plan_questions(InterviewConfig(num_questions=3, seed=1))[0]
    with pytest.raises(AnswerError):
        practise_question(OFFLINE, store, question, "   \n ")
    assert history(store, AttemptKind.QUESTION, question.id) == []


def test_a_drill_attempt_is_stored_with_its_count_and_comes_back_the_same(store: Store) -> None:
    drill = drill_bank()[0]
    first = practise_drill(OFFLINE, store, drill, "Looks fine to me.")
    second = practise_drill(OFFLINE, store, drill, drill.exemplar)
    attempts = history(store, AttemptKind.DRILL, drill.id)
    assert [a.id for a in attempts] == [first.id, second.id]
    assert attempts[1].drill == second.drill and attempts[1].drill is not None
    assert not attempts[1].drill.missed
    change = compare(attempts[0], attempts[1])
    assert len(change.newly_covered) >= len(drill.defects)
