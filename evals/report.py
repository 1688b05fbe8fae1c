"""Render an evaluation for people: its content as sections of paragraphs and tables, and the terminal text.

``evals.pages`` renders the same sections as Markdown or HTML files. When any reply was synthetic, a
banner opens and closes every rendering.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .evaluation import Evaluation
from .gates import FAIL, INCONCLUSIVE
from .metrics import Agreement, shown_label
from .raters import RaterAgreement

AGREEMENT_COLUMNS = ("quality", "n", "exact", "within 1", "QWK", "Spearman", "bias", "SMD", "none", "failed")
COUNTS = ("adversarial_raised", "probe_raised", "overconfident_not_lower", "pairs_reversed")
"""Checks whose figure is a count, shown without decimals."""


@dataclass
class Table:
    """A table: header cells and rows of cells."""

    headers: list[str]
    rows: list[list[str]]
    align: str = ""
    """One letter a column, ``l`` or ``r``; by default the first column left and the rest right."""

    def alignment(self, column: int) -> str:
        """How a column is aligned in plain text."""
        if self.align:
            return self.align[column]
        return "l" if column == 0 else "r"


@dataclass
class Section:
    """A titled block of paragraphs and tables, in order."""

    title: str
    blocks: list[str | Table] = field(default_factory=list)


def number(value: float | None, digits: int = 3, signed: bool = False) -> str:
    """A figure for display; ``n/a`` when undefined."""
    if value is None:
        return "n/a"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def shown_path(path: str) -> str:
    """A path relative to the working directory when it lies under it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return path


def synthetic_banner(ev: Evaluation) -> str | None:
    """The warning shown around every rendering of synthetic results, or None."""
    if not ev.synthetic:
        return None
    counts = ev.provenance
    used = counts["synthetic"] + counts["recorded"]
    return (
        f"SYNTHETIC: {counts['synthetic']} of {used} replies are synthetic recordings written to exercise the "
        "harness. These figures are NOT a model's performance."
    )


def agreement_rows(ev: Evaluation) -> list[list[str]]:
    """One row per quality, gated ones first, then the overall row."""
    gated = [q.value for q in ev.thresholds.qualities]
    order = [q for q in gated if q in ev.per_quality] + sorted(q for q in ev.per_quality if q not in gated)
    rows = []
    for quality in order:
        a = ev.per_quality[quality]
        mark = " *" if quality in gated else ""
        rows.append(_agreement_row(quality + mark, a))
    assert ev.overall is not None
    rows.append(_agreement_row("overall", ev.overall))
    return rows


def _agreement_row(name: str, a: Agreement) -> list[str]:
    return [
        name,
        str(a.n),
        number(a.exact),
        number(a.within_one),
        number(a.qwk),
        number(a.spearman),
        number(a.mean_bias, 2, signed=True),
        number(a.smd, 2, signed=True),
        number(a.not_enough_evidence_rate, 2),
        number(a.failure_rate, 2),
    ]


def gate_rows(ev: Evaluation) -> list[list[str]]:
    """One row per check: figure, interval, bar (with the reference when it differs), verdict."""
    rows = []
    for g in ev.gates:
        spec = g.spec
        value = number(g.value, 0 if spec.metric in COUNTS else 3)
        interval = f"[{number(g.interval[0])}, {number(g.interval[1])}]" if g.interval else ""
        bar = f"{spec.op} {spec.bar:g}"
        if spec.adjustment:
            bar += f" (reference {spec.reference:g}, {spec.adjustment} for {ev.grader})"
        role = "gated" if spec.gated else "informational"
        reason = g.reason + (f"; {spec.note}" if spec.note else "")
        rows.append([spec.name, value, interval, bar, role, g.status.upper(), reason])
    return rows


def verdict_line(ev: Evaluation) -> str:
    """The one-line result: status and the checks that decided it."""
    failed = [g.spec.name for g in ev.gates if g.spec.gated and g.status == FAIL]
    unsure = [g.spec.name for g in ev.gates if g.spec.gated and g.status == INCONCLUSIVE]
    parts = [f"Result: {ev.status.upper()}"]
    if failed:
        parts.append("failed: " + ", ".join(failed))
    if unsure:
        parts.append("inconclusive: " + ", ".join(unsure))
    return " | ".join(parts)


