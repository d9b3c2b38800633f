"""CSV and JSON exports of the meetings (and decisions) that match a list's filters, streamed.

Rows are fetched in chunks with their children prefetched per chunk, so memory
stays flat however many meetings match, and the answer streams, so a slow client
holds a connection, not a finished file in a worker's memory. One export holds at
most settings.SGO_EXPORT_MAX_ROWS meetings: a selection with more is refused whole
with a Dutch explanation (never a file cut off at the limit), so the visitor can
narrow the filters.

Withheld agenda items. An item whose title the release withheld ("buiten verzoek", or
only a Woo code such as "5.1.2i") has no title: its `title` carries the marker a reader
sees on the pages ("Niet openbaar: buiten het verzoek", "Agendapunt weggelakt, Woo-grond
5.1.2i: het goed functioneren van de Staat"), never the released words as if they were
one, and the item says what was withheld, as released:
- JSON (meetings): such an item carries `"withheld"`, "buiten verzoek" or the code(s)
  ("5.1.2i"); an item with a real title has no `withheld` key.
- CSV (meetings): the `agenda_items` cell shows the marker; `withheld_items` lists the
  withheld items as "3: 5.1.2i | 4: buiten verzoek" (empty when none).
- Decisions (CSV and JSON): `item_title` is the marker, `item_withheld` what was
  withheld ("" in CSV, null in JSON, for an item with a real title).
The stored text is unchanged; the codes are kept exactly as released.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from minutes import search
from minutes.filters import (
    DecisionFilter,
    MeetingFilter,
    MinistryItemFilter,
    SearchFilter,
    SeriesFilter,
)
from minutes.models import (
    MEETING_HEAVY_FIELDS,
    AgendaItem,
    Decision,
    Meeting,
    Ministry,
    MinistryMention,
    Topic,
)
from minutes.redactions import marked_text, shown_title, withheld_kind

CHUNK = 200


def _meetings(request: HttpRequest):
    filterset = MeetingFilter(request.GET, queryset=Meeting.objects.all())
    if filterset.is_bound and not filterset.is_valid():
        return None, filterset
    # The parent's number comes along for the sub-items' labels ("5a").
    items = (
        AgendaItem.objects.select_related("parent")
        .only("meeting", "parent__number", "number", "title", "body", "position")
        .prefetch_related("decisions")
        .order_by("position")
    )
    mentions = MinistryMention.objects.select_related("ministry").order_by("ministry__position")
    qs = (
        filterset.qs.select_related("series", "source_document")
        .order_by("date", "slug")
        .prefetch_related(
            Prefetch("agenda_items", queryset=items),
            Prefetch("ministry_mentions", queryset=mentions),
        )
    )
    return qs, filterset


def _too_many(
    request: HttpRequest, qs, list_name: str = "meeting_list", list_kwargs: dict | None = None
) -> HttpResponse | None:
    """The refusal of a selection over the limit, or None when it fits.

    Counted before the first byte is sent: a streamed file cannot take back its
    status once it has started, and a file cut off at the limit would look whole.
    """
    limit = settings.SGO_EXPORT_MAX_ROWS
    found = qs.order_by().count()
    if found <= limit:
        return None
    query = request.GET.copy()
    query.pop("page", None)
    list_url = reverse(f"minutes:{list_name}", kwargs=list_kwargs) + (
        f"?{query.urlencode()}" if query else ""
    )
    context = {"found": found, "limit": limit, "list_url": list_url}
    # 400: the request asks for more than one export gives; narrower filters will do.
    return TemplateResponse(request, "minutes/export_too_large.html", context, status=400)


def _stream_or_nothing(request: HttpRequest, stream: Iterator[str]) -> Iterator[str]:
    """HEAD asks for the headers only: do not run the export's queries for it."""
    if request.method == "HEAD":
        stream.close()
        return iter(())
    return stream


