"""The report's score chart and the progress chart, readable on a phone as on a desktop."""

from __future__ import annotations

from typing import cast

import altair as alt
import pandas as pd

from ..domain import QualitySummary
from ..progress import ScorePoint
from ..rubric import qualities

NOT_ASSESSED = "not assessed"


def score_chart(summaries: list[QualitySummary]) -> alt.LayerChart:
    """One bar per probed quality; a quality probed but not assessed is labelled so, not left out."""
    rubric = qualities()
    frame = pd.DataFrame(
        [
            {
                "Quality": rubric[s.quality].name,
                "Score": s.score if s.score is not None else 0.0,
                "Shown": f"{s.score:g} / 4" if s.score is not None else NOT_ASSESSED,
                "Assessed": s.score is not None,
            }
            for s in summaries
        ]
    )
    order = [rubric[s.quality].name for s in sorted(summaries, key=lambda s: -(s.score or 0))]
    base = alt.Chart(frame).encode(
        y=alt.Y("Quality:N", sort=order, title=None, axis=alt.Axis(labelLimit=160)),
        tooltip=["Quality", alt.Tooltip("Shown:N", title="Score")],
    )
    bars = base.mark_bar().encode(
        x=alt.X(
            "Score:Q",
            scale=alt.Scale(domain=[0, 4]),
            axis=alt.Axis(values=[0, 1, 2, 3, 4], format="d"),
            title="Score (1-4)",
        )
    )
    labels = base.mark_text(align="left", dx=4, fontStyle="italic", color="#555").encode(
        x=alt.X("Score:Q"), text="Shown:N", opacity=alt.condition("datum.Assessed", alt.value(0), alt.value(1))
    )
    return cast(alt.LayerChart, alt.layer(bars, labels).properties(height=alt.Step(28)))


def progress_chart(points: list[ScorePoint]) -> alt.Chart:
    """Each quality's score across sessions: dates on the axis, one line per quality, told apart by colour and mark."""
    rubric = qualities()
    frame = pd.DataFrame(
        [
            {"Date": p.date, "Quality": rubric[p.quality].name, "Score": p.score, "Session": p.session_id[:8]}
            for p in points
        ]
    )
    # Sessions on one day are told apart by the hour, sessions over months by the day.
    dates = [p.date for p in points]
    one_day = bool(dates) and (max(dates) - min(dates)).total_seconds() < 2 * 86400
    date_format = "%d %b %H:%M" if one_day else "%d %b"
    return cast(
        alt.Chart,
        alt.Chart(frame)
        .mark_line(point=alt.OverlayMarkDef(size=70, filled=True))
        .encode(
            x=alt.X("Date:T", title=None, axis=alt.Axis(format=date_format, labelAngle=-40, tickCount=6)),
            y=alt.Y(
                "Score:Q", scale=alt.Scale(domain=[1, 4]), axis=alt.Axis(values=[1, 2, 3, 4], format="d"), title="Score"
            ),
            color=alt.Color("Quality:N", legend=alt.Legend(orient="bottom", columns=2, title=None, labelLimit=180)),
            shape=alt.Shape("Quality:N", legend=None),
            strokeDash=alt.StrokeDash("Quality:N", legend=None),
            tooltip=["Quality", "Score", alt.Tooltip("Date:T", format="%d %b %Y %H:%M")],
        )
        .properties(height=300),
    )