def _ids(cases: list[dict[str, Any]], key: str = "id", limit: int = 6) -> str:
    # An exchange is graded on several qualities: name the quality where one case shows up twice.
    repeated = len({c[key] for c in cases}) < len(cases)
    shown = [f"{c[key]} {c['quality']}" if repeated and "quality" in c else str(c[key]) for c in cases[:limit]]
    more = f" +{len(cases) - limit} more" if len(cases) > limit else ""
    return f" ({', '.join(shown)}{more})" if shown else ""


def robustness_lines(ev: Evaluation) -> list[str]:
    """Adversarial cases and probes, in words."""
    gated = set(ev.thresholds.gated_tags)
    tags = []
    for tag, found in ev.adversarial.items():
        role = "" if tag in gated else " [reported only]"
        tags.append(f"{tag} {found['raised']}/{found['n']}{_ids(found['cases'])}{role}")
    lines = ["Adversarial gold cases scored above their label: " + ("; ".join(tags) or "none tagged") + "."]
    for kind, found in ev.probes.items():
        if not found["n"]:
            continue
        moves = f"same {found['same']}, lowered {found['lowered']}, failed {found['failed']}"
        if "not_lower" in found:
            lines.append(
                f"Overconfident rewrite (must score lower): not lower {found['not_lower']}/"
                f"{found['n'] - found['not_applicable']}{_ids(found['violations'])} ({moves}; "
                f"{found['not_applicable']} n/a, the original already 1 or unscored)."
            )
        else:
            lines.append(
                f"Probe '{kind}' (must not score higher): raised {found['raised_or_failed']}/{found['n']}"
                f"{_ids(found['violations'])} ({moves})."
            )
    return lines


def pair_line(ev: Evaluation) -> str:
    """Near-duplicate pairs, in words."""
    p = ev.pairs
    if not p["n"]:
        return "No near-duplicate pairs among these cases."
    wrong = [d for d in p["pairs"] if d["verdict"] != "ordered"]
    listed = "; ".join(f"{d['pair']} {d['predicted'][0]}/{d['predicted'][1]} {d['verdict']}" for d in wrong[:8])
    return (
        f"Near-duplicate pairs where the stronger answer scored higher: {p['ordered']}/{p['n']} "
        f"(tied {p['tied']}, reversed {p['reversed']}, unscored {p['unscored']})" + (f": {listed}." if listed else ".")
    )


def usage_line(ev: Evaluation) -> str:
    """Tokens and cost, and what they are."""
    u = ev.usage
    if not ev.provenance["recorded"]:
        reason = "synthetic replies carry no usage" if ev.synthetic else "no model was called"
        return f"Tokens and cost: none ({reason})."
    estimate = " (estimates)" if u.get("estimated") else ""
    return (
        f"Tokens{estimate}: {u['input_tokens']} in, {u['output_tokens']} out, {u['cache_read_tokens']} cache read, "
        f"{u['cache_write_tokens']} cache write; cost about ${u['cost_usd']:.4f} at list prices, as recorded."
    )


