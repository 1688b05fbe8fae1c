"""A scripted model backend for tests and demos: replies from a script, or made up from the request.

Never a stand-in for a model's quality: it exists so that everything above the provider
interface can be exercised without a network.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable

from .budget import estimate_usage
from .errors import ContentError
from .llm import Completion, LLMRequest, TextStream, stream_words

Responder = Callable[[LLMRequest], str]


class FakeLLM:
    """Answers each request with the next scripted text, else with ``respond(request)``.

    Args:
        script: replies in order (any purpose).
        respond: makes a reply from the request when the script is used up; the default
            writes a plausible reply for the interviewer, grader and report templates.
    """

    name = "fake"

    def __init__(self, script: list[str] | None = None, respond: Responder | None = None) -> None:
        self.script = deque(script or [])
        self.respond = respond or default_reply
        self.requests: list[LLMRequest] = []
        self._lock = threading.Lock()

    def _next(self, request: LLMRequest) -> Completion:
        with self._lock:
            self.requests.append(request)
            text = self.script.popleft() if self.script else None
        if text is None:
            text = self.respond(request)
        return Completion(text=text, usage=estimate_usage(request, text), model="fake", stop_reason="end_turn")

    def complete(self, request: LLMRequest) -> Completion:
        """The next reply, whole."""
        return self._next(request)

    def stream(self, request: LLMRequest) -> TextStream:
        """The next reply, word by word."""
        completion = self._next(request)
        return TextStream(stream_words(completion.text), lambda _text: completion)


def default_reply(request: LLMRequest) -> str:
    """A well-formed reply for each purpose, read from the request's metadata and output schema alone.

    Grades are "not assessed" (the fake has no business quoting the candidate); the report rewrites the
    first question; the interviewer moves on and asks the next question from the bank.
    """
    meta = request.meta
    schema = (request.output_schema or {}).get("title")
    if schema == "LLMGradeOutput":
        grades: list[dict[str, object]] = [
            {"quality": q, "score": None, "evidence": [], "rationale": "Scripted fake grade.", "improvement": "i"}
            for q in meta.get("qualities", "").split(",")
            if q
        ]
        return json.dumps({"grades": grades, "feedback": "Scripted fake feedback."})
    if schema == "ReportNarrative":
        first = meta.get("questions", "").split(",")[0]
        return json.dumps(
            {
                "strengths": ["Scripted strength."],
                "gaps": ["Scripted gap."],
                "rewrite_question_id": first,
                "stronger_answer": "Scripted stronger answer.",
            }
        )
    if meta.get("step") == "opening":
        return f"<move>next</move>Hello. {_question_text(meta.get('question', ''))}<notes>opening</notes>"
    upcoming = meta.get("next_question", "")
    if not upcoming:
        return "<move>next</move>Thank you, that is the end. Your report is being prepared.<notes>fake notes</notes>"
    return f"<move>next</move>Thanks. {_question_text(upcoming)}<notes>fake notes</notes>"


def _question_text(question_id: str) -> str:
    from .questions import by_id

    try:
        return by_id(question_id).text
    except ContentError:
        return "First question."
