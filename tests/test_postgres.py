"""The store on a real PostgreSQL server: migrations, a whole interview, practice, races, failures.

The server is a private cluster started for this module (``tests/postgres.py``); without PostgreSQL
installed these tests are skipped locally and fail in CI.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator

import pytest
from sqlalchemy import inspect

from interviewer import Interview, InterviewConfig, create_backend
from interviewer.database import schema_version
from interviewer.drills import drill_bank
from interviewer.errors import StorageError
from interviewer.plan import current_plan, make_plan
from interviewer.practice import AttemptKind, history, practise_drill
from interviewer.storage import Store
from tests.postgres import PASSWORD, private_cluster
from tests.test_storage_faults import ANSWER, _answer_in_process, offline_interview


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    with private_cluster() as url:
        yield url


def test_a_plain_postgresql_url_works_and_is_migrated_to_the_current_schema(pg_url: str) -> None:
    assert pg_url.startswith("postgresql://"), "the URL as the README writes it, no driver named"
    store = Store(pg_url)
    assert schema_version(store.engine) == "0004"
    assert {"sessions", "turns", "grades", "reports", "attempts", "plans"} <= set(
        inspect(store.engine).get_table_names()
    )
    assert PASSWORD not in store.where and "***" in store.where
    store.close()
    again = Store(pg_url)
    assert schema_version(again.engine) == "0004", "opening it again migrates nothing"
    again.close()


def test_a_whole_interview_and_its_practice_are_stored_and_resumed(pg_url: str) -> None:
    store = Store(pg_url)
    config = InterviewConfig(num_questions=3, max_follow_ups=1, answer_minutes=3, seed=11)
    interview = Interview(create_backend("offline"), config, store=store)
    interview.start().read()
    interview.answer(ANSWER).read()
    session = interview.session_id
    interview.close()
    store.close()

    reopened = Store(pg_url)
    resumed = Interview.resume(create_backend("offline"), reopened, session)
    while not resumed.finished:
        resumed.answer(ANSWER).read()
    report = resumed.report(timeout=30)
    assert all(a.seconds is not None for a in report.answers if a.answers), "times come back with their zone"
    stored = reopened.load_session(session)
    assert stored is not None and [t.text for t in stored.turns] == [t.text for t in resumed.transcript.turns]
    assert reopened.load_report(session) is not None
    resumed.close()

    drill = drill_bank()[0]
    attempt = practise_drill(create_backend("offline"), reopened, drill, drill.exemplar)
    assert [a.id for a in history(reopened, AttemptKind.DRILL, drill.id)] == [attempt.id]
    plan = make_plan(reopened, config.role)
    assert plan is not None and current_plan(reopened) == plan
    reopened.close()


def test_two_processes_saving_one_session_end_in_one_save_and_one_stale(pg_url: str) -> None:
    store = Store(pg_url)
    context = multiprocessing.get_context("spawn")
    for round_ in range(3):
        interview = offline_interview(store, seed=round_)
        interview.start().read()
        interview.close()
        results = context.Queue()
        ready = context.Barrier(2)
        workers = [
            context.Process(target=_answer_in_process, args=(pg_url, interview.session_id, ready, results))
            for _ in range(2)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        assert [w.exitcode for w in workers] == [0, 0]
        assert sorted(results.get(timeout=10) for _ in workers) == ["saved", "stale"]
        stored = store.load_session(interview.session_id)
        assert stored is not None and sum(t.kind.value == "answer" for t in stored.turns) == 1
    store.close()


def test_a_server_that_refuses_the_password_is_named_without_it(pg_url: str) -> None:
    wrong = pg_url.replace(PASSWORD, "not-the-password-91c2")
    with pytest.raises(StorageError) as caught:
        Store(wrong)
    message = str(caught.value)
    assert "not-the-password-91c2" not in message and PASSWORD not in message and "***" in message
