"""Turn stored plain text into safe HTML for reading.

The minutes are plain text from outside, so everything is escaped first. Markup is
added around sentinel characters that cannot occur in the stored text (control
characters are never kept by the parser), which keeps escaping and marking apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from minutes.parsing import REDACTION_RE
from minutes.redactions import ground
from minutes.search.config import HEADLINE_START, HEADLINE_STOP

DECISION_START, DECISION_END = "\x01", "\x02"
MARK_START, MARK_END = HEADLINE_START, HEADLINE_STOP
SENTINELS = re.compile("[\x01-\x04]")
# A short label on a line of its own: an abbreviation ("EZK", "J&V") or ending in ":".
GROUP_HEADING_RE = re.compile(
    r"^(?:[A-Z][A-Za-z&]{0,11}:|(?=(?:.*[A-Z]){2})[A-Z][A-Za-z&]{1,11}:?)$"
)


def redaction_html(code: str, *, with_ground: bool = True) -> SafeString:
    """One Woo redaction code as a blacked-out label: the archive's only redaction markup.

    Used inside rendered text and, as the {% redaction %} tag, by templates. Screen
    readers hear "weggelakt, Woo-grond 5.1.2e: <ground>"; sighted readers see the code
    and get the ground as a tooltip. Without `with_ground` (where the sentence around
    it names the ground already) only the code is explained. One line, no spaces
    around it, so it can sit inside running text and punctuation.
    """
    reason = escape(ground(code)) if with_ground else ""
    code = escape(code)
    ground_title = f": {reason}" if reason else ""
    ground_text = f'<span class="redaction__explanation">: {reason}</span>' if reason else ""
    return mark_safe(
        f'<span class="redaction" title="Weggelakt, Woo-grond {code}{ground_title}">'
        f'<span class="redaction__explanation">weggelakt, Woo-grond </span>{code}'
        f"{ground_text}</span>"
    )


def _join_marked_codes(text: str) -> str:
    """Search highlights split a code into tokens ("5.1.2" and "e"); mark it whole."""

    def join(match: re.Match[str]) -> str:
        run = match.group(0)
        bare = run.replace(MARK_START, "").replace(MARK_END, "")
        if bare != run and REDACTION_RE.fullmatch(bare):
            return f"{MARK_START}{bare}{MARK_END}"
        return run

    return re.sub(r"[\w.\x03\x04]+", join, text)


def _inline(text: str) -> str:
    html = escape(_join_marked_codes(text))
    html = REDACTION_RE.sub(lambda m: redaction_html(m.group(0)), html)
    html = html.replace(
        DECISION_START,
        '<strong class="decision-inline"><span class="sgo-visually-hidden">Besluit: </span>',
    ).replace(DECISION_END, "</strong>")
    return html.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


def _unmarked(text: str) -> str:
    return text.replace(MARK_START, "").replace(MARK_END, "")


def _wrap_decisions(text: str, decisions: Iterable[str]) -> str:
    """Put decision sentinels around each decision sentence in `text`.

    The text may carry search marks inside a decision; the sentence is found in the
    unmarked text and its position mapped back, so a decision stays marked as one
    while its matches stay highlighted.
    """
    for sentence in decisions:
        plain = _unmarked(text)
        start = plain.find(sentence) if sentence else -1
        if start < 0:
            continue
        # Map positions in `plain` to positions in `text` (which has extra marks).
        positions = [i for i, ch in enumerate(text) if ch not in (MARK_START, MARK_END)]
        begin = positions[start]
        end = positions[start + len(sentence) - 1] + 1
        if end < len(text) and text[end] == MARK_END:
            end += 1  # keep a mark that closes on the sentence's last word inside it
        text = f"{text[:begin]}{DECISION_START}{text[begin:end]}{DECISION_END}{text[end:]}"
    return text


def render_text(text: str, decisions: Iterable[str] = ()) -> SafeString:
    """Paragraphs, bullet lists, marked decisions and redaction labels.

    `text` may carry MARK_START/MARK_END sentinels (search highlights); any other
    control character is dropped before rendering.
    """
    text = re.sub(
        "[\x00\x05-\x08\x0b\x0c\x0e-\x1f]", "", text.replace("\x01", "").replace("\x02", "")
    )
    decisions = list(decisions)
    blocks: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        lines = [line.strip() for line in paragraph.split("\n") if line.strip()]
        if not lines:
            continue
        if decisions and _unmarked(paragraph.strip()) in decisions:
            blocks.append(
                '<div class="decision"><p class="decision__label">Besluit</p>'
                f"<p>{_inline(paragraph.strip())}</p></div>"
            )
            continue
        if len(lines) == 1 and GROUP_HEADING_RE.match(_unmarked(lines[0])):
            # "EZK", "J&V:", "Fin:" head a ministry's part of the rondvraag.
            blocks.append(f'<p class="sgo-rondvraag-heading">{_inline(lines[0])}</p>')
            continue
        html_lines: list[str] = []
        bullets: list[str] = []
        for line in lines:
            bullet = re.match(r"^[-•–]\s*(.*)$", line)
            if bullet:
                bullets.append(f"<li>{_inline(_wrap_decisions(bullet.group(1), decisions))}</li>")
                continue
            if bullets:
                html_lines.append(f"<ul>{''.join(bullets)}</ul>")
                bullets = []
            html_lines.append(f"<p>{_inline(_wrap_decisions(line, decisions))}</p>")
        if bullets:
            html_lines.append(f"<ul>{''.join(bullets)}</ul>")
        blocks.append("".join(html_lines))
    return mark_safe("\n".join(blocks))


def render_inline(text: str, *, marks: bool = False) -> SafeString:
    """One line (a title, a label, a search headline) with redaction labels, escaped.

    With `marks`, the headline sentinels become <mark>; otherwise they are dropped.
    """
    text = re.sub("[\x01\x02]", "", text) if marks else SENTINELS.sub("", text)
    return mark_safe(_inline(text))


def item_bodies(items: Sequence[Any], *, marked: bool = False) -> dict[int, SafeString]:
    """The rendered body of each agenda item and sub-item of a meeting page, by pk.

    `items` are the top-level items, each with its `children` and `decisions` (as
    MeetingQuerySet.with_agenda gives them); a sub-item's decisions are its parent's.
    With `marked`, the search highlights (`body_marked`) are rendered.
    """
    bodies: dict[int, SafeString] = {}
    for item in items:
        sentences = [d.text for d in item.decisions.all()]
        for each in (*item.children, item):
            text = (getattr(each, "body_marked", "") if marked else "") or each.body
            bodies[each.pk] = render_text(text, sentences) if text else mark_safe("")
    return bodies


def cached_item_bodies(key: str, items: Sequence[Any]) -> dict[int, SafeString]:
    """item_bodies from Django's cache under `key`, rendered and stored on a miss.

    The key must change whenever the meeting's text can have changed (its import,
    a replacement, an edit in the admin): the caller builds it from those.
    """
    bodies = cache.get(key)
    if bodies is None:
        bodies = item_bodies(items)
        cache.set(key, bodies)
    return bodies
