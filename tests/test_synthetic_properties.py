"""Property tests of the generator's invariants over many seeds and sizes (hypothesis)."""

from __future__ import annotations

import polars as pl
from hypothesis import given
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from toolkit import taxonomy as tx
from toolkit.model import validate
from toolkit.synthetic import generate

seeds = st.integers(min_value=0, max_value=2**32 - 1)
sizes = st.integers(min_value=1, max_value=300)


def _events(book) -> pl.DataFrame:
    return book.events.with_columns(pl.col("event").cast(pl.String))


@given(cases=sizes, seed=seeds)
def test_every_generated_book_is_valid_and_consistent(cases, seed):
    book = validate(generate(cases=cases, seed=seed))
    assert book.cases.height == cases
    ids = book.cases["case_id"]
    assert ids.is_sorted() and ids.is_unique().all()

    # case type is derived from the codes, never drawn
    codes = book.indicators.group_by("case_id").agg(pl.col("code").cast(pl.String))
    typed = book.cases.select("case_id", "case_type").join(codes, on="case_id", how="left")
    for case_type, cs in typed.select("case_type", "code").iter_rows():
        assert str(case_type) == tx.derive_case_type(cs or [])

    # child codes: only, and always, in the child-signals archetype
    child = set(
        book.indicators.filter(pl.col("code").cast(pl.String).is_in(tx.CHILD_SIGNAL_CODES))[
            "case_id"
        ]
    )
    assert child == set(book.planted.filter(pl.col("archetype") == "child_signals")["case_id"])

    # timelines: discovery on day 0, escalations strictly before any takedown
    ev = _events(book)
    assert (
        ev.filter(pl.col("event") == "discovered").height == cases
        and ev.filter((pl.col("event") == "discovered") & (pl.col("day") != 0)).height == 0
    )
    td = ev.filter(pl.col("event") == "takedown").select("case_id", td="day")
    late = (
        ev.filter(pl.col("event").is_in(["reported_platform", "reported_hotline", "alerted_press"]))
        .join(td, on="case_id")
        .filter(pl.col("day") >= pl.col("td"))
    )
    assert late.height == 0
    # never acted <=> no_response event <=> platform.unresponsive; never with a takedown
    never = set(book.planted.filter(pl.col("never_acted"))["case_id"])
    assert never == set(ev.filter(pl.col("event") == "no_response")["case_id"])
    unresponsive = book.indicators.filter(pl.col("code") == "platform.unresponsive")
    assert never == set(unresponsive["case_id"])
    assert never.isdisjoint(td["case_id"])
    # actions mirror the report events on the same days
    for action, event in [
        ("report_platform", "reported_platform"),
        ("report_hotline", "reported_hotline"),
        ("alert_press", "alerted_press"),
    ]:
        a = book.actions.filter(pl.col("code") == action).select("case_id", "day").sort("case_id")
        e = ev.filter(pl.col("event") == event).select("case_id", "day").sort("case_id")
        assert_frame_equal(a, e)

    # referrals: no self-loop, no duplicate, reappearances match the timelines
    ref = book.referrals
    assert (ref["source_id"] != ref["target_id"]).all()
    assert ref.select("source_id", "target_id", "kind").is_unique().all()
    _check_reappearances(book, ev, td)

    # exposure: each case watched only by its own observer, positive minutes
    pairs = book.exposure.select("case_id", "observer_id").unique()
    assert pairs.join(book.cases, on=["case_id", "observer_id"]).height == pairs.height
    assert (book.exposure["minutes"] >= 1).all()


def _check_reappearances(book, ev, td) -> None:
    reap = book.referrals.filter(pl.col("kind") == "reappearance")
    kids = book.planted.filter(pl.col("parent_id").is_not_null())
    assert reap.height == kids.height
    # parent -> child exactly as planted
    planted_links = kids.select(source_id="parent_id", target_id="case_id").sort("target_id")
    assert_frame_equal(reap.select("source_id", "target_id").sort("target_id"), planted_links)
    # the link's day is the parent's `reappeared` day, after its takedown
    reappeared = ev.filter(pl.col("event") == "reappeared").select(source_id="case_id", r="day")
    linked = reap.join(reappeared, on="source_id").join(
        td.rename({"case_id": "source_id"}), on="source_id"
    )
    assert linked.height == reap.height
    assert (linked["day"] == linked["r"]).all()
    assert (linked["day"] > linked["td"]).all()
    # the successor carries platform.reappearance, and only successors do
    marked = set(book.indicators.filter(pl.col("code") == "platform.reappearance")["case_id"])
    assert marked == set(kids["case_id"])


@given(cases=st.integers(min_value=1, max_value=200), seed=seeds)
def test_same_seed_same_book(cases, seed):
    a, b = generate(cases=cases, seed=seed), generate(cases=cases, seed=seed)
    for name, df in a.tables().items():
        assert_frame_equal(df, b.tables()[name], check_exact=True)
    assert a.manifest == b.manifest


@given(cases=st.integers(min_value=30, max_value=200), seed=seeds)
def test_different_seeds_give_different_books(cases, seed):
    a, b = generate(cases=cases, seed=seed), generate(cases=cases, seed=seed + 1)
    assert not a.indicators.equals(b.indicators) or not a.events.equals(b.events)
