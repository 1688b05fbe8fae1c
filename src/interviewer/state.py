"""Where an interview stands: one step enum and the persisted state, from which the stored status is derived."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field, model_validator

from .domain import Usage


class Step(StrEnum):
    """The one vocabulary of where an interview stands."""

    OPENING = "opening"
    """The greeting and the first question are due from the interviewer."""
    ANSWERING = "answering"
    """A question waits for the candidate's answer."""
    REPLYING = "after_answer"
    """The candidate answered or skipped; the interviewer's turn is due."""
    FINISHED = "finished"
    """Over: the report can be built."""

    @property
    def interviewer_due(self) -> bool:
        """Whether the next turn is the interviewer's."""
        return self in (Step.OPENING, Step.REPLYING)


class InterviewState(BaseModel):
    """The persisted state, enough to resume after a crash or a refresh (turns are stored apart)."""

    question_ids: list[str]
    index: int = 0
    """The question in play (0-based); equal to the number of questions when all are done."""
    follow_ups_used: int = 0
    step: Step = Step.OPENING
    ended_early: bool = False
    completed: list[str] = Field(default_factory=list)
    """Questions whose exchange is over (and so is graded, being graded or waiting to be)."""
    self_ratings: dict[str, int] = Field(default_factory=dict)
    """The candidate's own rating (1-4) of their answer to a question, on its main quality, by question id."""
    usage: Usage = Field(default_factory=Usage)
    """The interviewer's tokens."""
    report_usage: Usage = Field(default_factory=Usage)
    """The report narrative's tokens (the grades carry their own)."""

    @model_validator(mode="before")
    @classmethod
    def _from_older_versions(cls, data: Any) -> Any:
        # Earlier versions stored a phase and a pending turn instead of one step.
        if isinstance(data, dict) and "step" not in data and "phase" in data:
            data = dict(data)
            phase, pending = data.pop("phase"), data.pop("pending", None)
            if phase == "finished":
                data["step"] = Step.FINISHED
            elif phase == "new" or pending == "opening":
                data["step"] = Step.OPENING
            elif pending == "after_answer":
                data["step"] = Step.REPLYING
            else:
                data["step"] = Step.ANSWERING
        return data

    @property
    def status(self) -> str:
        """The stored status: ``finished`` or ``in_progress``."""
        return "finished" if self.step is Step.FINISHED else "in_progress"
