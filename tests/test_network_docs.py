"""The networks section of docs/analyses.md stays true to the code."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from toolkit import network as net
from toolkit.network import _centrality, _dismantle, _sparse

DOC = Path(__file__).resolve().parent.parent / "docs" / "analyses.md"


@pytest.fixture(scope="module")
def section() -> str:
    text = DOC.read_text(encoding="utf-8")
    assert "## Networks and the hydra" in text
    # whitespace-insensitive, so rewrapping the prose does not break the checks
    return " ".join(text.split("## Networks and the hydra", 1)[1].split())


def test_every_public_function_is_documented(section):
    public = [n for n in net.__all__ if inspect.isfunction(getattr(net, n))]
    missing = [n for n in public if f"vt.network.{n}(" not in section]
    assert not missing, f"document these in docs/analyses.md: {missing}"


def test_thresholds_in_the_text_are_the_codes_defaults(section):
    assert _centrality.HUB_MIN_OUT_DEGREE == 10 and "at least 10 spaces" in section
    assert _centrality.HUB_MIN_COMMUNITIES == 3 and "at least 3 communities" in section
    assert _centrality.HUB_MIN_Z == 2.5 and "z-score ≥ 2.5" in section
    assert _sparse.PAGERANK_TOL == 1e-10 and "below 1e-10" in section
    assert _centrality.EXACT_BETWEENNESS_MAX_NODES == 1000 and "up to 1,000 spaces" in section
    assert _centrality.BETWEENNESS_SAMPLES == 256 and "`sampled_k256`" in section
    assert _dismantle.DEFAULT_MAX_RECOMPUTATIONS == 200 and "200 equal batches" in section
    assert _dismantle.MAX_RECOMPUTATIONS["betweenness"] == 50 and "50 for betweenness" in section
    assert _dismantle.STOP_RECOMPUTING_BELOW == 0.01 and "1 % of the spaces" in section
    for strategy in _dismantle.STRATEGIES:
        assert f"`{strategy}`" in section
    for role in _centrality.ROLES:
        assert f"`{role}`" in section
    for scenario in net._hydra.SCENARIOS:
        assert f"`{scenario}`" in section


def test_section_opens_under_the_pages_content_warning():
    text = DOC.read_text(encoding="utf-8")
    assert text.lstrip().startswith("# ") and "Content warning" in text.split("##", 1)[0]
