"""Snapshot tests of every chart's Vega-Lite spec (reviewable JSON in tests/snapshots/).

A change to a chart shows up as a diff of its spec. After checking that the change is
wanted, rewrite the snapshots with one command and review the diff::

    UPDATE_SNAPSHOTS=1 .venv/bin/pytest -q tests/test_chart_snapshots.py
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import altair as alt
import pytest

from toolkit import charts

_spec = importlib.util.spec_from_file_location(
    "chart_frames", Path(__file__).with_name("chart_frames.py")
)
F = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(F)

SNAPSHOTS = Path(__file__).with_name("snapshots")
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"
VARIANTS = (("en", "talk"), ("fr", "social"))


@pytest.fixture(scope="module")
def made() -> dict:
    return {v: F.all_charts(*v) for v in VARIANTS}


def _dump(spec: dict) -> str:
    return json.dumps(spec, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: f"{v[0]}-{v[1]}")
@pytest.mark.parametrize("figure", charts.FIGURES)
def test_spec_matches_snapshot(figure, variant, made):
    with alt.theme.enable(charts.THEME):
        text = _dump(made[variant][figure].to_dict())
    path = SNAPSHOTS / f"{figure}.{variant[0]}-{variant[1]}.vl.json"
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), (
        f"no snapshot {path.name}; create it with "
        "UPDATE_SNAPSHOTS=1 .venv/bin/pytest -q tests/test_chart_snapshots.py"
    )
    expected = path.read_text(encoding="utf-8")
    assert text == expected, (
        f"{figure} ({variant[0]}, {variant[1]}) differs from {path.name}; if the change is "
        "wanted: UPDATE_SNAPSHOTS=1 .venv/bin/pytest -q tests/test_chart_snapshots.py"
    )
