"""The synthetic generator: shipped data, API, planted truth realised, CLI."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

import toolkit
from toolkit import taxonomy as tx
from toolkit.cli import app
from toolkit.model import load, validate
from toolkit.synthetic import (
    EXPECTED_CASE_TYPE,
    PATHS,
    GeneratorParams,
    generate,
    km_median_days,
    title_table,
)

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "data" / "synthetic" / "default"
SHIPPED_SEED, SHIPPED_CASES = 20241, 600  # the `make data` command


# ---------------------------------------------------------------- shipped data never drifts


def test_shipped_dataset_is_what_the_code_generates():
    shipped = load(SHIPPED)
    fresh = generate(cases=SHIPPED_CASES, seed=SHIPPED_SEED)
    for name, df in fresh.tables().items():
        assert_frame_equal(getattr(shipped, name), df, check_exact=True), name
    manifest = json.loads((SHIPPED / "manifest.json").read_text(encoding="utf-8"))
    counts = manifest.pop("row_counts")
    for key in ("format", "format_version", "taxonomy_version"):
        manifest.pop(key)
    assert manifest == fresh.manifest
    assert counts == fresh.row_counts()


# ---------------------------------------------------------------- API and basic contract


def test_generate_is_reachable_from_the_package_and_validates():
    book = toolkit.generate(cases=50, seed=3)
    validate(book)
    assert book.cases.height == 50
    assert book.manifest["source"] == "synthetic"
    assert book.manifest["seed"] == 3
    assert book.manifest["params"] == GeneratorParams().to_json()
    assert (book.cases["source"] == "synthetic").all()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"cases": 0},
        {"cases": -5},
        {"cases": 2.5},
        {"cases": True},
        {"cases": 10**9},
        {"seed": -1},
        {"seed": "x"},
    ],
)
def test_bad_arguments_are_refused_with_a_clear_message(kwargs):
    with pytest.raises(ValueError, match="whole number|at most"):
        generate(**{"cases": 10, **kwargs})


def test_bad_params_are_refused():
    with pytest.raises(ValueError, match="child-exploitation code"):
        rates = GeneratorParams().base_rates
        rates["influencer_leaks"]["content.age_focus"] = 0.1
        GeneratorParams(base_rates=rates)
    with pytest.raises(ValueError, match="below 0.5"):
        delays = GeneratorParams().path_delays
        delays["platform_only"]["never_acted_share"] = 0.6
        GeneratorParams(path_delays=delays)
    with pytest.raises(ValueError, match="sum to 1"):
        shares = GeneratorParams().archetype_shares
        shares["directory_hub"] = 0.5
        GeneratorParams(archetype_shares=shares)


def test_case_ids_are_author_codes_and_undocumented_targets_never_collide():
    book = generate(cases=400, seed=11)
    ids = book.cases["case_id"]
    assert ids.str.contains(r"^[A-Z0-9]*[A-Z][A-Z0-9]*$").all()
    assert ids.str.len_chars().is_between(3, 12).all()
    assert ids.is_unique().all()
    assert ids.is_sorted()
    undocumented = book.referrals.filter(~pl.col("target_id").is_in(ids.implode()))
    assert undocumented.height > 0
    assert undocumented["target_id"].str.starts_with("X").all()
    assert not ids.str.starts_with("X").any()


def test_titles_are_neutral_and_never_act_as_a_type_hint():
    for title in title_table():
        assert tx._hinted_types(title) == [], title
        assert len(title) <= 80
    book = generate(cases=300, seed=5)
    assert book.cases["title"].is_in(title_table()).all()


def test_case_type_is_always_derived_from_the_codes():
    book = generate(cases=500, seed=8)
    codes = book.indicators.group_by("case_id").agg(pl.col("code").cast(pl.String))
    joined = book.cases.select("case_id", "case_type").join(codes, on="case_id", how="left")
    for case_type, cs in joined.select("case_type", "code").iter_rows():
        assert str(case_type) == tx.derive_case_type(cs or [])


def test_progress_bar_runs(capsys):
    book = generate(cases=30, seed=2, progress=True)
    assert book.cases.height == 30
    assert "assembled" in capsys.readouterr().err


# ---------------------------------------------------------------- planted values


def test_km_median_solves_the_censored_equation():
    from scipy import stats

    for spec in GeneratorParams().path_delays.values():
        t = km_median_days(**spec)
        f = stats.lognorm(s=spec["sigma"], scale=spec["median_days"]).cdf(t)
        assert (1 - spec["never_acted_share"]) * f == pytest.approx(0.5, abs=1e-9)
    # with nobody ignored, the KM median is the lognormal median
    assert km_median_days(10.0, 0.8, 0.0) == pytest.approx(10.0)


def test_manifest_names_every_planted_parameter():
    planted = generate(cases=200, seed=4).manifest["planted"]
    for key in (
        "archetype_shares",
        "base_rates",
        "expected_case_type",
        "paths",
        "path_shares",
        "respawn_probability",
        "respawn_delay_median_days",
        "max_chain_depth",
        "n_communities",
        "hub_ids",
        "internal_share",
        "undocumented_share",
        "trend",
        "exposure",
        "cooccurring_pairs",
    ):
        assert key in planted, key
    for arch, rates in planted["base_rates"].items():
        assert set(rates) == set(tx.INDICATORS), arch
    assert set(planted["paths"]) == set(PATHS)
    assert planted["expected_case_type"] == EXPECTED_CASE_TYPE
    assert planted["exposure"]["default_weekly_threshold_minutes"] == 240
    json.dumps(planted)  # plain JSON


# Medium-size recovery: one dataset for the module (a couple of seconds).
N_MEDIUM = 20_000


@pytest.fixture(scope="module")
def medium():
    return generate(cases=N_MEDIUM, seed=2024)


def _z_tolerance(p: float, n: int, z: float = 4.5) -> float:
    """Tolerance of a share estimated from n Bernoulli(p) draws: z binomial SEs.

    z = 4.5 keeps the chance of a false failure below about 1e-5 per comparison, so
    that even the ~140 comparisons of the base-rate test stay reliable (Bonferroni).
    """
    return z * math.sqrt(max(p * (1 - p), 1e-4) / max(n, 1)) + 1e-9


def test_prevalence_per_archetype_recovers_base_rates(medium):
    planted = medium.manifest["planted"]["base_rates"]
    arch = medium.planted.select("case_id", "archetype")
    n_arch = dict(arch.group_by("archetype").len().iter_rows())
    present = (
        medium.indicators.join(arch, on="case_id")
        .group_by("archetype", "code")
        .len()
        .with_columns(pl.col("archetype").cast(pl.String), pl.col("code").cast(pl.String))
    )
    seen = {(a, c): k for a, c, k in present.iter_rows()}
    for a, rates in planted.items():
        n = n_arch[a]
        for code, p in rates.items():
            share = seen.get((a, code), 0) / n
            assert abs(share - p) <= _z_tolerance(p, n), (a, code, share, p)


def test_child_codes_only_and_always_in_child_archetype(medium):
    child = medium.indicators.filter(pl.col("code").cast(pl.String).is_in(tx.CHILD_SIGNAL_CODES))
    child_cases = set(child["case_id"].unique())
    archetype_cases = set(medium.planted.filter(pl.col("archetype") == "child_signals")["case_id"])
    assert child_cases == archetype_cases


def test_derived_type_matches_expected_type_for_the_large_majority(medium):
    joined = medium.cases.join(medium.planted, on="case_id")
    for arch, expected in EXPECTED_CASE_TYPE.items():
        rows = joined.filter(pl.col("archetype") == arch)
        agree = (rows["case_type"].cast(pl.String) == expected).mean()
        assert agree >= 0.85, (arch, agree)


def test_never_acted_shares_and_escalation_paths(medium):
    planted = medium.manifest["planted"]["paths"]
    ev = medium.events.with_columns(pl.col("event").cast(pl.String))
    no_resp = set(ev.filter(pl.col("event") == "no_response")["case_id"])
    for path in PATHS:
        ids = medium.planted.filter(pl.col("path") == path)["case_id"]
        share = ids.is_in(list(no_resp)).mean()
        q = planted[path]["never_acted_share"]
        assert abs(share - q) <= _z_tolerance(q, ids.len()), (path, share, q)
    # the highest escalation before takedown recovers the path
    rank = {"reported_platform": 0, "reported_hotline": 1, "alerted_press": 2}
    td = ev.filter(pl.col("event") == "takedown").select("case_id", td_day="day")
    esc = (
        ev.filter(pl.col("event").is_in(list(rank)))
        .join(td, on="case_id")
        .filter(pl.col("day") < pl.col("td_day"))
        .with_columns(level=pl.col("event").replace_strict(rank, return_dtype=pl.Int8))
        .group_by("case_id")
        .agg(pl.col("level").max())
        .join(medium.planted.select("case_id", "path"), on="case_id")
    )
    assert esc.height == td.height
    assert (esc["level"] == esc["path"].to_physical().cast(pl.Int8)).all()


def test_takedown_delay_median_per_path_among_acted(medium):
    # Uncensored check on delays: among cases acted on whose takedown is observed the
    # median is slightly below the planted one (late takedowns are censored), so
    # compare with the planted median of the truncated lognormal instead.
    ev = medium.events.with_columns(pl.col("event").cast(pl.String))
    report = ev.filter(pl.col("event") == "reported_platform").select("case_id", r="day")
    td = ev.filter(pl.col("event") == "takedown").select("case_id", t="day")
    delays = td.join(report, on="case_id").join(medium.planted, on="case_id")
    for path in PATHS:
        d = delays.filter(pl.col("path") == path)
        median = (d["t"] - d["r"]).median()
        planted = medium.manifest["planted"]["paths"][path]["median_days"]
        assert abs(median - planted) <= 0.15 * planted + 1, (path, median, planted)


def test_respawn_rate_and_chains(medium):
    planted = medium.manifest["planted"]
    ev = medium.events.with_columns(pl.col("event").cast(pl.String))
    taken = set(ev.filter(pl.col("event") == "takedown")["case_id"])
    reap = medium.referrals.filter(pl.col("kind") == "reappearance")
    with_successor = set(reap["source_id"])
    assert with_successor <= taken
    rate = len(with_successor) / len(taken)
    p = planted["respawn_rate"]
    assert p == planted["respawn_probability"]
    assert abs(rate - p) <= _z_tolerance(p, len(taken)), (rate, p)
    # delay from takedown to reappearance: lognormal median
    td = ev.filter(pl.col("event") == "takedown").select(source_id="case_id", td="day")
    delays = reap.join(td, left_on="source_id", right_on="source_id")
    assert abs((delays["day"] - delays["td"]).median() - planted["respawn_delay_median_days"]) <= 1
    # successors inherit the archetype and carry platform.reappearance
    pl_ = medium.planted
    kids = pl_.filter(pl.col("parent_id").is_not_null())
    parents = pl_.select(parent_id="case_id", parent_arch="archetype")
    linked = kids.join(parents, on="parent_id")  # joins do not keep row order: compare inside
    assert linked.height == kids.height
    assert (linked["parent_arch"] == linked["archetype"]).all()
    reap_codes = set(medium.indicators.filter(pl.col("code") == "platform.reappearance")["case_id"])
    assert reap_codes == set(kids["case_id"]) == set(reap["target_id"])
    assert kids["depth"].max() <= planted["max_chain_depth"]


def test_referrals_stay_in_communities_and_hubs_refer_out(medium):
    planted = medium.manifest["planted"]
    comm = medium.planted.select("case_id", "community", "is_hub")
    ordinary = (
        medium.referrals.filter(pl.col("kind") != "reappearance")
        .join(comm, left_on="source_id", right_on="case_id")
        .join(
            comm.select(target_id="case_id", target_community="community"),
            on="target_id",
            how="inner",
        )
    )
    non_hub = ordinary.filter(~pl.col("is_hub"))
    share = (non_hub["community"] == non_hub["target_community"]).mean()
    p = planted["internal_share"]
    # pairs are deduplicated after drawing, which can only favour cross-community pairs
    # slightly (fewer duplicates there): allow 1 point on top of the binomial error.
    assert abs(share - p) <= _z_tolerance(p, non_hub.height) + 0.01, share
    out_degree = medium.referrals.group_by("source_id").len()
    hub_deg = out_degree.filter(pl.col("source_id").is_in(planted["hub_ids"]))["len"]
    other = out_degree.filter(~pl.col("source_id").is_in(planted["hub_ids"]))["len"]
    assert hub_deg.min() > other.quantile(0.99)
    assert set(planted["hub_ids"]) == set(comm.filter(pl.col("is_hub"))["case_id"])
    undocumented = (
        medium.referrals.filter(pl.col("kind") != "reappearance")["target_id"]
        .str.starts_with("X")
        .mean()
    )
    assert abs(undocumented - planted["undocumented_share"]) <= 0.02


def test_exposure_means_per_archetype(medium):
    planted = medium.manifest["planted"]["exposure"]
    exp = medium.exposure.join(medium.planted.select("case_id", "archetype"), on="case_id")
    means = dict(
        exp.group_by(pl.col("archetype").cast(pl.String)).agg(pl.col("minutes").mean()).iter_rows()
    )
    for arch, mean in planted["mean_minutes_per_case_week"].items():
        assert means[arch] == pytest.approx(mean, rel=0.05), arch
    assert exp["observer_id"].n_unique() == planted["n_observers"]
    # each case is watched by its own observer
    pairs = medium.exposure.select("case_id", "observer_id").unique()
    assert pairs.join(medium.cases, on=["case_id", "observer_id"]).height == pairs.height


def test_trend_deepfake_share_rises(medium):
    trend = medium.manifest["planted"]["trend"]
    roots = medium.cases.join(medium.planted, on="case_id").filter(pl.col("depth") == 0)
    by_period = (
        roots.group_by("period")
        .agg((pl.col("archetype") == trend["archetype"]).mean().alias("share"), pl.len())
        .sort("period")
    )
    for period, share, n in by_period.iter_rows():
        p = trend["share_by_period"][period]
        assert abs(share - p) <= _z_tolerance(p, n), (period, share, p)
    first, last = by_period["share"][0], by_period["share"][-1]
    assert last > first + 0.1


# ---------------------------------------------------------------- the CLI


def test_cli_generate_writes_a_valid_dataset_and_refuses_to_overwrite(tmp_path):
    out = tmp_path / "gen"
    runner = CliRunner()
    res = runner.invoke(app, ["generate", "--cases", "40", "--seed", "9", "--out", str(out)])
    assert res.exit_code == 0, res.output
    book = load(out)
    assert book.cases.height == 40 and book.manifest["seed"] == 9
    assert book.manifest["row_counts"]["cases"] == 40
    assert_frame_equal(book.events, generate(cases=40, seed=9).events)
    before = (out / "cases.parquet").stat().st_mtime_ns
    res = runner.invoke(app, ["generate", "--cases", "10", "--seed", "1", "--out", str(out)])
    assert res.exit_code != 0
    assert "--force" in res.output
    assert (out / "cases.parquet").stat().st_mtime_ns == before
    res = runner.invoke(
        app, ["generate", "--cases", "10", "--seed", "1", "--out", str(out), "--force"]
    )
    assert res.exit_code == 0, res.output
    assert load(out).cases.height == 10


def test_cli_generate_refuses_zero_cases(tmp_path):
    res = CliRunner().invoke(app, ["generate", "--cases", "0", "--out", str(tmp_path / "x")])
    assert res.exit_code != 0
    assert not (tmp_path / "x").exists()


def test_seeds_give_different_data():
    a, b = generate(cases=100, seed=1), generate(cases=100, seed=2)
    assert not a.indicators.equals(b.indicators)
    assert not np.array_equal(a.events["day"].to_numpy(), b.events["day"].to_numpy())


def test_kaplan_meier_median_per_path_recovers_the_planted_value(medium):
    # lifelines is the independent engine; time origin is the first report, cases
    # without an observed takedown are censored at observed_until (never-acted ones
    # included, so the KM curve plateaus at the never-acted share).
    from lifelines import KaplanMeierFitter

    ev = medium.events.with_columns(pl.col("event").cast(pl.String))
    report = ev.filter(pl.col("event") == "reported_platform").select("case_id", r="day")
    td = ev.filter(pl.col("event") == "takedown").select("case_id", t="day")
    data = (
        medium.cases.select("case_id", "observed_until")
        .join(report, on="case_id")
        .join(td, on="case_id", how="left")
        .join(medium.planted.select("case_id", "path"), on="case_id")
        .with_columns(
            duration=pl.coalesce("t", "observed_until") - pl.col("r"),
            observed=pl.col("t").is_not_null(),
        )
    )
    for path in PATHS:
        d = data.filter(pl.col("path") == path)
        km = KaplanMeierFitter().fit(d["duration"].to_numpy(), d["observed"].to_numpy())
        planted = medium.manifest["planted"]["paths"][path]["km_median_days"]
        assert km.median_survival_time_ == pytest.approx(planted, rel=0.10), path


# ---------------------------------------------------------------- the docs stay true

DOC = ROOT / "docs" / "synthetic-data.md"


def _md_rows(text: str, first_cell: str) -> dict[str, list[str]]:
    """Rows of the Markdown table whose header starts with ``first_cell``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_cell} |"))
    rows = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = [c.strip().strip("`") for c in line.strip("|").split("|")]
        rows[cells[0]] = cells[1:]
    return rows


