"""Command line: ``python -m evals run | compare | synth | raters | card``.

Exit status of ``run``: 0 every gated check passes; 1 a gated check fails; 3 none fails but one is
inconclusive (0 with ``--allow-inconclusive``); 2 a usage or setup error (bad cases file, broken
template set, missing recording, no key for record mode).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from dataclasses import replace
from pathlib import Path

from interviewer.backends import checked_templates
from interviewer.config import Settings
from interviewer.errors import ConfigError, InterviewerError, ReplayMissError

from . import compare as comparing
from . import pages, report
from . import raters as rating
from .card import CARD_CASES, build_card, merged, read_card, write_card
from .card import DEFAULT_OUT as DEFAULT_CARD
from .cases import case_files, load_cases
from .evaluation import Evaluation, evaluate
from .graders import (
    HEURISTIC,
    LLM_GRADER,
    STALE_SYNTHETIC,
    HeuristicSubject,
    LLMSubject,
    RecordSource,
    ReplaySource,
    Subject,
)
from .progress import ProgressBar
from .report import shown_path
from .synthetic import DEFAULT_DIR as SYNTHETIC_DIR
from .synthetic import KINDS, synthesize, write_synthetic
from .thresholds import load_thresholds

EVALS_DIR = Path(__file__).resolve().parent
DEFAULT_RECORDINGS = EVALS_DIR / "recordings" / "recorded"
DEFAULT_CASES = EVALS_DIR / "cases"
USAGE_ERROR = 2


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cases", nargs="+", required=True, metavar="FILE_OR_DIR", help="case files or dirs")
    parser.add_argument("--mode", choices=("replay", "record"), default="replay", help="llm grader: replay (default)")
    parser.add_argument(
        "--recordings",
        type=Path,
        default=DEFAULT_RECORDINGS,
        metavar="DIR",
        help=f"llm grader: recordings to replay, and where record mode writes (default {DEFAULT_RECORDINGS})",
    )
    parser.add_argument("--model", help="llm grader: the model to ask (default INTERVIEWER_MODEL)")
    parser.add_argument(
        "--backend",
        choices=("anthropic", "openai"),
        default="anthropic",
        help="record mode: Claude, or an OpenAI-compatible server (OPENAI_BASE_URL)",
    )
    parser.add_argument("--thresholds", type=Path, metavar="FILE", help="gates file (default evals/thresholds.toml)")
    parser.add_argument("--json", type=Path, metavar="OUT", help="write every figure as JSON")
    parser.add_argument("--no-probes", action="store_true", help="grade the gold cases only, no metamorphic probes")
    parser.add_argument("--workers", type=int, default=1, help="parallel grading requests (useful in record mode)")
    parser.add_argument("--no-progress", action="store_true", help="never draw a progress bar")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m evals``."""
    parser = argparse.ArgumentParser(prog="python -m evals", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="measure one grader against the gold cases and gate on the result")
    _common(run)
    run.add_argument("--grader", choices=(HEURISTIC, LLM_GRADER), required=True)
    run.add_argument("--prompts", metavar="DIR", help="llm grader: template set name or directory (default: default)")
    run.add_argument("--report", type=Path, metavar="OUT.md|OUT.html", help="write a report with confusion matrices")
    run.add_argument("--allow-inconclusive", action="store_true", help="exit 0 rather than 3 when only inconclusive")
    run.set_defaults(handler=_run)

    cmp = sub.add_parser("compare", help="run template sets on the same cases and show them side by side")
    _common(cmp)
    cmp.add_argument("--prompts", nargs="+", required=True, metavar="DIR", help="two or more template sets")
    cmp.add_argument("--heuristic", action="store_true", help="add the heuristic grader as a column")
    cmp.set_defaults(handler=_compare)

    synth = sub.add_parser("synth", help="write synthetic recordings (provenance synthetic) for the harness's tests")
    synth.add_argument("--cases", nargs="+", default=[str(DEFAULT_CASES)], metavar="FILE_OR_DIR")
    synth.add_argument("--prompts", nargs="+", default=["default"], metavar="DIR", help="template sets to key for")
    synth.add_argument("--kind", nargs="+", choices=KINDS, default=list(KINDS))
    synth.add_argument("--out", type=Path, default=SYNTHETIC_DIR, metavar="DIR")
    synth.add_argument("--model", help="the model the requests name (default INTERVIEWER_MODEL or the library's)")
    synth.add_argument("--thresholds", type=Path, metavar="FILE", help="its gated qualities are the probed ones")
    synth.set_defaults(handler=_synth)

    raters = sub.add_parser("raters", help="agreement between two raters who labelled the same cases separately")
    raters.add_argument("--cases", nargs="+", default=[str(DEFAULT_CASES)], metavar="FILE_OR_DIR")
    raters.add_argument("--first", type=Path, required=True, metavar="FILE", help="the first rater's labels")
    raters.add_argument("--second", type=Path, required=True, metavar="FILE", help="the second rater's labels")
    raters.add_argument("--json", type=Path, metavar="OUT", help="write the figures and disagreements as JSON")
    raters.set_defaults(handler=_raters)

    card = sub.add_parser("card", help="write the calibration card the app shows beside each score")
    card.add_argument(
        "--cases", nargs="+", default=[str(p) for p in CARD_CASES], metavar="PATH", help="default: the held-out cases"
    )
    card.add_argument(
        "--recordings", nargs="*", type=Path, default=[], metavar="DIR", help="also measure the LLM grader on these"
    )
    card.add_argument("--prompts", default="default", metavar="DIR", help="the template set the recordings are for")
    card.add_argument("--model", help="the model the requests name (default INTERVIEWER_MODEL)")
    card.add_argument("--out", type=Path, default=DEFAULT_CARD, metavar="FILE")
    card.set_defaults(handler=_card)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m evals``."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except InterviewerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE_ERROR


