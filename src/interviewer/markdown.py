"""The report as Markdown, for reading: by answer, then by quality; no internal ids, no server paths."""

from __future__ import annotations

from .calibration import report_calibration
from .domain import ROLE_TITLES, AnswerReview, Report, Transcript
from .grader_card import trust_in
from .rubric import qualities as all_qualities
from .timing import time_taken

SKIPPED = "(skipped)"


def shown_score(score: float | None) -> str:
    """A score as the candidate reads it: "3 / 4", or "not assessed"."""
    return "not assessed" if score is None else f"{score:g} / 4"


def _answer_markdown(answer: AnswerReview, missing: str, limit_minutes: int | None) -> list[str]:
    rubric = all_qualities()
    lines = [f"## Question {answer.number}", "", answer.question, ""]
    if not answer.answers:
        return [*lines, f"*{SKIPPED}*", ""]
    lines.append("**Your answer**")
    lines.append("")
    if taken := time_taken(answer.seconds, limit_minutes):
        lines += [f"*{taken}.*", ""]
    lines += [f"> {line}" if line else ">" for line in answer.answers[0].splitlines()]
    for follow_up, reply in zip(answer.follow_ups, answer.answers[1:], strict=False):
        lines += ["", f"**Follow-up:** {follow_up}", ""]
        lines += [f"> {line}" if line else ">" for line in reply.splitlines()]
    if answer.trust:
        lines += ["", "**Where the stakeholder's trust in the AI went**", ""]
        for step in answer.trust:
            moved = step.moved_by
            said = f": \u201c{step.quote}\u201d" if step.quote else ""
            lines.append(f"- {step.when}: {step.label}{moved}{said}")
    lines += ["", "**Grades**", ""]
    if answer.grade is None:
        lines.append(f"- Not graded yet: {answer.not_graded_why}.")
    for g in answer.graded_on:
        main = " (main quality)" if g.quality is answer.primary else ""
        lines.append(f"- **{rubric[g.quality].name}{main}: {shown_score(g.score)}.** {g.rationale}")
        lines += [f"  - You said: \u201c{quote}\u201d" for quote in g.evidence]
        lines.append(f"  - To improve: {g.improvement}")
        if g.score is not None:
            lines.append(f"  - {trust_in(answer.grade, g.quality).sentence}")
    if answer.self_rating is not None:
        lines += ["", f"You rated yourself {answer.self_rating} / 4 on {rubric[answer.primary].name}."]
    if answer.checklist:
        lines += ["", "**What a strong answer to this question contains**", ""]
        for p in answer.checklist:
            mark = f"covered: \u201c{p.evidence}\u201d" if p.covered else missing
            lines.append(f"- {p.point} ({mark})")
    if answer.exemplar:
        lines += ["", "**A strong answer to this question**", "", answer.exemplar]
    return [*lines, ""]


def report_markdown(report: Report, transcript: Transcript | None = None) -> str:
    """A readable report, by answer, then by quality."""
    rubric = all_qualities()
    grader = "offline heuristic grader (not a model)" if report.heuristic else f"{report.grader}"
    lines = [
        f"# Mock interview report: {ROLE_TITLES[report.config.role]}",
        "",
        f"- Date: {report.created_at:%Y-%m-%d %H:%M} UTC",
        f"- Graded by: {grader}",
    ]
    if not report.heuristic:
        lines.append(f"- Template set: {report.template_set}")
        lines.append(
            f"- Tokens: {report.usage.input_tokens:,} in, {report.usage.output_tokens:,} out"
            f"{' (estimated)' if report.usage.estimated else ''}; cost about ${report.usage.cost_usd:.4f}"
        )
    lines += ["", "# By answer", ""]
    for answer in report.answers:
        missing = "not found by the offline check" if report.heuristic else "missing"
        lines += _answer_markdown(answer, missing, report.config.answer_minutes)
        if answer.question_id == report.narrative.rewrite_question_id and report.narrative.stronger_answer:
            lines += [
                "**A stronger version of your answer (written by the model)**",
                "",
                report.narrative.stronger_answer,
                "",
            ]
    lines += ["# By quality", "", "| Quality | Score | From |", "| --- | --- | --- |"]
    by_id = {a.question_id: a.number for a in report.answers}
    for s in report.qualities:
        source = ", ".join(f"Q{by_id[q]}" for q in (s.from_questions or s.probed_in) if q in by_id)
        lines.append(f"| {rubric[s.quality].name} | {shown_score(s.score)} | {source} |")
    lines += ["", "## Strengths", "", *[f"- {s}" for s in report.narrative.strengths]]
    lines += ["", "## Gaps", "", *[f"- {g}" for g in report.narrative.gaps]]
    lines += ["", "## Role fit", "", report.role_fit.reason]
    calibrated = report_calibration(report)
    if calibrated.ratings:
        lines += ["", "## Your own ratings", "", calibrated.sentence]
    if transcript is not None:
        lines += ["", "## Transcript", ""]
        for t in transcript.turns:
            lines.append(f"**{t.speaker.value.capitalize()}:** {t.text}\n")
    return "\n".join(lines).rstrip() + "\n"
