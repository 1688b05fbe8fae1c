"""Command line: template sets, an interview in the terminal, and a review of answers drafted elsewhere."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import NoReturn

from . import __version__
from .backends import LIVE_BACKENDS
from .config import Settings
from .errors import AnswerError, BackendError, InterviewerError, StaleSessionError
from .export import shown_score
from .logs import configure as configure_logging
from .prompt_context import sample_contexts
from .rubric import qualities
from .templates import TemplateSet, discover_sets
from .turns import TurnStream


def _templates_list(settings: Settings) -> int:
    for directory in discover_sets(settings.prompts):
        try:
            tset = TemplateSet(directory)
        except InterviewerError as exc:
            print(f"{directory}: broken: {exc}")
            continue
        print(f"{tset.label:40} {directory}  {tset.manifest.description}")
    return 0


def _templates_validate(paths: list[str], settings: Settings) -> int:
    targets = [Path(p) for p in paths] or discover_sets(settings.prompts)
    failed = 0
    for directory in targets:
        try:
            problems = TemplateSet(directory).validate(sample_contexts())
        except InterviewerError as exc:
            print(f"FAIL {directory}\n  {exc}")
            failed += 1
            continue
        if problems:
            failed += 1
            print(f"FAIL {directory}")
            for problem in problems:
                print(f"  {problem}")
        else:
            print(f"ok   {directory}")
    return 1 if failed else 0


def _say(exc: InterviewerError) -> str:
    """A library error worded for the terminal."""
    if isinstance(exc, AnswerError) and "empty" in str(exc):
        return "Your answer is empty: type an answer, /skip or /end."
    if isinstance(exc, BackendError):
        return f"The interviewer did not answer: {exc}. Your answers are saved. Press Enter to retry, or type /bank."
    if isinstance(exc, StaleSessionError):
        return "This interview was continued elsewhere; resume it again to carry on from the latest turn."
    return f"{str(exc)[:1].upper()}{str(exc)[1:]}."


def _speak(action: Callable[[], TurnStream]) -> None:
    try:
        turn = action()
        for chunk in turn:
            print(chunk, end="", flush=True)
        print()
        if turn.notice:
            print(f"({turn.notice})")
    except InterviewerError as exc:
        print(f"\n{_say(exc)}")


def _interview(args: argparse.Namespace, settings: Settings) -> int:
    from .backends import create_backend
    from .domain import InterviewConfig, Role
    from .interview import Interview
    from .state import Step
    from .storage import Store

    store = Store(settings.db)
    backend = create_backend(args.backend, settings=settings, templates=args.prompts)
    if args.resume:
        interview = Interview.resume(backend, store, args.resume)
    else:
        interview = Interview(backend, InterviewConfig(role=Role(args.role), num_questions=args.questions), store=store)
    print(f"Saved to {store.where} as session {interview.session_id}.")
    print(
        f"Type /skip to skip a question, /end to finish; resume later with: interviewer interview --resume "
        f"{interview.session_id}\n"
    )
    for turn in interview.transcript.turns:
        print(f"{'>' if turn.speaker.value == 'candidate' else ''} {turn.text}".strip() + "\n")
    try:
        if interview.step is Step.OPENING and not interview.transcript.turns:
            _speak(interview.start)
        while not interview.finished:
            typed = input("\n> ")
            if interview.needs_retry:
                _speak(interview.go_on_without_model if typed.strip() == "/bank" else interview.retry)
            elif typed.strip() == "/end":
                interview.end()
            elif typed.strip() == "/skip":
                _speak(interview.skip)
            else:
                _speak(partial(interview.answer, typed))
    except (EOFError, KeyboardInterrupt):
        print(f"\nStopped. Your answers are saved; resume with: interviewer interview --resume {interview.session_id}")
        interview.close()
        return 0
    report = interview.report(timeout=120)
    print()
    names = {q: quality.name for q, quality in qualities().items()}
    for summary in report.qualities:
        print(f"{names[summary.quality]:28} {shown_score(summary.score)}")
    if not report.final:
        print(f"\n{len(report.not_graded)} answer(s) not graded yet; resume the session later to fill the report in.")
    print(f"\nRole fit: {report.role_fit.reason}")
    interview.close()
    return 0


def _review(args: argparse.Namespace, settings: Settings) -> int:
    from .backends import create_backend
    from .domain import InterviewConfig, Role
    from .export import report_json, report_markdown, shown_score
    from .review import review
    from .rubric import qualities

    backend = create_backend(args.backend, settings=settings, templates=args.prompts)
    report, transcript = review(Path(args.file), backend, InterviewConfig(role=Role(args.role)))
    names = {q: quality.name for q, quality in qualities().items()}
    for answer in report.answers:
        print(f"Question {answer.number}: {answer.question}")
        for grade in answer.graded_on:
            print(f"  {names[grade.quality]:28} {shown_score(grade.score)}")
    print("\nBy quality:")
    for summary in report.qualities:
        print(f"  {names[summary.quality]:28} {shown_score(summary.score)}")
    if args.json:
        Path(args.json).write_text(report_json(report, transcript), encoding="utf-8")
        print(f"\nJSON written to {args.json}")
    if args.markdown:
        Path(args.markdown).write_text(report_markdown(report, transcript), encoding="utf-8")
        print(f"Markdown written to {args.markdown}")
    return 0


def _read_post(file: str) -> str | None:
    """The job post's text from a file or ``-`` (stdin), or None after saying on stderr why it cannot be read."""
    where = "standard input" if file == "-" else file
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except FileNotFoundError:
        print(
            f"error: no job post at {where}: give the path of a text file holding the post, or - for stdin",
            file=sys.stderr,
        )
        return None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
        print(f"error: cannot read the job post from {where} ({reason}): save it as a UTF-8 text file", file=sys.stderr)
        return None
    if not text.strip():
        print(f"error: the job post in {where} is empty: paste the post's text into it", file=sys.stderr)
        return None
    return text


