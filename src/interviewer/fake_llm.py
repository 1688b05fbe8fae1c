"""A scripted model backend for tests and demos: replies from a script, or made up from the request.

Never a stand-in for a model's quality: it exists so that everything above the provider
interface can be exercised without a network.
"""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from collections.abc import Callable

from .budget import estimate_usage
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
    """A well-formed reply for each purpose, quoting the candidate where grading needs it."""
    last = request.messages[-1].content
    if request.purpose == "grader":
        answers = re.findall(r"<answer n=\"\d+\">\n(.*?)\n</answer>", last, re.S)
        qualities = re.findall(r"Grade these qualities, one entry each, in this order: (.*)\.", last)
        ids = [q.strip() for q in qualities[0].split(",")] if qualities else []
        quote = (answers[0].split(".")[0] if answers else "").strip()
        grades = [
            {
                "quality": q,
                "score": 2 if quote else None,
                "evidence": [quote] if quote else [],
                "rationale": "Scripted fake grade.",
                "improvement": "Name a concrete check.",
            }
            for q in ids
        ]
        return json.dumps({"grades": grades, "feedback": "Scripted fake feedback."})
    if request.purpose == "report":
        ids = re.findall(r"^\[([^\]]+)\] Question:", last, re.M)
        return json.dumps(
            {
                "strengths": ["Scripted strength."],
                "gaps": ["Scripted gap."],
                "rewrite_question_id": ids[0] if ids else "",
                "stronger_answer": "Scripted stronger answer.",
            }
        )
    system = "\n".join(b.text for b in request.system)
    asked = re.findall(r"keeping its substance: (.*)", system)
    if asked:
        return f"<notes>fake notes</notes><move>next</move>Thanks. {asked[0]}"
    if "This was the last question" in system:
        return "<notes>fake notes</notes><move>next</move>Thank you, that is the end. Your report is being prepared."
    opening = re.findall(r"^Question \d+ \([^)]*\): (.*)", system, re.M)
    return f"<notes>opening</notes><move>next</move>Hello. {opening[0] if opening else 'First question.'}"
