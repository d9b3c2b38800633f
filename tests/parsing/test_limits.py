"""Hardening: the caps on a file, broken encodings, and long runs that once took hours.

A regular expression that backtracks over a run of blanks, dots or dashes takes time
in the square of the run's length: 20 kB of tabs took a minute, 1 MB would take hours.
Every stage now reads each character a bounded number of times, so a 1 MB run parses
(or is refused) in about a second. The hang guard runs the parser in a child process
and allows it far more than that; a regular expression cannot be interrupted, so a
thread could not stop it.
"""

from __future__ import annotations

import multiprocessing
from datetime import date

import pytest

from minutes.parsing import ParseError, parse_minutes
from minutes.parsing.text import MAX_BYTES, MAX_LINE_CHARS, PARSE_ERRORS
from tests.parsing.helpers import SAMPLES

SAMPLE = (SAMPLES / "sgo-2021-01-19.txt").read_bytes()
MEGABYTE = 1024 * 1024
# A generous bound: the parser needs about a second for these inputs on a busy
# machine; the quadratic patterns needed hours.
HANG_GUARD_SECONDS = 30


def _parse_in_child(data: bytes, limits: dict[str, int], conn) -> None:
    try:
        meeting = parse_minutes(data, **limits)
        conn.send(("parsed", meeting.meeting_date))
    except ParseError as exc:
        conn.send(("refused", (exc.code, str(exc))))
    except Exception as exc:  # reported to the test, which fails on it
        conn.send(("crashed", f"{type(exc).__name__}: {exc}"))


