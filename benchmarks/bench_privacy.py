"""The privacy gate at scale: the scanner over a long text, ``veille audit`` over a large
table and over the repository's published folders, and small-cell suppression of a large
cross-table.

Targets:
- ``scan_text`` ≥ 5 MB/s on prose (a 10 MB journal is checked in 2 s);
- audit of a 1,000,000-row Parquet table (3 string columns, a few planted values) ≤ 5 s;
- ``veille audit data notebooks reports docs README.md`` (what ``make test`` runs) ≤ 5 s;
- ``suppress_small_counts`` on a 100 × 100 cross-table (10,000 cells, 6 % small) ≤ 2 s,
  and on 3,000 × 20 cells with one small count per row (3,000 complements) ≤ 5 s.

Baselines in the same run: the link finder as one plain pattern (the scanner's first
version) against the anchored search it uses now; the table audit scanning every value
in Python against the polars prefilter it uses now.

Run: ``python benchmarks/bench_privacy.py`` (or ``make bench``).
"""

from __future__ import annotations

import random
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import polars as pl
from _common import peak_rss_gib, result, timer

from toolkit.privacy import audit, scan_text, suppress_small_counts
from toolkit.privacy._scanner import _URL_BODY, INVITE_DOMAINS, _links

BENCH = "privacy"
REPO = Path(__file__).resolve().parents[1]
AT, SLASHES = "@", ":" + "//"
WORDS = (
    "le serveur de partage signalé au modérateur J+36 14 ans 900 membres A105G obs-03 "
    "2024-Q1 taux 0,125 réponse plateforme retrait «ex» canal annuaire D+9 aucune"
).split()