def test_doc_names_every_parameter_and_planted_key():
    from dataclasses import fields

    text = DOC.read_text(encoding="utf-8")
    assert text.startswith("# ") and "Content warning" in text.split("\n\n")[1]
    for f in fields(GeneratorParams):
        assert f"`{f.name}`" in text, f.name
    planted = generate(cases=30, seed=1).manifest["planted"]
    for key in planted:
        if not key.endswith("_note") and key not in ("archetypes", "periods"):
            assert key in text, key


def test_doc_tables_match_the_planted_values():
    text = DOC.read_text(encoding="utf-8")
    planted = generate(cases=30, seed=1).manifest["planted"]
    rates = _md_rows(text, "code")
    assert set(rates) == set(tx.INDICATORS)
    archetypes = planted["archetypes"]
    for code, cells in rates.items():
        for arch, cell in zip(archetypes, cells, strict=True):
            assert float(cell) == pytest.approx(planted["base_rates"][arch][code], abs=5.01e-4)
    paths = _md_rows(text, "path")
    for path, (median, sigma, q, km) in paths.items():
        spec = planted["paths"][path]
        assert (float(median), float(sigma), float(q)) == (
            spec["median_days"],
            spec["sigma"],
            spec["never_acted_share"],
        )
        assert float(km) == pytest.approx(spec["km_median_days"], abs=5e-3)
    shares = _md_rows(text, "archetype")
    for label, (case_type, share) in shares.items():
        arch = label.split(":")[0].replace("`", "")
        assert planted["expected_case_type"][arch] == case_type
        assert float(share) == planted["archetype_shares"][arch]


def test_params_are_used_and_written_to_the_manifest(capsys):
    delays = GeneratorParams().path_delays
    for spec in delays.values():
        spec["never_acted_share"] = 0.0
    params = GeneratorParams(respawn_probability=0.0, path_delays=delays, n_communities=3)
    book = generate(cases=300, seed=6, params=params)
    assert capsys.readouterr().err == ""  # no progress bar unless asked
    assert book.referrals.filter(pl.col("kind") == "reappearance").height == 0
    assert book.planted["parent_id"].null_count() == 300
    assert book.events.filter(pl.col("event") == "no_response").height == 0
    assert book.planted["community"].n_unique() == 3
    assert book.manifest["params"]["respawn_probability"] == 0.0
    assert book.manifest["planted"]["n_communities"] == 3
    rates = book.manifest["planted"]["base_rates"]
    assert all(rates[a]["platform.unresponsive"] == 0 for a in rates)
    assert all(rates[a]["platform.reappearance"] == 0 for a in rates)
