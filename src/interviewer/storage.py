"""Sessions, turns, grades and reports, persisted after every turn (SQLite by default, or any SQLAlchemy URL).

Every write is one transaction that checks, inside it, that no other writer moved the session on.
The schema is migrated with Alembic when a store opens (``migrations/``), so a database made by an
earlier version keeps working. Every database failure becomes a ``StorageError`` that says what
happened in plain words, never with a password in it. The engine, migrations and the wording of
failures are in ``database.py``; this module is the tables and the reads and writes on them.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    delete,
    insert,
    select,
    true,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from .calibration import rating_pairs
from .database import database_url, engine_for, migrate, plain_failure, redacted
from .domain import AnswerGrade, InterviewConfig, QualityId, Report, Role, Turn
from .errors import StaleSessionError, StorageError

metadata = MetaData()


log = logging.getLogger(__name__)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that comes back in UTC on every database (SQLite keeps none of the zone it was given)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        """The stored time, in UTC."""
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


sessions = Table(
    "sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("role", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("backend", String(64), nullable=False),
    Column("template_set", String(200), nullable=False),
    Column("config", JSON, nullable=False),
    Column("state", JSON, nullable=False),
    Column("owner", String(320)),
)
turns = Table(
    "turns",
    metadata,
    Column("session_id", String(64), ForeignKey("sessions.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("speaker", String(16), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("question_id", String(100)),
    Column("text", Text, nullable=False),
    Column("notes", Text),
    Column("at", UTCDateTime(), nullable=False),
    Column("seconds", Float),
)
grades = Table(
    "grades",
    metadata,
    Column("session_id", String(64), ForeignKey("sessions.id"), primary_key=True),
    Column("question_id", String(100), primary_key=True),
    Column("grade", JSON, nullable=False),
)
reports = Table(
    "reports",
    metadata,
    Column("session_id", String(64), ForeignKey("sessions.id"), primary_key=True),
    Column("report", JSON, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
)
attempts = Table(
    "attempts",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("item_id", String(100), nullable=False),
    Column("backend", String(64), nullable=False),
    Column("answer", Text, nullable=False),
    Column("seconds", Float),
    Column("result", JSON, nullable=False),
    Column("owner", String(320)),
)
plans = Table(
    "plans",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("plan", JSON, nullable=False),
    Column("owner", String(320)),
)
Index("ix_sessions_created_at", sessions.c.created_at)
Index("ix_attempts_item", attempts.c.kind, attempts.c.item_id)


def _report(data: object) -> Report | None:
    try:
        return Report.model_validate(data)
    except ValidationError:
        return None  # stored by an older version: the interview's grades rebuild it


def _old_scores(data: object) -> dict[QualityId, float | None]:
    """The per-quality scores of a report stored by an older version, for history and progress."""
    rows = data.get("qualities", []) if isinstance(data, dict) else []
    scores: dict[QualityId, float | None] = {}
    for row in rows if isinstance(rows, list) else []:
        if isinstance(row, dict) and row.get("quality") in set(QualityId):
            score = row.get("score")
            scores[QualityId(row["quality"])] = float(score) if isinstance(score, int | float) else None
    return scores


class SessionRecord(BaseModel):
    """A stored session's state: enough to resume the interview where it stopped."""

    id: str
    config: InterviewConfig
    status: str
    backend: str
    template_set: str
    created_at: datetime
    updated_at: datetime
    state: dict[str, object]
    turns: list[Turn]


class SessionSummary(BaseModel):
    """A line of the history list."""

    id: str
    created_at: datetime
    role: Role
    status: str
    backend: str
    scores: dict[QualityId, float | None]
    rating_pairs: list[tuple[int, int]] = []
    """(self-rating, grade) of every answer the candidate rated, from the session's report."""


class AttemptRow(BaseModel):
    """A stored practice attempt; ``result`` is the grade as its kind stores it."""

    id: str
    created_at: datetime
    kind: str
    item_id: str
    backend: str
    answer: str
    seconds: float | None
    result: dict[str, Any]


class SessionAnswer(BaseModel):
    """A question's exchange in a past interview: the answers given and the grade they got."""

    session_id: str
    created_at: datetime
    """When the first answer was given."""
    answers: list[str]
    seconds: float | None = None
    """The time the first answer took, when it was measured."""
    grade: AnswerGrade | None = None


