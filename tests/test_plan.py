"""A practice plan from graded history: the weakest qualities, steps that work on them, marked done once practised."""

from __future__ import annotations

from interviewer import Interview, InterviewConfig, create_backend
from interviewer.domain import Role
from interviewer.drills import drill_by_id
from interviewer.plan import StepKind, current_plan, make_plan, weakest
from interviewer.practice import practise_drill, practise_question
from interviewer.questions import by_id, plan_questions
from interviewer.storage import Store

OFFLINE = create_backend("offline")
# Strong on verification, hype to the stakeholder: the history should say which is weak.
ANSWER = (
    "We built an eval set of 300 real tickets and sample 5% of live drafts every week, with refunds over $500 "
    "going to a person. Trust me, the AI handles it and customers will love it."
)


def _interview(store: Store, rate: int | None = None) -> Interview:
    config = InterviewConfig(role=Role.INTEGRATOR, num_questions=4, max_follow_ups=0, seed=7)
    interview = Interview(OFFLINE, config, store=store, questions=plan_questions(config))
    interview.start().read()
    while not interview.finished:
        question = interview.current_question
        interview.answer(ANSWER).read()
        if rate is not None and question is not None:
            interview.rate_self(question.id, rate)
    interview.report(timeout=30)
    interview.close()
    return interview


def test_no_graded_answers_means_no_plan(store: Store) -> None:
    assert weakest(store) == []
    assert make_plan(store, Role.INTEGRATOR) is None
    assert current_plan(store) is None


def test_the_plan_works_on_the_weakest_graded_qualities_and_marks_steps_done(store: Store) -> None:
    _interview(store)
    weak = weakest(store)
    assert weak and all(w.graded >= 1 for w in weak)
    assert [w.mean for w in weak] == sorted(w.mean for w in weak), "weakest first"
    plan = make_plan(store, Role.INTEGRATOR)
    assert plan is not None and plan.steps
    assert {s.quality for s in plan.steps} <= {w.quality for w in plan.weakest}
    kinds = {s.kind for s in plan.steps}
    assert StepKind.RETRY in kinds and StepKind.QUESTION in kinds
    for step in plan.steps:
        if step.kind is StepKind.DRILL:
            drill = drill_by_id(step.item_id)
            assert Role.INTEGRATOR in drill.roles and step.quality in drill.qualities
        else:
            question = by_id(step.item_id)
            assert Role.INTEGRATOR in question.roles
    assert not any(s.done for s in current_plan(store).steps)  # type: ignore[union-attr]

    first = plan.steps[0]
    if first.kind is StepKind.DRILL:
        practise_drill(OFFLINE, store, drill_by_id(first.item_id), drill_by_id(first.item_id).exemplar)
    else:
        practise_question(OFFLINE, store, by_id(first.item_id), by_id(first.item_id).exemplar)
    again = current_plan(store)
    assert again is not None and [s.item_id for s in again.steps] == [s.item_id for s in plan.steps], "steps stay put"
    assert again.steps[0].done and not any(s.done for s in again.steps[1:])


def test_self_ratings_do_not_move_the_plan(tmp_path) -> None:  # type: ignore[no-untyped-def]
    plain, rated = Store(str(tmp_path / "a.db")), Store(str(tmp_path / "b.db"))
    _interview(plain)
    _interview(rated, rate=1)
    assert weakest(plain) == weakest(rated)
    plain.close()
    rated.close()
