"""The progress bar of a long CLI run (tqdm): pages done, rate and time left, on stderr when it is a
terminal. Lines printed while it runs (errors, warnings) go through it, so the bar is redrawn
below them instead of being torn."""
from __future__ import annotations

import sys
from typing import TextIO

from tqdm import tqdm


class PageBar:
    """Called once per page done with ``(done, total, failed)``; the bar appears at the first page
    and closes at the last (or at ``close``)."""

    def __init__(self, stream: TextIO | None = None, disable: bool | None = None, unit: str = "page"):
        self.stream = stream if stream is not None else sys.stderr
        self.disable = disable  # None: shown only when the stream is a terminal
        self.unit = unit
        self._bar: tqdm | None = None

    def __call__(self, done: int, total: int, failed: int = 0) -> None:
        if self._bar is None:
            self._bar = tqdm(total=total, unit=self.unit, file=self.stream, disable=self.disable,
                             dynamic_ncols=True, mininterval=0.5, smoothing=0.05)
        self._bar.update(done - self._bar.n)
        if failed:
            self._bar.set_postfix_str(f"{failed} failed", refresh=False)
        if done >= total:
            self.close()

    def write(self, line: str) -> None:
        if self._bar is not None and not self._bar.disable:
            tqdm.write(line, file=self.stream)
        else:
            print(line, file=self.stream, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
