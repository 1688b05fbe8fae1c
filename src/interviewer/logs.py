"""Logging for the app, the CLI and the harness: warnings and errors to stderr, never a secret.

Every module logs through ``logging.getLogger(__name__)``; ``configure`` is called once by an entry
point (the app, the CLI) and puts a filter on the handler that masks keys and database passwords in
every record, whatever a message or an exception's text holds.
"""

from __future__ import annotations

import logging
import sys

from .redaction import redact

ROOT = "interviewer"


class RedactingFilter(logging.Filter):
    """Masks key-shaped strings, URL passwords and the given secrets in a record's final text."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message (arguments merged in) and any exception text, then let it through."""
        record.msg = redact(record.getMessage(), self.secrets)
        record.args = None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info), self.secrets)
            record.exc_info = None
        return True


def configure(level: int = logging.WARNING, secrets: tuple[str, ...] = ()) -> logging.Logger:
    """Send the package's records at ``level`` and above to stderr, secrets masked; idempotent."""
    logger = logging.getLogger(ROOT)
    logger.setLevel(level)
    for handler in list(logger.handlers):
        if getattr(handler, "_interviewer", False):
            logger.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler._interviewer = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    logger.addHandler(handler)
    logger.propagate = False
    return logger
