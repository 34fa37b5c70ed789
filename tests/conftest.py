"""Shared fixtures: small hand-built CaseBooks whose numbers are known by construction."""

from __future__ import annotations

import os

import polars as pl
import pytest
from hypothesis import HealthCheck, settings

from toolkit.model import CaseBook

os.environ.setdefault("TZ", "UTC")

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=25, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture
def tiny_book() -> CaseBook:
    """Three cases, every table filled, all rules respected."""
    cases = pl.DataFrame(
        {
            "case_id": ["A105G", "B220K", "C310P"],
            "title": ["Server of deepfakes", "Directory server", "Covert photos channel"],
            "case_type": ["deepfakes", "referral_hub", "covert_repurposed"],
            "platform_kind": ["chat_server", "chat_server", "messaging_channel"],
            "discovered_via": ["invitation", "inspection_tool", None],
            "members_band": ["200-999", "1000+", None],
            "period": ["2024-Q1", "2024-Q2", None],
            "observer_id": ["obs-01", "obs-02", "obs-01"],
            "observed_until": [40, 30, 10],
            "source": ["synthetic"] * 3,
        }
    )
    indicators = pl.DataFrame(
        {
            "case_id": ["A105G", "A105G", "B220K", "C310P"],
            "code": [
                "content.sexual_deepfake",
                "target.public_figure",
                "org.referral_out",
                "content.covert_capture",
            ],
            "evidence": [None, None, None, None],
        }
    )
    actions = pl.DataFrame(
        {
            "case_id": ["A105G", "B220K"],
            "code": ["report_platform", "document"],
            "day": [1, None],
        }
    )
    events = pl.DataFrame(
        {
            "case_id": ["A105G", "A105G", "A105G", "B220K", "C310P", "C310P"],
            "day": [0, 1, 19, 0, 0, 2],
            "event": [
                "discovered",
                "reported_platform",
                "takedown",
                "discovered",
                "discovered",
                "reported_platform",
            ],
        }
    )
    referrals = pl.DataFrame(
        {
            "source_id": ["B220K", "B220K", "A105G"],
            "target_id": ["A105G", "X900U", "D221K"],
            "kind": ["invitation", "invitation", "reappearance"],
            "day": [None, 3, 23],
        }
    )
    exposure = pl.DataFrame(
        {
            "observer_id": ["obs-01", "obs-02"],
            "case_id": ["A105G", "B220K"],
            "week": [1, 1],
            "minutes": [45, 30],
        }
    )
    return CaseBook.from_frames(
        cases=cases,
        indicators=indicators,
        actions=actions,
        events=events,
        referrals=referrals,
        exposure=exposure,
        manifest={"source": "synthetic"},
    )


def fake_identifier(name: str) -> str:
    """A fake identifier from ``tests/fixtures/identifiers/values.json``.

    Test code never spells an identifier itself: the one folder allowed to hold fake
    identifiers is ``tests/fixtures/identifiers/`` (the only path the audit skips).
    """
    import json
    from pathlib import Path

    path = Path(__file__).parent / "fixtures" / "identifiers" / "values.json"
    return json.loads(path.read_text(encoding="utf-8"))[name]