def _subject(grader: str, prompts: str | None, args: argparse.Namespace, settings: Settings) -> Subject:
    if grader == HEURISTIC:
        return HeuristicSubject()
    templates = checked_templates(prompts or "default", settings)
    model = args.model or settings.model
    if args.mode == "record":
        recording = replace(settings, model=model)
        return LLMSubject(templates, model, RecordSource(args.recordings, templates, recording, backend=args.backend))
    source = ReplaySource(args.recordings)
    if not source.files:
        raise ConfigError(
            f"no recordings in {args.recordings}. Record real replies once with a key (ANTHROPIC_API_KEY=... "
            "python -m evals run ... --grader llm --mode record), or replay the synthetic ones with "
            "--recordings evals/recordings/synthetic/calibrated"
        )
    return LLMSubject(templates, model, source)


def _evaluate(subject: Subject, args: argparse.Namespace, label: str) -> Evaluation:
    cases = load_cases(args.cases)
    thresholds = load_thresholds(args.thresholds)
    progress = ProgressBar(label, enabled=not args.no_progress)
    try:
        return evaluate(
            subject,
            cases,
            thresholds,
            probes=not args.no_probes,
            workers=args.workers,
            progress=progress,
            case_files=[str(f) for f in case_files(Path(p) for p in args.cases)],
        )
    except ReplayMissError as exc:
        source = getattr(subject, "source", None)
        if isinstance(source, ReplaySource) and source.synthetic:
            raise ConfigError(f"{exc}\n{STALE_SYNTHETIC}") from exc
        raise


def _recorded_note(subject: Subject) -> str | None:
    source = getattr(subject, "source", None)
    if isinstance(source, RecordSource):
        return f"Recorded {source.recorded} new replies to {source.path} (provenance: recorded)."
    return None


