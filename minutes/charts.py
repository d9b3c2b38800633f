"""Server-rendered SVG bar charts: no JavaScript, readable without colour.

A chart's horizontal positions are percentages of its width and its vertical ones
pixels, with no viewBox: the SVG takes its box's width and is never scaled, so its
labels keep their CSS size (at least 12 px) on a 360 px phone as on a desktop.
"""

from __future__ import annotations

from datetime import date

from minutes.formats import local_date

# Axis labels are 14 px (static/css/site.css); a chart is at least this wide (a 360 px
# phone, less the page's margins). A label takes about 0.6 em a character, and a gap.
NARROWEST_CHART = 300
LABEL_CHARACTER = 0.6 * 14
LABEL_GAP = 16


def _label_step(labels: list[str]) -> int:
    """Every how many bars an axis label fits without touching the next on a phone."""
    widest = max(len(label) for label in labels) * LABEL_CHARACTER + LABEL_GAP
    fitting = max(2, int(NARROWEST_CHART // widest))
    return -(-len(labels) // fitting)


# Above each bar its value, while bars are this many or fewer (more would collide on a
# phone; the table under the chart has every value).
MAX_VALUE_LABELS = 12


def _bars(
    values: list[float],
    labels: list[str],
    peak: float,
    *,
    top: int,
    plot_height: int,
    left: float = 1.0,
    every: int = 1,
) -> list[dict]:
    """Bars across the width in percent (with `left` percent either side), heights in px."""
    slot = (100 - 2 * left) / len(values)
    bar_width = slot * 0.7
    bars = []
    for index, (value, label) in enumerate(zip(values, labels, strict=True)):
        bar_height = plot_height * value / peak if peak else 0
        x = left + index * slot + (slot - bar_width) / 2
        bars.append(
            {
                "x": round(x, 2),
                "y": round(top + plot_height - bar_height, 1),
                "width": round(bar_width, 2),
                "height": round(bar_height, 1),
                "center": round(x + bar_width / 2, 2),
                "value_y": round(top + plot_height - bar_height - 4, 1),
                "label": label,
                "show_label": index % every == 0,
                # Axis labels: the first from its bar's left edge, the last to its right
                # edge, so neither runs off the chart.
                "label_x": round(
                    x
                    if index == 0
                    else x + bar_width
                    if index == len(values) - 1
                    else x + bar_width / 2,
                    2,
                ),
                "label_anchor": "start"
                if index == 0
                else "end"
                if index == len(values) - 1
                else "middle",
            }
        )
    return bars


def bar_chart(periods: list[dict], *, height: int = 200) -> dict:
    """Geometry for a bar per period: {"bars": [...], "height", "max", …}.

    Each bar carries its value as a text label above it (up to MAX_VALUE_LABELS bars),
    so the chart reads without relying on colour, and the page shows the same numbers
    in a table.
    """
    if not periods:
        return {"bars": [], "height": height, "max": 0}
    top, bottom = 24, 30
    plot_height = height - top - bottom
    peak = max(p["count"] for p in periods) or 1
    labels = [
        f"{period['year']}–{period['until']}"
        if period.get("until")
        else str(period["year"])
        if not period["month"]
        # A short month in the page's language: "jan 2021", "mrt 2021"; "Jan 2021".
        else local_date(date(period["year"], period["month"], 1), "b Y")
        for period in periods
    ]
    every = _label_step(labels)  # keep axis labels from overlapping
    bars = _bars(
        [p["count"] for p in periods], labels, peak, top=top, plot_height=plot_height, every=every
    )
    for bar, period in zip(bars, periods, strict=True):
        bar["count"] = period["count"]
    return {
        "bars": bars,
        "height": height,
        "max": peak,
        "show_values": len(periods) <= MAX_VALUE_LABELS,
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


def small_multiple(
    values: list[float], labels: list[str], peak: float, *, shown: list[str], height: int = 120
) -> dict:
    """One of a row of small charts on the same scale (`peak`, the largest value of them
    all): a bar per value, the first and last label under the axis, `shown` (the values
    as text) above the bars when there are few enough bars to fit them."""
    top, bottom = 22, 26
    plot_height = height - top - bottom
    bars = _bars(values, labels, peak, top=top, plot_height=plot_height, left=2.0)
    for bar, text, value in zip(bars, shown, values, strict=True):
        bar["text"] = text
        bar["value"] = value
    return {
        "bars": bars,
        "height": height,
        "show_values": len(values) <= 8,
        "axis_y": height - bottom,
        "label_y": height - 7,
        "first": labels[0] if labels else "",
        "last": labels[-1] if len(labels) > 1 else "",
    }
