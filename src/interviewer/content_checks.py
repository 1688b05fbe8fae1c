"""Checks every content loader makes: ids that do not repeat, and regular expressions that compile."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .errors import ContentError


def compiled(pattern: str, source: str, where: str, flags: int = 0) -> re.Pattern[str]:
    """A content file's pattern, compiled.

    Raises:
        ContentError: the pattern does not compile, naming the file and where in it.
    """
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise ContentError(f"{source}: {where}: bad pattern {pattern!r}: {exc}") from exc


def check_patterns(patterns: Iterable[str], source: str, where: str) -> None:
    """Check that every pattern compiles.

    Raises:
        ContentError: one does not, naming the file and where in it.
    """
    for pattern in patterns:
        compiled(pattern, source, where)


def unique_ids(ids: Iterable[str], source: str, what: str) -> None:
    """Check that no id repeats.

    Raises:
        ContentError: one does, naming the file, the kind of item and the id.
    """
    seen: set[str] = set()
    for item_id in ids:
        if item_id in seen:
            raise ContentError(f"{source} repeats {what} id {item_id!r}")
        seen.add(item_id)
