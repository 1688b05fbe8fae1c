"""The practice page: a question answered again, or a critique drill, with every attempt beside the last."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from ..backends import Backend
from ..domain import ROLE_TITLES, Question, Role
from ..drills import KIND_TITLES, Drill, DrillResult, drill_bank, drill_by_id
from ..errors import InterviewerError
from ..export import shown_score
from ..plan import StepKind, current_plan, make_plan, weakest
from ..practice import Attempt, AttemptKind, compare, history, practise_drill, practise_question
from ..questions import by_id
from ..rubric import qualities
from ..storage import Store
from .grade_view import checklist_block, grade_block, point_line
from .messages import explain
from .session import PRACTISE, close_on_screen, open_practice
from .text import COVERED, MISSING, plain, quoted

"""The query parameter naming what is practised: ``question:ID`` or ``drill:ID``."""


def practice_target() -> Question | Drill | None:
    """What the URL asks to practise, if anything; an unknown id is said so, and the set-up page shown."""
    wanted = st.query_params.get(PRACTISE)
    if not wanted:
        return None
    kind_name, _, item_id = wanted.partition(":")
    try:
        kind = AttemptKind(kind_name)
        return by_id(item_id) if kind is AttemptKind.QUESTION else drill_by_id(item_id)
    except (ValueError, InterviewerError):
        st.error("There is nothing to practise at that address: no such question or drill.")
        return None


def plan_view(store: Store, role: Role) -> None:
    """On the set-up page: the practice plan in use, each step one click away and marked when done."""
    try:
        plan = current_plan(store)
        can_plan = plan is not None or bool(weakest(store))
    except InterviewerError as exc:
        st.error(plain(explain(exc)))
        return
    st.subheader("Your practice plan")
    if not can_plan:
        st.caption("Finish an interview or a drill: a plan built from your graded answers appears here.")
        return
    if plan is None:
        st.write("Your graded answers so far show where to practise next.")
        if st.button("Make my practice plan", key="make-plan"):
            _make_plan(store, role)
        return
    weak = ", ".join(f"{qualities()[w.quality].name} ({w.mean:g} over {w.graded})" for w in plan.weakest)
    st.write(f"Made {plan.made_at:%d %b %Y} from your graded answers (not your self-ratings). Weakest: {weak}.")
    for number, step in enumerate(plan.steps, start=1):
        mark = COVERED if step.done else MISSING
        label = {StepKind.DRILL: "Drill", StepKind.QUESTION: "New question", StepKind.RETRY: "Answer again"}[step.kind]
        left, right = st.columns([4, 1], vertical_alignment="center")
        left.markdown(f"{mark} **{label}** ({qualities()[step.quality].name}): {plain(step.title)}")
        left.caption(plain(step.why))
        if right.button("Practise", key=f"plan-{plan.id}-{number}", width="stretch"):
            open_practice(AttemptKind.DRILL if step.kind is StepKind.DRILL else AttemptKind.QUESTION, step.item_id)
    if plan.finished:
        st.success("Every step is done. Make a new plan to see where you stand now.")
    if st.button("Make a new plan", key="remake-plan"):
        _make_plan(store, role)


def _make_plan(store: Store, role: Role) -> None:
    try:
        make_plan(store, role)
    except InterviewerError as exc:
        st.error(plain(explain(exc)))
        return
    st.rerun()


def practice_menu() -> None:
    """On the set-up page: the critique drills, each one click from its start."""
    drills = list(drill_bank())
    if not drills:
        return
    st.subheader("Critique drills")
    st.write(
        "Review a flawed AI output (a summary and its source, an eval table, an agent's pull request, a chatbot "
        "transcript, a research digest): say what you would check, what you found and what you would do. "
        "Each drill has planted defects, and your critique is counted against them."
    )
    chosen = st.selectbox(
        "Drill",
        drills,
        format_func=lambda d: f"{ROLE_TITLES[d.roles[0]]} · {KIND_TITLES[d.kind]}: {d.title}",
        key="drill-choice",
    )
    if st.button("Start this drill", key="start-drill"):
        open_practice(AttemptKind.DRILL, chosen.id)


def question_page(question: Question, backend: Backend, store: Store) -> None:
    """Answer a bank question again, and see this attempt beside the one before."""
    _back()
    st.title("Practise a question")
    st.markdown(plain(question.text))
    _attempt_form(lambda text: practise_question(backend, store, question, text), f"q-{question.id}")
    _attempts(store, AttemptKind.QUESTION, question.id, backend)
    if question.exemplar:
        with st.expander("A strong answer to this question"):
            st.caption("Written by the team as an example; yours need not match it word for word.")
            st.markdown(plain(question.exemplar))


def drill_page(drill: Drill, backend: Backend, store: Store) -> None:
    """A critique drill: the artefact and its source, the critique, and the count against the planted defects."""
    _back()
    st.title(drill.title)
    st.caption(f"Critique drill · {KIND_TITLES[drill.kind]}")
    st.markdown(plain(drill.brief))
    st.markdown("**The AI's output**")
    st.code(drill.artefact, language=None, wrap_lines=True)
    if drill.source:
        st.markdown("**Its source material**")
        st.code(drill.source, language=None, wrap_lines=True)
    _attempt_form(lambda text: practise_drill(backend, store, drill, text), f"d-{drill.id}")
    _attempts(store, AttemptKind.DRILL, drill.id, backend, drill=drill)


def _back() -> None:
    if st.button("Back to the set-up page"):
        close_on_screen()  # the interview a report opened this from must not come back with it
        st.rerun()


def _attempt_form(grade: Callable[[str], Attempt], key: str) -> None:
    with st.form(f"attempt-{key}", clear_on_submit=False):
        text = st.text_area("Your answer", height=220, key=f"answer-{key}")
        sent = st.form_submit_button("Grade this attempt", type="primary")
    if not sent:
        return
    try:
        with st.spinner("Grading your attempt…"):
            attempt = grade(text)
    except InterviewerError as exc:
        st.error(plain(explain(exc)) + " Your answer is still in the box above.")
        return
    if attempt.notice:
        st.warning(plain(attempt.notice))


def _attempts(store: Store, kind: AttemptKind, item_id: str, backend: Backend, drill: Drill | None = None) -> None:
    try:
        attempts = history(store, kind, item_id)
    except InterviewerError as exc:
        st.error(plain(explain(exc)))
        return
    if not attempts:
        return
    latest = attempts[-1]
    st.subheader(f"Attempt {len(attempts)}" if len(attempts) > 1 else "Your attempt")
    if backend.heuristic:
        st.caption("Graded offline by matching phrases: a point made in other words may show as not found.")
    if latest.drill is not None and drill is not None:
        _drill_result(latest.drill)
    elif latest.grade is not None:
        for grade in latest.grade.grades:
            grade_block(grade, latest.grade)
        _checklist(latest)
    if len(attempts) > 1:
        _beside(attempts[-2], latest, len(attempts))
    if len(attempts) > 2:
        with st.expander(f"All {len(attempts)} attempts"):
            for number, attempt in enumerate(attempts, start=1):
                where = "in an interview" if attempt.session_id else "practice"
                levels = ", ".join(
                    f"{qualities()[g.quality].name} {shown_score(g.score)}"
                    for g in (attempt.grade.grades if attempt.grade else [])
                )
                st.markdown(f"**{number}.** {attempt.at:%d %b %Y %H:%M} ({where}): {levels or 'not graded'}")
    if drill is not None:
        with st.expander("A strong critique of this drill"):
            st.markdown(plain(drill.exemplar))


def _drill_result(result: DrillResult) -> None:
    for grade in result.grade.grades:
        grade_block(grade, result.grade)
    st.markdown(f"**Planted defects: you named {len(result.found)} of {len(result.defects)}**")
    for defect in result.defects:
        point_line(defect.what, defect.evidence, f"  \n*Where it shows:* {plain(defect.identifies)}")
    if result.raised:
        st.markdown("**False alarms: these claims are sound**")
        for decoy in result.raised:
            st.markdown(f"- {plain(decoy.what)}  \n*Your words:* {quoted(decoy.evidence or '')}")
    st.markdown(f"**What to do about it: you proposed {len(result.proposed)} of {len(result.actions)}**")
    for action in result.actions:
        point_line(action.point, action.evidence if action.covered else None)


def _checklist(attempt: Attempt) -> None:
    if attempt.grade:
        checklist_block(attempt.grade.checklist)


def _beside(before: Attempt, after: Attempt, number: int) -> None:
    st.subheader(f"Attempt {number - 1} beside attempt {number}")
    change = compare(before, after)
    for level in change.levels:
        name = qualities()[level.quality].name
        arrow = f" ({level.moved})" if level.moved else ""
        st.markdown(f"**{name}: {shown_score(level.before)} then {shown_score(level.after)}{arrow}**")
        left, right = st.columns(2)
        with left:
            st.caption(f"Attempt {number - 1}")
            _quotes(level.before_quotes)
        with right:
            st.caption(f"Attempt {number}")
            _quotes(level.after_quotes)
    if change.newly_covered:
        st.markdown("**Newly covered:** " + "; ".join(plain(p) for p in change.newly_covered))
    if change.lost:
        st.markdown("**Covered before, missing now:** " + "; ".join(plain(p) for p in change.lost))
    with st.expander(f"Attempt {number - 1} as you wrote it"):
        for text in before.answers:
            st.text(text)


def _quotes(quotes: list[str]) -> None:
    if not quotes:
        st.caption("No quote")
    for quote in quotes:
        st.markdown(f"> {quoted(quote)}")
