"""Critique drills: a flawed AI artefact to review, with its planted defects as the ground truth.

A drill is graded as any exchange is (one request with a model, the checklist offline), with the
defects, the proposed actions and the decoys (sound claims that look wrong) as its checklist. What
the grader finds is then counted in code: the level of ``calibrated_skepticism`` follows from the
defects found, the false alarms raised and the actions proposed, so a model and the offline grader
are held to the same key. ``limitation_communication`` is graded as usual where the drill asks the
candidate to explain the problem to someone.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .content_checks import check_patterns, unique_ids
from .domain import AnswerGrade, PointCheck, QualityGrade, QualityId, Role, StrongPoint
from .errors import ContentError
from .grading import Grader, GradingItem, grade_exchange
from .sentences import read_answer


class DrillKind(StrEnum):
    """What kind of AI artefact the drill shows."""

    SUMMARY = "summary"
    EVAL_TABLE = "eval_table"
    PULL_REQUEST = "pull_request"
    CHATBOT = "chatbot"
    RESEARCH_DIGEST = "research_digest"


KIND_TITLES = {
    DrillKind.SUMMARY: "An AI summary and its source",
    DrillKind.EVAL_TABLE: "An eval results table",
    DrillKind.PULL_REQUEST: "An agent's pull request",
    DrillKind.CHATBOT: "A chatbot transcript",
    DrillKind.RESEARCH_DIGEST: "A research agent's digest",
}


class Finding(BaseModel):
    """Something in the artefact a reviewer may point at: a planted defect, or a decoy that is sound."""

    model_config = ConfigDict(frozen=True)

    id: str
    what: str
    """The defect as a careful reviewer states it (or, for a decoy, why the claim is sound)."""
    identifies: str = ""
    """What in the artefact or its source shows it."""
    patterns: list[str]
    """Case-insensitive regexes, one sentence at a time: a match names this finding."""


class Action(BaseModel):
    """A sound thing to do about the defects."""

    model_config = ConfigDict(frozen=True)

    text: str
    patterns: list[str]


class Drill(BaseModel):
    """One critique drill, as the drill bank stores it."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    kind: DrillKind
    roles: list[Role]
    brief: str
    """The situation and the ask, as the candidate reads it."""
    artefact: str
    source: str = ""
    explain_to: str = ""
    """Who the candidate must explain the problem to, when the drill asks for it."""
    defects: list[Finding] = Field(min_length=1)
    decoys: list[Finding] = Field(default_factory=list)
    actions: list[Action] = Field(min_length=1)
    exemplar: str

    @property
    def qualities(self) -> list[QualityId]:
        """What the drill grades: skepticism always; communicating the limits when it asks for it."""
        if self.explain_to:
            return [QualityId.CALIBRATED_SKEPTICISM, QualityId.LIMITATION_COMMUNICATION]
        return [QualityId.CALIBRATED_SKEPTICISM]


class _DrillFile(BaseModel):
    drills: list[Drill]


def load_drills_text(text: str, source: str = "drills.json") -> list[Drill]:
    """Parse a drill bank's text.

    Raises:
        ContentError: the text is not valid JSON, breaks the schema, repeats an id or has a bad pattern.
    """
    try:
        drills = _DrillFile.model_validate_json(text).drills
    except ValidationError as exc:
        raise ContentError(f"{source} is not a valid drill bank: {exc}") from exc
    unique_ids((d.id for d in drills), source, "drill")
    for drill in drills:
        findings = [p for f in (*drill.defects, *drill.decoys) for p in f.patterns]
        check_patterns([*findings, *(p for a in drill.actions for p in a.patterns)], source, f"drill {drill.id!r}")
    return drills


@cache
def drill_bank() -> tuple[Drill, ...]:
    """The embedded drills."""
    text = resources.files("interviewer.content").joinpath("drills.json").read_text(encoding="utf-8")
    return tuple(load_drills_text(text))


