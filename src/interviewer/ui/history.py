"""Past sessions on the set-up page, and each quality's score across sessions."""

from __future__ import annotations

import streamlit as st

from ..domain import ROLE_TITLES, Role
from ..progress import score_history, self_calibration
from ..rubric import qualities
from ..storage import SessionSummary, Store


def history_view(sessions: list[SessionSummary], store: Store) -> None:
    """The table of past sessions with their scores, and the candidate's self-calibration so far."""
    if not sessions:
        return
    rubric = qualities()
    st.subheader("Your sessions")
    rows = []
    for past in sessions:
        row: dict[str, object] = {
            "Date": f"{past.created_at:%d %b %Y %H:%M}",
            "Role": ROLE_TITLES[past.role],
            "Status": past.status.replace("_", " "),
        }
        row.update({rubric[q].name: score for q, score in past.scores.items()})
        rows.append(row)
    st.dataframe(rows, hide_index=True, width="stretch")
    st.caption("Open any session from the sidebar to see its report or carry on where you stopped.")
    calibrated = self_calibration(store)
    if calibrated.ratings:
        st.write(f"**Your own ratings.** {calibrated.sentence}")


def progress_view(store: Store) -> None:
    """Each quality's score across finished sessions, for one role at a time."""
    points = score_history(store)
    if len({p.session_id for p in points}) < 2:
        return
    st.subheader("Progress across sessions")
    roles = sorted({p.role for p in points}, key=list(Role).index)
    role = roles[0]
    if len(roles) > 1:
        role = (
            st.segmented_control(
                "Role", roles, default=roles[0], format_func=lambda r: ROLE_TITLES[r], key="progress-role"
            )
            or roles[0]
        )
    shown = [p for p in points if p.role is role]
    if len({p.session_id for p in shown}) < 2:
        st.caption(f"One finished session so far as {ROLE_TITLES[role]}: the chart needs two.")
        return
    # Altair and pandas take seconds to import; only a page with a chart should pay for them.
    from .charts import progress_chart

    st.altair_chart(progress_chart(shown), width="stretch")
