"""Properties of the parser over mangled versions of the two samples (Hypothesis).

Whatever the bytes, `parse_minutes` either returns a meeting with a date or raises its
own `ParseError`; never another exception, and never slowly. The examples are the
samples with lines dropped, duplicated, shuffled or cut short, random bytes put in,
the text written in another encoding, and long runs of blanks, dots or dashes.

The profile is fixed and derandomized, so every run (and CI) tries the same examples,
in well under a minute. The deadline is per example and generous: a parse of these
inputs takes well under a second, a pattern that backtracks over a run took minutes.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from minutes.parsing import ParsedMeeting, ParseError, parse_minutes
from tests.parsing.helpers import SAMPLES

settings.register_profile(
    "parser",
    max_examples=150,
    derandomize=True,
    deadline=timedelta(seconds=10),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = settings.get_profile("parser")

SAMPLE_BYTES = [path.read_bytes() for path in sorted(SAMPLES.glob("*.txt"))]
# Caps lifted so that long runs reach every pattern instead of being refused up front.
NO_CAPS = {"max_bytes": 50 * 1024 * 1024, "max_line_chars": 50 * 1024 * 1024}
RUN_UNITS = [b"\t", b" ", b".", b"-", b"*", b"\n", b"\r\n", b"x\t", b". ", "\u2003".encode()]
ENCODINGS = ["utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16"]


def _position(size: int, fraction: float) -> int:
    return min(size, int(size * fraction))


def drop(lines: list[bytes], at: float, count: int) -> list[bytes]:
    start = _position(len(lines), at)
    return lines[:start] + lines[start + count :]


def duplicate(lines: list[bytes], at: float, count: int) -> list[bytes]:
    start = _position(len(lines), at)
    return lines[: start + count] + lines[start : start + count] + lines[start + count :]


def truncate_line(lines: list[bytes], at: float, keep: float) -> list[bytes]:
    index = min(len(lines) - 1, _position(len(lines), at))
    if index < 0:
        return lines
    line = lines[index]
    return [*lines[:index], line[: _position(len(line), keep)], *lines[index + 1 :]]


mutation = st.one_of(
    st.tuples(st.just("drop"), st.floats(0, 1), st.integers(1, 20)),
    st.tuples(st.just("duplicate"), st.floats(0, 1), st.integers(1, 20)),
    st.tuples(st.just("shuffle"), st.randoms(use_true_random=False)),
    st.tuples(st.just("truncate_line"), st.floats(0, 1), st.floats(0, 1)),
    st.tuples(st.just("truncate_file"), st.floats(0, 1)),
    st.tuples(st.just("insert_bytes"), st.floats(0, 1), st.binary(min_size=1, max_size=64)),
    st.tuples(st.just("run"), st.floats(0, 1), st.sampled_from(RUN_UNITS), st.integers(1, 100_000)),
)


def mutate(data: bytes, mutations: list[tuple]) -> bytes:
    for kind, *args in mutations:
        lines = data.split(b"\n")
        if kind == "drop":
            lines = drop(lines, *args)
        elif kind == "duplicate":
            lines = duplicate(lines, *args)
        elif kind == "shuffle":
            args[0].shuffle(lines)
        elif kind == "truncate_line":
            lines = truncate_line(lines, *args)
        elif kind == "truncate_file":
            data = data[: _position(len(data), args[0])]
            continue
        elif kind == "insert_bytes":
            at = _position(len(data), args[0])
            data = data[:at] + args[1] + data[at:]
            continue
        elif kind == "run":
            at, unit, length = args
            at = _position(len(data), at)
            data = data[:at] + unit * (length // len(unit) or 1) + data[at:]
            continue
        data = b"\n".join(lines)
    return data


def reencode(data: bytes, encoding: str) -> bytes:
    """The bytes written in another encoding; what the encoding lacks becomes "?"."""
    text = data.decode("utf-8", errors="replace")
    return text.encode(encoding, errors="replace")


def assert_parses_or_refuses(data: bytes, **limits: int) -> None:
    try:
        meeting = parse_minutes(data, **limits)
    except ParseError as exc:
        assert str(exc), "a ParseError says why"
        # The reason's kind, for --hypothesis-show-statistics: "refused: empty file".
        event(f"refused: {str(exc).split(':')[0].split(' (')[0]}")
        return
    event("parsed")
    assert isinstance(meeting, ParsedMeeting)
    assert isinstance(meeting.meeting_date, date)


@PROFILE
@given(
    sample=st.sampled_from(SAMPLE_BYTES),
    mutations=st.lists(mutation, max_size=6),
    encoding=st.sampled_from(ENCODINGS),
)
def test_mangled_samples_parse_or_raise_parse_error(
    sample: bytes, mutations: list[tuple], encoding: str
) -> None:
    data = mutate(reencode(sample, encoding), mutations)
    assert_parses_or_refuses(data, **NO_CAPS)
    # With the default caps the answer comes as fast or faster, and is of the same kind.
    assert_parses_or_refuses(data)


@PROFILE
@given(
    sample=st.sampled_from(SAMPLE_BYTES),
    encoding=st.sampled_from(ENCODINGS),
    mutations=st.lists(mutation, max_size=6),
)
def test_reencoding_then_mangling_parses_or_raises_parse_error(
    sample: bytes, encoding: str, mutations: list[tuple]
) -> None:
    # The other order: mangle the UTF-8 bytes first (a cut may split a character),
    # then write them in another encoding.
    data = reencode(mutate(sample, mutations), encoding)
    assert_parses_or_refuses(data, **NO_CAPS)


@PROFILE
@given(data=st.binary(max_size=4096))
def test_any_bytes_parse_or_raise_parse_error(data: bytes) -> None:
    assert_parses_or_refuses(data, **NO_CAPS)


@PROFILE
@given(
    prefix=st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]),
    body=st.binary(max_size=2048),
    sample=st.sampled_from(SAMPLE_BYTES),
)
def test_a_byte_order_mark_before_any_bytes_parses_or_raises_parse_error(
    prefix: bytes, body: bytes, sample: bytes
) -> None:
    assert_parses_or_refuses(prefix + body + sample, **NO_CAPS)
