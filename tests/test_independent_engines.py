"""The same numbers from independent engines: DuckDB SQL over the written Parquet files
(prevalence, co-occurrence counts) and lifelines (Kaplan–Meier, medians, bands)."""

from __future__ import annotations

import duckdb
import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit import indicators, response
from toolkit import taxonomy as tx
from toolkit.model import CaseBook, load, write

lifelines = pytest.importorskip("lifelines")


def _random_book(n: int, seed: int) -> CaseBook:
    """A valid random CaseBook: correlated codes, timelines with censoring, periods."""
    rng = np.random.default_rng(seed)
    ids = [f"R{i:05d}Z" for i in range(n)]
    rates = rng.uniform(0.01, 0.45, size=len(tx.INDICATORS))
    rates[3] = 0.0  # a code seen in no case
    ind_rows, ev_rows, until, periods = [], [], [], []
    for cid in ids:
        z = rng.normal()
        present = rng.uniform(size=len(rates)) < np.clip(rates * (1 + 0.7 * z), 0, 1)
        ind_rows += [(cid, c) for c, p in zip(tx.INDICATORS, present, strict=True) if p]
        periods.append(
            None if rng.uniform() < 0.05 else f"202{rng.integers(3, 6)}-Q{rng.integers(1, 5)}"
        )
        end = int(rng.integers(20, 60))
        until.append(end)
        ev_rows.append((cid, 0, "discovered"))
        if rng.uniform() < 0.1:
            continue  # never reported
        r = int(rng.integers(0, 4))
        ev_rows.append((cid, r, "reported_platform"))
        level = rng.choice(3, p=[0.5, 0.3, 0.2])
        if level >= 1:
            ev_rows.append((cid, r + 1, "reported_hotline"))
        if level == 2:
            ev_rows.append((cid, r + 2, "alerted_press"))
        if rng.uniform() < 0.25:
            ev_rows.append((cid, r + 5, "no_response"))
            continue
        delay = max(round(float(rng.lognormal(np.log(4 + 3 * level), 0.9))), 0)
        if r + delay <= end:
            ev_rows.append((cid, r + delay, "takedown"))
    cases = pl.DataFrame(
        {
            "case_id": ids,
            "title": ["neutral title"] * n,
            "case_type": ["unclassified"] * n,
            "platform_kind": rng.choice(list(tx.PLATFORM_KINDS), n).tolist(),
            "discovered_via": [None] * n,
            "members_band": [None] * n,
            "period": periods,
            "observer_id": ["obs-01"] * n,
            "observed_until": until,
            "source": ["synthetic"] * n,
        },
        schema_overrides={
            "period": pl.String,
            "discovered_via": pl.String,
            "members_band": pl.String,
        },
    )
    return CaseBook.from_frames(
        cases=cases,
        indicators=pl.DataFrame(ind_rows, schema=["case_id", "code"], orient="row").with_columns(
            evidence=pl.lit(None, pl.String)
        ),
        events=pl.DataFrame(ev_rows, schema=["case_id", "day", "event"], orient="row"),
    )


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    book = _random_book(1500, seed=42)
    root = write(book, tmp_path_factory.mktemp("engines") / "book")
    return root, load(root)


def _sql(root, query: str) -> pl.DataFrame:
    con = duckdb.connect()
    for name in ("cases", "indicators", "events"):
        con.execute(
            f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{root / (name + '.parquet')}')"
        )
    # The taxonomy order of codes (Parquet stores the Enum as plain strings).
    values = ", ".join(f"('{code}', {i})" for i, code in enumerate(tx.INDICATORS))
    con.execute(f"CREATE TABLE code_order AS SELECT * FROM (VALUES {values}) t(code, pos)")
    return pl.from_arrow(con.sql(query).to_arrow_table())


def test_prevalence_equals_duckdb(written):
    root, book = written
    sql = _sql(
        root,
        """
        SELECT CAST(i.code AS VARCHAR) AS code, COUNT(DISTINCT i.case_id) AS n_cases,
               (SELECT COUNT(*) FROM cases) AS n_total
        FROM indicators i GROUP BY 1
        """,
    )
    ours = indicators.prevalence(book).with_columns(pl.col("code").cast(pl.String))
    got = dict(zip(ours["code"], ours["n_cases"], strict=True))
    want = dict(zip(sql["code"], sql["n_cases"], strict=True))
    assert got == {c: want.get(c, 0) for c in tx.INDICATORS}
    assert set(ours["n_total"]) == set(sql["n_total"])
    assert got[tx.INDICATORS[3]] == 0  # the absent code is there, with 0


