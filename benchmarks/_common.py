"""Shared plumbing of the benchmark scripts.

Each ``benchmarks/bench_*.py`` measures something, prints it for people, and ends
with one ``RESULT <json>`` line per figure (see ``result``). ``run_all.py`` runs
every script and rewrites the table in ``docs/performance.md`` from those lines.
Targets are checked here, in the same run as their baseline, never in timed tests.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from contextlib import contextmanager


@contextmanager
def timer():
    """``with timer() as t: ...`` then ``t()`` gives the elapsed seconds."""
    start = time.perf_counter()
    end = None

    def elapsed() -> float:
        return (end or time.perf_counter()) - start

    try:
        yield elapsed
    finally:
        end = time.perf_counter()


def peak_rss_gib() -> float:
    """Peak resident memory of this process so far, in GiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def result(
    benchmark: str, metric: str, value: float, unit: str, target: str, ok: bool, note: str = ""
) -> None:
    """Print one figure for people and one machine-readable ``RESULT`` line."""
    mark = "ok" if ok else "MISSED"
    print(
        f"{benchmark:<28} {metric:<44} {value:>10.3f} {unit:<6} target {target:<22} {mark} {note}"
    )
    row = dict(
        benchmark=benchmark,
        metric=metric,
        value=round(value, 3),
        unit=unit,
        target=target,
        ok=ok,
        note=note,
    )
    print("RESULT " + json.dumps(row, ensure_ascii=False))
    sys.stdout.flush()
