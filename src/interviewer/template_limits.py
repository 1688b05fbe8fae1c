"""What a template set may do: read only its own files, loop a bounded number of times, finish in time.

Template sets are written by prompt authors and loaded from folders anyone can edit, so a set is held
to limits that make validation unable to hang and a bad set unable to reach outside its folder: no
file outside the set (symlinks refused), ranges of at most ``MAX_RANGE`` items, renders of at most
``MAX_RENDER_SECONDS`` and ``MAX_OUTPUT_CHARS``, includes at most ``MAX_INCLUDE_DEPTH`` deep.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

T = TypeVar("T")

MAX_RANGE = 1000
"""Items a template's ``range()`` may produce."""
MAX_RENDER_SECONDS = 2.0
"""How long one render may take; the shipped templates take milliseconds."""
MAX_OUTPUT_CHARS = 200_000
"""Characters one render may produce: far above any prompt the budget allows."""
MAX_INCLUDE_DEPTH = 8


class TemplateLimitError(jinja2.TemplateError):
    """A template went past one of the limits."""


class ContainedLoader(jinja2.FileSystemLoader):
    """A file loader that reads only regular files inside its folder: no symlinks, nothing outside."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        """The template's source, refused if it is a link or resolves outside the folder."""
        source, filename, uptodate = super().get_source(environment, template)
        check_contained(Path(filename), Path(str(self.searchpath[0])))
        return source, filename, uptodate


def check_contained(path: Path, folder: Path) -> None:
    """Refuse a file that is a symlink or lies outside ``folder``.

    Raises:
        TemplateLimitError: naming the file.
    """
    if path.is_symlink():
        raise TemplateLimitError(f"{path} is a symbolic link: a template set may use only its own files")
    if not path.resolve().is_relative_to(folder.resolve()):
        raise TemplateLimitError(f"{path} is outside the template set's folder")


class LimitedEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, with ``range`` bounded and ``*`` and ``**`` unable to build huge values."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals["range"] = bounded_range

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """Refuse a repetition or power whose result would be too large."""
        if operator == "**" and isinstance(right, int) and abs(right) > 64:
            raise TemplateLimitError(f"a power of {right} is over the limit of 64")
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                sized = isinstance(sequence, str | list | tuple) and isinstance(times, int)
                if sized and len(sequence) * times > MAX_OUTPUT_CHARS:
                    raise TemplateLimitError("a repetition with * would build a value over the output limit")
        return super().call_binop(context, operator, left, right)


def bounded_range(*args: int) -> range:
    """``range`` for templates, at most ``MAX_RANGE`` items.

    Raises:
        TemplateLimitError: the range is longer.
    """
    produced = range(*args)
    if len(produced) > MAX_RANGE:
        raise TemplateLimitError(f"range() of {len(produced):,} items is over the limit of {MAX_RANGE:,}")
    return produced


def bounded(render: Callable[[], str]) -> str:
    """Run a render within the time and output limits.

    Raises:
        TemplateLimitError: it ran too long, produced too much, or included itself too deeply.
    """
    deadline = time.monotonic() + MAX_RENDER_SECONDS
    previous = sys.gettrace()

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        if time.monotonic() > deadline:
            raise TemplateLimitError(f"rendering took over {MAX_RENDER_SECONDS:g} s (a loop that runs too long?)")
        return tracer

    sys.settrace(tracer)
    try:
        output = render()
    except RecursionError:
        raise TemplateLimitError("a template includes itself, directly or through others") from None
    finally:
        sys.settrace(previous)
    if len(output) > MAX_OUTPUT_CHARS:
        raise TemplateLimitError(f"the output is {len(output):,} characters, over the limit of {MAX_OUTPUT_CHARS:,}")
    return output


def include_cycles(references: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Templates that include themselves through a chain of includes, with the include that closes the loop."""
    found: list[tuple[str, str]] = []

    def visit(name: str, path: list[str]) -> None:
        for ref in sorted(references.get(name, ())):
            if ref in path:
                found.append((name, ref))
            elif len(path) < MAX_INCLUDE_DEPTH:
                visit(ref, [*path, ref])

    for start in sorted(references):
        visit(start, [start])
    return list(dict.fromkeys(found))
