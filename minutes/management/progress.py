"""Progress of long-running commands: tqdm in a terminal, one summary line otherwise.

tqdm draws count, rate and time left in place while the output is a terminal; into
a file or a pipe it writes nothing, so logs hold only the final summary line.
"""

from __future__ import annotations

import time
from typing import TextIO

from django.core.management.base import OutputWrapper
from tqdm import tqdm


class _Unterminated:
    """A stream for tqdm: a command's OutputWrapper would end every redraw with a newline."""

    def __init__(self, stream: TextIO | OutputWrapper) -> None:
        self.stream = stream

    def write(self, text: str) -> None:
        if isinstance(self.stream, OutputWrapper):
            self.stream.write(text, ending="")
        else:
            self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()


class Progress:
    """Count `total` things as they are done, then write one summary line."""

    def __init__(self, total: int | None, stream: TextIO | OutputWrapper, *, unit: str) -> None:
        self.stream = stream
        self.unit = unit
        self.done = 0
        self.started = time.monotonic()
        self.bar = tqdm(
            total=total,
            unit=f" {unit}",
            file=_Unterminated(stream),
            disable=not stream.isatty(),
            leave=False,
            dynamic_ncols=True,
        )

    def grow(self, more: int) -> None:
        """There are `more` things to do than counted at first (a PDF held several)."""
        if more and self.bar.total is not None:
            self.bar.total += more
            self.bar.refresh()

    def advance(self, step: int = 1) -> None:
        self.done += step
        self.bar.update(step)

    def finish(self, summary: str) -> None:
        self.bar.close()
        elapsed = time.monotonic() - self.started
        _Unterminated(self.stream).write(f"{summary} ({self.done} {self.unit} in {elapsed:.1f}s)\n")
        self.stream.flush()
