"""Reports as Markdown and JSON, for download."""

from __future__ import annotations

import json

from .domain import ROLE_TITLES, Report, Transcript
from .rubric import qualities as all_qualities


def report_json(report: Report, transcript: Transcript | None = None) -> str:
    """The report (and the transcript, without the interviewer's private notes) as JSON."""
    data = report.model_dump(mode="json")
    if transcript is not None:
        data["transcript"] = [t.model_dump(mode="json", exclude={"notes"}) for t in transcript.turns]
    return json.dumps(data, indent=2, ensure_ascii=False)


def report_markdown(report: Report, transcript: Transcript | None = None) -> str:
    """A readable report with every score's evidence and improvement."""
    rubric = all_qualities()
    lines = [
        f"# Mock interview report: {ROLE_TITLES[report.config.role]}",
        "",
        f"- Date: {report.created_at:%Y-%m-%d %H:%M} UTC",
        f"- Grader: {report.grader}{' (heuristic, offline)' if report.heuristic else ''}",
        f"- Template set: {report.template_set} ({report.template_hash[:10]})",
        f"- Tokens: {report.usage.input_tokens:,} in, {report.usage.output_tokens:,} out"
        f"{' (estimated)' if report.usage.estimated else ''}; cost about ${report.usage.cost_usd:.4f}",
        "",
        "## Scores",
        "",
        "| Quality | Score |",
        "| --- | --- |",
    ]
    for s in report.qualities:
        lines.append(
            f"| {rubric[s.quality].name} | {'not enough evidence' if s.score is None else f'{s.score:g} / 4'} |"
        )
    lines += ["", "## Strengths", "", *[f"- {s}" for s in report.narrative.strengths]]
    lines += ["", "## Gaps", "", *[f"- {g}" for g in report.narrative.gaps]]
    lines += ["", "## Evidence per answer", ""]
    for grade in report.answer_grades:
        lines.append(f"### {grade.question_id}")
        for g in grade.grades:
            shown = "not enough evidence" if g.score is None else f"{g.score}/4"
            lines.append(f"- **{rubric[g.quality].name}: {shown}.** {g.rationale}")
            lines += [f"  > {quote}" for quote in g.evidence]
            lines.append(f"  - Improve: {g.improvement}")
        lines.append("")
    lines += [
        f"## A stronger answer to {report.narrative.rewrite_question_id}",
        "",
        report.narrative.stronger_answer,
        "",
        f"## Role fit: {ROLE_TITLES[report.narrative.role_fit]}",
        "",
        report.narrative.role_fit_reason,
    ]
    if transcript is not None:
        lines += ["", "## Transcript", ""]
        for t in transcript.turns:
            lines.append(f"**{t.speaker.value.capitalize()}:** {t.text}\n")
    return "\n".join(lines).rstrip() + "\n"