def _run(args: argparse.Namespace) -> int:
    if args.grader == HEURISTIC and (args.prompts or args.mode != "replay"):
        raise ConfigError("--prompts and --mode apply to the llm grader only")
    if args.report and args.report.suffix.lower() not in pages.REPORT_SUFFIXES:
        raise ConfigError(f"{args.report}: the report must end in {' or '.join(pages.REPORT_SUFFIXES)}")
    if args.report and importlib.util.find_spec("matplotlib") is None:
        raise ConfigError("--report draws its pictures with matplotlib: pip install 'ai-pm-interview-coach[evals]'")
    settings = Settings.from_env()
    subject = _subject(args.grader, args.prompts, args, settings)
    ev = _evaluate(subject, args, f"grading ({args.grader})")
    print(report.render_text(report.sections(ev), report.synthetic_banner(ev)), end="")
    note = _recorded_note(subject)
    if note:
        print(note)
    if args.json:
        pages.write_json(ev.to_json(), args.json)
        print(f"Wrote {args.json}")
    if args.report:
        for path in pages.write_report(ev, args.report):
            print(f"Wrote {path}")
    return ev.exit_code(allow_inconclusive=args.allow_inconclusive)


def _compare(args: argparse.Namespace) -> int:
    if len(args.prompts) + int(args.heuristic) < 2:
        raise ConfigError("compare needs at least two graders: give two or more --prompts, or add --heuristic")
    settings = Settings.from_env()
    evaluations = []
    for prompts in args.prompts:
        subject = _subject(LLM_GRADER, prompts, args, settings)
        ev = _evaluate(subject, args, f"grading ({Path(prompts).name})")
        evaluations.append(ev)
        note = _recorded_note(subject)
        if note:
            print(note)
    if args.heuristic:
        evaluations.append(_evaluate(HeuristicSubject(), args, "grading (heuristic)"))
    comparison = comparing.Comparison(evaluations)
    print(report.render_text(comparing.sections(comparison), comparing.banner(comparison)), end="")
    if args.json:
        pages.write_json(comparison.to_json(), args.json)
        print(f"Wrote {args.json}")
    return 0


def _synth(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    cases = load_cases(args.cases)
    qualities = load_thresholds(args.thresholds).qualities
    model = args.model or settings.model
    for prompts in args.prompts:
        templates = checked_templates(prompts, settings)
        for kind in args.kind:
            records = synthesize(cases, templates, model, kind, qualities)
            path = write_synthetic(records, args.out, kind, templates)
            print(f"Wrote {len(records)} synthetic recordings ({kind}, {templates.label}, model {model}) to {path}")
    return 0


def _raters(args: argparse.Namespace) -> int:
    cases = load_cases(args.cases)
    first, second = rating.load_rater(args.first, cases), rating.load_rater(args.second, cases)
    figures = rating.agreement(first, second, cases)
    differ = rating.disagreements(first, second, cases)
    print(report.render_text(report.rater_sections(figures, differ, args.first.name, args.second.name)), end="")
    if args.json:
        payload = {
            "schema": "evals.raters/1",
            "first": str(args.first),
            "second": str(args.second),
            "per_quality": {f.quality: f.to_dict() for f in figures},
            "disagreements": differ,
        }
        pages.write_json(payload, args.json)
        print(f"Wrote {args.json}")
    return 0


def _card(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    cases = load_cases(args.cases)
    subjects: list[Subject] = [HeuristicSubject()]
    if args.recordings:
        templates = checked_templates(args.prompts, settings)
        model = args.model or settings.model
        subjects += [LLMSubject(templates, model, ReplaySource(directory)) for directory in args.recordings]
    shown = [shown_path(str(p)) for p in args.cases]
    card = merged(build_card(subjects, cases, load_thresholds(), shown), read_card(args.out))
    write_card(card, args.out)
    for e in card.entries:
        print(f"{e.grader} ({e.source}): " + ", ".join(f"{q.value} {f.qwk} (n {f.n})" for q, f in e.qualities.items()))
    print(f"Wrote {args.out}")
    return 0