def prose(n_lines: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    lines = [" ".join(rng.choice(WORDS) for _ in range(12)) for _ in range(n_lines)]
    # A few planted identifiers, so the scan has something to report.
    for i in range(0, n_lines, 50_000):
        lines[i] += " voir https" + SLASHES + "example.org/x et some.one" + AT + "example.org"
    return "\n".join(lines)


def reference_link_pattern() -> re.Pattern[str]:
    return re.compile(
        r"(?<![\w.+-])[A-Za-z][A-Za-z0-9+.-]{1,15}" + SLASHES + _URL_BODY + r"+"
        r"|(?<![\w.@/-])www\.[A-Za-z0-9-]" + _URL_BODY + r"*"
        r"|(?<![\w.@/-])(?:"
        + "|".join(re.escape(d) for d in INVITE_DOMAINS)
        + r")/[A-Za-z0-9_+-]"
        + _URL_BODY
        + r"*",
        re.IGNORECASE,
    )


def bench_scan() -> None:
    text = prose(160_000)
    mb = len(text.encode()) / 1e6
    with timer() as t:
        findings = scan_text(text, "journal.md")
    rate = mb / t()
    kinds = sorted({f.kind for f in findings})
    result(
        BENCH,
        f"scan_text, {mb:.0f} MB of prose",
        rate,
        "MB/s",
        "≥ 5 MB/s",
        rate >= 5.0,
        f"{len(findings)} findings ({', '.join(kinds)})",
    )
    with timer() as anchored:
        a = list(_links(text))
    pattern = reference_link_pattern()
    with timer() as plain:
        b = list(pattern.finditer(text))
    result(
        BENCH,
        "link finder: anchored vs one plain pattern",
        plain() / anchored(),
        "x",
        "> 1 (same links)",
        len(a) == len(b) and plain() > anchored(),
        f"{anchored():.2f} s vs {plain():.2f} s",
    )


def bench_table(folder: Path) -> None:
    rng = random.Random(1)
    n = 1_000_000
    evidence = [" ".join(rng.choice(WORDS) for _ in range(6)) for _ in range(2_000)]
    df = pl.DataFrame(
        {
            "case_id": [f"A{i % 900 + 100}G" for i in range(n)],
            "evidence": [evidence[i % len(evidence)] for i in range(n)],
            "period": [f"2024-Q{i % 4 + 1}" for i in range(n)],
            "day": list(range(n)),
        }
    )
    planted = [17, 250_000, 999_999]
    df = df.with_columns(
        pl.when(pl.int_range(n).is_in(planted))
        .then(pl.lit("contact " + "someone" + AT + "example.org"))
        .otherwise(pl.col("evidence"))
        .alias("evidence")
    )
    path = folder / "big.parquet"
    df.write_parquet(path)
    with timer() as t:
        report = audit([path], skip=[])
    ok = t() <= 5.0 and len(report.findings) == len(planted)
    result(
        BENCH,
        "audit 1M-row Parquet (3 string columns)",
        t(),
        "s",
        "≤ 5 s",
        ok,
        f"{len(report.findings)} of {len(planted)} planted found",
    )
    # Baseline: every value through scan_text, no prefilter, no cache.
    sample = 100_000
    values = df.get_column("evidence").head(sample).to_list()
    with timer() as b:
        for v in values:
            scan_text(v)
    per_row = b() / sample * n * 3
    result(
        BENCH,
        "baseline: every cell through scan_text (1M × 3)",
        per_row,
        "s",
        "information",
        True,
        f"extrapolated from {sample:,} rows; {per_row / t():.0f}× slower",
    )


def bench_repo() -> None:
    paths = [REPO / p for p in ("data", "notebooks", "reports", "docs", "README.md")]
    paths = [p for p in paths if p.exists()]
    with timer() as t:
        report = audit(paths)
    result(
        BENCH,
        "veille audit over the published folders",
        t(),
        "s",
        "≤ 5 s",
        t() <= 5.0,
        f"{report.files_scanned} files read, {len(report.binary_skipped)} binary, "
        f"{len(report.findings)} findings",
    )


def bench_suppress() -> None:
    rng = random.Random(2)
    rows = [
        {
            "case_type": f"t{r:03d}",
            "period": f"p{c:03d}",
            # Mostly large counts, 6 % small, 10 % zero: complements are needed.
            "n": rng.choices([0, rng.randint(1, 4), rng.randint(5, 200)], [10, 6, 84])[0],
        }
        for r in range(100)
        for c in range(100)
    ]
    df = pl.DataFrame(rows)
    with timer() as t:
        out = suppress_small_counts(df, "n", by=["case_type"])
    hidden = int(out["n_suppressed"].sum())
    primary = int(df["n"].is_between(1, 4).sum())
    result(
        BENCH,
        "suppress_small_counts, 100 × 100 cells",
        t(),
        "s",
        "≤ 2 s",
        t() <= 2.0,
        f"{primary} primary + {hidden - primary} complementary cells hidden",
    )


def bench_suppress_long() -> None:
    # 3,000 rows of 20 cells, one small count in each row: every row needs a complement.
    rng = random.Random(3)
    rows = []
    for r in range(3_000):
        small = rng.randrange(20)
        for c in range(20):
            n = rng.randint(1, 4) if c == small else rng.randint(5, 300)
            rows.append({"case_type": f"t{r:04d}", "period": f"p{c:02d}", "n": n})
    df = pl.DataFrame(rows)
    with timer() as t:
        out = suppress_small_counts(df, "n", by=["case_type"])
    hidden = int(out["n_suppressed"].sum())
    result(
        BENCH,
        "suppress_small_counts, 3,000 × 20, a complement per row",
        t(),
        "s",
        "≤ 5 s",
        t() <= 5.0,
        f"3000 primary + {hidden - 3000} complementary cells hidden",
    )


def main() -> None:
    bench_scan()
    with tempfile.TemporaryDirectory() as tmp:
        bench_table(Path(tmp))
    bench_repo()
    bench_suppress()
    bench_suppress_long()
    result(BENCH, "peak memory", peak_rss_gib(), "GiB", "≤ 2 GiB", peak_rss_gib() <= 2.0)


if __name__ == "__main__":
    main()
