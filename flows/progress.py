"""Progress for runs without a terminal (cron, CI, a Prefect deployment).

One line when a stage starts and one when it ends, with the number of items
it went through (computed / reused) and its seconds, e.g.::

    12:00:01 parse   start (15 items)
    12:00:04 parse   done in 2.91 s: 15 items (3 computed, 12 reused)

The rich progress bars of :class:`flows.cli.RichReporter` stay for terminals.
"""
from __future__ import annotations

import sys
import time
from typing import TextIO


class LineReporter:
    """A :class:`flows.run.Reporter` writing plain lines to *stream*."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stdout
        self._t0: dict[str, float] = {}
        self._total: dict[str, int | None] = {}
        self._items: dict[str, int] = {}
        self._reused: dict[str, int] = {}
        self._computed: dict[str, int] = {}
        self._note: dict[str, str] = {}

    def _print(self, name: str, text: str) -> None:
        self.stream.write(f"{time.strftime('%H:%M:%S')} {name:<7} {text}\n")
        self.stream.flush()

    # the flow calls begin/end around every stage ...
    def begin(self, name: str) -> None:
        self._t0[name] = time.perf_counter()
        self._items[name] = self._reused[name] = self._computed[name] = 0
        self._total[name] = None
        self._note[name] = ""
        self._print(name, "start")

    def end(self, name: str, failed: bool = False) -> None:
        secs = time.perf_counter() - self._t0.pop(name, time.perf_counter())
        n, reused, computed = self._items.get(name, 0), self._reused.get(name, 0), self._computed.get(name, 0)
        parts = []
        if n and reused + computed:
            parts.append(f"{n} items ({computed} computed, {reused} reused)")
        elif n:
            parts.append(f"{n} items")
        if self._note.get(name):
            parts.append(self._note[name])
        status = "failed" if failed else "done"
        self._print(name, f"{status} in {secs:.2f} s" + (": " + "; ".join(parts) if parts else ""))

    # ... and the stages report their items through the common interface
    def stage(self, name: str, total: int | None = None) -> None:
        if name not in self._t0:
            self.begin(name)
        self._total[name] = total

    def advance(self, name: str, note: str = "") -> None:
        self._items[name] = self._items.get(name, 0) + 1
        if note.endswith("reused") or note.endswith("(reused)"):
            self._reused[name] = self._reused.get(name, 0) + 1
        elif note.endswith("computed"):
            self._computed[name] = self._computed.get(name, 0) + 1

    def done(self, name: str, note: str = "") -> None:
        if note:
            self._note[name] = note
