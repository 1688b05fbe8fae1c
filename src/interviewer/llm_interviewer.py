"""The model-driven interviewer: the set's interviewer templates, streamed through any LLM backend."""

from __future__ import annotations

from . import prompt_context
from .budget import fit_to_budget
from .config import DEFAULT_BUDGET
from .domain import Speaker, Transcript
from .llm import LLM, Completion, LLMRequest, Message, SystemBlock, TextStream
from .stakeholder import prompt_view, trust_path
from .templates import TemplateSet
from .turns import InterviewerDraft, TurnContext

INTERVIEWER_MAX_TOKENS = 600
_JOINED = "(The candidate has joined the interview.)"


def transcript_messages(transcript: Transcript) -> list[Message]:
    """The transcript as alternating chat messages, starting with a user turn as the API requires."""
    messages: list[Message] = [Message(role="user", content=_JOINED)]
    for turn in transcript.turns:
        role = "user" if turn.speaker is Speaker.CANDIDATE else "assistant"
        if messages[-1].role == role:
            messages[-1] = Message(role=role, content=f"{messages[-1].content}\n\n{turn.text}")
        else:
            messages.append(Message(role=role, content=turn.text))
    if messages[-1].role == "assistant":
        messages.append(Message(role="user", content="(The candidate is ready to continue.)"))
    return messages


class LLMInterviewer:
    """Builds the interviewer request from templates and streams the model's reply."""

    def __init__(self, llm: LLM, templates: TemplateSet, model: str, budget: int = DEFAULT_BUDGET) -> None:
        self.llm = llm
        self.templates = templates
        self.model = model
        self.budget = budget
        self.name = f"llm:{model}"

    def request(self, ctx: TurnContext) -> LLMRequest:
        """The request for a turn: the persona and rubric, the transcript, then this turn's instructions.

        That order keeps every stable part in front: the system prompt is the same for every
        interview of one set-up, and the transcript so far is what the previous turn's request
        cached. The turn's instructions change every turn, so they come last, after the marker.
        Older turns are trimmed to the budget here, once, so the request that is
        sent is the one recordings are keyed on.
        """
        stable = self.templates.render_stable("interviewer_system.j2", prompt_context.interviewer_system(ctx.config))
        turn = self.templates.render(
            "interviewer_turn.j2",
            prompt_context.interviewer_turn(
                ctx.step.value,
                ctx.question,
                ctx.number,
                ctx.total,
                ctx.follow_ups_left,
                ctx.next_question,
                prompt_view(trust_path(ctx.question, ctx.answers)),
            ),
        )
        messages = transcript_messages(ctx.transcript)
        read_again = ctx.next_question is not None or ctx.follow_ups_left > 0
        # The marker reads the longest prefix cached before and writes up to itself. On the reply that
        # closes the interview nothing will be read again, so it goes where the previous turn put
        # its own: all read, nothing written.
        mark = len(messages) - 1 if read_again else max(len(messages) - 3, 0)
        messages[mark] = messages[mark].model_copy(update={"cache": True})
        request = LLMRequest(
            purpose="interviewer",
            model=self.model,
            system=[SystemBlock(text=stable, cache=True)],
            messages=[*messages, Message(role="user", content=turn)],
            max_tokens=INTERVIEWER_MAX_TOKENS,
            meta={
                "purpose": "interviewer",
                "step": ctx.step.value,
                "question": ctx.question.id,
                "next_question": ctx.next_question.id if ctx.next_question else "",
                "follow_ups_left": str(ctx.follow_ups_left),
            },
        )
        return fit_to_budget(request, self.budget)

    def reply(self, ctx: TurnContext) -> InterviewerDraft:
        """Stream the model's reply; the turn pipeline parses its private header and checks how it ended."""
        stream: TextStream = self.llm.stream(self.request(ctx))

        def finish() -> Completion:
            assert stream.completion is not None, "the stream is read to its end before it finishes"
            return stream.completion

        return InterviewerDraft(iter(stream), finish)
