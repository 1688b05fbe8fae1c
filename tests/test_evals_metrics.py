"""Eval suite: the figures, the bootstrap, the gate's verdicts and the thresholds file."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import spearmanr
from sklearn.metrics import cohen_kappa_score, confusion_matrix

from evals import metrics
from evals.bootstrap import intervals
from evals.cases import Case
from evals.evaluation import measure
from evals.gates import EXIT_CODES, FAIL, INCONCLUSIVE, PASS, judge_agreement, judge_count, overall
from evals.graders import Graded, HeuristicSubject
from evals.probes import GOLD, Item
from evals.report import gate_rows, render_text, sections
from evals.runner import Outcome, grade_all
from evals.thresholds import GateSpec, load_thresholds
from interviewer.domain import QualityId
from interviewer.errors import ConfigError

_ids = itertools.count()


def outcome(
    expected: int,
    score: int | None,
    *,
    error: str | None = None,
    question: str | None = None,
    kind: str = GOLD,
    tags: tuple[str, ...] = (),
    pair: str | None = None,
    case_id: str | None = None,
    quality: QualityId = QualityId.CALIBRATED_SKEPTICISM,
) -> Outcome:
    number = next(_ids)
    case = Case(
        id=case_id or f"t-{number:04d}",
        quality=quality,
        question=question or f"question {number}",
        answer="An answer long enough to grade.",
        expected=expected,
        tags=tags,
        pair=pair,
    )
    return Outcome(Item(case, kind, case.answers), score, error=error, sources=("heuristic",))


def test_vectorised_figures_match_scikit_learn_and_numpy() -> None:
    rng = np.random.default_rng(7)
    for _ in range(25):
        size = int(rng.integers(5, 80))
        expected = rng.integers(1, 5, size)
        predicted = np.clip(expected + rng.integers(-2, 3, size), 1, 4)
        outcomes = [outcome(int(e), int(p)) for e, p in zip(expected, predicted, strict=True)]
        stats = metrics.table_statistics(metrics.contingency(outcomes)[None])
        kappa = cohen_kappa_score(expected, predicted, weights="quadratic", labels=[1, 2, 3, 4])
        if np.isfinite(kappa):
            assert stats["qwk"][0] == pytest.approx(kappa)
        assert stats["exact"][0] == pytest.approx(np.mean(expected == predicted))
        assert stats["within_one"][0] == pytest.approx(np.mean(np.abs(expected - predicted) <= 1))
        bias = np.mean(predicted - expected)
        assert stats["mean_bias"][0] == pytest.approx(bias)
        pooled = np.sqrt((np.var(expected) + np.var(predicted)) / 2)
        assert stats["smd"][0] == pytest.approx(bias / pooled if bias else 0.0)
        figures = metrics.agreement(outcomes)
        if np.isfinite(kappa):
            assert figures.qwk == pytest.approx(kappa)
        else:
            assert figures.qwk is None
        if len(set(expected)) > 1 and len(set(predicted)) > 1:
            assert figures.spearman == pytest.approx(spearmanr(expected, predicted).statistic)
        assert np.array_equal(
            np.array(figures.confusion["matrix"])[:, :4], confusion_matrix(expected, predicted, labels=[1, 2, 3, 4])
        )


def test_undefined_figures_are_none_not_nan() -> None:
    constant = [outcome(3, 3) for _ in range(5)]
    figures = metrics.agreement(constant)
    assert figures.qwk is None and figures.spearman is None
    assert figures.exact == 1.0 and figures.mean_bias == 0.0 and figures.smd == 0.0
    empty = metrics.agreement([outcome(2, None)])
    assert empty.n_scored == 0 and empty.qwk is None and empty.exact == 0.0 and empty.mean_bias is None


def test_a_failed_grade_is_a_wrong_prediction_never_a_pass_or_a_zero() -> None:
    right = [outcome(1, 1), outcome(2, 2), outcome(3, 3), outcome(4, 4)]
    failed = [*right[:3], outcome(4, None, error="unparseable")]
    a, b = metrics.agreement(right), metrics.agreement(failed)
    assert b.exact == pytest.approx(0.75) and b.within_one == pytest.approx(0.75)
    assert b.failure_rate == pytest.approx(0.25) and b.not_enough_evidence_rate == 0
    assert b.n_scored == 4, "a failure is not dropped from the figures"
    assert a.qwk is not None and b.qwk is not None and b.qwk < a.qwk
    assert b.mean_bias == pytest.approx((1 - 4) / 4), "counted as the worst prediction, not as 0"
    assert b.confusion["matrix"][3][5] == 1  # the 'failed' column


def test_not_enough_evidence_has_its_own_rate_and_is_a_disagreement() -> None:
    outcomes = [outcome(1, 1), outcome(2, 2), outcome(3, 3), outcome(4, None)]
    figures = metrics.agreement(outcomes)
    assert figures.exact == pytest.approx(0.75) and figures.within_one == pytest.approx(0.75)
    assert figures.not_enough_evidence_rate == pytest.approx(0.25) and figures.failure_rate == 0
    assert figures.n_scored == 3 and figures.qwk == pytest.approx(1.0)
    assert figures.confusion["matrix"][3][4] == 1  # the 'none' column


def test_pairs_count_ties_reversals_and_unscored() -> None:
    outcomes = [
        outcome(2, 2, pair="p1"),
        outcome(3, 3, pair="p1"),
        outcome(3, 3, pair="p2"),
        outcome(4, 3, pair="p2"),
        outcome(1, 3, pair="p3"),
        outcome(2, 2, pair="p3"),
        outcome(1, None, pair="p4"),
        outcome(2, 2, pair="p4"),
        outcome(3, 3, pair="lonely"),
    ]
    pairs = metrics.pair_ordering(outcomes)
    assert (pairs["n"], pairs["ordered"], pairs["tied"], pairs["reversed"], pairs["unscored"]) == (4, 1, 1, 1, 1)
    assert pairs["ordered_rate"] == pytest.approx(0.25)


def test_probe_effects_against_the_original_grade() -> None:
    base = outcome(2, 2, case_id="c1")
    strong = outcome(3, 3, case_id="c2")
    low = outcome(3, 1, case_id="c3")

    def probe(of: Outcome, kind: str, score: int | None, error: str | None = None) -> Outcome:
        return Outcome(Item(of.item.case, kind, "changed"), score, error=error)

    outcomes = [
        base,
        strong,
        low,
        probe(base, "padding", 3),
        probe(base, "reformat", 2),
        probe(base, "instruction", None, error="unparseable"),
        probe(strong, "overconfident", 3),
        probe(low, "overconfident", 1),
    ]
    effects = metrics.probe_effects(outcomes)
    assert effects["padding"]["raised_or_failed"] == 1
    assert effects["reformat"]["raised_or_failed"] == 0 and effects["reformat"]["same"] == 1
    assert effects["instruction"]["raised_or_failed"] == 1, "a failure is never a pass"
    assert effects["overconfident"]["not_lower"] == 1 and effects["overconfident"]["not_applicable"] == 1


def test_adversarial_cases_scored_above_their_label() -> None:
    outcomes = [
        outcome(1, 2, tags=("verbose",)),
        outcome(1, 1, tags=("verbose",)),
        outcome(2, None, error="x", tags=("injection",)),
        outcome(2, 1, tags=("injection",)),
    ]
    found = metrics.adversarial(outcomes, ("verbose", "injection", "buzzwords"))
    assert [found[t]["raised"] for t in ("verbose", "injection", "buzzwords")] == [1, 1, 0]


def spec(op: str = ">=", bar: float = 0.7, gated: bool = True) -> GateSpec:
    return GateSpec("qwk", "calibrated_skepticism", op, bar, 0.7, gated)


@pytest.mark.parametrize(
    ("value", "interval", "n", "status"),
    [
        (0.80, (0.72, 0.88), 40, PASS),
        (0.60, (0.50, 0.68), 40, FAIL),
        (0.75, (0.65, 0.85), 40, INCONCLUSIVE),
        (0.65, (0.55, 0.75), 40, INCONCLUSIVE),
        (0.95, (0.90, 0.99), 10, INCONCLUSIVE),
        (None, None, 40, INCONCLUSIVE),
        (0.80, None, 40, INCONCLUSIVE),
    ],
)
def test_agreement_verdicts(value: float | None, interval: tuple[float, float] | None, n: int, status: str) -> None:
    assert judge_agreement(spec(), value, interval, n, min_cases=30).status == status


def test_lower_is_better_checks_and_counts() -> None:
    smd = GateSpec("abs_smd", "calibrated_skepticism", "<=", 0.15, 0.15)
    assert judge_agreement(smd, 0.05, (0.0, 0.12), 40, 30).status == PASS
    assert judge_agreement(smd, 0.30, (0.2, 0.4), 40, 30).status == FAIL
    raised = GateSpec("probe_raised", None, "<=", 0, 0)
    assert judge_count(raised, 0, 10, "probes").status == PASS
    assert judge_count(raised, 1, 10, "probes").status == FAIL
    assert judge_count(raised, 0, 0, "probes").status == INCONCLUSIVE


def test_overall_status_ignores_informational_checks() -> None:
    passed = judge_agreement(spec(), 0.8, (0.75, 0.85), 40, 30)
    unsure = judge_agreement(spec(), 0.75, (0.65, 0.85), 40, 30)
    failed_info = judge_agreement(spec(gated=False), 0.5, (0.4, 0.6), 40, 30)
    failed = judge_agreement(spec(), 0.5, (0.4, 0.6), 40, 30)
    assert overall([passed, failed_info]) == PASS
    assert overall([passed, unsure, failed_info]) == INCONCLUSIVE
    assert overall([passed, unsure, failed]) == FAIL
    assert (EXIT_CODES[PASS], EXIT_CODES[FAIL], EXIT_CODES[INCONCLUSIVE]) == (0, 1, 3)


def test_bootstrap_resamples_questions_not_cases() -> None:
    one_question = [outcome(e, e, question="same") for e in (1, 2, 3, 4)] * 10
    clusters, found = intervals(one_question, samples=200, confidence=0.95, seed=1)
    assert clusters == 1 and found["qwk"] is None
    rng = np.random.default_rng(3)
    noisy = [outcome(int(e), int(np.clip(e + rng.integers(-1, 2), 1, 4))) for e in rng.integers(1, 5, 60)]
    clusters, found = intervals(noisy, samples=500, confidence=0.95, seed=1)
    point = metrics.agreement(noisy)
    assert clusters == 60
    for name in ("qwk", "exact", "within_one"):
        low_high = found[name]
        assert low_high is not None
        assert low_high[0] <= getattr(point, name) <= low_high[1]
    assert intervals(noisy, samples=500, confidence=0.95, seed=1)[1] == found, "seeded, so repeatable"
    narrow = intervals(noisy, samples=500, confidence=0.5, seed=1)[1]["qwk"]
    assert narrow is not None and found["qwk"] is not None
    assert narrow[1] - narrow[0] < found["qwk"][1] - found["qwk"][0]


def write_thresholds(path: Path, extra: str = "") -> Path:
    shipped = (Path(__file__).parents[1] / "evals" / "thresholds.toml").read_text()
    path.write_text(shipped + "\n" + extra, encoding="utf-8")
    return path


def test_the_shipped_thresholds_hold_the_reference_bars() -> None:
    thresholds = load_thresholds()
    assert thresholds.qualities == (QualityId.CALIBRATED_SKEPTICISM, QualityId.LIMITATION_COMMUNICATION)
    assert thresholds.bars["qwk"] >= 0.70 and thresholds.bars["abs_smd"] <= 0.15
    assert thresholds.bars["exact"] >= 0.50 and thresholds.bars["within_one"] >= 0.95
    assert thresholds.bars["adversarial_raised"] == 0 and thresholds.bars["probe_raised"] == 0
    for grader in ("heuristic", "llm"):
        gates = thresholds.gates(grader)
        assert all(g.gated and not g.adjustment for g in gates), "no shipped profile departs from the reference"
        assert {g.quality for g in gates if g.quality} == {"calibrated_skepticism", "limitation_communication"}


def test_a_grader_profile_is_never_silent(tmp_path: Path) -> None:
    path = write_thresholds(
        tmp_path / "t.toml",
        '[graders.heuristic]\nnote = "rules cannot read meaning"\n'
        'informational = ["pairs_ordered"]\n[graders.heuristic.bars]\n"limitation_communication.qwk" = 0.5\n',
    )
    thresholds = load_thresholds(path)
    gates = {g.name: g for g in thresholds.gates("heuristic")}
    lowered = gates["limitation_communication.qwk"]
    assert (lowered.bar, lowered.reference, lowered.adjustment) == (0.5, 0.7, "lowered")
    assert lowered.note == "rules cannot read meaning"
    assert not gates["pairs_ordered"].gated
    assert gates["calibrated_skepticism.qwk"].bar == 0.7
    assert all(not g.adjustment and g.gated for g in thresholds.gates("llm"))
    cases = [outcome(e, e) for e in (1, 2, 3, 4)]
    ev = measure(HeuristicSubject(), cases, thresholds)
    rows = {row[0]: row for row in gate_rows(ev)}
    assert "reference 0.7, lowered for heuristic" in rows["limitation_communication.qwk"][3]
    assert rows["pairs_ordered"][4] == "informational"
    assert "rules cannot read meaning" in render_text(sections(ev))


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("[graders.heuristic]\ninformational = []\n", "needs a `note`"),
        ('[graders.llm]\nnote = "n"\n[graders.llm.bars]\nkappa = 1\n', "unknown figure 'kappa'"),
        ('[graders.llm]\nnote = "n"\n[graders.llm.bars]\n"charm.qwk" = 1\n', "unknown quality 'charm'"),
    ],
)
def test_bad_thresholds_are_refused(tmp_path: Path, extra: str, message: str) -> None:
    path = write_thresholds(tmp_path / "t.toml", extra)
    with pytest.raises(ConfigError, match=message):
        load_thresholds(path)
    (tmp_path / "broken.toml").write_text("[gate\n")
    with pytest.raises(ConfigError, match=r"broken\.toml: not valid TOML"):
        load_thresholds(tmp_path / "broken.toml")


class PaddingFooled:
    """A grader under test that grades the label, plus one for any padded answer."""

    kind = "llm"
    label = "padding-fooled test grader"

    def __init__(self) -> None:
        self.inner = HeuristicSubject()

    def grade(self, item: Item) -> Graded:
        graded = self.inner.grade(item)
        assert graded.grade is not None
        bump = 1 if item.kind == "padding" else 0
        grades = [
            g.model_copy(
                update={"score": min(4, item.case.expected[item.case.primary] + bump), "evidence": [item.answer[:40]]}
            )
            for g in graded.grade.grades
        ]
        return Graded(graded.grade.model_copy(update={"grades": grades}), sources=("heuristic",))


def test_the_gate_catches_a_grader_fooled_by_padding() -> None:
    from evals.cases import load_cases
    from evals.probes import build_items

    thresholds = load_thresholds()
    cases = load_cases([Path(__file__).parents[1] / "evals" / "cases" / "calibrated_skepticism.jsonl"])
    subject = PaddingFooled()
    outcomes = grade_all(subject, build_items(cases, thresholds.qualities))
    ev = measure(subject, outcomes, thresholds)
    verdicts = {g.spec.name: g for g in ev.gates}
    below_four = sum(c.expected[c.primary] < 4 for c in cases)
    assert verdicts["probe_raised"].status == FAIL and verdicts["probe_raised"].value == below_four
    assert verdicts["calibrated_skepticism.exact"].status == PASS
    assert ev.status == FAIL and ev.exit_code() == 1