def sections(ev: Evaluation) -> list[Section]:
    """The content of every rendering."""
    counts = ev.provenance
    grounding = ev.grounding
    rate = number(grounding["rate"] * 100 if grounding["rate"] is not None else None, 1)
    probes = sum(1 for o in ev.outcomes if o.item.is_probe)
    cases = len({o.item.case.id for o in ev.outcomes})
    header = Section(
        "Evaluation",
        [
            f"Grader: {ev.label}.",
            f"These figures describe: {ev.describes}.",
            f"Cases: {cases}, with {len(ev.outcomes) - probes} labelled (case, quality) pairs, each one prediction; "
            f"plus {probes} predictions on metamorphic probes; from {', '.join(ev.case_files) or 'the given cases'}.",
            f"Replies used: recorded {counts['recorded']}, synthetic {counts['synthetic']}, "
            f"heuristic {counts['heuristic']}.",
            f"Graded {ev.distinct_requests} distinct requests in {number(ev.seconds, 2)} s.",
        ],
    )
    agreement = Section(
        "Agreement with the human labels",
        [
            Table(list(AGREEMENT_COLUMNS), agreement_rows(ev)),
            "Rows marked * are the gated qualities; the others are informational. bias = mean of predicted "
            "minus expected; SMD = bias over the pooled standard deviation; none = 'not enough evidence' rate "
            "(a disagreement, unless the label is 'not enough evidence' too); failed = no valid grade (counted "
            "as the worst prediction). QWK, Spearman, bias and SMD are over the scored cases.",
            *_no_evidence_lines(ev),
        ],
    )
    other = Section(
        "Robustness, pairs, grounding, tokens",
        [
            *robustness_lines(ev),
            pair_line(ev),
            f"Grounding: {grounding['grounded']}/{grounding['quotes']} evidence quotes found in the answer "
            f"({rate} %); {grounding['withheld_scores']} scores withheld because no quote was found.",
            usage_line(ev),
        ],
    )
    gates = Section(
        f"Gates ({shown_path(ev.thresholds.source)}, grader profile: {ev.grader})",
        [
            Table(["check", "value", "95% interval", "bar", "role", "status", "why"], gate_rows(ev), "lrrllll"),
            verdict_line(ev),
        ],
    )
    return [header, agreement, other, gates]


def _widths(table: Table) -> list[int]:
    return [max(len(row[i]) for row in [table.headers, *table.rows]) for i in range(len(table.headers))]


def render_text(blocks: list[Section], banner: str | None = None) -> str:
    """Plain text for the terminal: aligned tables, wrapped by the banner if there is one."""
    out: list[str] = []
    if banner:
        out += ["!" * 100, banner, "!" * 100, ""]
    for section in blocks:
        out.append(f"== {section.title} ==")
        for block in section.blocks:
            if isinstance(block, Table):
                widths = _widths(block)
                for row in [block.headers, *block.rows]:
                    cells = [
                        cell.ljust(width) if block.alignment(i) == "l" else cell.rjust(width)
                        for i, (cell, width) in enumerate(zip(row, widths, strict=True))
                    ]
                    out.append("  ".join(cells).rstrip())
            else:
                out.append(block)
        out.append("")
    if banner:
        out += ["!" * 100, banner, "!" * 100]
    return "\n".join(out).rstrip() + "\n"


def rater_sections(
    figures: list[RaterAgreement], differ: list[dict[str, Any]], first: str, second: str
) -> list[Section]:
    """Two raters' agreement per quality, then where they differed and how it was settled."""
    rows = [
        [
            f.quality,
            str(f.n),
            number(f.exact),
            number(f.within_one),
            number(f.qwk),
            number(f.first_matches_gold),
            number(f.second_matches_gold),
        ]
        for f in figures
    ]
    headers = ["quality", "n", "exact", "within 1", "QWK", "first = gold", "second = gold"]
    agreement = Section(
        f"Rater agreement: {first} vs {second}",
        [
            Table(headers, rows),
            "Each (case, quality) both raters labelled is one pair; null ('not enough evidence') agrees only with "
            "null. This agreement is the ceiling a grader can be held to on these cases. 'gold' is the settled label.",
        ],
    )
    blocks: list[str | Table] = [f"{len(differ)} (case, quality) pairs labelled differently."]
    if differ:
        blocks.append(
            Table(
                ["case", "quality", "first", "second", "settled"],
                [[d["case"], d["quality"], *(shown_label(d[k]) for k in ("first", "second", "gold"))] for d in differ],
                "llrrr",
            )
        )
    return [agreement, Section("Where the raters differed", blocks)]


def _no_evidence_lines(ev: Evaluation) -> list[str]:
    """How often the grader abstained where the label itself is "not enough evidence"."""
    rows = [(q, a) for q, a in ev.per_quality.items() if a.n_no_evidence]
    if not rows:
        return []
    said = ", ".join(f"{q} {round((a.no_evidence_kept or 0) * a.n_no_evidence)}/{a.n_no_evidence}" for q, a in rows)
    return [f"Labelled 'not enough evidence' (off-topic answers), where the grader abstained too: {said}."]
