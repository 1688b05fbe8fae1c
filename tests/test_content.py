"""The rubric and question bank: complete, well-formed, and loud when corrupt."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from interviewer.domain import Format, InterviewConfig, QualityId, Role
from interviewer.errors import ContentError
from interviewer.questions import bank, load_questions_text, plan_questions
from interviewer.rubric import load_qualities_text, qualities


def test_rubric_has_ten_qualities_with_four_levels_and_valid_patterns() -> None:
    rubric = qualities()
    assert list(rubric) == list(QualityId)
    for quality in rubric.values():
        assert sorted(quality.levels) == [1, 2, 3, 4]
        signals = (
            quality.heuristic.red_flags + quality.heuristic.basic + quality.heuristic.solid + quality.heuristic.advanced
        )
        assert quality.heuristic.solid and quality.heuristic.advanced
        for signal in signals:
            for pattern in signal.patterns:
                re.compile(pattern)
    assert "the model handles it" in rubric[QualityId.CALIBRATED_SKEPTICISM].levels[1]


def test_question_bank_covers_roles_qualities_and_formats() -> None:
    questions = bank()
    assert len(questions) >= 40
    for role in Role:
        assert sum(role in q.roles for q in questions) >= 12
    primaries = Counter(q.primary_quality for q in questions)
    assert all(primaries[q] >= 3 for q in QualityId)
    assert {q.format for q in questions} == set(Format)
    assert any(
        q.format is Format.STAKEHOLDER_ROLEPLAY
        and q.primary_quality is QualityId.LIMITATION_COMMUNICATION
        and q.persona
        for q in questions
    )
    for role in Role:
        mine = [q for q in questions if role in q.roles]
        assert all(sum(q.format is f for q in mine) >= 2 for f in Format), role
    roleplays = [q for q in questions if q.format is Format.STAKEHOLDER_ROLEPLAY]
    assert all(q.persona and q.stakeholder_trust for q in roleplays), "every role-play stakeholder's trust moves"
    assert {q.stakeholder_trust for q in roleplays} == {"over", "under"}
    for question in questions:
        assert question.follow_ups and question.strong_answer and question.exemplar
        for follow_up in question.follow_ups:
            for pattern in follow_up.patterns:
                re.compile(pattern)


@pytest.mark.parametrize("role", list(Role))
def test_plans_fit_role_focus_and_length(role: Role) -> None:
    config = InterviewConfig(role=role, focus=[QualityId.LIMITATION_COMMUNICATION], num_questions=6, seed=2)
    plan = plan_questions(config)
    assert len(plan) == 6
    assert len({q.id for q in plan}) == 6
    assert all(role in q.roles for q in plan)
    assert plan[0].primary_quality is QualityId.LIMITATION_COMMUNICATION
    assert plan[-1].format is Format.REFLECTION
    assert plan_questions(config) == plan, "a seed makes the plan repeatable"


def test_corrupt_content_is_a_clear_error() -> None:
    with pytest.raises(ContentError, match="not a valid question bank"):
        load_questions_text('{"questions": [{"id": 1}]}')
    with pytest.raises(ContentError, match="not a valid rubric"):
        load_qualities_text("{not json")
    with pytest.raises(ContentError, match="lacks qualities"):
        load_qualities_text('{"qualities": []}')