def parse_within(data: bytes, seconds: float = HANG_GUARD_SECONDS, **limits: int):
    """(outcome, detail) of parsing `data` in a child process, failing after `seconds`."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_parse_in_child, args=(data, limits, sender))
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            pytest.fail(f"the parser hung: no answer within {seconds} s")
        return receiver.recv()
    finally:
        child.kill()
        child.join()


def in_the_agenda(run: bytes, *, own_line: bool = False) -> bytes:
    """The sample with `run` in the middle of its longest paragraph, or on a line after it.

    The agenda's text is where every stage reads: item headings, page headers,
    sentences and decisions.
    """
    lines = SAMPLE.split(b"\n")
    first_item = next(i for i, line in enumerate(lines) if line.startswith(b"1. "))
    index = max(range(first_item + 1, len(lines)), key=lambda i: len(lines[i]))
    if own_line:
        lines.insert(index + 1, run)
    else:
        line = lines[index]
        middle = line.index(b" ", len(line) // 2)
        lines[index] = line[:middle] + run + line[middle:]
    return b"\n".join(lines)


RUNS = {
    "tabs": b"\t",
    "spaces": b" ",
    "dots": b".",
    "dashes": b"-",
    "asterisks": b"*",
    "table cells": b"x\t",
    "blank lines": b"\n",
    "blank lines with tabs": b"\t\n",
    "numbered lines": b"1\t\n",
    "abbreviations": b"mw. A ",
    "sentence ends": b"zie 5.2. A. ",
    "verbs without akkoord": b"het SGO is ",
    "noted without a verb": b"het SGO neemt kennis van ",
    "em spaces": "\u2003".encode(),
}


@pytest.mark.parametrize("own_line", [False, True], ids=["in-a-sentence", "own-line"])
@pytest.mark.parametrize(
    "unit",
    [b"Kabinet ", b"Directie abc ", b"Kabinet Minister-President "],
    ids=["generic", "generic-longer", "the-letterhead's"],
)
def test_a_run_of_sender_names_parses_in_linear_time(unit: bytes, own_line: bool) -> None:
    # Each sender name may run on for 3 to 60 characters; a regular expression tried
    # every way to cut such a run into names (twenty names took seconds, exponential).
    data = in_the_agenda(unit * (100_000 // len(unit)), own_line=own_line)
    outcome, detail = parse_within(data, max_line_chars=2 * MEGABYTE)
    assert (outcome, detail) == ("parsed", date(2021, 1, 19))


def megabyte_of(unit: bytes) -> bytes:
    return unit * (MEGABYTE // len(unit))


@pytest.mark.parametrize("own_line", [False, True], ids=["in-a-sentence", "own-line"])
@pytest.mark.parametrize("unit", RUNS.values(), ids=RUNS.keys())
def test_a_megabyte_run_inside_the_sample_parses_in_linear_time(
    unit: bytes, own_line: bool
) -> None:
    # The caps lifted, so every stage really reads the run.
    data = in_the_agenda(megabyte_of(unit), own_line=own_line)
    outcome, detail = parse_within(data, max_line_chars=2 * MEGABYTE)
    assert (outcome, detail) == ("parsed", date(2021, 1, 19))


@pytest.mark.parametrize("unit", RUNS.values(), ids=RUNS.keys())
def test_a_megabyte_run_alone_is_refused_in_linear_time(unit: bytes) -> None:
    outcome, detail = parse_within(megabyte_of(unit), max_line_chars=2 * MEGABYTE)
    assert outcome == "refused"
    assert detail[0] in {"empty", "no_meeting_date"}


@pytest.mark.parametrize(
    "unit", [b"\t", b" ", b".", b"-"], ids=["tabs", "spaces", "dots", "dashes"]
)
def test_with_the_default_caps_a_megabyte_line_is_refused_in_linear_time(unit: bytes) -> None:
    outcome, detail = parse_within(in_the_agenda(megabyte_of(unit), own_line=True))
    number = SAMPLE.split(b"\n").index(max(SAMPLE.split(b"\n"), key=len)) + 2
    assert (outcome, detail) == (
        "refused",
        (
            "line_too_long",
            f"regel {number} is te lang: {MEGABYTE} tekens, de grens is 20000 tekens",
        ),
    )


def test_the_default_caps() -> None:
    assert (MAX_BYTES, MAX_LINE_CHARS) == (5 * MEGABYTE, 20_000)


def test_a_file_over_the_byte_cap_is_refused_before_it_is_read() -> None:
    data = SAMPLE + b"\n" * (8000 - len(SAMPLE))
    assert parse_minutes(data, max_bytes=8000).meeting_date == date(2021, 1, 19)
    with pytest.raises(
        ParseError, match=r"^bestand te groot: 8001 bytes, de grens is 8000 bytes$"
    ) as raised:
        parse_minutes(data + b"\n", max_bytes=8000)
    assert (raised.value.code, raised.value.params) == ("too_large", {"size": 8001, "limit": 8000})
    # Even bytes that are no text are refused for their size first.
    with pytest.raises(ParseError, match="bestand te groot") as raised:
        parse_minutes(b"\x00" * 8001, max_bytes=8000)
    assert raised.value.code == "too_large"


def test_a_line_over_the_line_cap_is_refused_with_its_number() -> None:
    longest = max(SAMPLE.decode().split("\n"), key=len)
    assert parse_minutes(SAMPLE, max_line_chars=len(longest)).meeting_date == date(2021, 1, 19)
    number = SAMPLE.decode().split("\n").index(longest) + 1
    message = (
        f"regel {number} is te lang: {len(longest)} tekens, de grens is {len(longest) - 1} tekens"
    )
    with pytest.raises(ParseError) as raised:
        parse_minutes(SAMPLE, max_line_chars=len(longest) - 1)
    assert raised.value.code == "line_too_long"
    assert str(raised.value) == message


def test_the_line_cap_counts_characters_after_decoding() -> None:
    # 600 two-byte characters are 1200 bytes but 600 characters.
    line = "é" * 600
    data = in_the_agenda(line.encode(), own_line=True)
    assert parse_minutes(data, max_line_chars=600).meeting_date == date(2021, 1, 19)
    with pytest.raises(ParseError, match="te lang: 601 tekens"):
        parse_minutes(in_the_agenda((line + "é").encode(), own_line=True), max_line_chars=600)


# ---------------------------------------------------------------- broken encodings


@pytest.mark.parametrize(
    ("data", "code", "reason", "byte"),
    [
        (
            b"\xef\xbb\xbf" + SAMPLE.replace(b"Opening", "Opéning".encode("cp1252")),
            "broken_utf8",
            "invalid continuation byte",
            SAMPLE.index(b"Opening") + 5,
        ),
        (b"\xef\xbb\xbf\xff\xfe", "broken_utf8", "invalid start byte", 3),
        (b"\xef\xbb\xbfabc\xe2\x82", "broken_utf8", "unexpected end of data", 6),
        ("café".encode("utf-16") + b"x", "broken_utf16", "truncated data", None),
        (b"\xff\xfe" + "\ud800".encode("utf-16-le", "surrogatepass"), "broken_utf16", "", None),
        (
            b"Vergaderdatum 3 maart 2020 \x81\x8d\x8f\x90\x9d",
            "unknown_encoding",
            "character maps to <undefined>",
            None,
        ),
    ],
    ids=[
        "bom-then-cp1252",
        "bom-then-junk",
        "bom-then-cut",
        "utf16-odd",
        "utf16-surrogate",
        "cp1252-undefined",
    ],
)
def test_every_decoding_failure_is_a_parse_error(
    data: bytes, code: str, reason: str, byte: int | None
) -> None:
    with pytest.raises(ParseError) as raised:
        parse_minutes(data)
    assert raised.value.code == code
    # Python's own reason is kept beside the Dutch message, which names the byte.
    assert reason in raised.value.params["reason"]
    assert str(raised.value) == PARSE_ERRORS[code].format(**raised.value.params)
    if byte is not None:
        assert raised.value.params["byte"] == byte
        assert str(raised.value).endswith(f"bij byte {byte}")
    assert isinstance(raised.value.__cause__, UnicodeDecodeError)
