"""Recurring indicators: counts and intervals against hand counts and scipy's own tests."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import polars as pl
import pytest
from scipy import stats

from toolkit import indicators
from toolkit import taxonomy as tx
from toolkit._analyses import wilson_interval
from toolkit.model import CaseBook
from toolkit.model.schemas import polars_schema

CODES = tx.INDICATORS


def _book(
    codes_by_case: dict[str, list[str]],
    *,
    case_type: dict[str, str] | None = None,
    period: dict[str, str | None] | None = None,
    planted: dict[str, str] | None = None,
    shuffle_seed: int | None = None,
) -> CaseBook:
    ids = sorted(codes_by_case)
    cases = pl.DataFrame(
        {
            "case_id": ids,
            "title": ["neutral title"] * len(ids),
            "case_type": [
                (case_type or {}).get(c, tx.derive_case_type(codes_by_case[c])) for c in ids
            ],
            "platform_kind": [None] * len(ids),
            "discovered_via": [None] * len(ids),
            "members_band": [None] * len(ids),
            "period": [(period or {}).get(c) for c in ids],
            "observer_id": ["obs-01"] * len(ids),
            "observed_until": [30] * len(ids),
            "source": ["synthetic"] * len(ids),
        },
        schema_overrides={"period": pl.String},
    )
    pairs = [(c, k) for c in ids for k in codes_by_case[c]]
    ind = pl.DataFrame(
        {"case_id": [c for c, _ in pairs], "code": [k for _, k in pairs], "evidence": None},
        schema={"case_id": pl.String, "code": pl.String, "evidence": pl.String},
    )
    if shuffle_seed is not None:
        ind = ind.sample(fraction=1.0, shuffle=True, seed=shuffle_seed)
    frames = {"cases": cases, "indicators": ind}
    if planted is not None:
        known = {
            "case_id": ids,
            "archetype": [planted[c] for c in ids],
            "community": [0] * len(ids),
            "is_hub": [False] * len(ids),
            "path": ["platform_only"] * len(ids),
        }
        # Other planted columns (the generator may add some) are left null here.
        frames["planted"] = pl.DataFrame(
            {col: known.get(col, [None] * len(ids)) for col in polars_schema("planted")}
        )
    return CaseBook.from_frames(**frames)


def _random_codes(n: int, seed: int) -> dict[str, list[str]]:
    rng = np.random.default_rng(seed)
    # A latent factor per case makes codes co-occur (like the generator's copula).
    rates = rng.uniform(0.02, 0.5, size=len(CODES))
    rates[5] = 0.0  # one code seen in no case
    out = {}
    for i in range(n):
        z = rng.normal()
        present = rng.uniform(size=len(CODES)) < np.clip(rates * (1 + 0.8 * z), 0, 1)
        out[f"C{i:04d}X"] = [c for c, p in zip(CODES, present, strict=True) if p]
    return out


# ----------------------------------------------------------------------------- Wilson


def test_vectorised_wilson_equals_scipy_binomtest_to_1e12():
    rng = np.random.default_rng(7)
    n = np.concatenate([[1, 1, 2, 5, 5, 10, 1000], rng.integers(1, 5000, 400)])
    k = np.concatenate([[0, 1, 1, 0, 5, 3, 999], (rng.uniform(size=400) * (n[7:] + 1)).astype(int)])
    k = np.minimum(k, n)
    for conf in (0.95, 0.999):
        lo, hi = wilson_interval(k, n, conf)
        for i in range(len(n)):
            ref = stats.binomtest(int(k[i]), int(n[i])).proportion_ci(
                confidence_level=conf, method="wilson"
            )
            assert lo[i] == pytest.approx(ref.low, abs=1e-12), (k[i], n[i])
            assert hi[i] == pytest.approx(ref.high, abs=1e-12), (k[i], n[i])


def test_wilson_without_observations_is_undefined():
    lo, hi = wilson_interval(np.array([0]), np.array([0]))
    assert np.isnan(lo[0]) and np.isnan(hi[0])


# ----------------------------------------------------------------------------- prevalence


def test_prevalence_counts_every_code_including_absent_ones():
    codes = {
        "AA1": ["target.public_figure", "content.tribute"],
        "BB2": ["target.public_figure"],
        "CC3": [],  # a case with no indicator still counts in n_total
        "DD4": ["content.sexual_deepfake"],
    }
    out = indicators.prevalence(_book(codes))
    assert out.columns == ["code", "n_cases", "n_total", "share", "ci_low", "ci_high"]
    assert out.get_column("code").to_list() == list(CODES)
    got = dict(zip(out["code"], out["n_cases"], strict=True))
    assert got["target.public_figure"] == 2
    assert got["content.tribute"] == 1
    assert got["content.sexual_deepfake"] == 1
    assert sum(got.values()) == 4
    assert set(out["n_total"]) == {4}
    row = out.filter(pl.col("code") == "target.public_figure").row(0, named=True)
    ref = stats.binomtest(2, 4).proportion_ci(method="wilson")
    assert row["share"] == 0.5
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((ref.low, ref.high), abs=1e-12)
    absent = out.filter(pl.col("code") == "org.minor_category").row(0, named=True)
    assert (absent["n_cases"], absent["share"], absent["ci_low"]) == (0, 0.0, 0.0)
    assert absent["ci_high"] > 0


def test_prevalence_by_group_matches_a_hand_count_including_null_group():
    codes = _random_codes(300, seed=1)
    periods = {c: (None if i % 7 == 0 else f"2024-Q{i % 4 + 1}") for i, c in enumerate(codes)}
    book = _book(codes, period=periods)
    out = indicators.prevalence(book, by=["period", "case_type"])
    assert out.columns[:3] == ["period", "case_type", "code"]
    # every (group, code) combination is present, also zero counts
    n_groups = len({(periods[c], tx.derive_case_type(codes[c])) for c in codes})
    assert out.height == n_groups * len(CODES)
    for row in out.sample(60, seed=3).iter_rows(named=True):
        members = [
            c
            for c in codes
            if periods[c] == row["period"] and tx.derive_case_type(codes[c]) == row["case_type"]
        ]
        assert row["n_total"] == len(members)
        assert row["n_cases"] == sum(row["code"] in codes[c] for c in members)
    # sorted: by period (nulls last), case type, code
    keys = out.select(
        pl.col("period").fill_null("~"), pl.col("case_type").to_physical(), pl.col("code")
    )
    assert keys.equals(keys.sort(pl.all()))
    assert out.get_column("period").is_null().sum() > 0
    # any row order gives the same table (the sorted fast path and the general one)
    shuffled = _book(codes, period=periods, shuffle_seed=8)
    assert not shuffled.indicators["case_id"].is_sorted()
    assert indicators.prevalence(shuffled, by=["period", "case_type"]).equals(out)


def test_prevalence_by_planted_archetype_and_errors_for_people():
    codes = {"AA1": ["content.tribute"], "BB2": [], "CC3": ["content.tribute"]}
    arch = {"AA1": "influencer_leaks", "BB2": "influencer_leaks", "CC3": "child_signals"}
    out = indicators.prevalence(_book(codes, planted=arch), by="archetype")
    tribute = out.filter(pl.col("code") == "content.tribute")
    assert tribute.select("archetype", "n_cases", "n_total").rows() == [
        ("influencer_leaks", 1, 2),
        ("child_signals", 1, 1),
    ]
    with pytest.raises(ValueError, match="not a column of `cases`"):
        indicators.prevalence(_book(codes), by="archetype")
    with pytest.raises(ValueError, match="cannot be 'code'"):
        indicators.prevalence(_book(codes), by="code")


# ----------------------------------------------------------------------------- co-occurrence


@pytest.mark.parametrize("shuffle_seed", [None, 11])
def test_cooccurrence_matches_hand_counts_and_fisher_exact(shuffle_seed):
    codes = _random_codes(250, seed=2)
    out = indicators.cooccurrence(_book(codes, shuffle_seed=shuffle_seed))
    assert out.height == len(CODES) * (len(CODES) - 1) // 2
    assert out.columns == [
        "code_a",
        "code_b",
        "n_a",
        "n_b",
        "n_both",
        "jaccard",
        "lift",
        "p_value",
        "q_value",
    ]
    expected_pairs = list(combinations(CODES, 2))
    assert list(zip(out["code_a"], out["code_b"], strict=True)) == expected_pairs
    n = len(codes)
    sets = {c: set(v) for c, v in codes.items()}
    for row in out.iter_rows(named=True):
        a, b = row["code_a"], row["code_b"]
        n_a = sum(a in s for s in sets.values())
        n_b = sum(b in s for s in sets.values())
        both = sum(a in s and b in s for s in sets.values())
        assert (row["n_a"], row["n_b"], row["n_both"]) == (n_a, n_b, both)
        if n_a and n_b:
            assert row["lift"] == pytest.approx(both * n / (n_a * n_b), rel=1e-12)
            assert row["jaccard"] == pytest.approx(both / (n_a + n_b - both), rel=1e-12)
            table = [[both, n_a - both], [n_b - both, n - n_a - n_b + both]]
            ref = stats.fisher_exact(table, alternative="greater").pvalue
            assert row["p_value"] == pytest.approx(ref, rel=1e-9, abs=1e-300)
        else:
            assert row["p_value"] is None and row["q_value"] is None and row["lift"] is None
    testable = out.filter(pl.col("p_value").is_not_null())
    assert testable.height == (len(CODES) - 1) * (len(CODES) - 2) // 2  # one code never seen
    np.testing.assert_allclose(
        testable["q_value"].to_numpy(),
        stats.false_discovery_control(testable["p_value"].to_numpy(), method="bh"),
        rtol=1e-12,
    )


def test_strongly_associated_pair_is_significant_and_independent_is_not():
    rng = np.random.default_rng(5)
    codes = {}
    for i in range(400):
        both = rng.uniform() < 0.3
        case = ["content.covert_capture", "content.repurposed_photos"] if both else []
        if rng.uniform() < 0.3:
            case.append("org.normalisation")
        codes[f"K{i:04d}X"] = case
    out = indicators.cooccurrence(_book(codes))
    linked = out.filter(
        (pl.col("code_a") == "content.covert_capture")
        & (pl.col("code_b") == "content.repurposed_photos")
    ).row(0, named=True)
    assert linked["q_value"] < 1e-6 and linked["lift"] > 2
    noise = out.filter(
        (pl.col("code_a") == "content.covert_capture") & (pl.col("code_b") == "org.normalisation")
    ).row(0, named=True)
    assert noise["q_value"] > 0.05


# ----------------------------------------------------------------------------- signatures


def test_signatures_support_confidence_lift_by_hand():
    a, b, c = "target.public_figure", "content.sexual_deepfake", "org.per_target_channels"
    codes = {}
    for i in range(20):
        case = [a, b] if i < 12 else [b]
        if i < 8:
            case.append(c)
        codes[f"S{i:03d}X"] = case
    out = indicators.signatures(_book(codes), min_support=0.3)
    rows = {tuple(r["codes"]): r for r in out.iter_rows(named=True)}
    assert set(rows) == {(a, b), (a, c), (b, c), (a, b, c)}
    pair = rows[(a, b)]
    assert (pair["n_cases"], pair["support"]) == (12, 0.6)
    # rules: a -> b has confidence 12/12; b -> a 12/20. Best: consequent b.
    assert pair["consequent"] == b and pair["antecedent"] == [a]
    assert pair["confidence"] == 1.0 and pair["lift"] == pytest.approx(1.0 / (20 / 20))
    triple = rows[(a, b, c)]
    # rules: {b,c} -> a : 8/8 ; {a,c} -> b : 8/8 ; {a,b} -> c : 8/12. Tie: first in taxonomy (a).
    assert triple["n_cases"] == 8 and triple["consequent"] == a
    assert triple["confidence"] == 1.0
    assert triple["lift"] == pytest.approx(1.0 / (12 / 20))
    # sorted by support desc, then the code lists compared item by item in taxonomy
    # order: (a, b, c) comes before (a, c) because b precedes c.
    assert [tuple(r) for r in out["codes"]] == [(a, b), (a, b, c), (a, c), (b, c)]
    only_pairs = indicators.signatures(_book(codes), min_support=0.3, max_size=2)
    assert set(only_pairs["size"]) == {2}


def test_signatures_suppress_small_counts_and_check_arguments():
    codes = {f"S{i:03d}X": ["content.tribute", "content.dossier"] for i in range(4)}
    assert indicators.signatures(_book(codes), min_support=0.1).height == 0  # 4 < 5 cases
    with pytest.raises(ValueError, match="max_size must be 2 or 3"):
        indicators.signatures(_book(codes), max_size=4)
    with pytest.raises(ValueError, match="min_support"):
        indicators.signatures(_book(codes), min_support=0)


# ----------------------------------------------------------------------------- trend


def test_trend_is_chronological_and_skips_cases_without_period():
    codes = {"AA1": ["content.sexual_deepfake"], "BB2": [], "CC3": ["content.sexual_deepfake"]}
    codes |= {"DD4": ["content.sexual_deepfake"]}
    periods = {"AA1": "2025-Q1", "BB2": "2024-Q4", "CC3": "2023-Q2", "DD4": None}
    out = indicators.trend(_book(codes, period=periods), "content.sexual_deepfake")
    assert out.columns == ["period", "code", "n_cases", "n_total", "share", "ci_low", "ci_high"]
    assert out.select("period", "n_cases", "n_total").rows() == [
        ("2023-Q2", 1, 1),
        ("2024-Q4", 0, 1),
        ("2025-Q1", 1, 1),
    ]
    every = indicators.trend(_book(codes, period=periods))
    assert every.height == 3 * len(CODES)
    with pytest.raises(ValueError, match="not indicator code"):
        indicators.trend(_book(codes), "content.unknown")


# ----------------------------------------------------------------------------- edge cases


def test_empty_book():
    book = CaseBook.from_frames()
    prev = indicators.prevalence(book)
    assert prev.height == len(CODES)
    assert prev["n_cases"].sum() == 0 and prev["share"].null_count() == len(CODES)
    co = indicators.cooccurrence(book)
    assert co.height == len(CODES) * (len(CODES) - 1) // 2
    assert co["p_value"].null_count() == co.height
    assert indicators.signatures(book).height == 0
    assert indicators.trend(book).height == 0
    assert indicators.prevalence(book, by="case_type").height == 0


def test_lazy_book_gives_the_same_numbers():
    codes = _random_codes(120, seed=4)
    book = _book(codes, period={c: "2024-Q1" for c in codes})
    lazy = book.lazy()
    assert indicators.prevalence(lazy, by="period").equals(indicators.prevalence(book, by="period"))
    assert indicators.cooccurrence(lazy).equals(indicators.cooccurrence(book))
    assert indicators.signatures(lazy, min_support=0.05).equals(
        indicators.signatures(book, min_support=0.05)
    )


# ----------------------------------------------------------------------------- planted truth


@pytest.fixture(scope="module")
def generated():
    import toolkit as vt

    # Generated once for this module (about a second).
    return vt.generate(cases=20_000, seed=20241)


def test_prevalence_per_archetype_recovers_planted_base_rates(generated):
    rates = generated.manifest["planted"]["base_rates"]
    truth = pl.DataFrame(
        [(a, c, p) for a, codes in rates.items() for c, p in codes.items()],
        schema=["archetype", "code", "p"],
        orient="row",
    )
    # 6 archetypes x 23 codes = 138 intervals. With 95 % intervals about 7 would miss by
    # chance alone, so a test of "all inside" would be flaky and one of "most inside"
    # weak. Bonferroni instead: each interval at 1 - 0.01/138, so that ALL planted rates
    # fall inside with probability >= 99 % when the estimator is right.
    confidence = 1 - 0.01 / truth.height
    prev = indicators.prevalence(generated, by="archetype", confidence=confidence)
    joined = prev.with_columns(pl.col("archetype", "code").cast(pl.String)).join(
        truth, on=["archetype", "code"], how="inner"
    )
    assert joined.height == truth.height
    outside = joined.filter((pl.col("p") < pl.col("ci_low")) | (pl.col("p") > pl.col("ci_high")))
    assert outside.height == 0, outside.select("archetype", "code", "share", "p")
    # and the test has teeth: a shifted rate is rejected for most codes seen often
    common = joined.filter(pl.col("p").is_between(0.2, 0.8))
    shifted = common.filter(
        (pl.col("p") + 0.1 < pl.col("ci_low")) | (pl.col("p") + 0.1 > pl.col("ci_high"))
    )
    assert shifted.height == common.height > 10


def test_planted_pairs_cooccur_as_planted(generated):
    planted = generated.manifest["planted"]["cooccurring_pairs"]
    arch = generated.planted.select("case_id", "archetype")
    for pair in planted:
        ids = arch.filter(pl.col("archetype") == pair["archetype"]).get_column("case_id").implode()
        sub = CaseBook.from_frames(
            cases=generated.cases.filter(pl.col("case_id").is_in(ids)),
            indicators=generated.indicators.filter(pl.col("case_id").is_in(ids)),
        )
        row = (
            indicators.cooccurrence(sub)
            .filter(
                (pl.col("code_a").cast(pl.String).is_in([pair["a"], pair["b"]]))
                & (pl.col("code_b").cast(pl.String).is_in([pair["a"], pair["b"]]))
            )
            .row(0, named=True)
        )
        n = sub.cases.height
        lo, hi = wilson_interval(np.array([row["n_both"]]), np.array([n]), 1 - 0.01 / len(planted))
        assert lo[0] <= pair["p_ab"] <= hi[0], pair
        if pair["lift"] and pair["lift"] > 1.2 and row["n_both"] > 50:
            assert row["q_value"] < 0.05, pair


# ----------------------------------------------------------------------------- docs


def test_analyses_page_documents_every_public_function():
    from pathlib import Path

    from toolkit import response, triage, workload

    page = (Path(__file__).resolve().parents[1] / "docs" / "analyses.md").read_text("utf-8")
    assert page.lstrip().startswith("# ") and "> Content warning:" in page.split("\n## ")[0]
    for module in (indicators, triage, response, workload):
        for name in module.__all__:
            obj = getattr(module, name)
            if callable(obj) and not isinstance(obj, type):
                assert f"vt.{module.__name__.split('.')[-1]}.{name}(" in page, name
    assert (
        page.rstrip().endswith("## Networks and the hydra") or "## Networks and the hydra" in page
    )
    assert "://" not in page  # no link of any kind (the privacy audit scans docs/)


def test_trend_recovers_the_planted_mix_per_period(generated):
    rates = generated.manifest["planted"]["base_rates"]
    mix = (
        generated.cases.select("case_id", "period")
        .join(
            generated.planted.select("case_id", pl.col("archetype").cast(pl.String)), on="case_id"
        )
        .group_by("period", "archetype")
        .len()
        .with_columns((pl.col("len") / pl.col("len").sum().over("period")).alias("w"))
    )
    # Expected share of a code in a period, given the archetypes documented that period:
    # Σ_archetype w · base rate. `platform.reappearance` is left out: successors pile up in
    # later periods, so its planted rate is an average over periods, not per period.
    codes = [c for c in CODES if c != "platform.reappearance"]
    expected = (
        mix.join(
            pl.DataFrame(
                [(a, c, p) for a, d in rates.items() for c, p in d.items() if c in codes],
                schema=["archetype", "code", "p"],
                orient="row",
            ),
            on="archetype",
        )
        .group_by("period", "code")
        .agg((pl.col("w") * pl.col("p")).sum().alias("expected"))
    )
    n_cells = expected.height
    # Bonferroni over all period x code cells, as for the base rates. Given the mix, a
    # count is a sum of independent Bernoullis with different p, whose variance is at
    # most the binomial one: the Wilson interval is, if anything, conservative.
    out = indicators.trend(generated, codes, confidence=1 - 0.01 / n_cells)
    joined = out.with_columns(pl.col("code").cast(pl.String)).join(
        expected, on=["period", "code"], how="inner"
    )
    assert joined.height == n_cells == 12 * len(codes)
    outside = joined.filter(
        (pl.col("expected") < pl.col("ci_low")) | (pl.col("expected") > pl.col("ci_high"))
    )
    assert outside.height == 0, outside
    # the planted rise of deepfake spaces shows in the code's trend, beyond the intervals
    deepfake = indicators.trend(generated, "content.sexual_deepfake")
    first, last = deepfake.row(0, named=True), deepfake.row(-1, named=True)
    assert first["period"] < last["period"] and first["ci_high"] < last["ci_low"]
