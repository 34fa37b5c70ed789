"""``veille reports`` at its everyday size: the default dataset, both languages.

Target: rebuilding the ``talk`` preset for FR and EN with SVG + PNG + the HTML gallery
(22 figures, analyses included, in a fresh process so vl-convert's start-up counts)
takes ≤ 15 s. Also reported, without target: the full ``make reports`` build (every
preset, every format) and the size of what it writes.

Run: ``python benchmarks/bench_reports.py`` (or ``make bench``).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import peak_rss_gib, result, timer

BENCH = "reports"
DATA = Path(__file__).resolve().parents[1] / "data" / "synthetic" / "default"


def _size_mib(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1024**2


def main() -> None:
    with timer() as t_import:
        from toolkit.reports import build
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "talk"
        with timer() as t:
            build(DATA, out, langs="fr,en", presets="talk", formats="svg,png,html")
        total = t() + t_import()
        result(
            BENCH,
            "talk preset, FR+EN, SVG+PNG+HTML (22 figures)",
            total,
            "s",
            "<= 15 s",
            total <= 15,
            f"import {t_import():.1f} s, {_size_mib(out):.1f} MiB",
        )
        full = Path(tmp) / "full"
        with timer() as t_full:
            build(DATA, full)
        result(
            BENCH,
            "make reports: every preset and format",
            t_full(),
            "s",
            "(reported)",
            True,
            f"{_size_mib(full):.1f} MiB written",
        )
    result(BENCH, "peak memory", peak_rss_gib(), "GiB", "(reported)", True)


if __name__ == "__main__":
    main()
