"""Progress for long-running commands: live in a terminal, one line otherwise."""

from __future__ import annotations

import time
from typing import TextIO

from django.core.management.base import OutputWrapper


class Progress:
    """Report count, rate and time left while working through `total` things.

    In a terminal the line is redrawn in place (at most ten times a second); when
    the output is a file or a pipe only the final summary line is written, so logs
    stay readable.
    """

    def __init__(self, total: int | None, stream: TextIO, *, noun: str = "files") -> None:
        self.total = total
        self.stream = stream
        self.noun = noun
        self.done = 0
        self.started = time.monotonic()
        self._last_draw = 0.0
        self.live = bool(getattr(stream, "isatty", lambda: False)())

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    def status_line(self) -> str:
        rate = self.rate
        line = f"{self.done}"
        if self.total:
            line += f"/{self.total}"
        line += f" {self.noun}, {rate:.1f}/s"
        if self.total and rate > 0 and self.done < self.total:
            left = (self.total - self.done) / rate
            line += f", {int(left // 60):d}:{int(left % 60):02d} left"
        return line

    def advance(self, step: int = 1) -> None:
        self.done += step
        now = time.monotonic()
        if self.live and (now - self._last_draw >= 0.1 or self.done == self.total):
            self._last_draw = now
            self._write("\r\033[K" + self.status_line())

    def finish(self, summary: str) -> None:
        elapsed = time.monotonic() - self.started
        self._write(
            ("\r\033[K" if self.live else "")
            + f"{summary} ({self.done} {self.noun} in {elapsed:.1f}s)\n"
        )

    def _write(self, text: str) -> None:
        # A command's OutputWrapper appends a newline unless told otherwise.
        if isinstance(self.stream, OutputWrapper):
            self.stream.write(text, ending="")
        else:
            self.stream.write(text)
        self.stream.flush()
