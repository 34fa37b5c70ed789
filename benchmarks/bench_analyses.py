"""Analyses at 1,000,000 cases: prevalence + co-occurrence (counts, Jaccard, lift,
Fisher p, BH q) against a straightforward pandas implementation of the same numbers.

Targets (issue 4): ≤ 1 s, and ≥ 10× faster than pandas, with equal numbers. The book
is generated once, outside the timings; each timing is the best of a few runs (the
machine is shared). Also times the other analyses once, for the record.

Run: ``python benchmarks/bench_analyses.py [n_cases]`` (or ``make bench``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import peak_rss_gib, result, timer

import toolkit as vt
from toolkit import indicators, response, triage, workload
from toolkit import taxonomy as tx

BENCH = "analyses"


def pandas_prevalence_cooccurrence(cases: pd.DataFrame, ind: pd.DataFrame):
    """The same numbers the straightforward way: group-bys and a self-merge in pandas."""
    n = len(cases)
    prev = ind.groupby("code")["case_id"].nunique().reindex(tx.INDICATORS, fill_value=0)
    prev = pd.DataFrame({"n_cases": prev, "share": prev / n})
    pairs = ind.merge(ind, on="case_id", suffixes=("_a", "_b"))
    order = {c: i for i, c in enumerate(tx.INDICATORS)}
    pairs = pairs[pairs["code_a"].map(order) < pairs["code_b"].map(order)]
    both = pairs.groupby(["code_a", "code_b"]).size()
    rows = []
    for i, a in enumerate(tx.INDICATORS):
        for b in tx.INDICATORS[i + 1 :]:
            rows.append((a, b, prev.at[a, "n_cases"], prev.at[b, "n_cases"], both.get((a, b), 0)))
    co = pd.DataFrame(rows, columns=["code_a", "code_b", "n_a", "n_b", "n_both"])
    union = co["n_a"] + co["n_b"] - co["n_both"]
    co["jaccard"] = np.where(union > 0, co["n_both"] / union.where(union > 0, 1), np.nan)
    testable = (co["n_a"] > 0) & (co["n_b"] > 0)
    denom = (co["n_a"] * co["n_b"]).where(testable, 1)
    co["lift"] = np.where(testable, co["n_both"] * n / denom, np.nan)
    co["p_value"] = np.nan
    co.loc[testable, "p_value"] = stats.hypergeom.sf(
        co.loc[testable, "n_both"] - 1, n, co.loc[testable, "n_a"], co.loc[testable, "n_b"]
    )
    co["q_value"] = np.nan
    co.loc[testable, "q_value"] = stats.false_discovery_control(co.loc[testable, "p_value"])
    return prev, co


def ours(book):
    return indicators.prevalence(book), indicators.cooccurrence(book)


def best_of(fn, runs: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(runs):
        with timer() as t:
            out = fn()
        best = min(best, t())
    return best, out


def main(n_cases: int = 1_000_000) -> int:
    with timer() as t_gen:
        book = vt.generate(cases=n_cases, seed=20241)
    print(
        f"generated {n_cases:,} cases in {t_gen():.1f} s ({book.indicators.height:,} indicator rows)"
    )
    cases_pd = book.cases.select("case_id").to_pandas()
    ind_pd = book.indicators.select("case_id", pl.col("code").cast(pl.String)).to_pandas()

    t_ours, (prev, co) = best_of(lambda: ours(book), runs=3)
    t_pd, (prev_pd, co_pd) = best_of(
        lambda: pandas_prevalence_cooccurrence(cases_pd, ind_pd), runs=1
    )

    # Same numbers: counts exactly, ratios and p-values to floating-point precision.
    assert prev["n_cases"].to_list() == prev_pd["n_cases"].tolist()
    np.testing.assert_allclose(prev["share"].to_numpy(), prev_pd["share"].to_numpy(), rtol=1e-12)
    for col in ("n_a", "n_b", "n_both"):
        assert co[col].to_list() == co_pd[col].tolist(), col
    for col in ("jaccard", "lift", "p_value", "q_value"):
        np.testing.assert_allclose(
            co[col].cast(pl.Float64).fill_null(np.nan).to_numpy(),
            co_pd[col].to_numpy(dtype=float),
            rtol=1e-9,
            equal_nan=True,
            err_msg=col,
        )
    note = f"{n_cases:,} cases, {book.indicators.height:,} indicator rows; numbers equal"
    result(
        BENCH,
        "prevalence + co-occurrence + lift (veille)",
        t_ours,
        "s",
        "<= 1 s",
        t_ours <= 1.0,
        note,
    )
    result(
        BENCH,
        "same numbers, straightforward pandas",
        t_pd,
        "s",
        "baseline",
        True,
        "self-merge + group-by",
    )
    speedup = t_pd / t_ours
    result(BENCH, "speed-up over pandas", speedup, "x", ">= 10x", speedup >= 10)

    for name, fn in [
        ("signatures", lambda: indicators.signatures(book)),
        (
            "prevalence by case_type and period",
            lambda: indicators.prevalence(book, by=["case_type", "period"]),
        ),
        ("triage.assess", lambda: triage.assess(book)),
        ("response.summary (KM per path)", lambda: response.summary(book)),
        ("workload.exposure", lambda: workload.exposure(book)),
    ]:
        t, _ = best_of(fn, runs=1)
        result(BENCH, name, t, "s", "record", True, f"{n_cases:,} cases")
    result(BENCH, "peak memory (incl. generation)", peak_rss_gib(), "GiB", "record", True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000))
