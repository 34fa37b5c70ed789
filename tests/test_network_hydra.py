"""Lineages, hydra summary, band transitions and the early-removal counterfactual on a
hand-built book whose every number is worked out in the comments."""

from __future__ import annotations

import math

import polars as pl
import pytest

from toolkit.model import validate
from toolkit.network import (
    band_transitions,
    counterfactual_early_removal,
    hydra_summary,
    lineages,
)
from toolkit.network._toy import toy_book

D, R, T, RE = "discovered", "reported_platform", "takedown", "reappeared"


@pytest.fixture
def hydra_book():
    # AA1 (taken down day 10) -> BB1 on day 15 (5 days) -> CC1 on BB1's day 20 (BB1 taken
    # down day 6: 14 days). DD1 reappeared (event only) 3 days after its takedown. EE1 taken
    # down, never back. FF1 (taken down day 5) -> GG1 day 7 (2 days) and undocumented ZZ1
    # day 9 (4 days). Other referrals: AA1 -> EE1 day 1, EE1 -> XX1 day 3, GG1 -> YY1 day 0.
    book = toy_book(
        [
            ("AA1", "EE1", "invitation", 1),
            ("AA1", "BB1", "reappearance", 15),
            ("BB1", "CC1", "reappearance", 20),
            ("FF1", "ZZ1", "reappearance", 9),
            ("FF1", "GG1", "reappearance", 7),
            ("EE1", "XX1", "invitation", 3),
            ("GG1", "YY1", "mirror", 0),
        ],
        [
            ("AA1", 0, D),
            ("AA1", 2, R),
            ("AA1", 10, T),
            ("BB1", 0, D),
            ("BB1", 1, R),
            ("BB1", 6, T),
            ("CC1", 0, D),
            ("DD1", 0, D),
            ("DD1", 3, R),
            ("DD1", 8, T),
            ("DD1", 11, RE),
            ("EE1", 0, D),
            ("EE1", 1, R),
            ("EE1", 4, T),
            ("FF1", 0, D),
            ("FF1", 1, R),
            ("FF1", 5, T),
            ("GG1", 0, D),
        ],
        bands={"AA1": "200-999", "BB1": "50-199", "FF1": "1000+", "GG1": "50-199"},
    )
    return validate(book)


def test_lineages_rows(hydra_book):
    rows = lineages(hydra_book).rows()
    assert rows == [
        (1, "AA1", None, 0, None, True),
        (1, "BB1", "AA1", 1, 5, True),
        (1, "CC1", "BB1", 2, 14, True),
        (2, "FF1", None, 0, None, True),
        (2, "GG1", "FF1", 1, 2, True),
        (2, "ZZ1", "FF1", 1, 4, False),
    ]
    assert lineages(hydra_book).columns == [
        "lineage_id",
        "case_id",
        "parent_id",
        "generation",
        "days_after_takedown",
        "documented",
    ]


def test_hydra_summary_numbers(hydra_book):
    s = hydra_summary(hydra_book).row(0, named=True)
    # taken down: AA1 BB1 DD1 EE1 FF1; back: all but EE1. Delays 5, 14, 3, 2 -> median 4.
    assert (s["n_taken_down"], s["n_respawned"]) == (5, 4)
    assert s["respawn_rate"] == pytest.approx(0.8)
    assert s["median_days_to_respawn"] == 4.0
    assert (s["max_depth"], s["n_lineages"]) == (2, 2)
    # Wilson interval, closed form (Wilson 1927), z for 95 %.
    z, n, p = 1.959963984540054, 5, 0.8
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert s["respawn_rate_low"] == pytest.approx(centre - half, abs=1e-9)
    assert s["respawn_rate_high"] == pytest.approx(centre + half, abs=1e-9)


def test_summary_of_a_book_without_takedowns(tiny_book):
    book = toy_book([("AA1", "BB1", "invitation", 1)])
    s = hydra_summary(book).row(0, named=True)
    assert s["n_taken_down"] == 0 and s["respawn_rate"] is None and s["n_lineages"] == 0
    assert lineages(book).is_empty()
    # tiny_book: A105G taken down day 19, reappearance referral to D221K day 23.
    t = hydra_summary(tiny_book).row(0, named=True)
    assert (t["n_taken_down"], t["n_respawned"], t["median_days_to_respawn"]) == (1, 1, 4.0)


def test_successor_claimed_twice_keeps_earliest_link_and_cycles_get_a_root():
    book = toy_book(
        [
            ("AA1", "CC1", "reappearance", 9),
            ("BB1", "CC1", "reappearance", 4),
            ("PP1", "QQ1", "reappearance", 3),
            ("QQ1", "PP1", "reappearance", 5),
        ]
    )
    lin = lineages(book)
    assert lin.filter(pl.col("case_id") == "CC1").get_column("parent_id").to_list() == ["BB1"]
    cycle = lin.filter(pl.col("case_id").is_in(["PP1", "QQ1"])).sort("generation")
    assert cycle.select("case_id", "generation").rows() == [("PP1", 0), ("QQ1", 1)]
    assert lin.get_column("case_id").is_unique().all()


def test_band_transitions_are_aggregate(hydra_book):
    assert band_transitions(hydra_book).rows() == [
        ("1000+", "50-199", 1),
        ("200-999", "50-199", 1),
        ("50-199", "unknown", 1),
    ]


def test_counterfactual_both_scenarios(hydra_book):
    cf = counterfactual_early_removal(hydra_book)
    assert cf.columns == ["scenario", "metric", "observed", "counterfactual", "lost", "share_lost"]
    go_on = cf.filter(pl.col("scenario") == "respawns_continue")
    # Only EE1 -> XX1 (day 3, after EE1's report on day 1) is dropped: XX1 never grows.
    assert go_on.select("metric", "observed", "counterfactual", "lost").rows() == [
        ("spaces", 10, 9, 1),
        ("documented_spaces", 7, 7, 0),
        ("referrals", 7, 6, 1),
        ("successor_spaces", 4, 4, 0),
    ]
    assert go_on.get_column("share_lost").to_list() == pytest.approx([0.1, 0.0, 1 / 7, 0.0])
    # Reappearances all come after the parent's report: BB1, CC1, GG1, ZZ1 and what GG1
    # referred to (YY1) never grow, nor XX1. Left: AA1, DD1, EE1, FF1 (found on their own).
    stopped = cf.filter(pl.col("scenario") == "respawns_prevented")
    assert stopped.select("metric", "observed", "counterfactual").rows() == [
        ("spaces", 10, 4),
        ("documented_spaces", 7, 4),
        ("referrals", 7, 1),
        ("successor_spaces", 4, 0),
    ]


def test_counterfactual_keeps_documented_spaces_and_unknown_days():
    # PP1, QQ1 and RR1 were documented on their own: they exist even though every
    # referral into them comes after the referrer's report. RR1 -> SS1 has no day: kept.
    book = toy_book(
        [
            ("PP1", "QQ1", "mirror", 9),
            ("QQ1", "PP1", "mirror", 9),
            ("RR1", "PP1", "invitation", 5),
            ("RR1", "SS1", "mirror", None),
        ],
        [("PP1", 0, D), ("PP1", 1, R), ("QQ1", 0, D), ("QQ1", 1, R), ("RR1", 0, D), ("RR1", 1, R)],
    )
    cf = counterfactual_early_removal(book).filter(pl.col("scenario") == "respawns_continue")
    assert cf.select("metric", "observed", "counterfactual").rows()[:3] == [
        ("spaces", 4, 4),
        ("documented_spaces", 3, 3),
        ("referrals", 4, 1),
    ]
