"""Volunteer workload: weekly minutes, the urgent part, weeks over the threshold."""

from __future__ import annotations

import polars as pl
import pytest

import toolkit as vt
from toolkit import workload
from toolkit.model import CaseBook


def _book(expo_rows, child_cases=("CH1",)) -> CaseBook:
    ids = sorted({r[1] for r in expo_rows} | set(child_cases))
    cases = pl.DataFrame(
        {
            "case_id": ids,
            "title": ["neutral title"] * len(ids),
            "case_type": ["minor_signals" if c in child_cases else "deepfakes" for c in ids],
            "platform_kind": [None] * len(ids),
            "discovered_via": [None] * len(ids),
            "members_band": [None] * len(ids),
            "period": [None] * len(ids),
            "observer_id": ["obs-01"] * len(ids),
            "observed_until": [30] * len(ids),
            "source": ["synthetic"] * len(ids),
        }
    )
    ind = pl.DataFrame(
        {
            "case_id": ids,
            "code": [
                "org.minor_category" if c in child_cases else "content.sexual_deepfake" for c in ids
            ],
            "evidence": [None] * len(ids),
        },
        schema_overrides={"evidence": pl.String},
    )
    expo = pl.DataFrame(
        expo_rows, schema=["observer_id", "case_id", "week", "minutes"], orient="row"
    )
    return CaseBook.from_frames(cases=cases, indicators=ind, exposure=expo)


ROWS = [
    ("obs-01", "CH1", 1, 150),
    ("obs-01", "DF2", 1, 90),  # week 1: exactly 240, not over
    ("obs-01", "DF2", 3, 241),  # week 3: over
    ("obs-02", "CH1", 2, 60),
    ("obs-02", "DF3", 2, 300),  # week 2: over, 60 of 360 urgent
]


def test_weekly_minutes_urgent_part_and_threshold():
    out = workload.exposure(_book(ROWS))
    assert out.columns == [
        "observer_id",
        "week",
        "n_cases",
        "minutes",
        "urgent_minutes",
        "urgent_share",
        "threshold_minutes",
        "over_threshold",
    ]
    assert out.select("observer_id", "week", "n_cases", "minutes", "urgent_minutes").rows() == [
        ("obs-01", 1, 2, 240, 150),
        ("obs-01", 2, 0, 0, 0),
        ("obs-01", 3, 1, 241, 0),
        ("obs-02", 1, 0, 0, 0),
        ("obs-02", 2, 2, 360, 60),
        ("obs-02", 3, 0, 0, 0),
    ]
    assert out["over_threshold"].to_list() == [False, False, True, False, True, False]
    assert out["urgent_share"].to_list() == [0.625, None, 0.0, None, pytest.approx(1 / 6), None]
    assert set(out["threshold_minutes"]) == {240.0}


def test_custom_threshold_and_bad_threshold():
    out = workload.exposure(_book(ROWS), threshold_minutes=100)
    assert out["over_threshold"].sum() == 3
    with pytest.raises(ValueError, match="threshold_minutes"):
        workload.exposure(_book(ROWS), threshold_minutes=-1)


def test_empty_exposure_and_lazy_book():
    empty = workload.exposure(CaseBook.from_frames())
    assert empty.height == 0 and "over_threshold" in empty.columns
    book = _book(ROWS)
    assert workload.exposure(book.lazy()).equals(workload.exposure(book))


@pytest.fixture(scope="module")
def generated():
    # Generated once for this module (well under a second at this size).
    return vt.generate(cases=5000, seed=31)


def test_default_threshold_is_the_generators_planted_default(generated):
    planted = generated.manifest["planted"]["exposure"]["default_weekly_threshold_minutes"]
    assert planted == workload.DEFAULT_WEEKLY_THRESHOLD_MINUTES


def test_generated_minutes_are_conserved_and_urgent_is_the_child_archetype(generated):
    out = workload.exposure(generated)
    expo = generated.exposure.join(generated.planted.select("case_id", "archetype"), on="case_id")
    assert out["minutes"].sum() == expo["minutes"].sum()
    # urgent tier = child-signals archetype (see test_triage), so the urgent minutes are
    # exactly the minutes spent on that archetype
    child = expo.filter(pl.col("archetype") == "child_signals")
    assert out["urgent_minutes"].sum() == child["minutes"].sum() > 0
    per_week = expo.group_by("observer_id", "week").agg(pl.col("minutes").sum())
    joined = per_week.join(out, on=["observer_id", "week"], suffix="_out")
    assert (joined["minutes"] == joined["minutes_out"]).all()
    assert joined.height == per_week.height
    assert out["over_threshold"].sum() == (per_week["minutes"] > 240).sum()
