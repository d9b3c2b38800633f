"""CSV and JSON exports of the meetings that match the list filters, streamed.

Rows are fetched in chunks with their children prefetched per chunk, so memory
stays flat however many meetings match.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from minutes.filters import MeetingFilter
from minutes.models import AgendaItem, Meeting, MinistryMention

CHUNK = 200


def _meetings(request: HttpRequest):
    filterset = MeetingFilter(request.GET, queryset=Meeting.objects.all())
    if filterset.is_bound and not filterset.is_valid():
        return None, filterset
    # The parent's number comes along for the sub-items' labels ("5a").
    items = (
        AgendaItem.objects.select_related("parent")
        .only("meeting", "parent__number", "number", "title", "position")
        .prefetch_related("decisions")
        .order_by("position")
    )
    mentions = MinistryMention.objects.select_related("ministry").order_by("ministry__position")
    qs = filterset.qs.order_by("date", "slug").prefetch_related(
        Prefetch("agenda_items", queryset=items), Prefetch("ministry_mentions", queryset=mentions)
    )
    return qs, filterset


def meeting_record(meeting: Meeting, base_url: str) -> dict:
    items = list(meeting.agenda_items.all())
    mentions = list(meeting.ministry_mentions.all())

    def ministries(role: str | None) -> list[str]:
        chosen = [m for m in mentions if role is None or m.role == role]
        return list(dict.fromkeys(m.ministry.abbreviation for m in chosen))

    return {
        "date": meeting.date.isoformat(),
        "url": base_url + meeting.get_absolute_url(),
        "start_time": meeting.start_time.strftime("%H:%M") if meeting.start_time else None,
        "end_time": meeting.end_time.strftime("%H:%M") if meeting.end_time else None,
        "place": meeting.place or None,
        "reference": meeting.reference or None,
        "document_date": meeting.document_date.isoformat() if meeting.document_date else None,
        "agenda_items": [{"number": i.display_label, "title": i.title} for i in items],
        "decisions": [
            {"item": i.display_label, "text": d.text, "kind": d.kind}
            for i in items
            for d in i.decisions.all()
        ],
        "ministries_present": ministries(MinistryMention.Role.PRESENT),
        "ministries_involved": ministries(None),
        "redaction_codes": meeting.redaction_codes,
        "source_sha256": meeting.sha256,
    }


def _bad_request(filterset) -> HttpResponse:
    errors = {k: [str(e) for e in v] for k, v in filterset.form.errors.items()}
    return HttpResponse(
        json.dumps({"errors": errors}, ensure_ascii=False),
        status=400,
        content_type="application/json; charset=utf-8",
    )


@require_GET
def meetings_json(request: HttpRequest) -> HttpResponse:
    qs, filterset = _meetings(request)
    if qs is None:
        return _bad_request(filterset)
    base = request.build_absolute_uri("/").rstrip("/")

    def stream() -> Iterator[str]:
        yield "["
        for n, meeting in enumerate(qs.iterator(chunk_size=CHUNK)):
            yield (
                ("," if n else "")
                + "\n"
                + json.dumps(meeting_record(meeting, base), ensure_ascii=False)
            )
        yield "\n]\n"

    response = StreamingHttpResponse(stream(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="sgo-vergaderingen.json"'
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


CSV_COLUMNS = [
    "date", "url", "start_time", "end_time", "place", "reference", "document_date",
    "agenda_items", "decisions", "ministries_present", "ministries_involved",
    "redaction_codes", "source_sha256",
]  # fmt: skip


def _safe_cell(value) -> str:
    """Text a spreadsheet will show, never run: formulas are defused with a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_GET
def meetings_csv(request: HttpRequest) -> HttpResponse:
    qs, filterset = _meetings(request)
    if qs is None:
        return _bad_request(filterset)
    base = request.build_absolute_uri("/").rstrip("/")
    writer = csv.writer(_Echo())

    def stream() -> Iterator[str]:
        # A BOM so spreadsheet programs read the UTF-8 (ë, é) correctly.
        yield "\ufeff" + writer.writerow(CSV_COLUMNS)
        for meeting in qs.iterator(chunk_size=CHUNK):
            record = meeting_record(meeting, base)
            record["agenda_items"] = " | ".join(
                f"{item.list_label} {item.title}" for item in meeting.agenda_items.all()
            )
            record["decisions"] = " | ".join(
                f"[{d['item']}] {d['text']}" for d in record["decisions"]
            )
            for key in ("ministries_present", "ministries_involved", "redaction_codes"):
                record[key] = " ".join(record[key])
            yield writer.writerow([_safe_cell(record[c]) for c in CSV_COLUMNS])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="sgo-vergaderingen.csv"'
    return response
