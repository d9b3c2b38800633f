"""Server-rendered SVG bar charts: no JavaScript, readable without colour."""

from __future__ import annotations

from datetime import date

from minutes.formats import local_date


def bar_chart(periods: list[dict], *, width: int = 720, height: int = 200) -> dict:
    """Geometry for a bar per period: {"bars": [...], "width", "height", "max"}.

    Each bar carries its value as a text label above it, so the chart reads without
    relying on colour, and the page shows the same numbers in a table.
    """
    if not periods:
        return {"bars": [], "width": width, "height": height, "max": 0}
    top, bottom, left = 24, 28, 8
    plot_height = height - top - bottom
    peak = max(p["count"] for p in periods) or 1
    slot = (width - 2 * left) / len(periods)
    bar_width = max(2.0, slot * 0.7)
    every = max(1, round(len(periods) / 12))  # keep axis labels from overlapping
    bars = []
    for index, period in enumerate(periods):
        bar_height = plot_height * period["count"] / peak
        x = left + index * slot + (slot - bar_width) / 2
        label = (
            f"{period['year']}–{period['until']}"
            if period.get("until")
            else str(period["year"])
            if not period["month"]
            # A short month in the page's language: "jan 2021", "mrt 2021"; "Jan 2021".
            else local_date(date(period["year"], period["month"], 1), "b Y")
        )
        bars.append(
            {
                "x": round(x, 1),
                "y": round(top + plot_height - bar_height, 1),
                "width": round(bar_width, 1),
                "height": round(bar_height, 1),
                "center": round(x + bar_width / 2, 1),
                "value_y": round(top + plot_height - bar_height - 4, 1),
                "count": period["count"],
                "label": label,
                "show_label": index % every == 0,
            }
        )
    return {
        "bars": bars,
        "width": width,
        "height": height,
        "max": peak,
        "axis_y": height - bottom,
        "label_y": height - 8,
    }


# A horizontal bar chart's rows: a label line in CSS pixels (never scaled down with the
# chart, so its text stays 14 px at any width), then a bar whose length is a percentage.
ROW_HEIGHT = 40
LABEL_BASELINE = 16
BAR_OFFSET = 22
BAR_HEIGHT = 12


def share_bars(rows: list[dict]) -> dict:
    """Geometry for one horizontal bar per row ({"label", "n"}): {"bars", "height"}.

    The SVG is as wide as its box and has no viewBox: each label is text of a fixed
    size above its bar, with its value written out ("5.1.2e: 129"), so the chart reads
    at 360 px as at 1280 px and without colour; the page shows the same numbers in a
    table. Bars are a share of the largest value, as a percentage of the width.
    """
    peak = max((row["n"] for row in rows), default=0) or 1
    bars = []
    for index, row in enumerate(rows):
        top = index * ROW_HEIGHT
        bars.append(
            {
                "label": row["label"],
                "n": row["n"],
                "label_y": top + LABEL_BASELINE,
                "bar_y": top + BAR_OFFSET,
                "percent": round(max(100 * row["n"] / peak, 0.5 if row["n"] else 0), 1),
            }
        )
    return {"bars": bars, "height": len(rows) * ROW_HEIGHT, "bar_height": BAR_HEIGHT}
