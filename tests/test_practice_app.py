"""Practice, drills, the practice plan, the job-post reader and timed answers, in the app through AppTest.

Every test runs on the offline backend with no key, against the private database the shared
``_clean_env`` fixture points INTERVIEWER_DB at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Button

from interviewer.backends import create_backend
from interviewer.config import Settings
from interviewer.domain import ROLE_TITLES, QualityId, Role
from interviewer.drills import drill_bank, drill_by_id
from interviewer.job_post import read_offline
from interviewer.plan import StepKind, current_plan
from interviewer.practice import AttemptKind, history, practise_drill
from interviewer.questions import by_id
from interviewer.rubric import qualities
from interviewer.storage import Store
from interviewer.ui.text import COVERED, MISSING, plain

APP = str(Path(__file__).parents[1] / "streamlit_app.py")
GOOD = (
    "We'd pull 300 real tickets into an eval set and ship at 95% accuracy, and refunds over $500 are reviewed "
    "by a person before they go out."
)

DRILL = drill_by_id("drl-bld-dedup-pr")
"""Not the first drill in the menu, so choosing it in the "Drill" selectbox is what opens it."""
FINDING = "exact-only-dedup"
CRITIQUE = "The dedup only catches exact duplicates, so near copies that differ in case still get through."
"""Names one planted defect of DRILL (FINDING: exact hashing lets near-duplicates through) in plain words, and
nothing else: no other defect, no decoy, no action."""

INTEGRATOR_POST = """Senior Product Manager, AI Features
Acme Books is accounting software used by 40,000 small businesses every day.
You will bring generative AI capabilities into our existing product, starting with an assistant that drafts invoices.
You will set the quality bar for the assistant and decide when a human review is needed before a draft is sent.
You will define evals and launch thresholds with the engineering team.
You will explain the limitations of the assistant to customers and support, and set realistic expectations.
"""
BUILDER_POST = """Product Manager, Foundation Models
You will own the roadmap for our open-weights language models, from pre-training to post-training.
You will decide what goes into the fine-tuning datasets and set release thresholds on our evals.
You will work with researchers on RLHF and reward models, and explain each model's limitations to customers.
"""
"""A builder post: the set-up form's role is the integrator unless something presets it."""
TITLE_ONLY_POST = """AI Product Manager
We are looking for a product manager to own our checkout and payments flow.
You will work with design and engineering to improve conversion and run A/B tests.
"""


# --- helpers ---------------------------------------------------------------------------------------------


def new_app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query)
    return at.run()


def shown(value: str) -> str:
    """Markdown source as the candidate reads it: escaped characters unescaped, line breaks as spaces."""
    return re.sub(r"\\(.)", r"\1", value).replace("  \n", " ")


def markdown(at: AppTest) -> list[str]:
    return [shown(m.value) for m in at.markdown]


def subheaders(at: AppTest) -> list[str]:
    return [s.value for s in at.subheader]


def buttons(at: AppTest, label: str) -> list[Button]:
    return [b for b in at.button if b.label == label]


def click(at: AppTest, label: str) -> AppTest:
    found = [b for b in at.button if b.label == label]
    assert found, f"no {label!r} button among {[b.label for b in at.button]}"
    return found[0].click().run()


def submit(at: AppTest, label: str) -> AppTest:
    found = [b for b in at.form_submit_button if b.label == label]
    assert found, f"no {label!r} form button among {[b.label for b in at.form_submit_button]}"
    return found[0].click().run()


def attempt(at: AppTest, text: str) -> AppTest:
    """Type an attempt on the practice page and grade it."""
    box = next(t for t in at.text_area if t.label == "Your answer")
    box.set_value(text)
    return submit(at, "Grade this attempt")


def start(at: AppTest, questions: int = 3) -> AppTest:
    at.slider[0].set_value(questions)
    return submit(at, "Start interview")


def finish(at: AppTest, limit: int = 20) -> AppTest:
    """Answer until the interview ends, then go past the optional self-rating step."""
    for _ in range(limit):
        if not at.chat_input:
            if at.title and at.title[0].value == "Before your report":
                return click(at, "Show my report")
            return at
        at.chat_input[0].set_value(GOOD)
        at = at.run()
    raise AssertionError("the interview did not end")


def on_setup_page(at: AppTest) -> bool:
    return any(b.label == "Start interview" for b in at.form_submit_button)


def captions(at: AppTest) -> list[str]:
    return [shown(c.value) for c in at.caption]


@pytest.fixture
def store() -> Iterator[Store]:
    """The app's own database (the one INTERVIEWER_DB names), opened beside the app to check what it stored."""
    db = Store(os.environ["INTERVIEWER_DB"])
    yield db
    db.close()


