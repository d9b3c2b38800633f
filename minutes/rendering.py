"""Turn stored plain text into safe HTML for reading.

The minutes are plain text from outside, so everything is escaped first. Markup is
added around sentinel characters that cannot occur in the stored text (control
characters are never kept by the parser), which keeps escaping and marking apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, pgettext

from minutes.parsing import REDACTION_RE
from minutes.parsing.decisions import LIST_MARKER_RE, PARAGRAPH_BREAK_RE, WRAPPED_LINE_LENGTH
from minutes.redactions import Withheld, ground, withheld
from minutes.search.config import HEADLINE_START, HEADLINE_STOP

DECISION_START, DECISION_END = "\x01", "\x02"
MARK_START, MARK_END = HEADLINE_START, HEADLINE_STOP
# Raised whenever the markup of rendered bodies changes (cached_item_bodies).
RENDERING_VERSION = 3  # 3: withheld passages as markers
SENTINELS = re.compile("[\x01-\x04]")
# A short label on a line of its own: an abbreviation ("EZK", "J&V") or ending in ":".
GROUP_HEADING_RE = re.compile(
    r"^(?:[A-Z][A-Za-z&]{0,11}:|(?=(?:.*[A-Z]){2})[A-Z][A-Za-z&]{1,11}:?)$"
)


def redaction_html(code: str, *, with_ground: bool = True, focusable: bool = True) -> SafeString:
    """One Woo redaction code as a blacked-out label: the archive's only redaction markup.

    Used inside rendered text and, as the {% redaction %} tag, by templates. Screen
    readers hear "weggelakt, Woo-grond 5.1.2e: <ground>"; sighted readers see the code.
    A label with its ground takes focus (keyboard, tap) and shows the ground while it
    has focus or the pointer (CSS only); one that cannot (`focusable=False`, inside a
    link, which takes the focus itself) has the ground as a tooltip. Without
    `with_ground` (where the sentence around it names the ground already) only the code
    is explained. One line, no spaces around it, so it can sit inside running text and
    punctuation.
    """
    reason = escape(ground(code)) if with_ground else ""
    code = escape(code)
    lang = _interface_lang()
    # Translators: read before a redaction code: "weggelakt, Woo-grond 5.1.2e".
    withheld = escape(gettext("weggelakt, Woo-grond"))
    if reason and focusable:
        return mark_safe(
            f'<span class="redaction redaction--explained" tabindex="0"{lang}>'
            f'<span class="redaction__explanation">{withheld} </span>{code}'
            f'<span class="redaction__explanation redaction__ground">: {reason}</span></span>'
        )
    ground_title = f": {reason}" if reason else ""
    ground_text = f'<span class="redaction__explanation">: {reason}</span>' if reason else ""
    title = escape(gettext("Weggelakt, Woo-grond"))
    return mark_safe(
        f'<span class="redaction" title="{title} {code}{ground_title}"{lang}>'
        f'<span class="redaction__explanation">{withheld} </span>{code}'
        f"{ground_text}</span>"
    )


def _interface_lang() -> str:
    """` lang="en"` on the interface's words inside the (Dutch) minutes on a page in
    another language than Dutch; nothing on a Dutch page."""
    language = get_language() or "nl"
    return "" if language == "nl" else f' lang="{escape(language)}"'


def withheld_html(passage: Withheld, *, item: bool = False) -> SafeString:
    """A withheld passage as its marker: the archive's only withheld-passage markup.

    The marker's words are the text: sighted readers see and screen readers hear
    "Niet openbaar: buiten het verzoek" or "Agendapunt weggelakt, Woo-grond 5.1.2i:
    het goed functioneren van de Staat", never the released "buiten verzoek" as if it
    were a heading or a sentence. The codes in it stay as released, each in a redaction
    label (the marker names their grounds, so the label carries no explanation of its
    own). `item`: the passage is an agenda item's whole title.
    """
    words = escape(passage.marker(item=item))
    words = REDACTION_RE.sub(
        lambda m: f'<span class="redaction withheld__code">{m.group(0)}</span>', words
    )
    # Interface words inside the (Dutch) minutes: in the page's language.
    return mark_safe(f'<span class="withheld"{_interface_lang()}>{words}</span>')


def _join_marked_codes(text: str) -> str:
    """Search highlights split a code into tokens ("5.1.2" and "e"); mark it whole."""

    def join(match: re.Match[str]) -> str:
        run = match.group(0)
        bare = run.replace(MARK_START, "").replace(MARK_END, "")
        if bare != run and REDACTION_RE.fullmatch(bare):
            return f"{MARK_START}{bare}{MARK_END}"
        return run

    return re.sub(r"[\w.\x03\x04]+", join, text)


def _inline(text: str, *, focusable: bool = True) -> str:
    html = escape(_join_marked_codes(text))
    html = REDACTION_RE.sub(lambda m: redaction_html(m.group(0), focusable=focusable), html)
    label = escape(pgettext("decision label", "Besluit"))
    html = html.replace(
        DECISION_START,
        '<strong class="decision-inline">'
        f'<span class="sgo-visually-hidden"{_interface_lang()}>{label}: </span>',
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


# A line that ends one of these ends its unit (as in the parser's sentence units).
UNIT_END = ".!?:;"
# Exports that hard-wrap text do so at 60 to 100 characters; a longer line is unwrapped.
MAX_WRAP_WIDTH = 100
WRAP_SLACK = 8
# "… vanaf heden - vanwege het feit …": a dash a wrap put at a line's start, not a bullet.
INSERTED_CLAUSE_RE = re.compile(r"^[-–]\s+[^\W\d_A-Z]")


@dataclass
class _Block:
    """A paragraph, a rondvraag heading or a list entry, as its (wrapped) lines."""

    kind: str  # "p", "heading", "ul" (a bullet) or "ol" / "ol-a" (numbered, lettered)
    lines: list[str]
    value: int = 0  # a list entry's number as written

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def _starts_block(line: str) -> _Block:
    plain = _unmarked(line)
    marker = LIST_MARKER_RE.match(plain)
    if marker:
        rest = _after_marker(line, len(marker.group(0)))
        label = marker.group(0).strip()[:-1] if marker.group(0)[0] not in "-•–" else ""
        if label.isdigit():
            return _Block("ol", [rest], int(label))
        if label:
            return _Block("ol-a", [rest], ord(label) - ord("a") + 1)
        return _Block("ul", [rest])
    if GROUP_HEADING_RE.match(plain):
        return _Block("heading", [line])
    return _Block("p", [line])


def _after_marker(line: str, length: int) -> str:
    """`line` without its first `length` unmarked characters (a list marker)."""
    seen = 0
    for index, char in enumerate(line):
        if seen == length:
            return line[index:].strip()
        if char not in (MARK_START, MARK_END):
            seen += 1
    return ""


def _continues(block: _Block, previous: str, line: str, width: int) -> bool:
    """Whether `line` (unmarked) carries on `block`, whose last line is `previous`.

    A line opening a list entry or a rondvraag heading never does. After a line that
    ends a sentence, a line carries on only if that line was full: its first word would
    not have fitted on it at the body's wrap width (`width`, 0 for a body that is not
    hard-wrapped). After one that ends no sentence, it carries on when it opens in
    lower case, or the line before is long (as the parser's sentence units have it) or
    nearly full.
    """
    if block.kind == "heading" or not previous:
        return False
    if LIST_MARKER_RE.match(line):
        return (
            block.kind == "p"
            and previous[-1] not in UNIT_END
            and bool(INSERTED_CLAUSE_RE.match(line))
        )
    if GROUP_HEADING_RE.match(line):
        return False
    room = width - len(previous) - 1 - len(line.split(maxsplit=1)[0]) if width else width
    if previous[-1] in UNIT_END:
        return room < 0  # the next word did not fit: a wrap, not a paragraph's end
    # A parser may have shortened a wrapped line a little (bold marks dropped).
    return not line[0].isupper() or len(previous) >= WRAPPED_LINE_LENGTH or room < WRAP_SLACK


def _wrap_width(lines: list[str]) -> int:
    """The width a body was hard-wrapped at, or 0 if it was not.

    Its longest line up to MAX_WRAP_WIDTH; a few longer lines are where the parser
    joined a sentence a page break cut, but a body with more of them is not wrapped.
    """
    lengths = [len(line) for line in lines if line]
    wrapped = [length for length in lengths if length <= MAX_WRAP_WIDTH]
    if not wrapped or (len(lengths) - len(wrapped)) * 10 > len(lengths):
        return 0
    return max(wrapped)


def _blocks(text: str) -> list[_Block]:
    """The paragraphs, headings and list entries of a body, hard wraps undone."""
    blocks: list[_Block] = []
    width = _wrap_width([line.strip() for line in _unmarked(text).split("\n")])
    for paragraph in PARAGRAPH_BREAK_RE.split(text.strip()):
        lines = [line.strip() for line in paragraph.split("\n") if line.strip()]
        current: _Block | None = None
        for line in lines:
            plain = _unmarked(line)
            if current and _continues(current, _unmarked(current.lines[-1]), plain, width):
                current.lines.append(line)
                continue
            current = _starts_block(line)
            blocks.append(current)
    return [block for block in blocks if _unmarked(block.text).strip()]


def _list_html(entries: list[_Block], decisions: list[str]) -> str:
    kind = entries[0].kind
    items = []
    for entry in entries:
        value = f' value="{entry.value}"' if kind != "ul" else ""
        if passage := withheld(_unmarked(entry.text)):
            items.append(f"<li{value}>{withheld_html(passage)}</li>")
        else:
            items.append(f"<li{value}>{_inline(_wrap_decisions(entry.text, decisions))}</li>")
    tag = "ul" if kind == "ul" else "ol"
    letters = ' type="a"' if kind == "ol-a" else ""
    return f"<{tag}{letters}{{id}}>{''.join(items)}</{tag}>"


def _block_html(block: _Block, decisions: list[str]) -> str:
    """One paragraph as HTML, with `{id}` where its id attribute goes."""
    text = block.text
    passage = withheld(_unmarked(text))
    if passage:
        return f'<p class="sgo-withheld"{{id}}>{withheld_html(passage)}</p>'
    if block.kind == "heading":
        # "EZK", "J&V:", "Fin:" head a ministry's part of the rondvraag.
        return f'<p class="sgo-rondvraag-heading"{{id}}>{_inline(text)}</p>'
    if decisions and _unmarked(text) in decisions:
        label = escape(pgettext("decision label", "Besluit"))
        return (
            '<div class="decision"{id}>'
            f'<p class="decision__label"{_interface_lang()}>{label}</p>'
            f"<p>{_inline(text)}</p></div>"
        )
    return f"<p{{id}}>{_inline(_wrap_decisions(text, decisions))}</p>"


def paragraph_id(anchor: str, number: int) -> str:
    """A paragraph's anchor: its item's anchor and its place in the body ("punt-3-p2")."""
    return f"{anchor}-p{number}"


def render_text(text: str, decisions: Iterable[str] = (), anchor: str = "") -> SafeString:
    """Paragraphs, lists, marked decisions and redaction labels, hard wraps undone.

    The stored body keeps its lines as the source had them; here a line that does not
    end a sentence carries on the paragraph or list entry before it, so a wrapped
    decision is one sentence again. With `anchor` (the item's), each paragraph, list
    and heading gets an id: the anchor and its number in the body ("punt-3-p2"), the
    same for the same stored text.

    `text` may carry MARK_START/MARK_END sentinels (search highlights); any other
    control character is dropped before rendering.
    """
    text = re.sub(
        "[\x00\x05-\x08\x0b\x0c\x0e-\x1f]", "", text.replace("\x01", "").replace("\x02", "")
    )
    decisions = list(decisions)
    parts: list[str] = []
    blocks = _blocks(text)
    index = 0
    while index < len(blocks):
        block = blocks[index]
        if block.kind in ("ul", "ol", "ol-a"):
            end = index
            while end < len(blocks) and blocks[end].kind == block.kind:
                end += 1
            parts.append(_list_html(blocks[index:end], decisions))
            index = end
        else:
            parts.append(_block_html(block, decisions))
            index += 1
    numbered = [
        part.replace("{id}", f' id="{paragraph_id(anchor, number)}"' if anchor else "", 1)
        for number, part in enumerate(parts, start=1)
    ]
    return mark_safe("\n".join(numbered))


def render_inline(text: str, *, marks: bool = False, focusable: bool = False) -> SafeString:
    """One line (a title, a label, a search headline) with redaction labels, escaped.

    With `marks`, the headline sentinels become <mark>; otherwise they are dropped.
    The labels take focus only with `focusable`: a line may be (part of) a link.
    """
    text = re.sub("[\x01\x02]", "", text) if marks else SENTINELS.sub("", text)
    return mark_safe(_inline(text, focusable=focusable))


def render_title(text: str, *, marks: bool = False, focusable: bool = False) -> SafeString:
    """An agenda item's title: as render_inline, or its marker when the title is withheld.

    A withheld title ("buiten verzoek", "5.1.2i") shows the marker without search
    marks: a query for "verzoek" does not light up a marker as if it were a title.
    """
    passage = withheld(SENTINELS.sub("", text))
    if passage:
        return withheld_html(passage, item=True)
    return render_inline(text, marks=marks, focusable=focusable)


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
            bodies[each.pk] = render_text(text, sentences, each.anchor) if text else mark_safe("")
    return bodies


def cached_item_bodies(key: str, items: Sequence[Any]) -> dict[int, SafeString]:
    """item_bodies from Django's cache under `key`, rendered and stored on a miss.

    The key must change whenever the meeting's text can have changed (its import,
    a replacement, an edit in the admin): the caller builds it from those. The
    rendering's own version is added, so bodies kept by an earlier release go unused,
    and the page's language (the labels of redactions and decisions are translated).
    """
    key = f"{key}:{RENDERING_VERSION}:{get_language()}"
    bodies = cache.get(key)
    if bodies is None:
        bodies = item_bodies(items)
        cache.set(key, bodies)
    return bodies