def meeting_record(meeting: Meeting, base_url: str) -> dict:
    items = list(meeting.agenda_items.all())
    mentions = list(meeting.ministry_mentions.all())

    def ministries(role: str | None) -> list[str]:
        chosen = [m for m in mentions if role is None or m.role == role]
        return list(dict.fromkeys(m.ministry.abbreviation for m in chosen))

    return {
        "date": meeting.date.isoformat(),
        "series": meeting.series.slug,
        "title": meeting.title(),
        "url": base_url + meeting.get_absolute_url(),
        "start_time": meeting.start_time.strftime("%H:%M") if meeting.start_time else None,
        "end_time": meeting.end_time.strftime("%H:%M") if meeting.end_time else None,
        "place": meeting.place or None,
        "reference": meeting.reference or None,
        "document_date": meeting.document_date.isoformat() if meeting.document_date else None,
        "agenda_items": [_agenda_item(i) for i in items],
        "decisions": [
            {"item": i.display_label, "text": d.text, "kind": d.kind}
            for i in items
            for d in i.decisions.all()
        ],
        "ministries_present": ministries(MinistryMention.Role.PRESENT),
        "ministries_involved": ministries(None),
        "redaction_codes": meeting.redaction_codes,
        "source_sha256": meeting.sha256,
        "text_origin": meeting.text_origin,
        "source_document": _source_document(meeting, base_url),
        "release_url": meeting.release_url or None,
    }


def _agenda_item(item: AgendaItem) -> dict:
    """An agenda item's number, title and text; a withheld one's marker and `withheld`
    (see above)."""
    record = {
        "number": item.display_label,
        "title": shown_title(item.title),
        "text": marked_text(item.body),
    }
    if kind := withheld_kind(item.title):
        record["withheld"] = kind
    return record


def _source_document(meeting: Meeting, base_url: str) -> dict | None:
    """The released PDF a meeting was read from: its download address, digest and pages."""
    document = meeting.source_document
    if document is None:
        return None
    return {
        "name": document.name,
        "url": base_url + reverse("minutes:source_document", args=[document.sha256]),
        "sha256": document.sha256,
        "first_page": meeting.first_page,
        "last_page": meeting.last_page,
        "ocr_pages": meeting.ocr_pages,
    }


def _bad_request(filterset) -> HttpResponse:
    errors = {k: [str(e) for e in v] for k, v in filterset.form.errors.items()}
    return HttpResponse(
        json.dumps({"errors": errors}, ensure_ascii=False),
        status=400,
        content_type="application/json; charset=utf-8",
    )


@require_safe
def meetings_json(request: HttpRequest) -> HttpResponse:
    return _export(request, _meetings, "meeting_list", meeting_record, None, "sgo-vergaderingen")


class _Echo:
    def write(self, value: str) -> str:
        return value


CSV_COLUMNS = [
    "date", "series", "title", "url", "start_time", "end_time", "place", "reference",
    "document_date", "agenda_items", "decisions", "ministries_present", "ministries_involved",
    "redaction_codes", "source_sha256", "text_origin", "source_document", "withheld_items",
    "release_url",
]  # fmt: skip


def safe_cell(value) -> str:
    """Text a spreadsheet will show, never run: formulas are defused with a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def meeting_row(meeting: Meeting, base_url: str) -> dict:
    """A meeting's record with every value one cell: lists joined, the PDF its address."""
    record = meeting_record(meeting, base_url)
    items = meeting.agenda_items.all()
    record["agenda_items"] = " | ".join(
        f"{item.list_label} {shown_title(item.title)}" for item in items
    )
    kinds = ((item, withheld_kind(item.title)) for item in items)
    record["withheld_items"] = " | ".join(
        f"{item.display_label}: {kind}" for item, kind in kinds if kind
    )
    record["decisions"] = " | ".join(f"[{d['item']}] {d['text']}" for d in record["decisions"])
    for key in ("ministries_present", "ministries_involved", "redaction_codes"):
        record[key] = " ".join(record[key])
    if record["source_document"]:
        record["source_document"] = record["source_document"]["url"]
    return record


@require_safe
def meetings_csv(request: HttpRequest) -> HttpResponse:
    return _export(
        request, _meetings, "meeting_list", meeting_row, CSV_COLUMNS, "sgo-vergaderingen"
    )


