"""The rondvraag: what each ministry brought up, under its heading ("EZK", "J&V:", "Fin:")."""

from __future__ import annotations

import re

from minutes.parsing.ministries import MinistryMatcher
from minutes.parsing.records import ParsedContribution
from minutes.parsing.text import clean_block, clean_inline


def split_contributions(lines: list[str], matcher: MinistryMatcher) -> list[ParsedContribution]:
    """Group rondvraag lines under their ministry headings ("EZK", "J&V:", "Fin:")."""
    contributions: list[tuple[str, str, list[str]]] = []
    for raw in lines:
        # A heading may itself be a bullet ("- EZK: Meldt ..."); the label is without it.
        line = re.sub(r"^[-•–]\s*", "", clean_inline(raw))
        heading = re.match(r"^(?:SG\s+)?([^:]{1,45}?)\s*:?\s*$", line)
        inline = re.match(r"^(?:SG\s+)?([^:]{1,45}?)\s*:\s+(.+)$", line)
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
