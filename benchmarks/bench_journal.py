"""Journal import at volunteer-network scale: a 2,000-case journal (about 55,000 lines,
far more than one person keeps) written by ``write_journal`` from a generated book, then
imported with ``read_journal`` (privacy scan of the whole file, parsing, lexicon
matching, CaseBook validation).

Targets: import ≤ 10 s for 2,000 cases (a whole team's journals at once stays
interactive) and the round trip gives back the same codes. Baseline, in the same run:
the same import with naive matching (every lexicon term tried at every word, no
first-word index), on the same journal, to show what the index buys.

Run: ``python benchmarks/bench_journal.py [n_cases]`` (or ``make bench``).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import polars as pl
from _common import peak_rss_gib, result, timer

from toolkit.journal import _lexicon, read_journal, write_journal
from toolkit.synthetic import generate

BENCH = "journal"
TARGET_S = 10.0


def _same_codes(a, b) -> bool:
    def rows(df, cols):
        return set(df.select(cols).with_columns(pl.col(pl.Enum).cast(pl.String)).iter_rows())

    return all(
        rows(getattr(a, t), c) == rows(getattr(b, t), c)
        for t, c in [
            ("indicators", ["case_id", "code"]),
            ("actions", ["case_id", "code"]),
            ("events", ["case_id", "day", "event"]),
            ("referrals", ["source_id", "target_id", "kind", "day"]),
        ]
    )


def _naive_index(section: str, lang: str):
    # Every term is a candidate at every word: what the first-word index replaces.
    everything = list(_lexicon._compiled(section, lang))

    class _All(dict):
        def get(self, key, default=None):
            return everything

    return _All(), {}


def main(n: int) -> None:
    book = generate(cases=n, seed=3)
    small = generate(cases=max(1, n // 10), seed=3)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_journal(book, Path(tmp) / "big.md", "fr")
        small_path = write_journal(small, Path(tmp) / "small.md", "fr")
        lines = path.read_text(encoding="utf-8").count("\n")
        read_journal(small_path)  # imports and caches outside the timings
        with timer() as t:
            back, _ = read_journal(path)
        seconds = t()
        ok_codes = _same_codes(book, back)
        result(
            BENCH,
            f"read_journal, {n:,} cases ({lines:,} lines)",
            seconds,
            "s",
            f"<= {TARGET_S:g} s",
            seconds <= TARGET_S and ok_codes,
            "same codes as the book" if ok_codes else "ROUND TRIP DIFFERS",
        )
        result(BENCH, "peak RSS after the import", peak_rss_gib(), "GiB", "(record)", True)
        original = _lexicon._index
        _lexicon._index = _naive_index
        try:
            with timer() as tn:
                read_journal(path)
            naive = tn()
        finally:
            _lexicon._index = original
        result(
            BENCH,
            f"baseline: naive matching, {n:,} cases",
            naive,
            "s",
            "(baseline)",
            True,
            f"index is {naive / seconds:.1f}x faster",
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