# --- critique drills -------------------------------------------------------------------------------------


def test_a_drill_from_the_setup_page_is_graded_against_its_defects_stored_and_compared(store: Store) -> None:
    at = new_app()
    picker = next(s for s in at.selectbox if s.label == "Drill")
    assert len(picker.options) == len(drill_bank())
    assert any(DRILL.title in o for o in picker.options)
    assert picker.value != DRILL, "the drill is chosen, not the default"
    at = picker.set_value(DRILL).run()
    at = click(at, "Start this drill")
    assert not at.exception, at.exception
    assert at.query_params.get("practise") == f"drill:{DRILL.id}"
    assert at.title[0].value == DRILL.title
    assert any(c.value == DRILL.artefact for c in at.code), "the artefact is shown as written"
    assert not on_setup_page(at)

    at = attempt(at, CRITIQUE)
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    texts = markdown(at)
    assert f"Planted defects: you named 1 of {len(DRILL.defects)}" in " ".join(texts)
    named = next(d for d in DRILL.defects if d.id == FINDING)
    found = [t for t in texts if t.startswith(COVERED)]
    assert any(named.what in t and f"*Your words:* \u201c{CRITIQUE}\u201d" in t for t in found), found
    missed = [t for t in texts if t.startswith(MISSING) and "Where it shows:" in t]
    assert len(missed) == len(DRILL.defects) - 1
    for defect in DRILL.defects:
        if defect.id != named.id:
            assert any(defect.what in t and defect.identifies in t for t in missed), defect.id
    assert "Your attempt" in subheaders(at)
    assert not any("beside" in s for s in subheaders(at)), "one attempt has nothing to compare with"

    attempts = history(store, AttemptKind.DRILL, DRILL.id)
    assert len(attempts) == 1
    assert attempts[0].answers == [CRITIQUE] and attempts[0].session_id is None
    assert attempts[0].drill is not None and [d.id for d in attempts[0].drill.found] == [named.id]

    at = attempt(at, DRILL.exemplar)
    assert not at.exception, at.exception
    assert "Attempt 2" in subheaders(at)
    assert "Attempt 1 beside attempt 2" in subheaders(at)
    first, second = history(store, AttemptKind.DRILL, DRILL.id)
    assert first.answers == [CRITIQUE] and second.answers == [DRILL.exemplar]
    assert second.drill is not None and len(second.drill.found) > 1
    name = qualities()[QualityId.CALIBRATED_SKEPTICISM].name
    before = first.grade.grade_for(QualityId.CALIBRATED_SKEPTICISM) if first.grade else None
    after = second.grade.grade_for(QualityId.CALIBRATED_SKEPTICISM) if second.grade else None
    assert before is not None and after is not None and before.score is not None and after.score is not None
    assert after.score > before.score, "the exemplar does better than a one-defect critique"
    assert f"{name}: {before.score} / 4 then {after.score} / 4 (up)" in " ".join(markdown(at))
    assert any(e.label == "Attempt 1 as you wrote it" for e in at.expander)
    written = next(e for e in at.expander if e.label == "Attempt 1 as you wrote it")
    assert [t.value for t in written.text] == [CRITIQUE]


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_an_empty_drill_attempt_is_refused_with_a_message_and_nothing_is_stored(store: Store, text: str) -> None:
    at = new_app(practise=f"drill:{DRILL.id}")
    at = attempt(at, text)
    assert not at.exception, at.exception
    errors = " ".join(shown(e.value) for e in at.error)
    assert "empty" in errors and "still in the box above" in errors
    assert "Your attempt" not in subheaders(at)
    assert not any("you named" in t for t in markdown(at))
    assert history(store, AttemptKind.DRILL, DRILL.id) == []


# --- a question practised again after an interview ------------------------------------------------------


def practise_from_report(at: AppTest) -> tuple[AppTest, str]:
    """On the report, click "Practise this question again" for question 1; the page and that question's id."""
    session = at.query_params["session"]
    again = buttons(at, "Practise this question again")
    assert again, "every answered question offers a retry"
    key = str(again[0].key)
    assert key.startswith(f"again-{session}-")
    question_id = key.removeprefix(f"again-{session}-")
    return again[0].click().run(), question_id