def _export(
    request: HttpRequest,
    select: Callable[[HttpRequest], tuple[Any, Any]],
    list_name: str,
    record: Callable[[Any, str], dict],
    columns: list[str] | None,
    name: str,
    list_kwargs: dict | None = None,
) -> HttpResponse:
    """A list's selection as a download: JSON (an array of records) or, with `columns`,
    CSV. An invalid selection gets a 400 naming its errors, one over the limit the
    refusal page; otherwise the rows stream, fetched CHUNK at a time."""
    qs, filterset = select(request)
    if qs is None:
        return _bad_request(filterset)
    if refusal := _too_many(request, qs, list_name, list_kwargs):
        return refusal
    if list_kwargs and "slug" in list_kwargs:
        name = f"{name}-{list_kwargs['slug']}"
    base = request.build_absolute_uri("/").rstrip("/")
    records = (record(row, base) for row in qs.iterator(chunk_size=CHUNK))
    if columns is None:
        stream, content_type, suffix = _json_array(records), "application/json", "json"
    else:
        stream, content_type, suffix = _csv_rows(columns, records), "text/csv", "csv"
    response = StreamingHttpResponse(
        _stream_or_nothing(request, stream), content_type=f"{content_type}; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.{suffix}"'
    return response


def _json_array(records: Iterator[dict]) -> Iterator[str]:
    yield "["
    for n, record in enumerate(records):
        yield ("," if n else "") + "\n" + json.dumps(record, ensure_ascii=False)
    yield "\n]\n"


# The CSV files are for spreadsheets first: a Dutch-locale Excel, the readers' usual tool,
# opens a double-clicked CSV split on its list separator, the semicolon, and reads a
# comma-separated file as one column. So: semicolons, a UTF-8 BOM (without it Excel reads
# "ë" as "Ã«"), CRLF line ends, every cell quoted where it needs to be and formula-safe
# (safe_cell). Programs read it as well (pandas: sep=";"); for them the JSON exports,
# the API and the bulk download's NDJSON are the better fit. The bulk download's CSV
# files are written the same way (minutes/opendata.py).
CSV_DIALECT = {"delimiter": ";", "lineterminator": "\r\n"}


def _csv_rows(columns: list[str], records: Iterator[dict]) -> Iterator[str]:
    writer = csv.writer(_Echo(), **CSV_DIALECT)
    # A BOM so spreadsheet programs read the UTF-8 (ë, é) correctly.
    yield "\ufeff" + writer.writerow(columns)
    for record in records:
        yield writer.writerow([safe_cell(record[column]) for column in columns])


# ------------------------------------------------------------------ decisions


def _decisions(request: HttpRequest):
    """The decisions of the decision list's query and filters, oldest first."""
    decisions = Decision.objects.select_related(
        "agenda_item__meeting__series", "agenda_item__parent"
    ).defer(
        "agenda_item__body",
        "agenda_item__parent__body",
        *(f"agenda_item__meeting__{name}" for name in MEETING_HEAVY_FIELDS),
    )
    filterset = DecisionFilter(request.GET, queryset=decisions)
    if not filterset.is_valid():
        return None, filterset
    qs = filterset.qs.order_by(
        "agenda_item__meeting__date",
        "agenda_item__meeting__slug",
        "agenda_item__position",
        "position",
    )
    return qs, filterset


DECISION_COLUMNS = [
    "date", "series", "meeting_url", "item", "item_title", "kind", "text", "url", "item_withheld",
]  # fmt: skip


def _item_fields(item: AgendaItem, base_url: str) -> dict:
    """Where an agenda item stands: its meeting and its label and title (a withheld
    title as its marker, with what was withheld)."""
    meeting = item.meeting
    return {
        "date": meeting.date.isoformat(),
        "series": meeting.series.slug,
        "meeting_url": base_url + meeting.get_absolute_url(),
        "item": item.display_label,
        "item_title": shown_title(item.title),
        "item_withheld": withheld_kind(item.title),
        "url": base_url + item.get_absolute_url(),
    }


def decision_record(decision: Decision, base_url: str) -> dict:
    return {
        **_item_fields(decision.agenda_item, base_url),
        "kind": decision.kind,
        "text": decision.text,
    }


@require_safe
def decisions_json(request: HttpRequest) -> HttpResponse:
    return _export(request, _decisions, "decision_list", decision_record, None, "sgo-besluiten")


@require_safe
def decisions_csv(request: HttpRequest) -> HttpResponse:
    return _export(
        request, _decisions, "decision_list", decision_record, DECISION_COLUMNS, "sgo-besluiten"
    )


# ------------------------------------------------------------------ agenda items
# A topic's items, a ministry's items (with its rondvraag contributions) and search
# results: one record of an agenda item, with its text and decisions.

ITEM_COLUMNS = [
    "date", "series", "meeting_url", "item", "item_title", "item_withheld", "text",
    "decisions", "url", "contributions",
]  # fmt: skip


def item_record(item: AgendaItem, base_url: str) -> dict:
    """An agenda item with its text (withheld lines as their markers) and decisions; for
    a ministry's list, that ministry's rondvraag contributions to it."""
    return {
        **_item_fields(item, base_url),
        "text": marked_text(item.body),
        "decisions": [{"kind": d.kind, "text": d.text} for d in item.decisions.all()],
        "contributions": [m.text for m in getattr(item, "contributions", ())],
    }


def item_row(item: AgendaItem, base_url: str) -> dict:
    """An item's record with every value one cell."""
    record = item_record(item, base_url)
    record["decisions"] = " | ".join(f"[{d['kind']}] {d['text']}" for d in record["decisions"])
    record["contributions"] = " | ".join(record["contributions"])
    return record


def _items(queryset):
    """Items with their text, meeting, series and decisions: what item_record reads."""
    return (
        queryset.select_related("meeting__series", "parent")
        .defer(*(f"meeting__{name}" for name in MEETING_HEAVY_FIELDS))
        .prefetch_related("decisions")
    )


def _topic_items(request: HttpRequest, slug: str):
    topic = get_object_or_404(Topic, slug=slug)
    filterset = SeriesFilter(request.GET, queryset=_items(topic.agenda_items.all()))
    if not filterset.is_valid():
        return None, filterset
    return filterset.qs.order_by("meeting__date", "meeting__slug", "position"), filterset


def _ministry_items(request: HttpRequest, slug: str):
    ministry = get_object_or_404(Ministry, slug=slug)
    items = _items(AgendaItem.objects.all())
    # The page's filters, its role (`rol`) too.
    filterset = MinistryItemFilter(request.GET, queryset=items, ministry=ministry)
    if not filterset.is_valid():
        return None, filterset
    return filterset.qs.order_by("-meeting__date", "-meeting__slug", "position"), filterset


class _Ranked:
    """Search results in their ranked order, as `_export` reads a selection: counted,
    then fetched CHUNK at a time (the ids come from the index, the rows from PostgreSQL)."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids

    def order_by(self, *fields: str) -> _Ranked:
        return self

    def count(self) -> int:
        return len(self.ids)

    def iterator(self, chunk_size: int) -> Iterator[AgendaItem]:
        for start in range(0, len(self.ids), chunk_size):
            chunk = self.ids[start : start + chunk_size]
            rows = _items(AgendaItem.objects.filter(pk__in=chunk)).in_bulk()
            yield from (rows[pk] for pk in chunk if pk in rows)


def _search_results(request: HttpRequest):
    """The items /zoeken/ finds for this query and filters, in its order; none without a
    query. One over the export limit is refused, as every list's export is."""
    filterset = SearchFilter(request.GET, queryset=AgendaItem.objects.all())
    if not filterset.is_valid():
        return None, filterset
    query, filters, sort = filterset.search_request()
    if not query:
        return _Ranked([]), filterset
    limit = settings.SGO_EXPORT_MAX_ROWS + 1  # one more shows that there are more
    ids = search.ranked(query, filters=filters, sort=sort).item_ids(limit=limit)
    return _Ranked(ids), filterset


def _item_export(select, list_name: str, name: str):
    def json_view(request: HttpRequest, **kwargs) -> HttpResponse:
        return _export(
            request, lambda r: select(r, **kwargs), list_name, item_record, None, name,
            list_kwargs=kwargs,
        )  # fmt: skip

    def csv_view(request: HttpRequest, **kwargs) -> HttpResponse:
        return _export(
            request, lambda r: select(r, **kwargs), list_name, item_row, ITEM_COLUMNS, name,
            list_kwargs=kwargs,
        )  # fmt: skip

    return require_safe(json_view), require_safe(csv_view)


topic_items_json, topic_items_csv = _item_export(_topic_items, "topic_detail", "sgo-onderwerp")
ministry_items_json, ministry_items_csv = _item_export(
    _ministry_items, "ministry_detail", "sgo-ministerie"
)
search_json, search_csv = _item_export(_search_results, "search", "sgo-zoekresultaten")
