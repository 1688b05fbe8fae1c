"""A job post read as one of the three kinds of AI PM role, with the post's own sentences as evidence.

Offline, a transparent classifier: the indicators in ``content/job_indicators.json`` are matched
sentence by sentence, each match weighs for one role, and the role with most of the weight wins;
the quotes are the matched sentences, exactly as the post has them. With a model, one structured
request reads the post instead; every quote it returns is checked against the post and dropped
when it is not there. A post that names AI but describes no AI work is read as a regular product
role with "AI" in its title.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from . import prompt_context
from .budget import fit_texts
from .config import DEFAULT_BUDGET, DEFAULT_MODEL
from .domain import ROLE_TITLES, QualityId, Role
from .errors import BackendError, ConfigError, GradingError, JobPostError, ReplayMissError
from .grounding import is_grounded
from .job_indicators import Indicators, Rule, indicators
from .llm import LLMRequest, Message, SystemBlock, complete_structured
from .role_fit import profiles
from .sentences import split_sentences

if TYPE_CHECKING:
    from .backends import Backend

MAX_POST_CHARS = 20_000
"""A post longer than this is not one job post (a whole careers page, a pasted document)."""
MAX_TITLE_CHARS = 150
"""A first line longer than this is the post's opening paragraph, not its title."""
MAX_QUOTE_CHARS = 280
MAX_EVIDENCE = 6
MAX_PER_INDICATOR = 3
"""No one indicator counts in more sentences than this: a phrase repeated down the post is one signal."""
MIN_ROLE_WEIGHT = 2.0
"""Less weighted evidence than this says the post is about AI without saying which kind of role."""
AMOUNT_HALF = 2.0
"""The confidence is the top role's weight over ``total + AMOUNT_HALF``: its share of the evidence, lowered when
the evidence is thin; no amount of it makes a reading by patterns certain."""
MIXED_RATIO = 0.6
MIXED_MIN_WEIGHT = 4.0
"""A runner-up with this much evidence and this share of the leader's makes the post read as mixed."""
MAX_FOCUS = 3
MIN_FOCUS = 2
NO_AI_WORK = "A product role with no AI work in it"
AI_IN_TITLE = "A regular product role with 'AI' in the title"
MIN_FOCUS_WEIGHT = 1.0
"""A quality is a focus when its sentences weigh this much; below it, only to make up ``MIN_FOCUS``."""
JOB_POST_MAX_TOKENS = 1024


class JobEvidence(BaseModel):
    """A sentence of the post and what it shows."""

    quote: str
    """The post's own words, verbatim."""
    why: str
    """What the sentence signals, in plain words."""
    role: Role | None = None
    """The kind of role it points at (None for a sentence that only names AI)."""
    quality: QualityId | None = None
    """The quality it shows the post stresses (focus evidence only)."""


class JobReading(BaseModel):
    """What kind of AI PM role a job post describes, and why."""

    role: Role | None
    """The kind of role the post reads as; None for a regular product role, or one too thin to tell."""
    confidence: float = Field(ge=0.0, le=1.0)
    """How clearly the evidence points at ``role`` (0 when there is no role)."""
    evidence: list[JobEvidence] = Field(default_factory=list)
    """The sentences the reading rests on, strongest first."""
    ai_in_name_only: bool = False
    """The post names AI (in its title or as a buzzword) but describes no model, eval, LLM or agent work."""
    focus: list[QualityId] = Field(default_factory=list)
    """The two or three qualities the post stresses most."""
    focus_evidence: list[JobEvidence] = Field(default_factory=list)
    """Sentences showing each focus quality."""
    mixed: list[Role] = Field(default_factory=list)
    """The two kinds the post reads as when it reads as both, stronger first; empty otherwise."""
    scores: dict[Role, float] = Field(default_factory=dict)
    """Weighted evidence for each role (offline reading only)."""
    reader: str = "offline"
    """Who read the post: ``offline``, or the model's label."""
    notice: str | None = None
    """Why the offline reading stands in for the model's, or what was dropped from the model's."""
    dropped_quotes: int = 0
    """Quotes the model gave that are not in the post, never shown."""
    summary: str = ""
    """One sentence for the UI."""

    def contract(self) -> dict[str, Any]:
        """The documented JSON of ``interviewer job --json``, with its extra keys after the five fixed ones."""
        return {
            "role": self.role.value if self.role else None,
            "confidence": self.confidence,
            "evidence": [{"quote": e.quote, "why": e.why} for e in self.evidence],
            "ai_in_name_only": self.ai_in_name_only,
            "focus": [q.value for q in self.focus],
            "mixed": [r.value for r in self.mixed],
            "reader": self.reader,
            "summary": self.summary,
        }