def test_practise_this_question_again_from_the_report_compares_with_the_interview_answer(store: Store) -> None:
    at = start(new_app())
    assert not any("Time left for this answer" in c for c in captions(at)), "no countdown without a time limit"
    at = finish(at)
    assert at.title[0].value == "Your report"
    session = at.query_params["session"]
    assert len(buttons(at, "Practise this question again")) == 3
    at, question_id = practise_from_report(at)
    assert not at.exception, at.exception
    assert at.query_params.get("practise") == f"question:{question_id}"
    assert at.title[0].value == "Practise a question"
    assert plain(by_id(question_id).text) in [m.value for m in at.markdown]

    retry = "We would build an eval set of 200 real cases and set a threshold of 90% before launch."
    at = attempt(at, retry)
    assert not at.exception, at.exception
    assert "Attempt 2" in subheaders(at)
    assert "Attempt 1 beside attempt 2" in subheaders(at), "the interview answer is attempt 1"
    attempts = history(store, AttemptKind.QUESTION, question_id)
    assert [a.session_id for a in attempts] == [session, None]
    assert attempts[0].answers and set(attempts[0].answers) == {GOOD}, "every reply given in the interview"
    written = next(e for e in at.expander if e.label == "Attempt 1 as you wrote it")
    assert [t.value for t in written.text] == attempts[0].answers
    assert attempts[1].answers == [retry]


def test_back_to_the_setup_page_from_a_question_opened_on_the_report_shows_the_setup_page() -> None:
    at, _ = practise_from_report(finish(start(new_app())))
    at = click(at, "Back to the set-up page")
    assert not at.exception, at.exception
    assert not at.query_params.get("session")
    assert on_setup_page(at)


# --- the practice plan -----------------------------------------------------------------------------------


def step_rows(at: AppTest) -> list[str]:
    """The plan's step lines, each starting with its done or not-done mark."""
    kinds = ("**Drill**", "**New question**", "**Answer again**")
    return [m.value for m in at.markdown if m.value.startswith((COVERED, MISSING)) and any(k in m.value for k in kinds)]


def test_the_practice_plan_links_each_step_and_marks_it_done_once_practised(store: Store) -> None:
    at = new_app()
    assert "Your practice plan" in subheaders(at)
    assert not buttons(at, "Make my practice plan"), "no plan without graded history"
    assert any("Finish an interview or a drill" in c for c in captions(at))

    practise_drill(create_backend("offline", settings=Settings.from_env()), store, DRILL, CRITIQUE)
    at = click(new_app(), "Make my practice plan")
    assert not at.exception, at.exception
    plan = current_plan(store)
    assert plan is not None and plan.steps
    rows = step_rows(at)
    assert len(rows) == len(plan.steps) and all(r.startswith(MISSING) for r in rows)
    practise = buttons(at, "Practise")
    assert len(practise) == len(plan.steps), "one Practise button per step"
    assert buttons(at, "Make a new plan")
    kinds = [s.kind for s in plan.steps]
    assert StepKind.RETRY not in kinds, "a drill is no bank question to answer again"
    assert kinds[:2] == [StepKind.DRILL, StepKind.QUESTION], "a drill, then a fresh question, on the weakest quality"

    for number, step in enumerate(plan.steps[:2]):  # one step of each kind: a drill, then a question
        kind = AttemptKind.DRILL if step.kind is StepKind.DRILL else AttemptKind.QUESTION
        at = buttons(at, "Practise")[number].click().run()
        assert not at.exception, at.exception
        assert at.query_params.get("practise") == f"{kind.value}:{step.item_id}"
        if kind is AttemptKind.DRILL:
            assert at.title[0].value == drill_by_id(step.item_id).title
        else:
            assert at.title[0].value == "Practise a question"
            assert plain(by_id(step.item_id).text) in [m.value for m in at.markdown]
        at = attempt(at, "I would check the output against its source before trusting it, and hold the launch.")
        assert not at.error, [e.value for e in at.error]
        at = click(at, "Back to the set-up page")
        assert on_setup_page(at)
        rows = step_rows(at)
        assert len(rows) == len(plan.steps), "the same plan is shown, not a new one"
        assert all(r.startswith(COVERED) for r in rows[: number + 1]), rows
        assert all(r.startswith(MISSING) for r in rows[number + 1 :]), "only what was practised is done"
    done = current_plan(store)
    assert done is not None and done.id == plan.id
    assert [s.done for s in done.steps[:2]] == [True, True]


# --- set up from a job post ------------------------------------------------------------------------------


def read_post(at: AppTest, post: str) -> AppTest:
    box = next(t for t in at.text_area if t.label == "Paste the job post")
    box.set_value(post)
    return submit(at, "Read this job post")


def setup_from_post_buttons(at: AppTest) -> list[Button]:
    return [b for b in at.button if b.label.startswith("Set up the interview from this post")]