def _job(args: argparse.Namespace, settings: Settings) -> int:
    import json

    from .backends import create_backend
    from .job_post import read_job_post

    text = _read_post(args.file)
    if text is None:
        return 2
    backend = create_backend(args.backend, settings=settings, templates=args.prompts)
    reading = read_job_post(text, backend, budget=settings.budget)
    if args.json:
        print(json.dumps(reading.contract(), ensure_ascii=False, indent=2))
        return 0
    names = {q: quality.name for q, quality in qualities().items()}
    print(f"{reading.summary}.")
    print(f"Read by: {reading.reader}")
    if reading.notice:
        print(f"({reading.notice})")
    if reading.evidence:
        print("\nFrom the post:")
        for evidence in reading.evidence:
            tag = f"[{evidence.role.value}] " if reading.mixed and evidence.role else ""
            print(f"  \u201c{evidence.quote}\u201d\n    {tag}{evidence.why}")
    if reading.focus:
        print(f"\nThe post stresses: {', '.join(names[q] for q in reading.focus)}")
    return 0


APP_DEFAULTS = [
    "--server.address",
    "127.0.0.1",
    "--server.headless",
    "true",
    "--browser.gatherUsageStats",
    "false",
    "--client.toolbarMode",
    "minimal",
]
"""What ``interviewer app`` passes to Streamlit before the candidate's own options (which win)."""


def _app(options: list[str]) -> NoReturn:
    entry = Path(__file__).resolve().parent / "ui" / "entry.py"
    command = [sys.executable, "-m", "streamlit", "run", str(entry), *APP_DEFAULTS, *options]
    # Become the server rather than wait on it: a signal to `interviewer app` then stops Streamlit too.
    os.execv(sys.executable, command)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``interviewer`` and ``python -m interviewer``."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["app"]:
        # Streamlit's own options (``--server.port 8600``) go through untouched, so argparse never sees them.
        # No logging set-up here: the process becomes Streamlit, and the app sets up its own.
        return _app(argv[1:])
    parser = argparse.ArgumentParser(prog="interviewer", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    templates = sub.add_parser("templates", help="list or validate template sets")
    tsub = templates.add_subparsers(dest="action", required=True)
    tsub.add_parser("list", help="list the template sets found")
    validate = tsub.add_parser("validate", help="validate sets (all found when none given)")
    validate.add_argument("paths", nargs="*")
    run = sub.add_parser("interview", help="run an interview in the terminal")
    run.add_argument("--backend", choices=LIVE_BACKENDS, default=None)
    run.add_argument("--role", choices=["builder", "integrator", "orchestrator"], default="integrator")
    run.add_argument("--questions", type=int, default=3)
    run.add_argument("--prompts", default=None)
    run.add_argument("--resume", metavar="ID", default=None, help="carry on a stored session")
    check = sub.add_parser("review", help="grade answers drafted elsewhere and write the report")
    check.add_argument("file", help="JSON Lines: {question_id, answer} or {question, qualities, answer}")
    check.add_argument("--backend", choices=LIVE_BACKENDS, default=None)
    check.add_argument("--role", choices=["builder", "integrator", "orchestrator"], default="integrator")
    check.add_argument("--prompts", default=None)
    check.add_argument("--json", metavar="OUT", help="write the report as JSON (the app's download)")
    check.add_argument("--markdown", metavar="OUT", help="write the report as Markdown")
    job = sub.add_parser("job", help="read a job post as one of the three kinds of AI PM role, quoting it")
    job.add_argument("file", help="a text file holding the post, or - to read it from standard input")
    job.add_argument("--backend", choices=LIVE_BACKENDS, default=None)
    job.add_argument("--prompts", default=None)
    job.add_argument("--json", action="store_true", help="print the reading as JSON")
    sub.add_parser("schema", help="print the JSON Schema of the report download")
    app = sub.add_parser("app", help="start the app in the browser (options after it go to streamlit run)")
    app.add_argument("streamlit_options", nargs="*", help="e.g. --server.port 8600 (passed on as they are)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    args = parser.parse_args(argv)
    configure_logging()
    # A lone surrogate typed or pasted in the terminal must never crash printing it back.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    try:
        settings = Settings.from_env()
        if args.command == "templates":
            if args.action == "list":
                return _templates_list(settings)
            return _templates_validate(args.paths, settings)
        if args.command == "review":
            return _review(args, settings)
        if args.command == "job":
            return _job(args, settings)
        if args.command == "schema":
            from .export import schema_text

            print(schema_text(), end="")
            return 0
        return _interview(args, settings)
    except InterviewerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
