"""Eval suite: exchange-level cases, labels of "not enough evidence", two raters, and compare's verdict."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from evals import metrics
from evals.bootstrap import paired_difference
from evals.cases import load_cases, parse_line
from evals.cli import main
from evals.compare import NO_DIFFERENCE, verdict
from evals.graders import Graded, HeuristicSubject
from evals.probes import GOLD, Item, build_items
from evals.raters import agreement, disagreements, load_rater
from evals.runner import Outcome, grade_all
from interviewer.domain import AnswerGrade, QualityGrade, QualityId
from interviewer.grading import GradingItem
from interviewer.heuristic import HeuristicGrader
from interviewer.llm import Completion, LLMRequest
from interviewer.templates import load_set

CS, LC, UE = QualityId.CALIBRATED_SKEPTICISM, QualityId.LIMITATION_COMMUNICATION, QualityId.USER_EMPATHY
OUTSIDER = Path(__file__).parent / "data" / "outsider_exchanges.jsonl"


def exchange(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "hx-900",
        "question": "The claims summariser mis-stated a policy limit last week. What now?",
        "answers": [
            "I'd pull it for everyone, honestly.",
            "Actually no: I'd keep it on and check every limit against the policy record before a payout.",
        ],
        "follow_ups": ["Your VP wants it off today. What do you tell her?"],
        "expected": {"calibrated_skepticism": 3, "user_empathy": None},
        "tags": ["self_correction"],
    }
    return base | overrides


class Scripted:
    """A grader under test that answers from a table: (case id, quality) to a score."""

    kind = "llm"
    label = "scripted"

    def __init__(self, scores: dict[tuple[str, QualityId], int | None]) -> None:
        self.scores = scores
        self.requests: list[GradingItem] = []

    def grade(self, item: Item) -> Graded:
        request = item.grading_item()
        self.requests.append(request)
        grades = [
            QualityGrade(
                quality=q,
                score=self.scores.get((item.case.id, q)),
                evidence=[item.answers[0]] if self.scores.get((item.case.id, q)) else [],
                rationale="scripted",
                improvement="scripted",
            )
            for q in request.qualities
        ]
        return Graded(AnswerGrade(question_id=item.id, grades=grades, grader="scripted"), sources=("synthetic",))


def test_an_exchange_loads_with_its_follow_ups_and_a_label_per_quality() -> None:
    case = parse_line(json.dumps(exchange()), "x.jsonl:1")
    assert case.answers[1].startswith("Actually no") and case.follow_ups == (
        "Your VP wants it off today. What do you tell her?",
    )
    assert case.expected == {CS: 3, UE: None} and case.primary is CS and case.exchange
    single = parse_line(
        json.dumps(
            {"id": "cs-1", "quality": "user_empathy", "question": "Q?", "answer": "A.", "expected": 2, "tags": []}
        ),
        "x.jsonl:2",
    )
    assert single.answers == ("A.",) and single.expected == {UE: 2} and not single.exchange


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"follow_ups": ["one", "two"]}, "2 follow-up"),
        ({"expected": {}}, "names no quality"),
        ({"expected": {"calibrated_skepticism": 5}}, "less than or equal to 4"),
        ({"answer": "both shapes at once"}, "not both"),
        ({"quality": "user_empathy", "expected": {"calibrated_skepticism": 3}}, "not one of the qualities"),
    ],
)
def test_a_malformed_exchange_names_its_line_and_problem(change: dict[str, object], problem: str) -> None:
    with pytest.raises(Exception, match=rf"x\.jsonl:7: .*{problem}"):
        parse_line(json.dumps(exchange(**change)), "x.jsonl:7")


def test_one_request_grades_the_whole_exchange_and_each_quality_is_one_prediction() -> None:
    case = parse_line(json.dumps(exchange()), "x.jsonl:1")
    subject = Scripted({("hx-900", CS): 3, ("hx-900", UE): 2})
    outcomes = grade_all(subject, build_items([case]))
    assert len(subject.requests) == 1
    request = subject.requests[0]
    assert request.answers == list(case.answers) and request.follow_ups == list(case.follow_ups)
    assert request.qualities == [CS, UE]
    assert [(o.quality, o.expected, o.score) for o in outcomes] == [(CS, 3, 3), (UE, None, 2)]
    assert [bool(o.sources) for o in outcomes] == [True, False], "the request's replies are counted once"
    figures = metrics.agreement(outcomes)
    assert figures.n == 2 and figures.n_scored == 1 and figures.exact == 0.5
    assert figures.n_no_evidence == 1 and figures.no_evidence_kept == 0.0


def test_a_label_of_not_enough_evidence_agrees_only_with_an_abstention() -> None:
    case = parse_line(json.dumps(exchange(expected={"user_empathy": None, "calibrated_skepticism": 2})), "x:1")
    kept = grade_all(Scripted({("hx-900", CS): 2}), build_items([case]))
    invented = grade_all(Scripted({("hx-900", CS): 2, ("hx-900", UE): 3}), build_items([case]))
    assert metrics.agreement(kept).exact == 1.0 and metrics.agreement(kept).no_evidence_kept == 1.0
    assert metrics.agreement(invented).exact == 0.5 and metrics.agreement(invented).within_one == 0.5
    # The invented score has no number to compare with: QWK and bias stand on the CS pair alone.
    assert metrics.agreement(invented).mean_bias == 0.0
    assert metrics.agreement(invented).confusion["rows"][-1] == "none"


def test_the_product_sends_the_follow_up_questions_to_the_grader() -> None:
    captured: list[LLMRequest] = []

    class Capture:
        name = "capture"

        def complete(self, request: LLMRequest) -> Completion:
            captured.append(request)
            reply = {
                "grades": [
                    {
                        "quality": "calibrated_skepticism",
                        "score": None,
                        "evidence": [],
                        "rationale": "r",
                        "improvement": "i",
                    }
                ],
                "feedback": "f",
            }
            return Completion(text=json.dumps(reply), model="m", stop_reason="end_turn")

    from interviewer.grading import LLMGrader

    item = GradingItem(
        question_id="q",
        question_text="What now?",
        answers=["First.", "Second."],
        follow_ups=["Your VP wants it off <answer>today</answer>?"],
        qualities=[CS],
    )
    for name in ("default", "plain"):
        captured.clear()
        made = LLMGrader(Capture(), load_set(name), "m").grade(item)  # type: ignore[arg-type]
        assert made.templates == load_set(name).label, "a grade names the exact set that made it, for its card"
        user = captured[0].messages[0].content
        assert isinstance(user, str)
        assert "Your VP wants it off" in user and user.index("First.") < user.index("VP wants") < user.index("Second.")
        assert "<answer>today" not in user, "a follow-up cannot open an answer tag"


def test_the_heuristic_neither_credits_nor_asks_for_the_swing_where_the_scenario_has_none() -> None:
    answer = (
        "Across 400 of your claims it got the key facts right about 19 times in 20, and the ones it fumbles are "
        "files with two incidents. I'd pilot it with one team for six weeks, and success means handling time "
        "down with misses under 1 in 20. If it ever gets one of your adjusters burned, we fix that kind of claim "
        "rather than everybody deciding it's useless."
    )
    grader = HeuristicGrader()

    def grade(question: str, follow_ups: list[str]) -> QualityGrade:
        item = GradingItem(
            question_id="q", question_text=question, answers=[answer], follow_ups=follow_ups, qualities=[LC]
        )
        return grader.grade(item).grades[0]

    calm = grade("Brief the head of claims before launch: can her adjusters rely on it?", [])
    swing = grade(
        "Brief the head of claims before launch: can her adjusters rely on it?",
        ["It failed on a claim yesterday and she wants it switched off."],
    )
    assert "swing" not in calm.rationale and "swing" in swing.rationale
    assert "handles the swing" not in calm.improvement, "no advice to do what the scenario never asked for"


def _outcomes(scores: list[int], labels: list[int], questions: int) -> list[Outcome]:
    rows = [
        {
            "id": f"c-{i}",
            "quality": "calibrated_skepticism",
            "question": f"q{i % questions}",
            "answer": "a",
            "expected": e,
            "tags": [],
        }
        for i, e in enumerate(labels)
    ]
    cases = [parse_line(json.dumps(r), "t") for r in rows]
    return [Outcome(Item(c, GOLD, c.answers), s) for c, s in zip(cases, scores, strict=True)]


def test_the_paired_bootstrap_tells_a_better_grader_from_a_worse_one_and_not_from_its_equal() -> None:
    rng = np.random.default_rng(3)
    labels = [int(x) for x in rng.integers(1, 5, 120)]
    good = [min(4, max(1, e + int(rng.choice([0, 0, 0, 1, -1])))) for e in labels]
    bad = [min(4, max(1, e + int(rng.choice([-2, -1, 0, 1, 2])))) for e in labels]
    a, b = _outcomes(good, labels, 40), _outcomes(bad, labels, 40)
    diff, interval, questions = paired_difference(a, b, metric="qwk", samples=500, confidence=0.95, seed=1)
    assert questions == 40
    assert diff is not None and diff > 0 and interval is not None and interval[0] > 0
    assert verdict("default", "plain", interval) == "default beats plain"
    assert verdict("plain", "default", (-interval[1], -interval[0])) == "default beats plain"
    same, interval, _ = paired_difference(
        a, _outcomes(good, labels, 40), metric="qwk", samples=500, confidence=0.95, seed=1
    )
    assert same == 0.0 and interval == (0.0, 0.0) and verdict("a", "b", interval) == NO_DIFFERENCE
    assert "fewer than two questions" in verdict("a", "b", None, questions=1)
    with pytest.raises(ValueError, match="same cases"):
        paired_difference(a, b[::-1], metric="qwk", samples=10, confidence=0.95, seed=1)


def test_rater_agreement_is_computed_per_quality_with_null_agreeing_only_with_null(tmp_path: Path) -> None:
    cases_file = tmp_path / "x.jsonl"
    cases_file.write_text(
        json.dumps(exchange()) + "\n" + json.dumps(exchange(id="hx-901", expected={"calibrated_skepticism": 2})) + "\n"
    )
    cases = load_cases([cases_file])
    first = tmp_path / "a.json"
    second = tmp_path / "b.json"
    first.write_text(
        json.dumps(
            {"hx-900": {"calibrated_skepticism": {"label": 3}, "user_empathy": {"label": None}}, "hx-901": {"label": 2}}
        )
    )
    second.write_text(
        json.dumps(
            {"hx-900": {"calibrated_skepticism": {"label": 3}, "user_empathy": {"label": 2}}, "hx-901": {"label": 3}}
        )
    )
    a, b = load_rater(first, cases), load_rater(second, cases)
    figures = {f.quality: f for f in agreement(a, b, cases)}
    assert figures["calibrated_skepticism"].n == 2 and figures["calibrated_skepticism"].exact == 0.5
    assert figures["user_empathy"].exact == 0.0 and figures["overall"].n == 3
    assert figures["calibrated_skepticism"].first_matches_gold == 1.0
    assert {(d["case"], d["quality"]) for d in disagreements(a, b, cases)} == {
        ("hx-900", "user_empathy"),
        ("hx-901", "calibrated_skepticism"),
    }
    second.write_text(json.dumps({"hx-900": {"product_altitude": {"label": 3}}}))
    with pytest.raises(Exception, match="not labelled on 'product_altitude'"):
        load_rater(second, cases)


def test_an_exchange_case_file_written_by_someone_else_runs_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Written by a helper who saw only the brief's schema excerpt, never this code (tests/data/README.md)."""
    out = tmp_path / "run.json"
    code = main(["run", "--cases", str(OUTSIDER), "--grader", "heuristic", "--json", str(out), "--no-progress"])
    assert code in (0, 1, 3), capsys.readouterr().err
    result = json.loads(out.read_text())
    cases = load_cases([OUTSIDER])
    pairs = sum(len(c.expected) for c in cases)
    assert any(len(c.answers) > 1 for c in cases) and any(not c.exchange for c in cases)
    assert result["n"] == pairs
    assert len([p for p in result["predictions"] if p["kind"] == "gold"]) == pairs


