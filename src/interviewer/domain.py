"""Domain models: roles, qualities, questions, interview config, transcript, grades and reports.

Longer than most modules on purpose: it holds only data definitions, so that every other module
shares one vocabulary and a reader finds every shape in one place.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Role(StrEnum):
    """The three kinds of AI PM role a candidate can aim at."""

    BUILDER = "builder"
    INTEGRATOR = "integrator"
    ORCHESTRATOR = "orchestrator"


ROLE_TITLES: dict[Role, str] = {
    Role.BUILDER: "AI product builder",
    Role.INTEGRATOR: "AI feature integrator",
    Role.ORCHESTRATOR: "Agent-workflow orchestrator",
}

ROLE_DESCRIPTIONS: dict[Role, str] = {
    Role.BUILDER: "Owns a product whose core is the model: fine-tuning, evals, agent systems. Lives near research.",
    Role.INTEGRATOR: "Adds AI features to an existing product and designs around the model's limits.",
    Role.ORCHESTRATOR: "Runs a team whose own workflow is done by AI agents: directs and checks their work.",
}


class Background(StrEnum):
    """Where the candidate is coming from; the interviewer adapts its probes to it."""

    ENGINEER = "engineer"
    PRODUCT_MANAGER = "product_manager"
    OTHER = "other"


BACKGROUND_TITLES: dict[Background, str] = {
    Background.ENGINEER: "Engineer moving into product",
    Background.PRODUCT_MANAGER: "Product manager new to AI",
    Background.OTHER: "Other background",
}


class QualityId(StrEnum):
    """Stable ids of the ten qualities the interview probes."""

    CALIBRATED_SKEPTICISM = "calibrated_skepticism"
    PROBABILISTIC_THINKING = "probabilistic_thinking"
    LIMITATION_COMMUNICATION = "limitation_communication"
    PROMPTING_AS_THINKING = "prompting_as_thinking"
    TECHNICAL_CURIOSITY = "technical_curiosity"
    USER_EMPATHY = "user_empathy"
    STAKEHOLDER_COMMUNICATION = "stakeholder_communication"
    PRIORITIZATION = "prioritization"
    SAYING_NO = "saying_no"
    PRODUCT_ALTITUDE = "product_altitude"


class Format(StrEnum):
    """Interview formats a question can take."""

    BEHAVIOURAL = "behavioural"
    PRODUCT_SENSE = "product_sense"
    JUDGEMENT = "judgement"
    STAKEHOLDER_ROLEPLAY = "stakeholder_roleplay"
    TECHNICAL_DEPTH = "technical_depth"
    REFLECTION = "reflection"


class Difficulty(StrEnum):
    """How hard a question is; the config's difficulty filters the bank."""

    FOUNDATIONAL = "foundational"
    STANDARD = "standard"
    STRETCH = "stretch"


class Mode(StrEnum):
    """Coach mode gives feedback after each answer; interview mode only at the end."""

    COACH = "coach"
    INTERVIEW = "interview"


class Persona(StrEnum):
    """The interviewer's manner."""

    FRIENDLY = "friendly"
    NEUTRAL = "neutral"
    TOUGH = "tough"


Score = Literal[1, 2, 3, 4]


class ScenarioCondition(BaseModel):
    """When a criterion applies: the rubric marks some "when the scenario raises it"."""

    model_config = ConfigDict(frozen=True)

    label: str
    """The opportunity, in plain words ("the scenario has a visible failure ...")."""
    patterns: list[str]
    """Case-insensitive regular expressions matched against the question and the follow-up questions."""


class Signal(BaseModel):
    """A heuristic signal: regular expressions that, matched in a sentence, show a rubric indicator."""

    model_config = ConfigDict(frozen=True)

    label: str
    """What the signal shows, in plain words (shown to the candidate as the heuristic's reason)."""
    patterns: list[str]
    """Case-insensitive Python regular expressions, matched against one sentence at a time."""
    when: ScenarioCondition | None = None
    """The signal counts only in scenarios that raise it; elsewhere it is neither credit nor advice."""


