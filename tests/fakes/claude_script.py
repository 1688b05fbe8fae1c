"""A scripted Claude for the fake Messages API: interviews, grades and reports from the request alone."""

from __future__ import annotations

from collections.abc import Callable

Responder = Callable[[dict[str, object]], object]

NEXT_MARKER = "keeping its substance: "


def scripted_claude(quote: str = "an eval set", score: int = 3) -> Responder:
    """A responder that asks the planned questions in turn, grades every quality ``score`` citing ``quote``,
    and writes a report; it reads what to do from the templates' own words.
    """

    def respond(body: dict[str, object]) -> object:
        system = " ".join(block["text"] for block in body.get("system", []))  # type: ignore[union-attr, index]
        user = str(body["messages"][-1]["content"])  # type: ignore[index]
        if "output_config" in body and "Grade these qualities" in user:
            ids = user.split("in this order: ")[1].split("\n")[0].strip().rstrip(".").split(", ")
            return {
                "grades": [
                    {"quality": q, "score": score, "evidence": [quote], "rationale": "r", "improvement": "i"}
                    for q in ids
                ],
                "feedback": "Good specifics.",
            }
        if "output_config" in body:
            return {
                "strengths": ["Cited a number."],
                "gaps": ["No rollout plan."],
                "rewrite_question_id": user.split("[", 1)[1].split("]", 1)[0],
                "stronger_answer": "A stronger answer.",
            }
        if "This was the last question" in system:
            return "<notes>n</notes><move>next</move>Thank you. Your report is being prepared."
        if NEXT_MARKER in system:
            return "<notes>n</notes><move>next</move>Thanks. " + system.split(NEXT_MARKER, 1)[1].split("\n")[0]
        return "<notes>n</notes><move>next</move>Welcome to the interview. First question: how would you verify it?"

    return respond
