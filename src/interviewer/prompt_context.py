"""The variables each template receives: one function a template, and samples for validation."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from .domain import (
    BACKGROUND_TITLES,
    ROLE_DESCRIPTIONS,
    ROLE_TITLES,
    InterviewConfig,
    Quality,
    QualityId,
    Question,
    Role,
)
from .rubric import qualities as all_qualities


def _roles() -> list[dict[str, str]]:
    return [{"id": r.value, "title": ROLE_TITLES[r], "description": ROLE_DESCRIPTIONS[r]} for r in Role]


def fenced(text: str, tag: str = "answer") -> str:
    """A candidate's text that cannot close or open the ``<answer>`` (or ``tag``) tags it is wrapped in.

    The angle bracket becomes a look-alike (which grounding folds back), so an answer that types
    ``</answer>`` followed by instructions stays inside its own tags.
    """
    return _delimiter(tag).sub(lambda m: "\u2039" + m.group(1) + m.group(2), text)


@cache
def _delimiter(tag: str) -> re.Pattern[str]:
    return re.compile(rf"<(/?)({re.escape(tag)}\b)", re.IGNORECASE)


def _focus(config: InterviewConfig) -> list[Quality]:
    rubric = all_qualities()
    return [rubric[q] for q in config.focus] if config.focus else list(rubric.values())


def interviewer_system(config: InterviewConfig) -> dict[str, Any]:
    """The same for every interview of one set-up, so it is the cached prefix."""
    return {
        "role": ROLE_TITLES[config.role],
        "role_description": ROLE_DESCRIPTIONS[config.role],
        "background": BACKGROUND_TITLES[config.background],
        "persona": config.persona.value,
        "mode": config.mode.value,
        "qualities": _focus(config),
        "rubric": list(all_qualities().values()),
        "num_questions": config.num_questions,
        "max_follow_ups": config.max_follow_ups,
    }


def interviewer_turn(
    phase: str,
    question: Question,
    number: int,
    total: int,
    follow_ups_left: int,
    next_question: Question | None,
    stakeholder: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What changes from turn to turn: the question in play and what may happen next.

    For a role-play whose stakeholder's trust moves, ``stakeholder`` says where it stands
    (``stakeholder.prompt_view``); it is None otherwise.
    """
    return {
        "phase": phase,
        "question": question,
        "question_number": number,
        "questions_total": total,
        "follow_ups_left": follow_ups_left,
        "next_question": next_question,
        "stakeholder": stakeholder,
    }


def grader_system() -> dict[str, Any]:
    """The whole rubric: identical for every grading request, so it is the cached prefix."""
    return {"qualities": list(all_qualities().values())}


def grader_user(
    question: str, answers: list[str], follow_ups: list[str], qualities: list[QualityId], strong_answer: list[str]
) -> dict[str, Any]:
    """One exchange to grade.

    ``asked`` lines up with ``answers``: what the interviewer asked just before each answer (the empty
    string before the first, which answers ``question``), so a template can show the exchange in order.
    """
    rubric = all_qualities()
    asked = ["", *follow_ups][: len(answers)]
    return {
        "question": question,
        "answers": [fenced(a) for a in answers],
        "asked": [fenced(fenced(a), "follow_up") for a in asked] + [""] * (len(answers) - len(asked)),
        "qualities": [rubric[q] for q in qualities],
        "strong_answer": strong_answer,
    }


def report_system() -> dict[str, Any]:
    """Stable for every report."""
    return {"roles": _roles(), "qualities": list(all_qualities().values())}


def report_user(
    config: InterviewConfig, scores: list[dict[str, Any]], exchanges: list[dict[str, Any]]
) -> dict[str, Any]:
    """The graded interview the report is written from."""
    return {
        "role": ROLE_TITLES[config.role],
        "background": BACKGROUND_TITLES[config.background],
        "scores": scores,
        "exchanges": [{**x, "answers": [fenced(a) for a in x["answers"]]} for x in exchanges],
    }


def job_post_system() -> dict[str, Any]:
    """Stable for every job post read: the roles and the qualities a post may stress, as for a report."""
    return report_system()


def job_post_user(post: str) -> dict[str, Any]:
    """One job post to read, unable to close the ``<job_post>`` tags it is wrapped in."""
    return {"post": fenced(post, "job_post")}


def sample_contexts() -> dict[str, dict[str, Any]]:
    """A realistic context for every template, used to validate a template set before use."""
    from .questions import bank

    config = InterviewConfig()
    first, second = bank()[0], bank()[1]
    return {
        "interviewer_system.j2": interviewer_system(config),
        "interviewer_turn.j2": interviewer_turn(
            "after_answer",
            first,
            1,
            5,
            1,
            second,
            {
                "trust": "trusts it too much",
                "moved": "hype or vague reassurance pushed them further",
                "path": ["believes it can do anything", "trusts it too much"],
                "line": "Great, so we're basically there. Can we roll it out to everyone next month?",
            },
        ),
        "grader_system.j2": grader_system(),
        "grader_user.j2": grader_user(
            first.text,
            ["An answer.", "A follow-up answer."],
            ["A follow-up question?"],
            first.qualities,
            [p.text for p in first.strong_answer],
        ),
        "report_system.j2": report_system(),
        "report_user.j2": report_user(
            config,
            [
                {
                    "quality": "calibrated_skepticism",
                    "name": "Calibrated skepticism",
                    "score": 2.5,
                    "evidence": ["a quote"],
                }
            ],
            [
                {
                    "question_id": first.id,
                    "question": first.text,
                    "answers": ["An answer."],
                    "mean_score": 2.0,
                    "graded": True,
                }
            ],
        ),
        "job_post_system.j2": job_post_system(),
        "job_post_user.j2": job_post_user("Senior Product Manager, AI Summaries\nBring generative AI to our CRM."),
    }