def drills_for(role: Role) -> list[Drill]:
    """The drills written for a role."""
    return [d for d in drill_bank() if role in d.roles]


def drill_by_id(drill_id: str) -> Drill:
    """A drill by id.

    Raises:
        ContentError: no drill has that id.
    """
    for drill in drill_bank():
        if drill.id == drill_id:
            return drill
    raise ContentError(f"no drill with id {drill_id!r}")


def drill_prompt(drill: Drill) -> str:
    """Everything the candidate is shown, as one text: what a model grader reads as the question."""
    parts = [drill.brief, f"The artefact:\n{drill.artefact}"]
    if drill.source:
        parts.append(f"Its source material:\n{drill.source}")
    return "\n\n".join(parts)


_FINDS, _DOES, _FLAGS = "Finds: ", "Proposes: ", "Wrongly flags as a problem: "


def drill_item(drill: Drill, answers: list[str]) -> GradingItem:
    """The drill as a grading item: its key (defects, actions, decoys) is the strong answer's checklist."""
    points = (
        [StrongPoint(text=_FINDS + d.what, patterns=list(d.patterns)) for d in drill.defects]
        + [StrongPoint(text=_DOES + a.text, patterns=list(a.patterns)) for a in drill.actions]
        + [StrongPoint(text=_FLAGS + d.what, patterns=list(d.patterns)) for d in drill.decoys]
    )
    return GradingItem(
        question_id=drill.id,
        question_text=drill_prompt(drill),
        answers=answers,
        qualities=drill.qualities,
        primary=QualityId.CALIBRATED_SKEPTICISM,
        strong_answer=points,
    )


class FindingCheck(BaseModel):
    """One defect or decoy, and the candidate's sentence that named it (None when they did not)."""

    id: str
    what: str
    identifies: str = ""
    evidence: str | None = None

    @property
    def named(self) -> bool:
        """Whether the candidate named it."""
        return self.evidence is not None


class DrillResult(BaseModel):
    """A drill attempt counted against its key, with the grade that follows from the count."""

    drill_id: str
    defects: list[FindingCheck]
    false_alarms: list[FindingCheck]
    """Every decoy; the ones the candidate flagged carry the sentence that did."""
    actions: list[PointCheck]
    grade: AnswerGrade

    @property
    def found(self) -> list[FindingCheck]:
        """The planted defects the candidate named."""
        return [d for d in self.defects if d.named]

    @property
    def missed(self) -> list[FindingCheck]:
        """The planted defects the candidate did not name."""
        return [d for d in self.defects if not d.named]

    @property
    def raised(self) -> list[FindingCheck]:
        """The decoys the candidate flagged: false alarms."""
        return [d for d in self.false_alarms if d.named]

    @property
    def proposed(self) -> list[PointCheck]:
        """The sound actions the candidate proposed."""
        return [a for a in self.actions if a.covered]


# Waving the artefact through is the level-1 behaviour a drill exists to catch; quoted, it is evidence.
_WAVES_THROUGH = re.compile(
    r"\b(?:looks|seems|reads) (?:fine|good|great|correct|accurate|solid|ok(?:ay)?)\b"
    r"|\bno (?:obvious )?(?:issues|problems|errors|red flags)\b"
    r"|\b(?:ship|send|merge|publish) it\b|\bgood to go\b|\bi(?:'d| would) trust (?:it|this)\b",
    re.IGNORECASE,
)


