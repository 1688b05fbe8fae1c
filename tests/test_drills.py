"""Critique drills: a named defect is credited with the candidate's sentence, a missed one is not, and the
level follows from the count, offline and with a model held to the same key."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from interviewer import create_backend
from interviewer.domain import QualityId, Role
from interviewer.drills import DrillKind, drill_bank, grade_drill, load_drills_text
from interviewer.errors import ContentError
from interviewer.fake_llm import FakeLLM
from interviewer.llm import LLMRequest

DRILL = {
    "id": "drl-test-summary",
    "title": "A renewal summary",
    "kind": "summary",
    "roles": ["integrator"],
    "brief": "The CRM's AI summarised this account. What would you check, what do you find, what do you do?",
    "artefact": "Acme grew revenue 40% and renewed for three years. The champion, Dana, is leaving in May.",
    "source": "Call notes: revenue up 14% year on year. Renewal is for one year. Dana leaves in May.",
    "explain_to": "",
    "defects": [
        {
            "id": "growth",
            "what": "The 40% growth figure contradicts the source's 14%.",
            "identifies": "summary: 'grew revenue 40%'; notes: 'up 14%'",
            "patterns": [r"\b40\s?%.{0,60}\b(?:14|wrong|source)", r"\b14\s?%"],
        },
        {
            "id": "term",
            "what": "The renewal term is one year, not three.",
            "identifies": "summary: 'three years'; notes: 'one year'",
            "patterns": [r"\bthree[- ]years?\b.{0,60}\b(?:one|wrong|source)", r"\bone[- ]year (?:renewal|term)\b"],
        },
    ],
    "decoys": [
        {
            "id": "champion",
            "what": "Dana leaving in May is in the notes.",
            "patterns": [r"\bdana\b.{0,60}\b(?:wrong|made up|unsupported|not in)"],
        }
    ],
    "actions": [
        {"text": "Hold the summary until it is corrected.", "patterns": [r"\b(?:hold|pull|stop)\b.{0,40}\bsummar"]},
        {"text": "Add a check of every figure against its source.", "patterns": [r"\bcheck\w*\b.{0,40}\bfigures?\b"]},
    ],
    "exemplar": "x",
}


def drill(**changes: object):  # type: ignore[no-untyped-def]
    return load_drills_text(json.dumps({"drills": [{**DRILL, **changes}]}))[0]


OFFLINE = create_backend("offline")


def test_a_named_defect_is_credited_with_the_sentence_and_a_missed_one_is_not() -> None:
    answer = "I read it against the notes. The 40% growth is wrong, the notes say 14% for the year."
    result = grade_drill(OFFLINE.grader, drill(), [answer])
    assert [d.id for d in result.found] == ["growth"]
    assert result.found[0].evidence == "The 40% growth is wrong, the notes say 14% for the year."
    assert [d.id for d in result.missed] == ["term"]
    skepticism = result.grade.grade_for(QualityId.CALIBRATED_SKEPTICISM)
    assert skepticism is not None and skepticism.score == 2, "one of two found, nothing proposed"
    assert skepticism.evidence == [result.found[0].evidence]
    assert "renewal term is one year" in skepticism.improvement, "the advice names what was missed"


def test_every_defect_no_false_alarm_and_two_actions_reach_level_four() -> None:
    answer = (
        "The 40% growth is wrong: the source says 14%. "
        "It says three years but the notes say a one year renewal. "
        "I would hold the summary until it is fixed. "
        "Then I would add a check of every figure against the call notes."
    )
    result = grade_drill(OFFLINE.grader, drill(), [answer])
    assert not result.missed and not result.raised and len(result.proposed) == 2
    skepticism = result.grade.grade_for(QualityId.CALIBRATED_SKEPTICISM)
    assert skepticism is not None and skepticism.score == 4


def test_a_false_alarm_is_counted_and_holds_the_level_back() -> None:
    answer = (
        "The 40% growth is wrong: the source says 14%. "
        "It says three years but the notes say a one year renewal. "
        "The bit about Dana is made up. "
        "I would hold the summary and add a check of every figure."
    )
    result = grade_drill(OFFLINE.grader, drill(), [answer])
    assert [d.id for d in result.raised] == ["champion"]
    skepticism = result.grade.grade_for(QualityId.CALIBRATED_SKEPTICISM)
    assert skepticism is not None and skepticism.score == 3
    assert "before calling it wrong" in skepticism.improvement


def test_waving_it_through_is_level_one_with_that_sentence_quoted() -> None:
    result = grade_drill(OFFLINE.grader, drill(), ["Looks fine to me, it matches what I remember. Ship it."])
    skepticism = result.grade.grade_for(QualityId.CALIBRATED_SKEPTICISM)
    assert skepticism is not None and skepticism.score == 1
    assert skepticism.evidence == ["Looks fine to me, it matches what I remember."]


def test_offline_a_critique_it_cannot_recognise_is_not_enough_evidence_not_a_low_score() -> None:
    result = grade_drill(OFFLINE.grader, drill(), ["The numbers disagree with what the account manager wrote down."])
    skepticism = result.grade.grade_for(QualityId.CALIBRATED_SKEPTICISM)
    assert skepticism is not None and skepticism.score is None
    assert "cannot tell a miss" in skepticism.rationale


def _model_grading(checklist: list[dict[str, object]]) -> FakeLLM:
    def respond(request: LLMRequest) -> str:
        assert "grew revenue 40%" in request.messages[-1].content, "the model reads the artefact"
        assert "The renewal term is one year" in request.messages[-1].content, "and the key"
        grades = [
            {"quality": q, "score": 2, "evidence": ["the growth"], "rationale": "r", "improvement": "i"}
            for q in request.meta["qualities"].split(",")
        ]
        return json.dumps({"grades": grades, "checklist": checklist, "feedback": "f"})

    return FakeLLM(respond=respond)


def test_a_model_grader_is_held_to_the_same_key_and_its_quotes_are_checked() -> None:
    answer = "Honestly the growth number is inflated next to the notes. The contract length is off too."
    verdicts = [
        {"point": 1, "covered": True, "quote": "Honestly the growth number is inflated next to the notes."},
        {"point": 2, "covered": True, "quote": "The renewal is one year, not three."},  # not the candidate's words
        {"point": 3, "covered": False},
        {"point": 4, "covered": False},
        {"point": 5, "covered": False},
    ]
    backend = create_backend(llm=_model_grading(verdicts))
    result = grade_drill(backend.grader, drill(), [answer])
    assert [d.id for d in result.found] == ["growth"], "an invented quote credits nothing"
    skepticism = result.grade.grade_for(QualityId.CALIBRATED_SKEPTICISM)
    assert skepticism is not None and skepticism.score == 2, "counted in code, not the model's own 2 by chance"
    assert skepticism.rationale.startswith("Named 1 of the 2 planted defects")


def test_a_drill_that_asks_for_an_explanation_also_grades_communicating_the_limits() -> None:
    asked = drill(explain_to="the VP of Sales")
    assert asked.qualities == [QualityId.CALIBRATED_SKEPTICISM, QualityId.LIMITATION_COMMUNICATION]
    result = grade_drill(OFFLINE.grader, asked, ["The 40% growth is wrong: the source says 14%."])
    assert [g.quality for g in result.grade.grades] == asked.qualities


def test_a_malformed_drill_file_is_a_clear_error() -> None:
    with pytest.raises(ContentError, match="not a valid drill bank"):
        load_drills_text('{"drills": [{"id": "x"}]}')
    with pytest.raises(ContentError, match="bad pattern"):
        load_drills_text(json.dumps({"drills": [{**DRILL, "actions": [{"text": "t", "patterns": ["("]}]}]}))
    with pytest.raises(ContentError, match="repeats drill id"):
        load_drills_text(json.dumps({"drills": [DRILL, DRILL]}))


GENERIC = [
    "I would check the summary carefully for errors and verify it before it goes out. We should test it more.",
    "Overall the output seems reasonable. I'd ask the team to review it and make sure it's accurate.",
]


def test_the_bank_has_drills_of_every_kind_for_every_role() -> None:
    drills = drill_bank()
    assert len(drills) >= 12
    assert all(sum(role in d.roles for d in drills) >= 4 for role in Role)
    assert set(Counter(d.kind for d in drills)) == set(DrillKind)
    assert sum(bool(d.explain_to) for d in drills) >= 4


@pytest.mark.parametrize("shipped", drill_bank(), ids=lambda d: d.id)
def test_each_drills_exemplar_finds_every_defect_and_a_generic_critique_finds_none(shipped) -> None:  # type: ignore[no-untyped-def]
    result = grade_drill(OFFLINE.grader, shipped, [shipped.exemplar])
    assert not result.missed, [d.id for d in result.missed]
    assert not result.raised, [d.id for d in result.raised]
    assert len(result.proposed) >= 2
    for answer in GENERIC:
        generic = grade_drill(OFFLINE.grader, shipped, [answer])
        assert not generic.found and not generic.raised, (answer, [d.id for d in generic.found])
