"""The store under failure: every database fault is a clear message, and memory never drifts from storage."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import event

from interviewer import Interview, InterviewConfig, create_backend
from interviewer.database import schema_version
from interviewer.errors import StaleSessionError, StorageError
from interviewer.storage import Store

ANSWER = "We'd sample 200 outputs a week and hand-check every refund over $500 before it goes out."


def offline_interview(store: Store, seed: int = 1) -> Interview:
    return Interview(
        create_backend("offline"), InterviewConfig(num_questions=3, max_follow_ups=0, seed=seed), store=store
    )


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "sessions.db"
    bad.write_bytes(b"this is not a database, just some bytes" * 100)
    with pytest.raises(StorageError, match="damaged or is not a database") as caught:
        Store(str(bad))
    assert str(bad) in str(caught.value) and "Traceback" not in str(caught.value)
    assert "SELECT" not in str(caught.value).upper(), "no SQL text"


def test_a_truncated_database_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    store = Store(str(path))
    interview = offline_interview(store)
    interview.start().read()
    interview.answer(ANSWER).read()
    interview.close()
    store.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(StorageError, match="session database"):
        reopened = Store(str(path))
        reopened.load_session(interview.session_id)


def test_a_read_only_database_refuses_the_answer_and_memory_stays_as_stored(tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    writer = Store(str(path))
    interview = offline_interview(writer)
    interview.start().read()
    reader = Store(f"sqlite:///file:{path}?mode=ro&uri=true")
    frozen = Interview.resume(create_backend("offline"), reader, interview.session_id)
    before = [t.text for t in frozen.transcript.turns]
    with pytest.raises(StorageError, match="cannot be written"):
        frozen.answer(ANSWER)
    assert [t.text for t in frozen.transcript.turns] == before, "the answer that was not saved is not shown"
    assert frozen.current_question == interview.current_question
    for each in (interview, frozen):
        each.close()


def test_a_full_disk_refuses_the_write_and_memory_stays_as_stored(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "sessions.db"))
    interview = offline_interview(store)
    interview.start().read()
    # SQLite's page limit makes the file "full" at its current size: the same error a full disk gives.
    with store.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()

    @event.listens_for(store.engine, "connect")
    def _full(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    store.engine.dispose()
    before = [t.text for t in interview.transcript.turns]
    with pytest.raises(StorageError, match="full") as caught:
        for _ in range(50):
            interview.answer(ANSWER * 20).read()
    assert caught.value.retryable
    stored = store.load_session(interview.session_id)
    assert stored is not None and [t.text for t in stored.turns] == [t.text for t in interview.transcript.turns]
    assert len(interview.transcript.turns) >= len(before)
    interview.close()


def test_a_real_full_disk_where_the_machine_allows_a_small_filesystem(tmp_path: Path) -> None:
    mount = tmp_path / "tiny"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=192k", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here: {made.stderr.decode().strip() or 'not permitted'}")
    store = None
    try:
        store = Store(str(mount / "sessions.db"))
        config = InterviewConfig(num_questions=10, max_follow_ups=0, seed=2)
        interview = Interview(create_backend("offline"), config, store=store)
        interview.start().read()
        with pytest.raises(StorageError, match="full"):
            while not interview.finished:
                interview.answer(ANSWER * 120).read()
        stored = store.load_session(interview.session_id)
        assert stored is not None and len(stored.turns) == len(interview.transcript.turns)
        interview.close()
    finally:
        if store is not None:
            store.close()
        if subprocess.run(["umount", str(mount)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(mount)], check=False)  # still busy: detach it anyway


def test_a_database_that_cannot_be_reached_is_named_without_its_password() -> None:
    with pytest.raises(StorageError) as caught:
        Store("postgresql://coach:s3cret-pass@127.0.0.1:1/interviews")
    message = str(caught.value)
    assert "s3cret-pass" not in message and "***" in message
    assert "127.0.0.1:1/interviews" in message


def test_a_database_made_before_migrations_is_adopted_and_upgraded(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:  # the schema the versions before migrations created
        conn.executescript(
            "CREATE TABLE sessions (id VARCHAR(64) PRIMARY KEY, created_at DATETIME NOT NULL, updated_at DATETIME "
            "NOT NULL, role VARCHAR(32) NOT NULL, status VARCHAR(16) NOT NULL, backend VARCHAR(64) NOT NULL, "
            "template_set VARCHAR(200) NOT NULL, config JSON NOT NULL, state JSON NOT NULL);"
            "CREATE TABLE turns (session_id VARCHAR(64), position INTEGER, speaker VARCHAR(16) NOT NULL, kind "
            "VARCHAR(16) NOT NULL, question_id VARCHAR(100), text TEXT NOT NULL, notes TEXT, at DATETIME NOT NULL, "
            "PRIMARY KEY (session_id, position));"
            "CREATE TABLE grades (session_id VARCHAR(64), question_id VARCHAR(100), grade JSON NOT NULL, "
            "PRIMARY KEY (session_id, question_id));"
            "CREATE TABLE reports (session_id VARCHAR(64) PRIMARY KEY, report JSON NOT NULL, created_at DATETIME "
            "NOT NULL);"
        )
        state = {
            "question_ids": ["int-clinical-wrong-medication", "int-crm-summary-verify", "gen-behav-said-no"],
            "index": 0,
            "phase": "asking",
            "pending": None,
        }
        conn.execute(
            "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                "old1",
                "2026-01-01 10:00:00",
                "2026-01-01 10:05:00",
                "integrator",
                "in_progress",
                "offline",
                "default@1.0.0",
                json.dumps({"role": "integrator"}),
                json.dumps(state),
            ),
        )
        conn.execute(
            "INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                "old1",
                0,
                "interviewer",
                "question",
                "int-clinical-wrong-medication",
                "Question 1 of 3.",
                None,
                "2026-01-01 10:00:01",
            ),
        )
    store = Store(str(path))
    assert schema_version(store.engine) == "0004"
    resumed = Interview.resume(create_backend("offline"), store, "old1")
    assert resumed.step.value == "answering", "the old phase and pending turn become one step"
    resumed.answer("We would sample 5% of drafts every week and review every medication list.").read()
    answer = next(t for t in resumed.transcript.turns if t.kind.value == "answer")
    assert answer.seconds is not None and answer.seconds > 0, "timed from the old, zone-less question time"
    resumed.close()


def _answer_in_process(db: str, session_id: str, ready: object, results: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    store = Store(db)
    copy = Interview.resume(create_backend("offline"), store, session_id)
    ready.wait(60)  # type: ignore[attr-defined]  # both copies have loaded the same turns
    try:
        copy.answer(f"Answered by process {os.getpid()}: {ANSWER}").read()
        results.put("saved")
    except StaleSessionError:
        results.put("stale")
    except Exception as exc:
        results.put(f"error: {exc.__class__.__name__}: {exc}")
    finally:
        copy.close()


def test_two_processes_saving_one_session_never_race_into_an_integrity_error(tmp_path: Path) -> None:
    db = str(tmp_path / "race.db")
    store = Store(db)
    context = multiprocessing.get_context("spawn")
    for round_ in range(3):
        interview = offline_interview(store, seed=round_)
        interview.start().read()
        interview.close()
        results = context.Queue()
        ready = context.Barrier(2)
        workers = [
            context.Process(target=_answer_in_process, args=(db, interview.session_id, ready, results))
            for _ in range(2)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        assert [w.exitcode for w in workers] == [0, 0], [w.exitcode for w in workers]
        outcomes = sorted(results.get(timeout=10) for _ in workers)
        assert outcomes == ["saved", "stale"], outcomes
        stored = store.load_session(interview.session_id)
        assert stored is not None
        answers = [t for t in stored.turns if t.kind.value == "answer"]
        assert len(answers) == 1, "exactly one copy's answer was stored"


def test_twenty_concurrent_candidates_on_one_sqlite_file_lose_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "busy.db")
    Store(db).close()
    errors: list[str] = []
    finished: list[tuple[str, int]] = []

    def candidate(number: int) -> None:
        store = Store(db)
        try:
            interview = offline_interview(store, seed=number)
            interview.start().read()
            while not interview.finished:
                interview.answer(f"Candidate {number}: {ANSWER}").read()
            finished.append((interview.session_id, len(interview.transcript.turns)))
            interview.close()
        except Exception as exc:
            errors.append(f"{exc.__class__.__name__}: {exc}")
        finally:
            store.close()

    threads = [threading.Thread(target=candidate, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert len(finished) == 20
    store = Store(db)
    for session_id, count in finished:
        record = store.load_session(session_id)
        assert record is not None and len(record.turns) == count, "no acknowledged turn is lost"


CRASHER = """
import sys
from interviewer import Interview, InterviewConfig, create_backend
from interviewer.storage import Store
store = Store(sys.argv[1])
interview = Interview.resume(create_backend("offline"), store, sys.argv[2])
while True:
    if interview.finished:
        break
    if interview.needs_retry:
        interview.retry().read()
    else:
        interview.answer("An answer typed before the crash, about sampling 200 outputs a week.").read()
    print(len(interview.transcript.turns), flush=True)