class Heuristic(BaseModel):
    """Indicators the offline grader looks for, grouped by the rubric level they support."""

    model_config = ConfigDict(frozen=True)

    red_flags: list[Signal] = Field(default_factory=list)
    basic: list[Signal] = Field(default_factory=list)
    solid: list[Signal] = Field(default_factory=list)
    advanced: list[Signal] = Field(default_factory=list)


class Quality(BaseModel):
    """One quality the rubric scores from 1 to 4."""

    model_config = ConfigDict(frozen=True)

    id: QualityId
    name: str
    """The one display name used everywhere the candidate sees the quality."""
    summary: str
    levels: dict[int, str]
    """Level (1-4) to the description of an answer at that level."""
    advice: dict[int, str]
    """Level (2-4) to what an answer adds to reach it, worded as what the stronger answer does."""
    heuristic: Heuristic = Field(default_factory=Heuristic)

    @field_validator("levels")
    @classmethod
    def _four_levels(cls, levels: dict[int, str]) -> dict[int, str]:
        if sorted(levels) != [1, 2, 3, 4]:
            raise ValueError(f"levels must be exactly 1, 2, 3 and 4, got {sorted(levels)}")
        return levels

    @field_validator("advice")
    @classmethod
    def _advice_for_each_step_up(cls, advice: dict[int, str]) -> dict[int, str]:
        if sorted(advice) != [2, 3, 4]:
            raise ValueError(f"advice must be given for levels 2, 3 and 4, got {sorted(advice)}")
        return advice


class FollowUp(BaseModel):
    """A probe the interviewer can ask when an answer misses something."""

    model_config = ConfigDict(frozen=True)

    probe: str
    """The follow-up question as the interviewer would ask it."""
    looks_for: str
    """The gap it targets, in a few words (private to the interviewer)."""
    patterns: list[str] = Field(default_factory=list)
    """Regexes that, if any matches the answer, show the gap is already covered."""


class StrongPoint(BaseModel):
    """One thing a strong answer to a question contains, and how the offline check recognises it."""

    model_config = ConfigDict(frozen=True)

    text: str
    """The point, as the bank states it (shown to the candidate and to the model)."""
    patterns: list[str] = Field(default_factory=list)
    """Case-insensitive regexes, matched one sentence at a time: any match shows the point is covered."""

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: object) -> object:
        return {"text": value} if isinstance(value, str) else value

    def __str__(self) -> str:
        # Templates loop over a question's points and print them: they print the text.
        return self.text


class Question(BaseModel):
    """A question in the bank."""

    model_config = ConfigDict(frozen=True)

    id: str
    text: str
    format: Format
    roles: list[Role]
    qualities: list[QualityId]
    """Qualities the question probes, the primary one first."""
    difficulty: Difficulty = Difficulty.STANDARD
    follow_ups: list[FollowUp] = Field(default_factory=list)
    strong_answer: list[StrongPoint] = Field(default_factory=list)
    """What a strong answer contains, one point an item."""
    exemplar: str = ""
    """A hand-written strong answer to the question, shown beside the candidate's own."""
    persona: str | None = None
    """For role-play: who the interviewer plays."""
    stakeholder_trust: Literal["over", "under"] | None = None
    """For role-play: whether the stakeholder starts over- or under-trusting the AI (their trust then moves)."""

    @property
    def primary_quality(self) -> QualityId:
        """The quality the question mainly probes."""
        return self.qualities[0]


class InterviewConfig(BaseModel):
    """Everything the candidate chooses before the interview starts."""

    role: Role = Role.INTEGRATOR
    background: Background = Background.PRODUCT_MANAGER
    focus: list[QualityId] = Field(default_factory=list)
    """Qualities to concentrate on; empty means a balanced mix."""
    num_questions: int = Field(default=5, ge=3, le=10)
    difficulty: Difficulty = Difficulty.STANDARD
    persona: Persona = Persona.NEUTRAL
    mode: Mode = Mode.INTERVIEW
    template_set: str = "default"
    """Name or directory of the template set."""
    max_follow_ups: int = Field(default=1, ge=0, le=3)
    """Follow-ups per question at most."""
    answer_minutes: int | None = Field(default=None, ge=1, le=15)
    """A time limit per answer, shown as a countdown; None for untimed answers."""
    seed: int | None = None
    """Makes question selection repeatable."""