def grade_drill(grader: Grader, drill: Drill, answers: list[str]) -> DrillResult:
    """Grade a drill attempt: the grader reads the answer against the key; the level is counted in code."""
    graded = grade_exchange(grader, drill_item(drill, answers))
    checks = {c.point: c for c in graded.checklist}

    def finding(f: Finding, prefix: str) -> FindingCheck:
        check = checks.get(prefix + f.what)
        evidence = check.evidence if check is not None and check.covered else None
        return FindingCheck(id=f.id, what=f.what, identifies=f.identifies, evidence=evidence)

    defects = [finding(d, _FINDS) for d in drill.defects]
    decoys = [finding(d, _FLAGS) for d in drill.decoys]
    actions = [
        PointCheck(point=a.text, covered=c.covered, evidence=c.evidence)
        for a in drill.actions
        if (c := checks.get(_DOES + a.text)) is not None
    ]
    skepticism = _skepticism(defects, decoys, actions, answers, heuristic=graded.grader == "heuristic")
    grades = [skepticism, *(g for g in graded.grades if g.quality is not QualityId.CALIBRATED_SKEPTICISM)]
    checklist = [PointCheck(point=d.what, covered=d.named, evidence=d.evidence) for d in defects]
    grade = graded.model_copy(update={"grades": grades, "checklist": checklist + actions})
    return DrillResult(drill_id=drill.id, defects=defects, false_alarms=decoys, actions=actions, grade=grade)


def _skepticism(
    defects: list[FindingCheck],
    decoys: list[FindingCheck],
    actions: list[PointCheck],
    answers: list[str],
    heuristic: bool,
) -> QualityGrade:
    found = [d for d in defects if d.named]
    raised = [d for d in decoys if d.named]
    proposed = [a for a in actions if a.covered]
    tally = (
        f"Named {len(found)} of the {len(defects)} planted defects, raised {len(raised)} false "
        f"alarm{'s' if len(raised) != 1 else ''} and proposed {len(proposed)} of the sound actions."
    )
    evidence = list(dict.fromkeys([*(d.evidence for d in found), *(a.evidence for a in proposed)]))
    quotes = [e for e in evidence if e]
    missed = [d for d in defects if not d.named]
    if not found:
        waved = next((s for s in read_answer("\n\n".join(answers)).sentences if _WAVES_THROUGH.search(s)), None)
        if waved is not None:
            return QualityGrade(
                quality=QualityId.CALIBRATED_SKEPTICISM,
                score=1,
                evidence=[waved],
                rationale=f"{tally} The answer waves the artefact through although it has planted defects.",
                improvement=f"Check it against its source before trusting it. One of its defects: {missed[0].what}",
            )
        if heuristic:
            return QualityGrade(
                quality=QualityId.CALIBRATED_SKEPTICISM,
                score=None,
                rationale=(
                    f"{tally} The offline grader recognises a defect by its wording, so it cannot tell a miss "
                    "from a finding put in other words: compare your answer with the key below."
                ),
                improvement=f"Name what is wrong and where it shows. One of the defects: {missed[0].what}",
            )
        return QualityGrade(
            quality=QualityId.CALIBRATED_SKEPTICISM,
            score=1,
            rationale=f"{tally} The answer does not catch what is wrong with the artefact.",
            improvement=f"Check it against its source before trusting it. One of its defects: {missed[0].what}",
        )
    if not missed and not raised and len(proposed) >= 2:
        score = 4
        improvement = "Keep it up: say what checking this much costs each time, and when less would do."
    elif len(found) * 2 >= len(defects) and len(raised) <= 1 and proposed:
        score = 3
        improvement = _next_step(missed, raised, proposed, to_level=4)
    else:
        score = 2
        improvement = _next_step(missed, raised, proposed, to_level=3)
    return QualityGrade(
        quality=QualityId.CALIBRATED_SKEPTICISM, score=score, evidence=quotes, rationale=tally, improvement=improvement
    )


def _next_step(
    missed: list[FindingCheck], raised: list[FindingCheck], proposed: list[PointCheck], to_level: int
) -> str:
    if missed:
        more = f" (and {len(missed) - 1} more in the key below)" if len(missed) > 1 else ""
        return f"To reach level {to_level}, catch what you missed{more}: {missed[0].what}"
    if raised:
        return f"To reach level {to_level}: check a claim against the source before calling it wrong ({raised[0].what})"
    if len(proposed) < 2:
        return f"To reach level {to_level}: say what you would do about it: hold it, fix it, or add a check."
    return f"To reach level {to_level}: name the defects you found with where in the artefact they show."
