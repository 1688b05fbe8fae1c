"""With sign-in, every session, attempt, plan and history entry belongs to one user, and nobody sees another's."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer import Interview, InterviewConfig, create_backend
from interviewer.drills import drill_bank
from interviewer.errors import InterviewStateError
from interviewer.plan import current_plan, make_plan, weakest
from interviewer.practice import AttemptKind, history, practise_drill
from interviewer.progress import weakest_qualities
from interviewer.storage import Store

OFFLINE = create_backend("offline")
ANSWER = "We sample 5% of drafts weekly, send refunds over $500 to a person, and ship at 95% on 300 tickets."


def _finished(store: Store, seed: int) -> Interview:
    config = InterviewConfig(num_questions=3, max_follow_ups=0, seed=seed)
    interview = Interview(OFFLINE, config, store=store)
    interview.start().read()
    while not interview.finished:
        interview.answer(ANSWER).read()
    interview.report(timeout=30)
    interview.close()
    return interview


def test_two_users_on_one_database_each_see_only_their_own(tmp_path: Path) -> None:
    shared = Store(str(tmp_path / "team.db"))
    ada, bo = shared.for_owner("ada@example.org"), shared.for_owner("bo@example.org")
    mine = _finished(ada, seed=1)
    theirs = _finished(bo, seed=2)
    drill = drill_bank()[0]
    practise_drill(OFFLINE, bo, drill, drill.exemplar)
    make_plan(bo, mine.config.role)

    assert [s.id for s in ada.list_sessions()] == [mine.session_id]
    assert [s.id for s in bo.list_sessions()] == [theirs.session_id]
    assert ada.load_session(theirs.session_id) is None, "another user's session id is not found"
    with pytest.raises(InterviewStateError, match="no stored session"):
        Interview.resume(OFFLINE, ada, theirs.session_id)
    assert history(ada, AttemptKind.DRILL, drill.id) == [] and len(history(bo, AttemptKind.DRILL, drill.id)) == 1
    question = theirs.questions[0].id
    assert all(a.session_id != theirs.session_id for a in history(ada, AttemptKind.QUESTION, question))
    assert current_plan(ada) is None and current_plan(bo) is not None
    assert ada.asked_question_ids() == {q.id for q in mine.questions}
    assert weakest(ada) and weakest_qualities(ada) is not None
    assert {s.id for s in shared.list_sessions()} == {mine.session_id, theirs.session_id}, "one person: everything"
    shared.close()


def test_the_allow_list_of_domains() -> None:
    from interviewer.ui.sign_in import allowed

    assert allowed("ada@example.org", [])
    assert allowed("ada@Example.ORG", ["example.org"]) and allowed("bo@uni.edu", ["example.org", "@uni.edu"])
    assert not allowed("eve@example.org.evil.com", ["example.org"])
    assert not allowed("eve@mail.example.org", ["example.org"]), "a subdomain is another domain"