class Speaker(StrEnum):
    """Who said a turn."""

    INTERVIEWER = "interviewer"
    CANDIDATE = "candidate"


class TurnKind(StrEnum):
    """What a turn is within the interview."""

    QUESTION = "question"
    FOLLOW_UP = "follow_up"
    ANSWER = "answer"
    FEEDBACK = "feedback"
    CLOSING = "closing"
    SKIPPED = "skipped"


def _now() -> datetime:
    return datetime.now(UTC)


class Turn(BaseModel):
    """One message in the transcript."""

    speaker: Speaker
    kind: TurnKind
    text: str
    question_id: str | None = None
    notes: str | None = None
    """The interviewer's private notes; never shown to the candidate."""
    at: datetime = Field(default_factory=_now)
    seconds: float | None = None
    """For an answer: how long the candidate took, from the question on screen to sending it."""


class Transcript(BaseModel):
    """The ordered turns of one interview."""

    turns: list[Turn] = Field(default_factory=list)

    def answers_to(self, question_id: str) -> list[str]:
        """The candidate's answers (first answer and follow-up answers) to one question."""
        return [
            t.text
            for t in self.turns
            if t.speaker is Speaker.CANDIDATE and t.kind is TurnKind.ANSWER and t.question_id == question_id
        ]

    def follow_ups_to(self, question_id: str) -> list[str]:
        """The interviewer's follow-up questions on one question, in order."""
        return [
            t.text
            for t in self.turns
            if t.speaker is Speaker.INTERVIEWER and t.kind is TurnKind.FOLLOW_UP and t.question_id == question_id
        ]

    def time_taken(self, question_id: str) -> float | None:
        """Seconds the first answer to a question took, when it was measured."""
        return next(
            (
                t.seconds
                for t in self.turns
                if t.speaker is Speaker.CANDIDATE and t.kind is TurnKind.ANSWER and t.question_id == question_id
            ),
            None,
        )

    def candidate_text(self) -> str:
        """Everything the candidate said, for grounding checks."""
        return "\n".join(t.text for t in self.turns if t.speaker is Speaker.CANDIDATE)


class QualityGrade(BaseModel):
    """The grade of one quality on one answer."""

    quality: QualityId
    """The quality being scored."""
    score: Score | None
    """1 to 4, or null when the answer gives not enough evidence to score this quality."""
    evidence: list[str] = Field(default_factory=list)
    """Verbatim quotes from the candidate's own answer that support the score."""
    rationale: str
    """Why this score, against the rubric level descriptions."""
    improvement: str
    """One concrete thing a stronger answer would add."""

    @model_validator(mode="after")
    def _evidence_for_score(self) -> QualityGrade:
        if self.score is not None and self.score > 1 and not self.evidence:
            raise ValueError("a score above 1 needs at least one evidence quote")
        return self

    @property
    def assessed(self) -> bool:
        """Whether a score was given rather than 'not enough evidence'."""
        return self.score is not None


class Usage(BaseModel):
    """Token use of one or many requests."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    estimated: bool = False
    """True when any figure is a tiktoken estimate rather than the API's own count."""
    cost_usd: float = 0.0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cache_read_tokens=self.cache_read_tokens + other.cache_read_tokens,
            cache_write_tokens=self.cache_write_tokens + other.cache_write_tokens,
            estimated=self.estimated or other.estimated,
            cost_usd=self.cost_usd + other.cost_usd,
        )