def test_prevalence_by_period_and_platform_equals_duckdb(written):
    root, book = written
    sql = _sql(
        root,
        """
        WITH totals AS (
            SELECT period, CAST(platform_kind AS VARCHAR) AS platform_kind, COUNT(*) AS n_total
            FROM cases GROUP BY ALL)
        SELECT t.period, t.platform_kind, CAST(i.code AS VARCHAR) AS code,
               COUNT(i.case_id) AS n_cases, ANY_VALUE(t.n_total) AS n_total
        FROM cases c JOIN indicators i USING (case_id)
        JOIN totals t ON t.period IS NOT DISTINCT FROM c.period
                     AND t.platform_kind = CAST(c.platform_kind AS VARCHAR)
        GROUP BY ALL
        """,
    )
    ours = (
        indicators.prevalence(book, by=["period", "platform_kind"])
        .filter(pl.col("n_cases") > 0)
        .select(pl.col("period", "platform_kind", "code").cast(pl.String), "n_cases", "n_total")
        .sort(pl.all())
    )
    want = sql.select(
        "period", "platform_kind", "code", pl.col("n_cases", "n_total").cast(pl.Int64)
    ).sort(pl.all())
    assert ours.equals(want)


def test_cooccurrence_counts_equal_duckdb(written):
    root, book = written
    sql = _sql(
        root,
        """
        SELECT CAST(a.code AS VARCHAR) AS code_a, CAST(b.code AS VARCHAR) AS code_b,
               COUNT(*) AS n_both
        FROM indicators a JOIN indicators b ON a.case_id = b.case_id
        JOIN code_order oa ON oa.code = a.code JOIN code_order ob ON ob.code = b.code
        WHERE oa.pos < ob.pos
        GROUP BY ALL
        """,
    )
    ours = indicators.cooccurrence(book).with_columns(pl.col("code_a", "code_b").cast(pl.String))
    got = {(a, b): n for a, b, n in ours.select("code_a", "code_b", "n_both").iter_rows()}
    want = {(a, b): n for a, b, n in sql.iter_rows()}
    assert {k: v for k, v in got.items() if v} == want
    lift_sql = _sql(
        root,
        """
        WITH n AS (SELECT CAST(code AS VARCHAR) AS code, COUNT(*) AS n FROM indicators GROUP BY 1),
        pairs AS (
            SELECT CAST(a.code AS VARCHAR) AS code_a, CAST(b.code AS VARCHAR) AS code_b,
                   COUNT(*) AS n_both
            FROM indicators a JOIN indicators b ON a.case_id = b.case_id
            JOIN code_order oa ON oa.code = a.code JOIN code_order ob ON ob.code = b.code
            WHERE oa.pos < ob.pos
            GROUP BY ALL)
        SELECT code_a, code_b,
               n_both * (SELECT COUNT(*) FROM cases) / (na.n * nb.n) AS lift,
               n_both / (na.n + nb.n - n_both) AS jaccard
        FROM pairs JOIN n na ON na.code = code_a JOIN n nb ON nb.code = code_b
        """,
    )
    ours_lift = {
        (a, b): (lift, j)
        for a, b, lift, j in ours.select("code_a", "code_b", "lift", "jaccard").iter_rows()
    }
    for a, b, lift, jac in lift_sql.iter_rows():
        assert ours_lift[(a, b)] == pytest.approx((lift, jac), rel=1e-12)