def checked_post(text: str) -> str:
    """The post, refused when it cannot be one job post.

    Raises:
        JobPostError: the post is empty, or longer than ``MAX_POST_CHARS``.
    """
    if not text or not text.strip():
        raise JobPostError("the job post is empty")
    if len(text) > MAX_POST_CHARS:
        raise JobPostError(
            f"the job post is {len(text):,} characters long, more than the {MAX_POST_CHARS:,} of one whole post"
        )
    return text


@dataclass(frozen=True)
class _Sentence:
    index: int
    text: str
    in_title: bool
    names_ai: bool


@dataclass(frozen=True)
class _Hit:
    sentence: _Sentence
    rule: Rule
    quote: str


def _sentences(post: str, rules: Indicators) -> list[_Sentence]:
    """The post's sentences in order; a short first line is its title."""
    lines = post.strip().splitlines()
    title, body = (lines[0], "\n".join(lines[1:])) if len(lines[0]) <= MAX_TITLE_CHARS else ("", post)
    marked = [(s, True) for s in split_sentences(title)] + [(s, False) for s in split_sentences(body)]
    return [_Sentence(n, s.strip(), t, rules.names_ai(s)) for n, (s, t) in enumerate(marked) if s.strip()]


def _quote(sentence: str, match: re.Match[str]) -> str:
    """The sentence, or a stretch of it around the match when it is long: always the post's exact words."""
    if len(sentence) <= MAX_QUOTE_CHARS:
        return sentence
    start = max(0, min(match.start() - MAX_QUOTE_CHARS // 3, len(sentence) - MAX_QUOTE_CHARS))
    end = start + MAX_QUOTE_CHARS
    if start > 0:
        start = sentence.find(" ", start) + 1 or start
    if end < len(sentence):
        end = sentence.rfind(" ", start, end) if sentence.rfind(" ", start, end) > start else end
    return sentence[start:end].strip(" ,;:")


def _hits(sentences: list[_Sentence], rules: tuple[Rule, ...], ai_post: bool) -> list[_Hit]:
    """For each sentence, the weightiest rule it matches, each rule counted in at most MAX_PER_INDICATOR."""
    used: Counter[int] = Counter()
    found: list[_Hit] = []
    for sentence in sentences:
        best: tuple[int, Rule, re.Match[str]] | None = None
        for number, rule in enumerate(rules):
            match = rule.match(sentence.text, ai_post)
            if match and used[number] < MAX_PER_INDICATOR and (best is None or rule.weight > best[1].weight):
                best = (number, rule, match)
        if best is not None:
            used[best[0]] += 1
            found.append(_Hit(sentence, best[1], _quote(sentence.text, best[2])))
    return found


def _score(hits: list[_Hit]) -> float:
    """A role's weighted evidence: context indicators add at most as much as its direct ones give."""
    direct = sum(h.rule.weight for h in hits if not h.rule.in_ai_post)
    context = sum(h.rule.weight for h in hits if h.rule.in_ai_post)
    return round(direct + min(context, direct), 2)


def _strongest(hits: list[_Hit], limit: int) -> list[_Hit]:
    return sorted(hits, key=lambda h: (-h.rule.weight, h.sentence.index))[:limit]


def _focus(sentences: list[_Sentence], rules: Indicators, ai_post: bool) -> tuple[list[QualityId], list[JobEvidence]]:
    """The qualities the post's sentences stress most, strongest first, with the sentences that show them."""
    weights: dict[QualityId, float] = {}
    shown: dict[QualityId, list[_Hit]] = {}
    for quality, quality_rules in rules.focus.items():
        hits = _hits(sentences, quality_rules, ai_post)
        if hits:
            weights[quality] = sum(h.rule.weight for h in hits)
            shown[quality] = _strongest(hits, 2)
    order = list(QualityId)
    ranked = sorted(weights, key=lambda q: (-weights[q], order.index(q)))
    focus = [q for q in ranked if weights[q] >= MIN_FOCUS_WEIGHT][:MAX_FOCUS]
    focus += [q for q in ranked if q not in focus][: max(0, MIN_FOCUS - len(focus))]
    evidence = [JobEvidence(quote=h.quote, why=h.rule.why, quality=q) for q in focus for h in shown[q]]
    return focus, evidence


def read_offline(text: str) -> JobReading:
    """Read a post with the embedded indicators alone.

    Raises:
        JobPostError: the post is empty or too long.
    """
    post = checked_post(text)
    rules = indicators()
    sentences = _sentences(post, rules)
    body = [s for s in sentences if not s.in_title]
    work = _hits(body, rules.ai_work, ai_post=False)
    described = bool(work) or any(_hits(body, rules.roles[role], ai_post=False) for role in Role)
    focus, focus_evidence = _focus(sentences, rules, described)
    by_role = {role: _hits(sentences, rules.roles[role], described) for role in Role}
    scores = {role: _score(hits) for role, hits in by_role.items()}
    by_role = {role: hits if scores[role] else [] for role, hits in by_role.items()}
    ranked = sorted(Role, key=lambda r: -scores[r])
    first, second = ranked[0], ranked[1]
    if len(focus) < MIN_FOCUS and scores[first] >= MIN_ROLE_WEIGHT:
        focus += [q for q in _leans_on(first) if q not in focus][: MIN_FOCUS - len(focus)]
    base = {"focus": focus, "focus_evidence": focus_evidence, "scores": scores}
    if not described:
        naming = [s for s in sentences if s.names_ai][:3]
        if not naming:
            return JobReading(role=None, confidence=0.0, summary=NO_AI_WORK, **base)
        evidence = [
            JobEvidence(
                quote=_quote(s.text, _ai_name(s.text, rules)),
                why=f"names AI {'in the title' if s.in_title else 'as a buzzword'}, but no sentence of the post "
                "describes model, LLM, eval or agent work",
            )
            for s in naming
        ]
        summary = AI_IN_TITLE if naming[0].in_title else "A regular product role: 'AI' appears only as a buzzword"
        return JobReading(role=None, confidence=0.0, evidence=evidence, ai_in_name_only=True, summary=summary, **base)
    total = sum(scores.values())
    if scores[first] < MIN_ROLE_WEIGHT:
        evidence = [JobEvidence(quote=h.quote, why=h.rule.why, role=r) for r in Role for h in by_role[r]]
        evidence += [JobEvidence(quote=h.quote, why=h.rule.why) for h in work]
        return JobReading(
            role=None,
            confidence=0.0,
            evidence=evidence[:MAX_EVIDENCE],
            summary="An AI role, but the post says too little to tell which kind",
            **base,
        )
    confidence = round(scores[first] / (total + AMOUNT_HALF), 2)
    mixed = scores[second] >= MIXED_MIN_WEIGHT and scores[second] >= MIXED_RATIO * scores[first]
    if mixed:
        leading = _strongest(by_role[first], MAX_EVIDENCE - MAX_EVIDENCE // 2)
        taken = {h.sentence.index for h in leading}
        runner = [h for h in _strongest(by_role[second], MAX_EVIDENCE) if h.sentence.index not in taken]
        chosen = [(first, h) for h in leading] + [(second, h) for h in runner[: MAX_EVIDENCE // 2]]
    else:
        chosen = [(first, h) for h in _strongest(by_role[first], MAX_EVIDENCE)]
    return JobReading(
        role=first,
        confidence=confidence,
        evidence=[JobEvidence(quote=h.quote, why=h.rule.why, role=r) for r, h in chosen],
        mixed=[first, second] if mixed else [],
        summary=_summary(first, [first, second] if mixed else [], confidence),
        **base,
    )


def _leans_on(role: Role) -> list[QualityId]:
    """The qualities a role leans on most (from the role profiles), for a post too terse to show its own."""
    leans = profiles()[role].leans_on
    return sorted(leans, key=lambda q: -leans[q])


def _summary(role: Role, mixed: list[Role], confidence: float) -> str:
    if mixed:
        return f"Mixed: {mixed[0].value} and {mixed[1].value} (confidence {confidence:.2f})"
    title = ROLE_TITLES[role] if ROLE_TITLES[role].startswith("AI") else ROLE_TITLES[role].lower()
    return f"Reads as {'an' if title[0] in 'aeiouAEIOU' else 'a'} {title} role (confidence {confidence:.2f})"


def _ai_name(sentence: str, rules: Indicators) -> re.Match[str]:
    """Where a sentence known to name AI names it."""
    return next(m for m in (p.search(sentence) for p in rules.ai_names) if m)


class ModelJobEvidence(BaseModel):
    """One quote the model gives for its reading."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    quote: str
    """A sentence or phrase copied exactly from the post: no paraphrase, no ellipsis."""
    why: str
    """What the quote shows about the role, in a few plain words."""
    role: Role | None = None
    """The kind of role the quote points at; null when it only shows that the post names AI."""


class JobPostOutput(BaseModel):
    """What the model must return for a job post: the schema sent as structured output."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    role: Role | None
    """The kind of AI PM role the post's work reads as; null for a regular or non-AI product role."""
    confidence: float
    """From 0 to 1: how clearly the post's work points at that role."""
    ai_in_name_only: bool
    """True when the post names AI only in its title or as a buzzword and describes no AI work."""
    mixed: list[Role] = Field(default_factory=list)
    """The two kinds, stronger first, when the post reads as both about equally; empty otherwise."""
    evidence: list[ModelJobEvidence]
    """Two to six quotes from the post that the reading rests on."""
    focus: list[QualityId]
    """The two or three qualities the post stresses most."""


def job_post_request(post: str, backend: Backend, budget: int = DEFAULT_BUDGET) -> LLMRequest:
    """The request that asks the backend's model to read a post (the system prompt is cached)."""
    system = backend.templates.render_stable("job_post_system.j2", prompt_context.job_post_system())

    def build(texts: list[str]) -> LLMRequest:
        return LLMRequest(
            purpose="job_post",
            model=backend.model or DEFAULT_MODEL,
            system=[SystemBlock(text=system, cache=True)],
            messages=[
                Message(
                    role="user",
                    content=backend.templates.render("job_post_user.j2", prompt_context.job_post_user(texts[0])),
                )
            ],
            max_tokens=JOB_POST_MAX_TOKENS,
            meta={"purpose": "job_post", "chars": str(len(post))},
        )

    return fit_texts(build, [post], budget)


def verbatim(quote: str, post: str) -> str | None:
    """The post's own words for a quote the project's check finds in it, or None when they are not there.

    The check forgives case, quote marks, dashes and spacing; what is shown is the post's exact text.
    """
    if not is_grounded(quote, post):
        return None
    words = re.findall(r"\w+", quote)
    if not words:
        return None
    found = re.search(r"(?<!\w)" + r"\W+".join(re.escape(w) for w in words) + r"(?!\w)", post, re.IGNORECASE)
    return found.group(0) if found else None


def _model_reading(post: str, backend: Backend, budget: int) -> JobReading:
    assert backend.llm is not None
    output, _usage = complete_structured(backend.llm, job_post_request(post, backend, budget), JobPostOutput)
    kept: list[JobEvidence] = []
    for item in output.evidence:
        words = verbatim(item.quote, post)
        if words is not None and all(e.quote != words for e in kept):
            kept.append(JobEvidence(quote=words, why=item.why, role=item.role))
    dropped = len(output.evidence) - len(kept)
    role = None if output.ai_in_name_only else output.role
    if role is not None and not kept:
        raise _Ungrounded(f"none of the model's {len(output.evidence)} quotes is in the post")
    mixed = list(dict.fromkeys(output.mixed)) if role is not None else []
    mixed = mixed if len(mixed) == 2 and mixed[0] is role else []
    confidence = round(min(1.0, max(0.0, output.confidence)), 2) if role is not None else 0.0
    if role is not None:
        summary = _summary(role, mixed, confidence)
    elif output.ai_in_name_only:
        summary = AI_IN_TITLE
    else:
        summary = NO_AI_WORK
    return JobReading(
        role=role,
        confidence=confidence,
        evidence=kept[:MAX_EVIDENCE],
        ai_in_name_only=output.ai_in_name_only,
        focus=list(dict.fromkeys(output.focus))[:MAX_FOCUS],
        mixed=mixed,
        reader=backend.label,
        notice=f"{dropped} quote(s) from the model were not found in the post and are not shown" if dropped else None,
        dropped_quotes=dropped,
        summary=summary,
    )


class _Ungrounded(Exception):
    """The model named a role but none of its quotes is in the post."""


def read_job_post(text: str, backend: Backend | None = None, *, budget: int = DEFAULT_BUDGET) -> JobReading:
    """Read a job post as one of the three kinds of AI PM role, with quotes from the post.

    Args:
        text: the post as pasted.
        backend: a model backend reads it; None or the offline backend reads it with the embedded indicators.
        budget: estimated input tokens the model's request may use.

    Returns:
        The reading; when the model fails, the offline one, saying so in ``reader`` and ``notice``.

    Raises:
        JobPostError: the post is empty or too long.
    """
    post = checked_post(text)
    if backend is None or backend.heuristic or backend.llm is None:
        return read_offline(post)
    try:
        return _model_reading(post, backend, budget)
    except (BackendError, GradingError, ReplayMissError, ConfigError, _Ungrounded) as exc:
        reading = read_offline(post)
        return reading.model_copy(
            update={
                "reader": f"offline (the {backend.name} model's reading failed)",
                "notice": f"The model could not read the post ({exc}), so this is the offline reading.",
            }
        )