def test_the_heuristic_grades_the_committed_exchanges_as_one_prediction_per_pair() -> None:
    cases = [c for c in load_cases([Path(__file__).parents[1] / "evals" / "cases"]) if c.exchange]
    assert len(cases) >= 80
    outcomes = grade_all(HeuristicSubject(), build_items(cases))
    assert len(outcomes) == sum(len(c.expected) for c in cases)


def test_an_interview_grades_each_question_with_its_follow_up_questions() -> None:
    """The product's request is the one the harness measures: answers and follow-ups, every quality."""
    from dataclasses import replace

    from interviewer import Interview, InterviewConfig, Role, create_backend

    seen: list[GradingItem] = []
    offline = create_backend("offline")

    class Watching:
        name = offline.grader.name

        def grade(self, item: GradingItem) -> AnswerGrade:
            seen.append(item)
            return offline.grader.grade(item)

    backend = replace(offline, grader=Watching())
    config = InterviewConfig(role=Role.INTEGRATOR, num_questions=3, max_follow_ups=1, seed=2)
    interview = Interview(backend, config)
    interview.start().read()
    while not interview.finished:
        interview.answer("We'd just test it and a human reviews it.").read()
    interview.report(timeout=10)
    asked = {q.id: interview.transcript.follow_ups_to(q.id) for q in interview.questions}
    interview.close()
    assert any(asked.values()), "the offline interviewer asked a follow-up"
    for item in seen:  # a grade may start early, before a follow-up: it carries the follow-ups asked so far
        assert item.follow_ups == asked[item.question_id][: len(item.answers) - 1]
        assert len(item.answers) == len(item.follow_ups) + 1
        assert item.qualities == list(next(q for q in interview.questions if q.id == item.question_id).qualities)
    last = {item.question_id: item for item in seen}
    assert all(last[q].follow_ups == f for q, f in asked.items() if q in last)


@pytest.mark.parametrize(
    "scenario",
    [
        "Role-play: I'm the support director. Your agent quoted the wrong refund policy yesterday. Pull it.",
        "A nurse says the co-pilot listed a medication the patient was never prescribed. What now?",
        "Your booking agent double-booked 14 appointments on Monday. I want the feature turned off today.",
        "I'm the COO. From next month I want agent reports going straight to clients with no analyst review.",
    ],
)
def test_a_scenario_with_a_visible_failure_or_a_swing_raises_the_swing(scenario: str) -> None:
    from interviewer.heuristic import in_scenario
    from interviewer.rubric import qualities

    quality = qualities()[LC]
    labels = {s.label for s in in_scenario(quality, scenario).heuristic.advanced}
    assert "handles the swing without overcorrecting" in labels
    calm = in_scenario(quality, "Explain to the CFO what the forecasting model can and can't do before launch.")
    assert "handles the swing without overcorrecting" not in {s.label for s in calm.heuristic.advanced}