class PointCheck(BaseModel):
    """Whether the candidate's answers cover one point of a strong answer, and the sentence that does."""

    point: str
    covered: bool
    evidence: str | None = None
    """The candidate's sentence that covers the point (verbatim); None when missing."""

    @model_validator(mode="after")
    def _evidence_for_covered(self) -> PointCheck:
        if self.covered and not self.evidence:
            raise ValueError("a covered point needs the sentence that covers it")
        return self


class AnswerGrade(BaseModel):
    """Grades for every probed quality on one question's exchange."""

    question_id: str
    grades: list[QualityGrade]
    grader: str
    """Which grader produced this (e.g. 'heuristic' or 'llm:claude-sonnet-5-5')."""
    templates: str | None = None
    """The template set a model graded with, by its label (name, version and content hash); None offline."""
    dropped_quotes: int = 0
    """Evidence quotes removed because they were not found in the candidate's words."""
    withheld: list[QualityId] = Field(default_factory=list)
    """Qualities whose score was withheld because none of its quotes could stand as evidence."""
    feedback: str = ""
    """A short note for coach mode."""
    checklist: list[PointCheck] = Field(default_factory=list)
    """Each point of the question's strong answer, covered or missing."""
    usage: Usage = Field(default_factory=Usage)
    """Tokens spent grading it (zero for the heuristic), stored with the grade so a resumed session keeps them."""

    def grade_for(self, quality: QualityId) -> QualityGrade | None:
        """This answer's grade on one quality, if it was graded on it."""
        return next((g for g in self.grades if g.quality is quality), None)


class PointVerdict(BaseModel):
    """The model's verdict on one numbered point of a strong answer."""

    point: int
    """The point's number, as listed (1 for the first)."""
    covered: bool
    """Whether the candidate's answers make this point."""
    quote: str | None = None
    """When covered: the candidate's sentence that makes the point, copied verbatim."""


class LLMGradeOutput(BaseModel):
    """What the LLM grader must return: the schema sent as structured output."""

    grades: list[QualityGrade]
    """One entry per quality asked for."""
    checklist: list[PointVerdict] = Field(default_factory=list)
    """One verdict per numbered point of the strong answer, when points are listed."""
    feedback: str
    """Two or three sentences of coaching on this answer, for the candidate."""


class ReportNarrative(BaseModel):
    """The parts of the report written by the report template (or the offline reporter)."""

    strengths: list[str]
    """Two or three strengths, each pointing at something the candidate actually said."""
    gaps: list[str]
    """Two or three gaps, each naming what was missing."""
    rewrite_question_id: str | None = None
    """The id of the weak answer that is rewritten (None when no rewrite is written)."""
    stronger_answer: str = ""
    """A stronger version of that answer, in the candidate's own voice, keeping their facts."""


class QualitySummary(BaseModel):
    """One quality's score across the interview, and the answers it comes from."""

    quality: QualityId
    score: float | None
    """Weighted mean of the assessed scores (a question's main quality counts most), or None when never assessed."""
    evidence: list[str] = Field(default_factory=list)
    improvement: str = ""
    probed_in: list[str] = Field(default_factory=list)
    """Question ids of every answer graded on this quality."""
    from_questions: list[str] = Field(default_factory=list)
    """Question ids of the answers that were assessed on it: the score comes from these."""
    improvement_from: str | None = None
    """Question id of the answer that set the score, whose advice the summary repeats."""

    @property
    def assessed(self) -> bool:
        """Whether any answer gave enough evidence to score this quality."""
        return self.score is not None


class RoleEvidence(BaseModel):
    """A sentence of the candidate's that speaks to one role's kind of work."""

    role: Role
    quote: str
    why: str
    """What about the sentence points at the role, in plain words."""


class RoleFit(BaseModel):
    """Which kind of AI PM role the answers read like, against the role practised for."""

    target: Role
    best: Role | None
    """The role the answers read most like, or None when the evidence cannot tell the roles apart."""
    counts: dict[Role, int] = Field(default_factory=dict)
    """Sentences that speak to each role's work."""
    evidence: list[RoleEvidence] = Field(default_factory=list)
    reason: str
    """The verdict in words, pointing at the answers."""


