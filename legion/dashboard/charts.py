"""Chart geometry for server-rendered SVG: numbers in, coordinates out.

No script and no inline style (the CSP forbids both): the templates place rects,
paths and text at these coordinates and the stylesheet colours them by class. Every
mark carries its value as text (a <title> and `data-value`), and fills come with
patterns, so the charts read without colour and the table views can be checked
against them.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils import formats
from django.utils.safestring import SafeString, mark_safe

from legion.cases.localisation import format_number
from legion.dashboard.privacy import Figure

DATA = Path(__file__).resolve().parent / "data"


def shown(figure: Figure) -> str:
    """A figure with the page language's separators: "12,345", "12,345+", "+"."""
    if not figure.incomplete:
        return format_number(figure.value)
    return f"{format_number(figure.value)}+" if figure.value else "+"


def nice_ticks(top: int, count: int = 4) -> list[int]:
    """Round axis values from 0 to at least `top`: 0, 250, 500, 750, 1000."""
    if top <= 0:
        return [0, 1]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    step = max(1, int(step))
    return [i * step for i in range(math.ceil(top / step) + 1)]


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str
    figure: Figure


def column_chart(
    figures: list[Figure], *, width: int = 760, height: int = 190, dates: bool = True
) -> dict:
    """A column per figure with a y axis (ticks, grid lines) and dated x labels."""
    left, right, top_pad, bottom = 48, 8, 10, 34
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    ticks = nice_ticks(max((f.value for f in figures), default=0))
    scale = plot_h / ticks[-1]
    slot = plot_w / max(1, len(figures))
    every = max(1, math.ceil(len(figures) / 12))  # at most about 12 date labels
    columns, labels = [], []
    for i, figure in enumerate(figures):
        label = _date_label(figure.label) if dates else figure.label
        h = figure.value * scale
        if figure.incomplete and not figure.value:
            h = 2.0  # a stub, so "only small groups" is not drawn as nothing
        x = left + i * slot + slot * 0.12
        columns.append(
            Column(
                round(x, 1),
                round(top_pad + plot_h - h, 1),
                round(slot * 0.76, 1),
                round(h, 1),
                label,
                shown(figure),
                figure,
            )
        )
        if i % every == 0:
            labels.append({"x": round(left + i * slot + slot / 2, 1), "text": label})
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "baseline": top_pad + plot_h,
        "label_y": top_pad + plot_h + 16,
        "columns": columns,
        "ticks": [
            {"y": round(top_pad + plot_h - t * scale, 1), "text": format_number(t)} for t in ticks
        ],
        "xlabels": labels,
        "values_on_bars": len(figures) <= 16,
    }


def _date_label(iso: str) -> str:
    import datetime as dt

    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return formats.date_format(day, "j M")


@dataclass(frozen=True)
class Bar:
    y: float
    width: float
    label: str
    value: str
    figure: Figure


def bar_chart(figures: list[Figure], *, width: int = 520, label_width: int = 190) -> dict:
    """Ranked horizontal bars, label on the left, value at the end of the bar."""
    row, value_w = 20, 64
    plot_w = width - label_width - value_w
    top = max((f.value for f in figures), default=0) or 1
    bars = [
        Bar(
            i * row,
            round(max(2.0 if f.incomplete else 0.0, plot_w * f.value / top), 1),
            f.label,
            shown(f),
            f,
        )
        for i, f in enumerate(figures)
    ]
    return {
        "width": width,
        "height": max(row, row * len(figures)),
        "label_width": label_width,
        "label_x": label_width - 6,
        "bars": bars,
        "value_gap": 4,
    }


@cache
def _world() -> dict:
    world = json.loads((DATA / "world-110m.json").read_text())
    # Our own path data (digits, spaces, M, L, Z): escaping 75 KB of it on every page
    # was most of the page's rendering time.
    world["countries"] = {
        code: mark_safe(path)  # noqa: S308
        for code, path in world["countries"].items()
        if set(path) <= set("0123456789 .-MLZ")
    }
    return world


@dataclass(frozen=True)
class Country:
    code: str
    path: SafeString
    level: int  # 0: none, 1..5: classes of the legend; -1: only small groups
    label: str
    value: str


def world_map(figures: list[Figure], *, classes: int = 5) -> dict:
    """Countries shaded in `classes` steps of the largest value (with a legend);
    countries with only small groups are hatched, not coloured."""
    world = _world()
    by_code = {f.key: f for f in figures}
    top = max((f.value for f in figures), default=0)
    ticks = nice_ticks(top, classes) if top else [0, 1]
    step = ticks[1] - ticks[0]
    countries = []
    for code, path in world["countries"].items():
        figure = by_code.get(code)
        if figure is None or (not figure.value and not figure.incomplete):
            level = 0
        elif not figure.value:
            level = -1
        else:
            level = min(classes, 1 + (figure.value - 1) // step)
        countries.append(
            Country(
                code, path, level, figure.label if figure else code, shown(figure) if figure else ""
            )
        )
    legend = [
        {
            "level": i,
            "text": f"{format_number(1 + (i - 1) * step)}–{format_number(i * step)}",
        }
        for i in range(1, classes + 1)
        if (i - 1) * step < max(top, 1)
    ]
    return {"viewBox": world["viewBox"], "countries": countries, "legend": legend}