class Store:
    """The session store.

    Args:
        db: a database URL or a SQLite file path (``INTERVIEWER_DB``).

    Raises:
        StorageError: the database cannot be opened or migrated.
    """

    def __init__(self, db: str) -> None:
        self.owner: str | None = None
        """Whose history this store reads and writes (the signed-in user); None: one person, no sign-in."""
        self.url = database_url(db)
        self.where = redacted(self.url)
        """The database, as it may be shown (no password)."""
        self._lock = threading.Lock()
        with self._guard("open"):
            self.engine: Engine = engine_for(self.url)
            migrate(self.engine)

    @contextlib.contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        """Turn any database failure inside into a ``StorageError`` saying what happened."""
        try:
            yield
        except StaleSessionError:
            raise
        except ImportError as exc:
            raise StorageError(
                f"could not {action} the session database {self.where}: its database driver is not installed "
                f"({exc.name or exc})",
                retryable=False,
                what="database",
            ) from None
        except (SQLAlchemyError, OSError) as exc:
            meaning, retryable = plain_failure(exc)
            log.error("could not %s the session database %s: %s", action, self.where, meaning)
            raise StorageError(
                f"could not {action} the session database {self.where}: {meaning}", retryable=retryable, what="database"
            ) from None
        except ValidationError as exc:
            raise StorageError(
                f"could not {action} the session database {self.where}: a stored row is not valid ({exc.error_count()} "
                "problems)",
                retryable=False,
                what="database",
            ) from None

    def for_owner(self, owner: str | None) -> Store:
        """The same database seen as one user's: their sessions, attempts and plans, nobody else's."""
        scoped = copy.copy(self)
        scoped.owner = owner
        return scoped

    def _mine(self, table: Table) -> Any:
        """The condition that keeps a query to this store's owner (always true without one)."""
        return true() if self.owner is None else table.c.owner == self.owner

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def save_session(
        self,
        session_id: str,
        config: InterviewConfig,
        status: str,
        backend: str,
        template_set: str,
        state: dict[str, object],
        transcript: list[Turn],
        stored_turns: int | None = None,
    ) -> None:
        """Upsert the session and append the turns not stored yet (turns are never rewritten).

        ``stored_turns`` is how many turns the writer last saw stored; when the store holds a
        different number, another writer (a second tab) continued the session, and nothing is saved.

        Raises:
            StaleSessionError: the session moved on without this writer.
        """
        now = datetime.now(UTC)
        values = {
            "role": config.role.value,
            "status": status,
            "backend": backend,
            "template_set": template_set,
            "config": config.model_dump(mode="json"),
            "state": state,
            "updated_at": now,
        }
        with self._guard("save to"), self._lock, self.engine.begin() as conn:
            self._write_session(conn, session_id, values, now, transcript, stored_turns)

    def _write_session(
        self,
        conn: Any,
        session_id: str,
        values: dict[str, Any],
        now: datetime,
        transcript: list[Turn],
        stored_turns: int | None,
    ) -> None:
        # Inside the write transaction: the count read here is the one the insert relies on.
        exists = conn.execute(select(sessions.c.id).where(sessions.c.id == session_id, self._mine(sessions))).first()
        stored = conn.execute(select(turns.c.position).where(turns.c.session_id == session_id)).scalars().all()
        if stored_turns is not None and len(stored) != stored_turns:
            raise StaleSessionError()
        if exists:
            conn.execute(update(sessions).where(sessions.c.id == session_id).values(**values))
        else:
            conn.execute(insert(sessions).values(id=session_id, created_at=now, owner=self.owner, **values))
        start = len(stored)
        rows = [
            {
                "session_id": session_id,
                "position": i,
                "speaker": t.speaker.value,
                "kind": t.kind.value,
                "question_id": t.question_id,
                "text": t.text,
                "notes": t.notes,
                "at": t.at,
                "seconds": t.seconds,
            }
            for i, t in enumerate(transcript)
            if i >= start
        ]
        if rows:
            try:
                conn.execute(insert(turns), rows)
            except IntegrityError:
                raise StaleSessionError() from None  # another process stored the same turn first

    def save_grade(self, session_id: str, grade: AnswerGrade) -> None:
        """Store (or replace) one question's grade."""
        with self._guard("save a grade to"), self._lock, self.engine.begin() as conn:
            conn.execute(
                delete(grades).where(grades.c.session_id == session_id, grades.c.question_id == grade.question_id)
            )
            conn.execute(
                insert(grades).values(
                    session_id=session_id, question_id=grade.question_id, grade=grade.model_dump(mode="json")
                )
            )

    def save_report(self, report: Report) -> None:
        """Store the final report and mark the session finished."""
        with self._guard("save the report to"), self._lock, self.engine.begin() as conn:
            conn.execute(delete(reports).where(reports.c.session_id == report.session_id))
            conn.execute(
                insert(reports).values(
                    session_id=report.session_id,
                    report=report.model_dump(mode="json"),
                    created_at=datetime.now(UTC),
                )
            )
            conn.execute(update(sessions).where(sessions.c.id == report.session_id).values(status="finished"))

    def load_session(self, session_id: str) -> SessionRecord | None:
        """A stored session with its turns, or None."""
        with self._guard("read"), self.engine.begin() as conn:
            row = (
                conn.execute(select(sessions).where(sessions.c.id == session_id, self._mine(sessions)))
                .mappings()
                .first()
            )
            if row is None:
                return None
            turn_rows = conn.execute(
                select(turns).where(turns.c.session_id == session_id).order_by(turns.c.position)
            ).mappings()
            stored_turns = [
                Turn(
                    speaker=t["speaker"],
                    kind=t["kind"],
                    text=t["text"],
                    question_id=t["question_id"],
                    notes=t["notes"],
                    at=t["at"],
                    seconds=t["seconds"],
                )
                for t in turn_rows
            ]
        return SessionRecord(
            id=row["id"],
            config=InterviewConfig.model_validate(row["config"]),
            status=row["status"],
            backend=row["backend"],
            template_set=row["template_set"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            state=row["state"],
            turns=stored_turns,
        )

    def load_grades(self, session_id: str) -> dict[str, AnswerGrade]:
        """The stored grades of a session, by question id."""
        with self._guard("read"), self.engine.begin() as conn:
            rows = conn.execute(select(grades).where(grades.c.session_id == session_id)).mappings()
            return {r["question_id"]: AnswerGrade.model_validate(r["grade"]) for r in rows}

    def load_report(self, session_id: str) -> Report | None:
        """A finished session's report, or None (also for a report stored by an older version, which is rebuilt)."""
        with self._guard("read"), self.engine.begin() as conn:
            row = conn.execute(select(reports.c.report).where(reports.c.session_id == session_id)).first()
        return _report(row[0]) if row else None

    def list_sessions(self, limit: int = 100) -> list[SessionSummary]:
        """Past sessions, newest first, with their per-quality scores where a report exists."""
        with self._guard("read"), self.engine.begin() as conn:
            rows = conn.execute(
                select(
                    sessions.c.id,
                    sessions.c.created_at,
                    sessions.c.role,
                    sessions.c.status,
                    sessions.c.backend,
                )
                .where(self._mine(sessions))
                .order_by(sessions.c.created_at.desc())
                .limit(limit)
            ).mappings()
            listed = [dict(r) for r in rows]
            report_rows = conn.execute(
                select(reports.c.session_id, reports.c.report).where(
                    reports.c.session_id.in_([r["id"] for r in listed])
                )
            ).all()
        scores: dict[str, dict[QualityId, float | None]] = {}
        pairs: dict[str, list[tuple[int, int]]] = {}
        for session_id, data in report_rows:
            report = _report(data)
            if report is not None:
                scores[session_id] = {q.quality: q.score for q in report.qualities}
                pairs[session_id] = rating_pairs(report)
            else:
                scores[session_id] = _old_scores(data)
        return [
            SessionSummary(
                id=r["id"],
                created_at=r["created_at"],
                role=r["role"],
                status=r["status"],
                backend=r["backend"],
                scores=scores.get(r["id"], {}),
                rating_pairs=pairs.get(r["id"], []),
            )
            for r in listed
        ]

    def asked_question_ids(self, limit_sessions: int = 20) -> set[str]:
        """Questions asked in recent sessions, so a new interview can avoid repeats."""
        with self._guard("read"), self.engine.begin() as conn:
            recent = (
                select(sessions.c.id)
                .where(self._mine(sessions))
                .order_by(sessions.c.created_at.desc())
                .limit(limit_sessions)
                .subquery()
            )
            rows = conn.execute(
                select(turns.c.question_id).where(turns.c.session_id.in_(select(recent.c.id))).distinct()
            ).scalars()
            return {r for r in rows if r}

    def save_attempt(self, row: AttemptRow) -> None:
        """Store one practice attempt (attempts are never rewritten)."""
        with self._guard("save an attempt to"), self._lock, self.engine.begin() as conn:
            conn.execute(insert(attempts).values(**row.model_dump(), owner=self.owner))

    def load_attempts(self, kind: str | None = None, item_id: str | None = None) -> list[AttemptRow]:
        """Practice attempts, oldest first: of one item, of one kind, or all."""
        query = select(*[c for c in attempts.c if c.name != "owner"]).where(self._mine(attempts))
        query = query.order_by(attempts.c.created_at)
        if kind is not None:
            query = query.where(attempts.c.kind == kind)
        if item_id is not None:
            query = query.where(attempts.c.item_id == item_id)
        with self._guard("read"), self.engine.begin() as conn:
            return [AttemptRow.model_validate(dict(r)) for r in conn.execute(query).mappings()]

    def answers_to(self, question_id: str) -> list[SessionAnswer]:
        """Every interview's exchange on one question, oldest first, with its grade when there is one."""
        with self._guard("read"), self.engine.begin() as conn:
            rows = conn.execute(
                select(turns.c.session_id, turns.c.text, turns.c.at, turns.c.seconds)
                .join(sessions, sessions.c.id == turns.c.session_id)
                .where(turns.c.question_id == question_id, turns.c.kind == "answer", turns.c.speaker == "candidate")
                .where(self._mine(sessions))
                .order_by(turns.c.at, turns.c.position)
            ).all()
            graded = conn.execute(
                select(grades.c.session_id, grades.c.grade).where(
                    grades.c.question_id == question_id, grades.c.session_id.in_({r[0] for r in rows})
                )
            ).all()
        by_session: dict[str, SessionAnswer] = {}
        for session_id, text, at, seconds in rows:
            if session_id not in by_session:
                by_session[session_id] = SessionAnswer(
                    session_id=session_id, created_at=at, answers=[], seconds=seconds
                )
            by_session[session_id].answers.append(text)
        for session_id, data in graded:
            with contextlib.suppress(ValidationError):
                by_session[session_id].grade = AnswerGrade.model_validate(data)
        return list(by_session.values())

    def graded_answers(self) -> list[tuple[datetime, Role, AnswerGrade]]:
        """Every stored grade of an interview answer, with when its session began and its role, oldest first."""
        with self._guard("read"), self.engine.begin() as conn:
            rows = conn.execute(
                select(sessions.c.created_at, sessions.c.role, grades.c.grade)
                .join(sessions, sessions.c.id == grades.c.session_id)
                .where(self._mine(sessions))
                .order_by(sessions.c.created_at)
            ).all()
        graded = []
        for created_at, role, data in rows:
            with contextlib.suppress(ValidationError, ValueError):
                graded.append((created_at, Role(role), AnswerGrade.model_validate(data)))
        return graded

    def save_plan(self, plan_id: str, created_at: datetime, plan: dict[str, Any]) -> None:
        """Store a practice plan (the latest is the one in use)."""
        with self._guard("save a plan to"), self._lock, self.engine.begin() as conn:
            conn.execute(insert(plans).values(id=plan_id, created_at=created_at, plan=plan, owner=self.owner))

    def latest_plan(self) -> dict[str, Any] | None:
        """The practice plan made last, or None."""
        with self._guard("read"), self.engine.begin() as conn:
            row = conn.execute(
                select(plans.c.plan).where(self._mine(plans)).order_by(plans.c.created_at.desc()).limit(1)
            ).first()
        return dict(row[0]) if row else None