@pytest.mark.parametrize(("post", "role"), [(INTEGRATOR_POST, Role.INTEGRATOR), (BUILDER_POST, Role.BUILDER)])
def test_a_job_post_is_read_with_quotes_and_sets_up_the_interviews_role_and_focus(post: str, role: Role) -> None:
    reading = read_offline(post)
    assert reading.role is role and len(reading.focus) >= 2, "the post is what the test means it to be"
    at = new_app()
    assert any(e.label == "Set up from a job post" for e in at.expander)
    at = read_post(at, post)
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert not at.success and at.multiselect[0].value == [], "reading a post sets nothing up by itself"
    texts = markdown(at)
    assert f"**{reading.summary}**" in texts and reading.summary.startswith("Reads as")
    quotes = [t for t in texts if t.startswith("> \u201c")]
    assert quotes and all(any(e.quote in q for q in quotes) for e in reading.evidence)
    assert all(q.split("\u201c", 1)[1].split("\u201d", 1)[0] in post for q in quotes), "verbatim"
    names = ", ".join(qualities()[q].name for q in reading.focus)
    assert f"**What the post stresses:** {names}" in texts

    go = setup_from_post_buttons(at)
    assert [b.label for b in go] == [f"Set up the interview from this post ({ROLE_TITLES[role]})"]
    at = go[0].click().run()
    assert not at.exception, at.exception
    assert any(f"Set up from your job post: {ROLE_TITLES[role]}" in shown(s.value) for s in at.success)
    assert at.radio[0].value is role
    assert at.multiselect[0].value == [q.value for q in reading.focus]

    at = start(at)
    config = at.session_state["interview"].config
    assert config.role is role
    assert config.focus == reading.focus


def test_a_post_with_ai_only_in_its_title_reads_as_a_regular_product_role_and_sets_nothing_up() -> None:
    at = read_post(new_app(), TITLE_ONLY_POST)
    assert not at.exception, at.exception
    assert any("regular product role" in shown(i.value) for i in at.info)
    assert any("A regular product role with 'AI' in the title" in t for t in markdown(at))
    assert not setup_from_post_buttons(at)
    assert not at.success


def test_an_empty_job_post_is_refused_with_a_message() -> None:
    at = read_post(new_app(), "  \n ")
    assert not at.exception, at.exception
    errors = " ".join(shown(e.value) for e in at.error)
    assert "empty" in errors and "still in the box above" in errors
    assert not setup_from_post_buttons(at) and not at.info
    assert on_setup_page(at)


# --- a timed interview, with a role-play stakeholder -----------------------------------------------------


def test_a_timed_interview_counts_down_and_the_report_shows_time_taken_and_the_stakeholders_trust() -> None:
    # The orchestrator bank has exactly three questions led by communicating limitations, one of them a
    # stakeholder role-play: three questions with that focus asks all three.
    at = new_app()
    at.radio[0].set_value(Role.ORCHESTRATOR)
    at.multiselect[0].set_value([QualityId.LIMITATION_COMMUNICATION.value])
    timer = next(s for s in at.selectbox if s.label == "Time per answer")
    timer.set_value(2)
    at = start(at)
    assert not at.exception, at.exception
    assert at.session_state["interview"].config.answer_minutes == 2
    left = [
        m for c in captions(at) if (m := re.fullmatch(r"Time left for this answer: \*\*(\d+):(\d\d)\*\* of 2:00", c))
    ]
    assert left, captions(at)
    assert 100 <= int(left[0][1]) * 60 + int(left[0][2]) <= 120, "it counts down from the limit"
    at.chat_input[0].set_value(GOOD)
    at = at.run()
    assert any("Time left for this answer" in c for c in captions(at)), "the countdown starts again"
    at = finish(at)
    assert at.title[0].value == "Your report"
    taken = [c for c in captions(at) if c.startswith("Answered in ")]
    assert len(taken) == 3 and all(re.fullmatch(r"Answered in \d+:\d\d, within the 2-minute limit", c) for c in taken)
    texts = markdown(at)
    assert texts.count("**Where the stakeholder's trust in the AI went**") == 1, "only the role-play has one"
    assert any(t.startswith("At the start: **") for t in texts)
    assert any(t.startswith("After answer 1: **") and "Your words:" in t for t in texts)


# --- an address with nothing to practise -----------------------------------------------------------------


@pytest.mark.parametrize("wanted", ["drill:nope", "question:nope", "nonsense"])
def test_an_unknown_practice_address_says_so_and_shows_the_setup_page(wanted: str) -> None:
    at = new_app(practise=wanted)
    assert not at.exception, at.exception
    assert any("nothing to practise at that address" in shown(e.value) for e in at.error)
    assert on_setup_page(at)
