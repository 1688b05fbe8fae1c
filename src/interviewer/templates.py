"""Template sets: load, inherit from the default set, validate, hash and render in a sandbox.

A set is a directory holding ``manifest.toml`` (name, version, description) and any of the
template files in ``TEMPLATE_FILES``; files it lacks come from the default set, and a template
may also extend or include a default one as ``default/<file>``.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tomllib
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.exceptions import SecurityError

from .config import project_root
from .errors import TemplateError, TemplateProblem
from .template_limits import (
    ContainedLoader,
    LimitedEnvironment,
    TemplateLimitError,
    bounded,
    check_contained,
    include_cycles,
)

TEMPLATE_FILES = (
    "interviewer_system.j2",
    "interviewer_turn.j2",
    "grader_system.j2",
    "grader_user.j2",
    "report_system.j2",
    "report_user.j2",
    "job_post_system.j2",
    "job_post_user.j2",
)
"""Every template a set may hold; the ``*_system`` ones are stable prefixes (the interviewer's and grader's cached)."""

MANIFEST = "manifest.toml"
DEFAULT_SET = "default"


def prompts_root() -> Path:
    """Where the shipped template sets live: inside the installed package, else in the checkout."""
    packaged = Path(__file__).resolve().parent / "prompts"
    if (packaged / DEFAULT_SET / MANIFEST).is_file():
        return packaged
    return project_root() / "prompts"


@dataclass(frozen=True)
class Manifest:
    """A set's name, version and description."""

    name: str
    version: str
    description: str


def _read_manifest(directory: Path) -> Manifest:
    path = directory / MANIFEST
    if not path.is_file():
        raise TemplateError([TemplateProblem(str(path), None, "missing manifest.toml (name, version, description)")])
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError([TemplateProblem(str(path), getattr(exc, "lineno", None), str(exc))]) from exc
    problems = [
        TemplateProblem(str(path), None, f"manifest lacks '{key}'")
        for key in ("name", "version")
        if not isinstance(data.get(key), str) or not data.get(key)
    ]
    if problems:
        raise TemplateError(problems)
    return Manifest(str(data["name"]), str(data["version"]), str(data.get("description", "")))


