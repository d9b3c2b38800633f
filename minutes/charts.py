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