"""


def test_kill_minus_nine_at_any_moment_loses_no_acknowledged_turn_and_the_interview_resumes(tmp_path: Path) -> None:
    db = str(tmp_path / "crash.db")
    store = Store(db)
    config = InterviewConfig(num_questions=10, max_follow_ups=0, seed=7)
    interview = Interview(create_backend("offline"), config, store=store)
    interview.start().read()
    interview.close()
    acknowledged = 0
    for delay in (0.3, 0.5, 0.2, 0.7, 0.4):
        process = subprocess.Popen(
            [sys.executable, "-c", CRASHER, db, interview.session_id], stdout=subprocess.PIPE, text=True
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        out, _ = process.communicate(timeout=30)
        printed = [int(line) for line in out.split()]
        acknowledged = max([acknowledged, *printed])
        record = store.load_session(interview.session_id)
        assert record is not None and len(record.turns) >= acknowledged, "every acknowledged turn was stored"
        kinds = [t.kind.value for t in record.turns]
        assert all(k != "answer" or kinds[i - 1] != "answer" for i, k in enumerate(kinds) if i), "turns alternate"
    resumed = Interview.resume(create_backend("offline"), store, interview.session_id)
    while not resumed.finished:
        if resumed.needs_retry:
            resumed.retry().read()
        else:
            resumed.answer("After the crashes: " + ANSWER).read()
    assert resumed.report(timeout=30).answers
    resumed.close()
