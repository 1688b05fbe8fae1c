"""A role-play stakeholder whose trust moves with each answer: the rules, the next line, and the report."""

from __future__ import annotations

import pytest

from interviewer import Interview, InterviewConfig, create_backend
from interviewer.domain import TRUST_LABELS, Format, Question
from interviewer.questions import bank
from interviewer.rubric import qualities
from interviewer.stakeholder import ALARM, HYPE, JARGON, LINES, next_line, trust_path

HYPE_ANSWER = "Trust me, the AI handles it and customers will love it."
ALARM_ANSWER = "Frankly this thing is dangerous and we should shut it down completely before it hurts someone."
JARGON_ANSWER = (
    "The model's logits are poorly calibrated and the top-p sampling plus the retrieval embeddings drift out of "
    "distribution, so perplexity spikes."
)
GROUNDED_ANSWER = (
    "On our eval set of 400 real tickets it answered 91% correctly, and the failures cluster on refunds over $500. "
    "So I'd keep it on for order-status questions, where errors are cheap, and route refunds to a person. "
    "If the error rate on the weekly sample goes above 5% we pull it back."
)


def roleplay(trust: str) -> Question:
    base = next(q for q in bank() if q.format is Format.STAKEHOLDER_ROLEPLAY)
    return base.model_copy(update={"stakeholder_trust": trust})


def test_the_signals_it_moves_on_are_the_rubrics_own() -> None:
    for quality, label in (*HYPE, *ALARM, *JARGON):
        signals = [*qualities()[quality].heuristic.red_flags, *qualities()[quality].heuristic.basic]
        assert label in {s.label for s in signals}, (quality, label)


def test_an_over_truster_is_pushed_further_by_hype_and_brought_round_by_grounded_answers() -> None:
    path = trust_path(roleplay("over"), [HYPE_ANSWER, GROUNDED_ANSWER, GROUNDED_ANSWER, HYPE_ANSWER])
    assert [s.trust for s in path] == [2, 2, 1, 0, 1]
    assert path[1].quote == HYPE_ANSWER and "pushed them further" in path[1].why
    assert path[2].quote is not None and path[2].quote in GROUNDED_ANSWER
    assert path[3].label == TRUST_LABELS[0]


def test_an_under_truster_is_pushed_away_by_jargon_or_alarm_and_hype_reads_as_a_pitch() -> None:
    assert [s.trust for s in trust_path(roleplay("under"), [GROUNDED_ANSWER, JARGON_ANSWER])] == [-2, -1, -2]
    assert [s.trust for s in trust_path(roleplay("under"), [GROUNDED_ANSWER, HYPE_ANSWER])] == [-2, -1, -2]
    assert trust_path(roleplay("under"), [GROUNDED_ANSWER, HYPE_ANSWER])[-1].why.startswith("it sounded like a sales")


def test_alarm_swings_an_over_truster_to_doubt_and_silence_moves_nobody() -> None:
    path = trust_path(roleplay("over"), [ALARM_ANSWER, "We'll see how it goes."])
    assert [s.trust for s in path] == [2, -1, -1]
    assert path[2].quote is None and "nothing" in path[2].why


def test_a_question_without_a_stakeholder_has_no_path() -> None:
    plain = next(q for q in bank() if q.format is Format.BEHAVIOURAL)
    assert trust_path(plain, [GROUNDED_ANSWER]) == []


@pytest.mark.parametrize("trust", ["over", "under"])
def test_offline_the_stakeholders_next_line_follows_their_state_and_the_report_shows_the_path(trust: str) -> None:
    question = roleplay(trust)
    config = InterviewConfig(num_questions=3, max_follow_ups=2, seed=1)
    others = [q for q in bank() if q.format is Format.BEHAVIOURAL][:2]
    interview = Interview(create_backend("offline"), config, questions=[question, *others])
    interview.start().read()
    first = interview.answer(GROUNDED_ANSWER).read()
    expected = trust_path(question, [GROUNDED_ANSWER])
    assert first.strip() == next_line(expected) == LINES[expected[-1].trust]
    second = interview.answer(GROUNDED_ANSWER).read()
    assert LINES[0] in second, "calibrated: the stakeholder is satisfied and the interview moves on"
    assert interview.current_question is not None and interview.current_question.id == others[0].id
    while not interview.finished:
        interview.answer("We ran a small pilot with two teams and measured the time saved per ticket.").read()
    report = interview.report(timeout=30)
    path = report.answers[0].trust
    assert [s.trust for s in path] == [s.trust for s in trust_path(question, [GROUNDED_ANSWER, GROUNDED_ANSWER])]
    assert path[-1].trust == 0 and all(not a.trust for a in report.answers[1:])
    interview.close()


def test_with_a_model_the_turn_template_is_told_where_trust_stands() -> None:
    from interviewer.fake_llm import FakeLLM, default_reply
    from interviewer.llm import LLMRequest

    seen: list[str] = []

    def respond(request: LLMRequest) -> str:
        if request.purpose == "interviewer":
            seen.append(request.messages[-1].content)
        return default_reply(request)

    question = roleplay("over")
    config = InterviewConfig(num_questions=3, max_follow_ups=1, seed=1)
    others = [q for q in bank() if q.format is Format.BEHAVIOURAL][:2]
    interview = Interview(create_backend(llm=FakeLLM(respond=respond)), config, questions=[question, *others])
    interview.start().read()
    interview.answer(HYPE_ANSWER).read()
    assert "stands at: believes it can do anything" in seen[-1]
    assert "hype or vague reassurance pushed them further" in seen[-1]
    interview.close()
