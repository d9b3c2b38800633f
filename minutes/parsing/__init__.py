"""Parse minutes ("verslagen") from text files into plain dataclasses: the SGO's by
the SGO template's rules, other bodies' by the generic rules.

Pure: bytes in, dataclasses out. No database, no Django. The import service turns
the result into model rows; `manage.py parse_minutes` prints it as JSON.

The input is the text of Woo releases, and it is messy in known ways:

- more than one encoding (UTF-8, UTF-8 with BOM, cp1252) and CRLF line ends;
- a letterhead (sender, "Datum", "Onze referentie") and a tab-separated header table
  (Omschrijving, Vergaderdatum en -tijd, Vergaderplaats, Aanwezig, Afwezig);
- running page headers (letterhead name, Datum, Onze referentie, Pagina x van y)
  that land anywhere, including in the middle of a sentence, sometimes bold
  (`**`), sometimes glued to the neighbouring word;
- ministries written several ways (J&V, JenV, Justitie en Veiligheid);
- names replaced by Woo redaction codes such as 5.1.2e, which must be kept as is.

One module per stage, each above the ones that use it:

- `text`: decoding, clean lines and blocks, redaction codes, `ParseError` and
  `ParseWarning` (codes and Dutch messages: `PARSE_ERRORS`, `PARSE_WARNINGS`);
- `dates`: every date and time the minutes give;
- `ministries`: the ministry matcher;
- `header`: the header table, the letterhead and the running page headers;
- `agenda`: numbered, inserted and lettered items;
- `decisions`: sentences and `classify_decision`, `DecisionKind`;
- `records`: the dataclasses handed out;
- `rondvraag`: contributions under ministry headings;
- `series`: the series (body) a document names;
- `generic`: other bodies' minutes (Markdown, Rijkshuisstijl PDF text, plain text);
- `minutes`: `parse_minutes`, which runs the stages in order (or hands a text that is
  not in the SGO template to `generic`).

This module is the package's face: import from here.
"""

from minutes.parsing.decisions import DecisionKind, classify_decision
from minutes.parsing.minutes import parse_minutes
from minutes.parsing.records import (
    INSERTED,
    ParsedContribution,
    ParsedDecision,
    ParsedItem,
    ParsedMeeting,
    ParsedSubitem,
    item_label,
    list_label,
)
from minutes.parsing.text import PARSE_WARNINGS, REDACTION_RE, ParseError, ParseWarning

__all__ = [
    "INSERTED",
    "PARSE_WARNINGS",
    "REDACTION_RE",
    "DecisionKind",
    "ParseError",
    "ParseWarning",
    "ParsedContribution",
    "ParsedDecision",
    "ParsedItem",
    "ParsedMeeting",
    "ParsedSubitem",
    "classify_decision",
    "item_label",
    "list_label",
    "parse_minutes",
]
