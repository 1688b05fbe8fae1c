"""Write an evaluation to files: the JSON, and a Markdown or HTML report with a confusion matrix per quality."""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path
from typing import Any

from .evaluation import Evaluation
from .report import Section, Table, sections, synthetic_banner

REPORT_SUFFIXES = (".md", ".html", ".htm")


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(blocks: list[Section], images: dict[str, str], banner: str | None = None) -> str:
    """A Markdown report; ``images`` maps a quality to a picture's relative path."""
    out: list[str] = []
    if banner:
        out += [f"> **{banner}**", ""]
    for section in blocks:
        out += [f"## {section.title}", ""]
        for block in section.blocks:
            if isinstance(block, Table):
                out.append("| " + " | ".join(_md_cell(h) for h in block.headers) + " |")
                out.append("|" + "---|" * len(block.headers))
                out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in block.rows]
                out.append("")
            else:
                out += [block, ""]
    if images:
        out += ["## Confusion matrices", ""]
        for quality, path in images.items():
            out += [f"### {quality}", "", f"![confusion matrix for {quality}]({path})", ""]
    if banner:
        out += [f"> **{banner}**", ""]
    return "\n".join(out)


def render_html(blocks: list[Section], images: dict[str, bytes], banner: str | None = None) -> str:
    """A self-contained HTML report: pictures are embedded as data URIs."""
    e = html.escape
    out = [
        "<!doctype html><html><head><meta charset='utf-8'><title>Eval report</title><style>",
        "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .5em;"
        "text-align:right}td:first-child,th:first-child{text-align:left}"
        ".banner{background:#fee;border:2px solid #c00;padding:1em;font-weight:bold}",
        "</style></head><body>",
    ]
    if banner:
        out.append(f"<p class='banner'>{e(banner)}</p>")
    for section in blocks:
        out.append(f"<h2>{e(section.title)}</h2>")
        for block in section.blocks:
            if isinstance(block, Table):
                out.append("<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in block.headers) + "</tr>")
                out += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in block.rows]
                out.append("</table>")
            else:
                out.append(f"<p>{e(block)}</p>")
    if images:
        out.append("<h2>Confusion matrices</h2>")
        for quality, png in images.items():
            data = base64.b64encode(png).decode()
            out.append(f"<h3>{e(quality)}</h3>")
            out.append(f"<img alt='confusion matrix for {e(quality)}' src='data:image/png;base64,{data}'>")
    if banner:
        out.append(f"<p class='banner'>{e(banner)}</p>")
    out.append("</body></html>")
    return "\n".join(out)


def write_report(ev: Evaluation, path: Path) -> list[Path]:
    """Write a Markdown (``.md``) or HTML (``.html``) report with a confusion matrix per quality.

    Markdown pictures are written as PNG files in ``<name>_files/`` beside the report.

    Returns:
        Every file written.
    """
    from .figures import confusion_png

    suffix = path.suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        raise ValueError(f"{path}: the report must end in {' or '.join(REPORT_SUFFIXES)}")
    title_tail = " (SYNTHETIC replies)" if ev.synthetic else ""
    pictures = {
        quality: confusion_png(a.confusion, f"{quality}: label by prediction{title_tail}")
        for quality, a in ev.per_quality.items()
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    blocks, banner = sections(ev), synthetic_banner(ev)
    if suffix != ".md":
        path.write_text(render_html(blocks, pictures, banner), encoding="utf-8")
        return [path]
    folder = path.with_name(path.stem + "_files")
    folder.mkdir(exist_ok=True)
    written = [path]
    links = {}
    for quality, png in pictures.items():
        picture = folder / f"confusion-{re.sub(r'[^a-z_]', '', quality)}.png"
        picture.write_bytes(png)
        written.append(picture)
        links[quality] = f"{folder.name}/{picture.name}"
    path.write_text(render_markdown(blocks, links, banner), encoding="utf-8")
    return written


def write_json(data: dict[str, Any], path: Path) -> None:
    """Write a JSON object, creating the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
