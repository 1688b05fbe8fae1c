"""The database under the session store: its URL, its engine, its migrations, and its failures in plain words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine, make_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_SECONDS = 15
"""How long a SQLite write waits for another process's write to finish."""


def redacted(url: str) -> str:
    """A database URL fit to show: its password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(the configured database)"


def plain_failure(exc: BaseException) -> tuple[str, bool]:
    """What a database failure means, in plain words, and whether trying again may help."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    if "database or disk is full" in text or "no space left" in text or "disk full" in text:
        return "the disk holding the database is full", True
    if "readonly" in text or "read-only" in text or "permission denied" in text:
        return "the database cannot be written (a read-only file or folder)", False
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return "the database file is damaged or is not a database", False
    if "unable to open" in text:
        return "the database file cannot be opened (check the path and its folder)", False
    if "locked" in text or "busy" in text:
        return "the database is busy with another writer", True
    if "could not connect" in text or "connection" in text or "server closed" in text or "timeout" in text:
        return "the database server could not be reached", True
    return f"the database failed ({exc.__class__.__name__})", True


def engine_for(url: str) -> Engine:
    """An engine for a database URL; SQLite files take their write lock when a transaction begins."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS})

    # SQLite's default transaction takes the write lock only at the first write, so two processes
    # could both read the turn count and then both insert. BEGIN IMMEDIATE takes it at the start.
    @event.listens_for(engine, "connect")
    def _no_driver_transactions(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin_immediate(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def migrate(engine: Engine) -> None:
    """Bring a database to the current schema; one made before migrations existed is adopted as 0001."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        tables = set(inspect(conn).get_table_names())
        if "sessions" in tables and "alembic_version" not in tables:
            command.stamp(config, "0001")
        command.upgrade(config, "head")


def schema_version(engine: Engine) -> str | None:
    """The revision a database is at (None before any migration)."""
    with engine.connect() as conn:
        if "alembic_version" not in inspect(conn).get_table_names():
            return None
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def database_url(db: str) -> str:
    """A SQLAlchemy URL from INTERVIEWER_DB: a URL as it is, a plain path as a SQLite file.

    ``postgresql://`` (and ``postgres://``, as hosted services write it) means the psycopg 3 driver
    that the ``postgres`` extra installs; SQLAlchemy alone would look for psycopg2.
    """
    for plain in ("postgresql://", "postgres://"):
        if db.startswith(plain):
            return "postgresql+psycopg://" + db.removeprefix(plain)
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"