class TemplateSet:
    """A loaded template set, ready to render.

    Args:
        directory: the set's folder.
        default_dir: the set it inherits from (the shipped default set unless given).
    """

    def __init__(self, directory: Path, default_dir: Path | None = None) -> None:
        self.directory = directory.resolve()
        self.default_dir = (default_dir or prompts_root() / DEFAULT_SET).resolve()
        if not self.directory.is_dir():
            raise TemplateError([TemplateProblem(str(directory), None, "template set directory not found")])
        self.manifest = _read_manifest(self.directory)
        loaders: list[jinja2.BaseLoader] = [
            jinja2.PrefixLoader({DEFAULT_SET: ContainedLoader(self.default_dir)}),
            ContainedLoader(self.directory),
        ]
        if self.directory != self.default_dir:
            loaders.append(ContainedLoader(self.default_dir))
        self.env = LimitedEnvironment(
            loader=jinja2.ChoiceLoader(loaders),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self._stable: dict[tuple[str, bytes], str] = {}

    @property
    def name(self) -> str:
        """The manifest's name."""
        return self.manifest.name

    @property
    def title(self) -> str:
        """Name and version, as the candidate sees the set."""
        return f"{self.manifest.name}@{self.manifest.version}"

    @property
    def label(self) -> str:
        """Name, version and short hash, for reports and recordings."""
        return f"{self.manifest.name}@{self.manifest.version} ({self.content_hash[:10]})"

    def source_path(self, name: str) -> Path:
        """The file a template name resolves to: the set's own, else the default's."""
        if name.startswith(DEFAULT_SET + "/"):
            return self.default_dir / name.split("/", 1)[1]
        own = self.directory / name
        return own if own.is_file() else self.default_dir / name

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 over the manifest and every template file the set actually uses."""
        digest = hashlib.sha256()
        digest.update(f"{self.manifest.name}\0{self.manifest.version}\0".encode())
        for name in self._used_files():
            path = self.source_path(name)
            if self._contained(path):
                digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
        return digest.hexdigest()

    def _contained(self, path: Path) -> bool:
        folder = self.default_dir if path.parent.resolve() == self.default_dir else self.directory
        try:
            check_contained(path, folder)
        except TemplateLimitError:
            return False
        return path.is_file()

    def _references(self) -> dict[str, set[str]]:
        """Which templates each template of the set includes, extends or imports."""
        references: dict[str, set[str]] = {}
        pending = list(TEMPLATE_FILES)
        while pending:
            name = pending.pop()
            if name in references:
                continue
            references[name] = set()
            path = self.source_path(name)
            if not self._contained(path):
                continue
            try:
                refs = meta.find_referenced_templates(self.env.parse(path.read_text(encoding="utf-8")))
            except jinja2.TemplateSyntaxError:
                continue
            references[name] = {ref for ref in refs if ref}
            pending.extend(references[name])
        return references

    def _used_files(self) -> list[str]:
        return sorted(self._references())

    def render(self, name: str, context: Mapping[str, Any]) -> str:
        """Render one template with the given variables.

        Raises:
            TemplateError: naming the file and line of a syntax error, an undefined variable
                or a blocked attribute.
        """
        try:
            template = self.env.get_template(name)
            return bounded(lambda: template.render(**context).strip())
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError([_syntax_problem(self, exc)]) from exc
        except (jinja2.UndefinedError, SecurityError, jinja2.TemplateError) as exc:
            raise TemplateError([_runtime_problem(self, name, exc)]) from exc

    def render_stable(self, name: str, context: Mapping[str, Any]) -> str:
        """``render``, remembered for the same context: for a prompt that every request repeats.

        A system prompt renders the same for a whole interview (or every grading call), so it is
        rendered once rather than on every request.
        """
        # Pickling the context is cheap next to rendering it; dumping its models to JSON was not.
        key = (name, pickle.dumps(dict(context)))
        if key not in self._stable:
            self._stable[key] = self.render(name, context)
        return self._stable[key]

    def validate(self, sample_contexts: Mapping[str, Mapping[str, Any]]) -> list[TemplateProblem]:
        """Every problem in the set: syntax, unknown files, unknown variables, failing renders."""
        problems: list[TemplateProblem] = []
        for path in sorted(self.directory.iterdir()):
            if path.is_symlink() or not path.resolve().is_relative_to(self.directory):
                problems.append(
                    TemplateProblem(str(path), None, "a symbolic link: a template set may use only its own files")
                )
        for name, ref in include_cycles(self._references()):
            path = self.source_path(name)
            problems.append(TemplateProblem(str(path), _line_of(path, ref), f"includes itself through {ref}"))
        if problems:
            return problems  # rendering a set that loops or reaches outside its folder is not attempted
        for path in sorted(self.directory.glob("*.j2")):
            if path.name not in TEMPLATE_FILES and not _is_partial(path.name):
                problems.append(
                    TemplateProblem(
                        str(path), None, f"unknown template file; expected one of {', '.join(TEMPLATE_FILES)}"
                    )
                )
        for name in TEMPLATE_FILES:
            path = self.source_path(name)
            if not path.is_file():
                problems.append(TemplateProblem(str(path), None, "template file missing"))
                continue
            try:
                ast = self.env.parse(path.read_text(encoding="utf-8"), name, str(path))
            except jinja2.TemplateSyntaxError as exc:
                problems.append(_syntax_problem(self, exc))
                continue
            context = sample_contexts.get(name, {})
            problems.extend(_unknown_variables(path, ast, set(context)))
            try:
                self.render(name, context)
            except TemplateError as exc:
                problems.extend(p for p in exc.problems if not _already(problems, p))
        return problems


def _is_partial(filename: str) -> bool:
    return filename.startswith("_")


def _already(problems: list[TemplateProblem], problem: TemplateProblem) -> bool:
    return any(p.file == problem.file and p.line == problem.line for p in problems)


def _syntax_problem(tset: TemplateSet, exc: jinja2.TemplateSyntaxError) -> TemplateProblem:
    file = exc.filename or (str(tset.source_path(exc.name)) if exc.name else str(tset.directory))
    return TemplateProblem(file, exc.lineno, f"syntax error: {exc.message}")


def _runtime_problem(tset: TemplateSet, name: str, exc: Exception) -> TemplateProblem:
    """Find the template line of a render error in the traceback Jinja rewrites to template lines."""
    file, line = str(tset.source_path(name)), None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith(".j2") and os.path.exists(frame.filename):
            file, line = frame.filename, frame.lineno
    if isinstance(exc, TemplateLimitError):
        kind = "over a limit"
    elif isinstance(exc, SecurityError):
        kind = "blocked by the sandbox"
    else:
        kind = "undefined variable or attribute"
    return TemplateProblem(file, line, f"{kind}: {exc}")


def _line_of(path: Path, ref: str) -> int | None:
    """The line of a template that names another (an include, extends or import)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    return next((n for n, line in enumerate(lines, start=1) if ref in line), None)


def _unknown_variables(path: Path, ast: nodes.Template, known: set[str]) -> list[TemplateProblem]:
    undeclared = meta.find_undeclared_variables(ast) - known
    problems = []
    for name in sorted(undeclared):
        line = next((n.lineno for n in ast.find_all(nodes.Name) if n.name == name and n.ctx == "load"), None)
        allowed = ", ".join(sorted(known)) or "none"
        problems.append(TemplateProblem(str(path), line, f"unknown variable '{name}' (available: {allowed})"))
    return problems


def discover_sets(extra: Path | None = None, root: Path | None = None) -> list[Path]:
    """Template set directories: the shipped ones, plus ``extra`` (a set or a folder of sets)."""
    found: list[Path] = []
    candidates = [root or prompts_root()]
    if extra is not None:
        candidates.append(extra)
    for base in candidates:
        if (base / MANIFEST).is_file():
            found.append(base.resolve())
        elif base.is_dir():
            found.extend(sorted(p.resolve() for p in base.iterdir() if (p / MANIFEST).is_file()))
    return list(dict.fromkeys(found))


def resolve_set(name_or_dir: str | Path, extra: Path | None = None) -> Path:
    """Turn a set's name (``default``, ``plain``) or directory into its directory.

    Raises:
        TemplateError: no set by that name or at that path.
    """
    path = Path(name_or_dir)
    if (path / MANIFEST).is_file() or path.is_dir():
        return path
    for directory in discover_sets(extra):
        if directory.name == str(name_or_dir):
            return directory
    raise TemplateError(f"no template set named {str(name_or_dir)!r}: give a directory or one of the shipped sets")


def load_set(name_or_dir: str | Path = DEFAULT_SET, extra: Path | None = None) -> TemplateSet:
    """Load a template set by name or directory."""
    return TemplateSet(resolve_set(name_or_dir, extra))


SampleContexts = Callable[[], Mapping[str, Mapping[str, Any]]]
