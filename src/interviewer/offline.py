"""The offline interviewer: questions from the bank and scripted follow-ups, no model needed."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

from .domain import FollowUp, Persona, TrustStep
from .header import Header, Move
from .llm import Completion, stream_words
from .moves import CLOSING, ask_text
from .sentences import read_answer
from .stakeholder import next_line, trust_path
from .turns import InterviewerDraft, TurnContext

NAME = "offline"

_GREETINGS = {
    Persona.FRIENDLY: "Hi, thanks for joining! Let's get started, and take your time with each answer.",
    Persona.NEUTRAL: "Hello, and thanks for your time. Let's begin.",
    Persona.TOUGH: "Let's get going. I'll push on specifics, so be concrete.",
}
# Bridges rotate with the question number, so no two transitions in a row read the same.
_BRIDGES = {
    Persona.FRIENDLY: (
        "Thanks, that's helpful. Let's move on.",
        "Great, thank you for walking me through that. Here's the next one.",
        "Thanks. Let's switch to a different situation.",
        "I appreciate the detail. On to something new.",
        "Thank you. Let's look at another side of the role.",
    ),
    Persona.NEUTRAL: (
        "Thank you. Let's move to the next question.",
        "Understood. Here is a different scenario.",
        "Thanks. Let's turn to something else.",
        "All right. On to the next one.",
        "Thank you for that. Next, a different kind of question.",
    ),
    Persona.TOUGH: (
        "Noted. Moving on.",
        "Fine. Next one, and be specific.",
        "Okay. Let's see how you handle this one.",
        "Right. Different problem now.",
        "Got it. Let's keep going.",
    ),
}
_THIN_ANSWER_WORDS = 25


def _is_covered(follow_up: FollowUp, text: str) -> bool:
    return any(re.search(p, text, re.IGNORECASE) for p in follow_up.patterns)


def bridge(persona: Persona, number: int) -> str:
    """The words that move on to question ``number + 1``, varied from one question to the next."""
    options = _BRIDGES[persona]
    return options[(number - 1) % len(options)]


def choose_follow_up(ctx: TurnContext) -> FollowUp | None:
    """The first probe whose gap the answers leave open, if a follow-up is still allowed.

    Only the candidate's own sentences count: text addressed to the grader covers nothing.
    """
    if ctx.follow_ups_left <= 0 or not ctx.question.follow_ups:
        return None
    text = "\n".join(read_answer("\n\n".join(ctx.answers)).sentences)
    asked = {t.text for t in ctx.transcript.turns}
    for follow_up in ctx.question.follow_ups:
        if follow_up.probe not in asked and not _is_covered(follow_up, text):
            return follow_up
    return None


class OfflineInterviewer:
    """Asks the bank's questions as written and follows up where an answer misses a probe's gap.

    Args:
        word_delay: seconds between streamed words; the app sets a little so replies read like typing.
        next_only: never follow up (stands in for a model that cannot be reached).
    """

    name = NAME

    def __init__(self, word_delay: float = 0.0, next_only: bool = False) -> None:
        self.word_delay = word_delay
        self.next_only = next_only

    def reply(self, ctx: TurnContext) -> InterviewerDraft:
        """The next turn, streamed word by word, with its move decided."""
        persona = ctx.config.persona
        if ctx.opening:
            return self._draft(
                f"{_GREETINGS[persona]}\n\n{ask_text(ctx.question, ctx.number, ctx.total)}", Move.NEXT, ""
            )
        trust = trust_path(ctx.question, ctx.answers)
        if trust and not self.next_only:
            return self._stakeholder(ctx, trust)
        follow_up = None if self.next_only else choose_follow_up(ctx)
        if follow_up is not None:
            note = f"Answer misses: {follow_up.looks_for}."
            if len(" ".join(ctx.answers).split()) < _THIN_ANSWER_WORDS:
                note += " Answer is thin."
            return self._draft(follow_up.probe, Move.FOLLOW_UP, note)
        if ctx.next_question is None:
            return self._draft(CLOSING, Move.NEXT, "Covered the probes or none left.")
        text = f"{bridge(persona, ctx.number)}\n\n{ask_text(ctx.next_question, ctx.number + 1, ctx.total)}"
        return self._draft(text, Move.NEXT, "Covered the probes or none left.")

    def _stakeholder(self, ctx: TurnContext, trust: list[TrustStep]) -> InterviewerDraft:
        """A role-play's next line, from where the stakeholder's trust now stands; calibrated ends it."""
        note = f"Stakeholder trust: {trust[-1].label} ({trust[-1].why})."
        if trust[-1].trust != 0 and ctx.follow_ups_left > 0:
            return self._draft(next_line(trust), Move.FOLLOW_UP, note)
        said = next_line(trust) if trust[-1].trust == 0 else ""
        if ctx.next_question is None:
            return self._draft(f"{said}\n\n{CLOSING}".strip(), Move.NEXT, note)
        ask = ask_text(ctx.next_question, ctx.number + 1, ctx.total)
        return self._draft(f"{said or bridge(ctx.config.persona, ctx.number)}\n\n{ask}", Move.NEXT, note)

    def _draft(self, text: str, move: Move, notes: str) -> InterviewerDraft:
        return InterviewerDraft(
            _paced(stream_words(text), self.word_delay),
            lambda: Completion(text=text, stop_reason="end_turn", model=NAME),
            header=Header(notes=notes, move=move),
        )


def _paced(words: Iterator[str], delay: float) -> Iterator[str]:
    for word in words:
        if delay:
            time.sleep(delay)
        yield word
