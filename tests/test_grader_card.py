"""The calibration card: how far a grader's scores can be trusted, from the committed eval results."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.card import CARD_CASES, build_card, merged
from evals.cases import load_cases
from evals.graders import HeuristicSubject
from evals.thresholds import load_thresholds
from interviewer.domain import QualityId, Report
from interviewer.export import report_document, report_markdown
from interviewer.grader_card import Card, CardEntry, CardFigure, load_card, trust
from tests.interview_answers import STRONG
from tests.test_feedback import interview_with

ROOT = Path(__file__).parents[1]
CS = QualityId.CALIBRATED_SKEPTICISM
MODEL = "llm:claude-sonnet-5-5"
SET = "default@1.0.0 (042d3483ac)"


def card_with(source: str, grader: str = MODEL, templates: str | None = SET) -> Card:
    figure = CardFigure(n=120, qwk=0.81, interval=(0.74, 0.87), exact=0.6)
    entry = CardEntry(
        grader=grader, templates=templates, source=source, measured="2026-12-01", cases=["x"], qualities={CS: figure}
    )
    return Card(refreshed_by="test", entries=[entry])


def test_the_committed_heuristic_card_is_what_the_card_command_produces_now() -> None:
    paths = ["evals/cases/exchanges.jsonl", "evals/fresh"]
    assert [str(p.relative_to(ROOT)) for p in CARD_CASES] == paths, "measured on the held-out cases only"
    fresh = build_card([HeuristicSubject()], load_cases([ROOT / p for p in paths]), load_thresholds(), paths)
    committed = next(e for e in load_card().entries if e.grader == "heuristic")
    assert committed.model_copy(update={"measured": ""}) == fresh.entries[0].model_copy(update={"measured": ""}), (
        "run `python -m evals card` and commit src/interviewer/content/grader_card.json"
    )


def test_refreshing_the_card_keeps_the_entries_it_did_not_measure() -> None:
    model = card_with("recorded").entries[0]
    old = Card(refreshed_by="old", entries=[load_card().entries[0], model])
    new = Card(refreshed_by="new", entries=[load_card().entries[0]])
    assert merged(new, old).entries == [load_card().entries[0], model]


def test_the_heuristic_card_names_its_agreement_interval_size_and_source() -> None:
    said = trust("heuristic", None, CS)
    figure = load_card().entries[0].qualities[CS]
    assert said.measured and said.source == "heuristic" and said.n == figure.n
    assert f"QWK {figure.qwk:.2f}" in said.sentence and f"on {figure.n} answers labelled by people" in said.sentence
    assert figure.n >= 30 and "rough guide" not in said.sentence
    rough = trust("heuristic", None, QualityId.TECHNICAL_CURIOSITY, card_with_n(12))
    assert rough.measured and "rough guide" in rough.sentence
    assert "offline heuristic" in said.sentence
    few = trust("heuristic", None, QualityId.SAYING_NO)
    assert not few.measured and few.qwk is None and few.sentence.startswith("Too few labelled answers")


def card_with_n(n: int) -> Card:
    figure = CardFigure(n=n, qwk=0.7, interval=(0.4, 0.9))
    entry = CardEntry(
        grader="heuristic",
        source="heuristic",
        measured="2026-12-01",
        cases=["x"],
        qualities={QualityId.TECHNICAL_CURIOSITY: figure},
    )
    return Card(refreshed_by="test", entries=[entry])


@pytest.mark.parametrize(
    ("card", "grader", "templates"),
    [
        (card_with("synthetic"), MODEL, SET),  # synthetic scripts never stand for a model
        (card_with("recorded"), "llm:another-model", SET),
        (card_with("recorded"), MODEL, "plain@1.0.0 (fb47446f18)"),
        (card_with("recorded"), MODEL, "default@1.0.0 (0123456789)"),  # the set edited without a new version
        (card_with("recorded"), MODEL, "default@1.0.0"),  # no hash: which edit of the set is unknown
        (Card(refreshed_by="test"), MODEL, SET),
    ],
)
def test_a_model_without_recorded_results_for_it_is_not_yet_measured(card: Card, grader: str, templates: str) -> None:
    said = trust(grader, templates, CS, card)
    assert not said.measured and said.qwk is None
    assert said.sentence.startswith("Not yet measured for this model")


def test_recorded_replies_of_the_same_model_and_set_give_the_model_its_card() -> None:
    said = trust(MODEL, SET, CS, card_with("recorded"))
    assert said.measured and said.source == "recorded" and said.interval == (0.74, 0.87)
    assert "recorded replies of claude-sonnet-5-5" in said.sentence and "0.74 to 0.87" in said.sentence


@pytest.fixture(scope="module")
def report() -> Report:
    return interview_with(STRONG)


def test_every_scored_grade_in_the_downloads_carries_its_card(report: Report) -> None:
    document = report_document(report)
    grades = [g for a in document.answers for g in a.grades]
    scored = [g for g in grades if g.score is not None]
    assert scored and all(g.trust.source == "heuristic" and g.trust.sentence for g in scored)
    assert all(g.trust.qwk is not None for g in scored if g.trust.measured)
    markdown = report_markdown(report)
    assert all(g.trust.sentence in markdown for g in scored)
    assert markdown.count("How far to trust this score") == sum(g.trust.measured for g in scored) > 0
