"""What the interviewer does after a reply: decided once, by one pure function.

The interviewer states its move in the reply's header, but the engine has the last word: a
follow-up past the limit becomes the next question, a reply that states no move is taken as moving
on, and a reply that leaves no question on screen gets the bank's question appended, so the
candidate always answers the question the engine is on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .domain import Question
from .header import Header, Move

if TYPE_CHECKING:
    from .turns import TurnContext

CLOSING = "That was the last question, thank you. Your report is being prepared."


@dataclass(frozen=True)
class Decision:
    """The move, and any text the engine adds after the interviewer's own."""

    move: Move
    appended: str = ""


def ask_text(question: Question, number: int, total: int) -> str:
    """A bank question as it is asked when the interviewer's own words are not used, numbered."""
    return f"Question {number} of {total}. {question.text}"


def next_text(ctx: TurnContext) -> str:
    """What moving on says when the interviewer's reply does not: the next question, or the closing."""
    if ctx.next_question is None:
        return CLOSING
    return ask_text(ctx.next_question, ctx.number + 1, ctx.total)


def moves_on(move: Move | None, ctx: TurnContext) -> bool:
    """Whether a reply that states ``move`` (None: not stated yet) will move on, whatever it says next.

    With no follow-up left, every reply moves on; otherwise only one that states ``next``. It is what
    ``decide_move`` will decide, known as soon as the move is, so grading can start before the reply ends.
    """
    return ctx.follow_ups_left == 0 or move is Move.NEXT


def decide_move(header: Header, text: str, ctx: TurnContext) -> Decision:
    """The move for a complete reply, and the question to append when the reply failed to ask it.

    The opening always moves on (to the first question). An empty reply gets the bank's question.
    A stated follow-up within the limit stands; past it, the reply moves on and the next question is
    appended. A reply that states no move moves on, and the next question is appended unless the
    reply already carries most of its words.
    """
    if ctx.opening:
        return Decision(Move.NEXT, "" if text.strip() else ask_text(ctx.question, ctx.number, ctx.total))
    if not text.strip():
        return Decision(Move.NEXT, next_text(ctx))
    if header.move is Move.FOLLOW_UP:
        if not moves_on(header.move, ctx):
            return Decision(Move.FOLLOW_UP)
        return Decision(Move.NEXT, next_text(ctx))
    if header.move is Move.NEXT or ctx.next_question is None:
        return Decision(Move.NEXT)
    wanted = _content_words(ctx.next_question.text)
    if wanted and len(wanted & _content_words(text)) >= len(wanted) / 2:
        return Decision(Move.NEXT)
    return Decision(Move.NEXT, next_text(ctx))


def _content_words(text: str) -> set[str]:
    return set(re.findall(r"[a-z][a-z'-]{3,}", text.lower()))
