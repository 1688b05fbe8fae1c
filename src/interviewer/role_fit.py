"""Which kind of AI PM role the answers read like, from what they talk about, against the role practised for.

The evidence is the candidate's own sentences that speak to a role's typical work (training and evals
for a builder, fitting AI into a product for an integrator, directing agents for an orchestrator),
counted once each and quoted. The verdict abstains when too few sentences speak to any role, or when
the lead of one role over the next is within what chance would give: with ``n`` sentences split
between two roles at random, the lead's spread is about the square root of ``n``.
"""

from __future__ import annotations

import math
import re
from functools import cache
from importlib import resources

from pydantic import BaseModel, ValidationError

from .content_checks import check_patterns
from .domain import ROLE_TITLES, AnswerReview, QualityId, QualitySummary, Role, RoleEvidence, RoleFit, Signal
from .errors import ContentError
from .sentences import read_answer

MIN_SENTENCES = 3
"""Fewer sentences than this about the leading role's work say nothing about fit."""
MIN_LEAD = 1.0
"""The lead over the runner-up, in units of its chance spread, needed to name a role."""
MAX_QUOTED = 3


class RoleProfile(BaseModel):
    """What marks one role's work in an answer, and the qualities the role leans on."""

    id: Role
    leans_on: dict[QualityId, float]
    signals: list[Signal]


class _RoleFile(BaseModel):
    roles: list[RoleProfile]


def load_roles_text(text: str, source: str = "roles.json") -> dict[Role, RoleProfile]:
    """Parse a roles file.

    Raises:
        ContentError: the text breaks the schema, a role is missing, or a pattern is not a valid regex.
    """
    try:
        parsed = _RoleFile.model_validate_json(text)
    except ValidationError as exc:
        raise ContentError(f"{source} is not a valid roles file: {exc}") from exc
    by_id = {r.id: r for r in parsed.roles}
    missing = set(Role) - set(by_id)
    if missing:
        raise ContentError(f"{source} lacks roles: {', '.join(sorted(missing))}")
    for profile in parsed.roles:
        check_patterns((p for s in profile.signals for p in s.patterns), source, f"role {profile.id.value}")
    return by_id


@cache
def profiles() -> dict[Role, RoleProfile]:
    """The embedded role profiles."""
    text = resources.files("interviewer.content").joinpath("roles.json").read_text(encoding="utf-8")
    return load_roles_text(text)


def role_evidence(answers: list[AnswerReview]) -> list[RoleEvidence]:
    """Every sentence of the candidate's that speaks to a role's work, each sentence once, for one role."""
    found: list[RoleEvidence] = []
    seen: set[str] = set()
    for answer in answers:
        for sentence in read_answer("\n\n".join(answer.answers)).sentences:
            if sentence in seen:
                continue
            for profile in profiles().values():
                label = next(
                    (s.label for s in profile.signals if any(re.search(p, sentence, re.I) for p in s.patterns)), None
                )
                if label is not None:
                    seen.add(sentence)
                    found.append(RoleEvidence(role=profile.id, quote=sentence, why=label))
                    break
    return found


def lean_scores(summaries: list[QualitySummary]) -> dict[Role, float | None]:
    """Each role's weighted mean over the qualities it leans on, where at least two were assessed."""
    scores = {s.quality: s.score for s in summaries if s.score is not None}
    leans: dict[Role, float | None] = {}
    for role, profile in profiles().items():
        used = {q: w for q, w in profile.leans_on.items() if q in scores}
        leans[role] = sum(scores[q] * w for q, w in used.items()) / sum(used.values()) if len(used) >= 2 else None
    return leans


def fit_role(target: Role, answers: list[AnswerReview], summaries: list[QualitySummary]) -> RoleFit:
    """The role the answers read like, compared with the one practised for, or an abstention."""
    evidence = role_evidence(answers)
    counts = {role: sum(1 for e in evidence if e.role is role) for role in Role}
    ranked = sorted(Role, key=lambda r: (-counts[r], r is not target))
    first, second = ranked[0], ranked[1]
    lead = counts[first] - counts[second]
    spread = math.sqrt(counts[first] + counts[second]) or 1.0
    tally = ", ".join(f"{ROLE_TITLES[r]} {counts[r]}" for r in Role)
    practised = f"You practised for {ROLE_TITLES[target]}."
    if counts[first] < MIN_SENTENCES or lead / spread < MIN_LEAD:
        reason = (
            f"{practised} Not enough evidence to say which kind of role your answers read like: the sentences "
            f"that speak to a role's typical work were too few or too evenly spread ({tally})."
        )
        return RoleFit(target=target, best=None, counts=counts, evidence=evidence, reason=reason)
    quoted = [e for e in evidence if e.role is first][:MAX_QUOTED]
    examples = "; ".join(f"\u201c{e.quote}\u201d ({e.why})" for e in quoted)
    verdict = (
        f"Your answers read like that role: {counts[first]} of your sentences speak to its work, against "
        f"{counts[second]} for {ROLE_TITLES[second]}."
        if first is target
        else f"Your answers read most like {ROLE_TITLES[first]}, because {counts[first]} of your sentences speak "
        f"to its work, against {counts[target]} for the role you practised for."
    )
    leans = lean_scores(summaries)
    lean = ""
    if leans[first] is not None:
        lean = f" The qualities {ROLE_TITLES[first]} leans on averaged {leans[first]:.1f} of 4 in this interview."
    reason = f"{practised} {verdict} For example: {examples}.{lean}"
    return RoleFit(target=target, best=first, counts=counts, evidence=evidence, reason=reason)
