"""A scripted Claude for the fake Messages API, reading what to do from metadata, not from template wording.

The backend sends what each request is about (purpose, step, question, qualities) as ``x-interviewer-*``
headers; the kind of structured reply comes from the output schema's title. Rewording a template
therefore changes nothing here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from interviewer import questions

Responder = Callable[[dict[str, Any], dict[str, str]], object]


def scripted_claude(quote: str = "an eval set", score: int = 3) -> Responder:
    """A responder that asks the planned questions in turn, grades every quality ``score`` citing ``quote``,
    and writes a report.
    """

    def respond(body: dict[str, Any], headers: dict[str, str]) -> object:
        meta = {k.removeprefix("x-interviewer-"): v for k, v in headers.items() if k.startswith("x-interviewer-")}
        schema = body.get("output_config", {}).get("format", {}).get("schema", {}).get("title")
        if schema == "LLMGradeOutput":
            return {
                "grades": [
                    {"quality": q, "score": score, "evidence": [quote], "rationale": "r", "improvement": "i"}
                    for q in meta["qualities"].split(",")
                ],
                "feedback": "Good specifics.",
            }
        if schema == "ReportNarrative":
            return {
                "strengths": ["Cited a number."],
                "gaps": ["No rollout plan."],
                "rewrite_question_id": meta["questions"].split(",")[0],
                "stronger_answer": "A stronger answer.",
            }
        if meta.get("step") == "opening":
            return "<move>next</move>Welcome to the interview. First question: how would you verify it?<notes>n</notes>"
        if not meta.get("next-question"):
            return "<move>next</move>Thank you. Your report is being prepared.<notes>n</notes>"
        return "<move>next</move>Thanks. " + questions.by_id(meta["next-question"]).text + "<notes>n</notes>"

    respond.reads_headers = True  # type: ignore[attr-defined]
    return respond
