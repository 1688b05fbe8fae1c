"""On the set-up page: paste a job post, see which kind of AI PM role it reads as, and set up from it."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from ..backends import Backend
from ..domain import ROLE_TITLES, QualityId, Role
from ..errors import InterviewerError
from ..job_post import JobReading, read_job_post
from ..rubric import qualities
from .messages import explain
from .text import plain, quoted

READING = "job-reading"
PRESET = "job-preset"
"""The role and focus qualities a job post set up, read by the set-up form as its defaults."""


def job_post_view(backend: Callable[[], Backend]) -> None:
    """The job-post reader: the reading with its quotes, and one click to set the interview up from it.

    ``backend`` makes the sidebar's backend when a post is read (not on every run of the page).
    """
    with st.expander("Set up from a job post", expanded=READING in st.session_state):
        with st.form("job-post"):
            text = st.text_area("Paste the job post", height=180, key="job-post-text")
            read = st.form_submit_button("Read this job post")
        if read:
            try:
                with st.spinner("Reading the post…"):
                    st.session_state[READING] = read_job_post(text, backend())
            except InterviewerError as exc:
                st.session_state.pop(READING, None)
                st.error(plain(explain(exc)) + " The post is still in the box above.")
        reading: JobReading | None = st.session_state.get(READING)
        if reading is not None:
            _reading(reading)


def _reading(reading: JobReading) -> None:
    if reading.notice:
        st.warning(plain(reading.notice))
    st.markdown(f"**{plain(reading.summary)}**")
    st.caption(f"Read by: {plain(reading.reader)}. Each reason below quotes the post.")
    for evidence in reading.evidence:
        st.markdown(f"> {quoted(evidence.quote)}  \n{plain(evidence.why)}")
    if reading.focus:
        names = ", ".join(qualities()[q].name for q in reading.focus)
        st.markdown(f"**What the post stresses:** {names}")
    role = reading.role  # a mixed reading names its leading role; AI in the name only names none
    if role is None:
        st.info(
            "This reads as a regular product role rather than one of the three kinds of AI PM role, so there is "
            "no AI PM interview to set up from it. Pick a role below if you want to practise one anyway."
        )
        return
    if st.button(f"Set up the interview from this post ({ROLE_TITLES[role]})", type="primary", key="job-preset-go"):
        st.session_state[PRESET] = (role, list(reading.focus))
        st.rerun()


def preset() -> tuple[Role, list[QualityId]] | None:
    """The role and focus a job post set up, if the candidate asked for it."""
    value = st.session_state.get(PRESET)
    return value if isinstance(value, tuple) else None