def test_kaplan_meier_equals_lifelines(written):
    _, book = written
    ttd = response.time_to_takedown(book)
    ours = response.survival(book)
    summ = response.summary(book)
    for path in ("platform_only", "platform_hotline", "platform_press"):
        sub = ttd.filter(pl.col("path") == path)
        kmf = lifelines.KaplanMeierFitter(alpha=0.05).fit(
            sub["days"].to_numpy(), event_observed=sub["observed"].to_numpy()
        )
        curve = ours.filter(pl.col("path") == path)
        days = curve["day"].to_numpy()
        ref = kmf.survival_function_.loc[days].to_numpy().ravel()
        np.testing.assert_allclose(curve["survival"].to_numpy(), ref, rtol=0, atol=1e-9)
        band = kmf.confidence_interval_survival_function_.loc[days].to_numpy()
        ok = ~np.isnan(curve["ci_low"].cast(pl.Float64).fill_null(np.nan).to_numpy())
        np.testing.assert_allclose(curve["ci_low"].to_numpy()[ok], band[ok, 0], atol=1e-9)
        np.testing.assert_allclose(curve["ci_high"].to_numpy()[ok], band[ok, 1], atol=1e-9)
        at_risk = kmf.event_table.loc[days, "at_risk"].to_numpy()
        assert curve["at_risk"].to_list() == at_risk.tolist()
        row = summ.filter(pl.col("path") == path).row(0, named=True)
        median = kmf.median_survival_time_
        assert row["median_days"] == (None if np.isinf(median) else median)
        lo, hi = lifelines.utils.median_survival_times(kmf.confidence_interval_).to_numpy().ravel()
        assert row["median_ci_low"] == (None if np.isinf(lo) else lo)
        assert row["median_ci_high"] == (None if np.isinf(hi) else hi)
        plateau = kmf.survival_function_.iloc[-1].item()
        assert row["never_acted_share"] == pytest.approx(plateau, abs=1e-9)
        for t, col in ((3, "share_within_3d"), (7, "share_within_7d")):
            s_t = kmf.survival_function_at_times(t).item()
            assert row[col] == pytest.approx(1 - s_t, abs=1e-9)


# ----------------------------------------------------------------------------- property


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=40), st.booleans()),
        min_size=1,
        max_size=40,
    )
)
def test_kaplan_meier_equals_lifelines_on_any_small_sample(durations):
    cases, events = [], []
    for i, (days, observed) in enumerate(durations):
        cid = f"H{i:03d}Q"
        cases.append((cid, days + (0 if not observed else 5)))
        events += [(cid, 0, "discovered"), (cid, 0, "reported_platform")]
        if observed:
            events.append((cid, days, "takedown"))
    n = len(cases)
    book = CaseBook.from_frames(
        cases=pl.DataFrame(
            {
                "case_id": [c for c, _ in cases],
                "title": ["neutral title"] * n,
                "case_type": ["unclassified"] * n,
                "platform_kind": [None] * n,
                "discovered_via": [None] * n,
                "members_band": [None] * n,
                "period": [None] * n,
                "observer_id": ["obs-01"] * n,
                "observed_until": [u for _, u in cases],
                "source": ["synthetic"] * n,
            }
        ),
        events=pl.DataFrame(events, schema=["case_id", "day", "event"], orient="row"),
    )
    days = np.array([d for d, _ in durations], dtype=float)
    observed = np.array([o for _, o in durations])
    curve = response.survival(book, by=None)
    summ = response.summary(book).row(0, named=True)
    if not observed.any():
        assert curve.height == 0 and summ["never_acted_share"] == 1.0
        return
    kmf = lifelines.KaplanMeierFitter().fit(days, event_observed=observed)
    at = curve["day"].to_numpy()
    np.testing.assert_allclose(
        curve["survival"].to_numpy(), kmf.survival_function_.loc[at].to_numpy().ravel(), atol=1e-9
    )
    assert curve["at_risk"].to_list() == kmf.event_table.loc[at, "at_risk"].tolist()
    tie = np.isclose(curve["survival"].to_numpy(), 0.5, rtol=0, atol=1e-9).any()
    if len(kmf.survival_function_) > 1 and not tie:
        # Not comparable: lifelines squeezes a one-row curve to a scalar (answers inf),
        # and computes S through exp(Σ log(1 − d/n)), so an exact S = 0.5 becomes
        # 0.5000000000000001 there and the median moves to the next day.
        median = kmf.median_survival_time_
        assert summ["median_days"] == (None if np.isinf(median) else median)
    assert summ["never_acted_share"] == pytest.approx(kmf.survival_function_.iloc[-1].item())
