"""Confusion-matrix pictures for the file reports (matplotlib, Agg, no display needed)."""

from __future__ import annotations

from io import BytesIO
from typing import Any


def confusion_png(confusion: dict[str, Any], title: str) -> bytes:
    """A PNG of a label-by-prediction table, each cell annotated with its count."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    matrix = confusion["matrix"]
    rows, columns = confusion["rows"], confusion["columns"]
    figure = Figure(figsize=(5.2, 3.8), layout="constrained")
    axes = figure.subplots()
    peak = max((max(row) for row in matrix), default=0) or 1
    axes.imshow(matrix, cmap="Blues", vmin=0, vmax=peak, aspect="auto")
    for r, row in enumerate(matrix):
        for c, count in enumerate(row):
            colour = "white" if count > peak / 2 else "black"
            axes.text(c, r, str(count), ha="center", va="center", color=colour, fontsize=10)
    axes.set_xticks(range(len(columns)), labels=columns)
    axes.set_yticks(range(len(rows)), labels=rows)
    axes.set_xlabel("predicted (none = not enough evidence, failed = no valid grade)")
    axes.set_ylabel("human label")
    axes.set_title(title, fontsize=10)
    buffer = BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()