TRUST_LABELS = {
    -2: "wants it switched off",
    -1: "doubts it",
    0: "calibrated: trusts it where the evidence says so",
    1: "trusts it too much",
    2: "believes it can do anything",
}
"""A role-play stakeholder's trust in the AI, from -2 to +2, in words."""


class TrustStep(BaseModel):
    """Where the stakeholder's trust stood after one answer (or at the start), and what moved it."""

    answer: int
    """0 for the start, then 1 for the first answer, and so on."""
    trust: int
    why: str
    quote: str | None = None
    """The candidate's sentence that moved it, when one did."""

    @property
    def label(self) -> str:
        """The state in words."""
        return TRUST_LABELS[self.trust]

    @property
    def when(self) -> str:
        """When the step was taken, in words: at the start, or after answer N."""
        return "At the start" if self.answer == 0 else f"After answer {self.answer}"

    @property
    def moved_by(self) -> str:
        """Why trust moved, in parentheses: nothing at the start, where no answer moved it."""
        return f" ({self.why})" if self.answer else ""


class AnswerReview(BaseModel):
    """One question of the report: what was asked, what the candidate said, and how it went."""

    number: int
    question_id: str
    question: str
    primary: QualityId
    """The quality the question mainly probes (the one the candidate may rate themselves on)."""
    follow_ups: list[str] = Field(default_factory=list)
    """The interviewer's follow-up questions, in order."""
    answers: list[str]
    """The candidate's answers: the first, then one for each follow-up."""
    grade: AnswerGrade | None
    """None while the answer is not graded yet (grading is running, or failed and will be retried)."""
    not_graded_why: str = ""
    """Why there is no grade yet, when there is none."""
    exemplar: str = ""
    """A hand-written strong answer to this question, when the bank has one."""
    self_rating: Score | None = None
    """The candidate's own rating of this answer on ``primary``, if they gave one."""
    seconds: float | None = None
    """How long the first answer took, when it was measured."""
    trust: list[TrustStep] = Field(default_factory=list)
    """For a role-play whose stakeholder's trust moves: where it stood at the start and after each answer."""

    @property
    def primary_grade(self) -> QualityGrade | None:
        """The grade on the question's main quality."""
        return self.grade.grade_for(self.primary) if self.grade else None

    @property
    def graded_on(self) -> list[QualityGrade]:
        """The answer's grades (none while it is not graded yet)."""
        return self.grade.grades if self.grade else []

    @property
    def checklist(self) -> list[PointCheck]:
        """The strong answer's points, covered or missing (none while it is not graded yet)."""
        return self.grade.checklist if self.grade else []


class Report(BaseModel):
    """The final report handed back to the candidate."""

    session_id: str
    config: InterviewConfig
    answers: list[AnswerReview]
    """The report by answer, in the order the questions were asked."""
    qualities: list[QualitySummary]
    narrative: ReportNarrative
    role_fit: RoleFit
    grader: str
    template_set: str
    template_hash: str
    usage: Usage = Field(default_factory=Usage)
    narrative_usage: Usage = Field(default_factory=Usage)
    """The tokens of the narrative alone (also counted in ``usage``)."""
    dropped_quotes: int = 0
    heuristic: bool = False
    """True when the offline heuristic grader produced the scores."""
    narrative_offline: bool = False
    """True when a model backend's narrative could not be written and the offline one stands in."""
    created_at: datetime = Field(default_factory=_now)

    @property
    def answer_grades(self) -> list[AnswerGrade]:
        """Every grade there is, in order."""
        return [a.grade for a in self.answers if a.grade is not None]

    @property
    def not_graded(self) -> list[AnswerReview]:
        """The answers still waiting for a grade."""
        return [a for a in self.answers if a.grade is None]

    @property
    def final(self) -> bool:
        """Whether nothing is left to fill in: every answer graded and the narrative written as intended."""
        return not self.not_graded and not self.narrative_offline
