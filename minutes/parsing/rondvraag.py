"""The rondvraag: what each ministry brought up, under its heading ("EZK", "J&V:", "Fin:")."""

from __future__ import annotations

import re

from minutes.parsing.ministries import MinistryMatcher
from minutes.parsing.records import ParsedContribution
from minutes.parsing.text import clean_block, clean_inline

# A ministry heading alone on its line ("EZK", "J&V:"), and one with its text after it
# ("Fin: meldt ..."). The blanks around the colon are read once (possessive): for every
# length of the label, `\s*:?\s*$` would try each way to split a run of blanks in two.
HEADING_RE = re.compile(r"^(?:SG\s+)?([^:]{1,45}?)\s*+(?::\s*+)?$")
INLINE_RE = re.compile(r"^(?:SG\s+)?([^:]{1,45}?)\s*+:\s+(.+)$")
BULLET_RE = re.compile(r"^[-•–]\s*")


def split_contributions(lines: list[str], matcher: MinistryMatcher) -> list[ParsedContribution]:
    """Group rondvraag lines under their ministry headings ("EZK", "J&V:", "Fin:")."""
    contributions: list[tuple[str, str, list[str]]] = []
    for raw in lines:
        # A heading may itself be a bullet ("- EZK: Meldt ..."); the label is without it.
        line = BULLET_RE.sub("", clean_inline(raw))
        heading = HEADING_RE.match(line)
        inline = INLINE_RE.match(line)
        if heading and matcher.resolve(heading.group(1)):
            contributions.append((matcher.resolve(heading.group(1)), line, []))
            continue
        if inline and matcher.resolve(inline.group(1)):
            label = line[: line.index(":") + 1]
            contributions.append((matcher.resolve(inline.group(1)), label, [inline.group(2)]))
            continue
        if contributions:
            contributions[-1][2].append(raw)
    return [
        ParsedContribution(ministry=abbr, label=label, text=clean_block("\n".join(body)))
        for abbr, label, body in contributions
    ]
