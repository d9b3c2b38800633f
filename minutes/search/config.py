"""The search package's limits and the sentinels of its highlights.

Pure values, imported by the models' neighbours and the rest of the search package
without any of them (no database, no index).
"""

from __future__ import annotations

# One limit for one query: the search forms refuse a longer query with a message;
# where there is no form to complain in (a meeting page, a feed) it is cut to this.
MAX_QUERY_LENGTH = 1000

# Markers for search highlights that cannot occur in stored text (the parser drops
# control characters); minutes.rendering swaps them for <mark> after escaping.
HEADLINE_START, HEADLINE_STOP = "\x03", "\x04"
