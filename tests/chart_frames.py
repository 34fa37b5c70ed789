"""Small analysis results, built by hand with the documented columns, for chart tests.

Imported by ``test_charts.py`` and ``test_chart_snapshots.py`` (by file path: the
tests run with ``--import-mode=importlib``). The numbers are chosen so that every
figure has cells to suppress (1–4) and cells to show.
"""

from __future__ import annotations

from itertools import pairwise

import networkx as nx
import polars as pl


def prevalence() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "code": [
                "content.tribute",
                "target.public_figure",
                "target.minor",
                "org.normalisation",
            ],
            "n_cases": [1234, 617, 3, 0],
            "n_total": [2000] * 4,
            "share": [0.617, 0.3085, 0.0015, 0.0],
            "ci_low": [0.5956, 0.2886, 0.0005, 0.0],
            "ci_high": [0.6379, 0.3291, 0.0044, 0.0019],
        }
    )


def cooccurrence() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "code_a": ["target.public_figure", "target.public_figure", "content.tribute"],
            "code_b": ["content.tribute", "target.minor", "target.minor"],
            "n_a": [617, 617, 1234],
            "n_b": [1234, 3, 3],
            "n_both": [500, 2, 0],
            "jaccard": [0.3969, 0.0032, 0.0],
            "lift": [1.3134, 2.1610, 0.0],
            "p_value": [1e-12, 0.2, 0.9],
            "q_value": [3e-12, 0.3, 0.9],
        }
    )


def case_types() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "period": ["2024-Q1"] * 3 + ["2024-Q2"] * 3,
            "case_type": ["deepfakes", "leaks_tributes", "minor_signals"] * 2,
            "n_cases": [12, 30, 2, 15, 28, 9],
        }
    )


def triage() -> pl.DataFrame:
    tiers = ["urgent"] * 3 + ["high"] * 40 + ["standard"] * 57
    return pl.DataFrame({"case_id": [f"C{i:03d}A" for i in range(len(tiers))], "tier": tiers})


def funnel() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "stage": ["reported", "acknowledged", "taken_down", "reappeared"],
            "n_cases": [1234, 800, 617, 4],
            "share": [1.0, 0.6483, 0.5, 0.0032],
        }
    )


def survival() -> pl.DataFrame:
    rows = []
    for path, at_risk, decay in (("platform_only", 40, 0.97), ("platform_press", 12, 0.8)):
        s = 1.0
        for day in (1, 3, 7, 14, 30):
            s *= decay
            rows.append(
                (path, day, at_risk, round(s, 4), round(s * 0.9, 4), round(min(1, s * 1.05), 4))
            )
            at_risk -= 3
    return pl.DataFrame(
        rows, schema=["path", "day", "at_risk", "survival", "ci_low", "ci_high"], orient="row"
    )


def response_summary() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "path": ["platform_only", "platform_hotline", "platform_press"],
            "n": [325, 180, 3],
            "n_taken_down": [207, 150, 3],
            "median_days": [42.0, 13.0, 7.0],
            "median_ci_low": [33.0, 12.0, 6.0],
            "median_ci_high": [56.0, 17.0, 8.0],
            "share_within_3d": [0.0123, 0.05, 0.3333],
            "share_within_7d": [0.0615, 0.2667, 0.6667],
            "never_acted_share": [0.3631, 0.1667, 0.0],
        }
    )


def exposure() -> pl.DataFrame:
    rows = []
    for o in (1, 2, 3):
        for w in range(1, 9):
            minutes = (o * 37 + w * 53) % 300
            rows.append((f"obs-0{o}", w, 0, minutes, minutes // 4, None, 240.0, minutes > 240))
    return pl.DataFrame(
        rows,
        schema=[
            "observer_id",
            "week",
            "n_cases",
            "minutes",
            "urgent_minutes",
            "urgent_share",
            "threshold_minutes",
            "over_threshold",
        ],
        orient="row",
    )


def graph() -> tuple[nx.DiGraph, pl.DataFrame]:
    """Two communities bridged by a hub, plus a detached pair (not drawn)."""
    G = nx.DiGraph()
    left = [f"L{i}A" for i in range(6)]
    right = [f"R{i}B" for i in range(6)]
    for group in (left, right):
        for a, b in pairwise(group):
            G.add_edge(a, b)
        G.add_edge(group[-1], group[0])
    for n in left[:3] + right[:3]:
        G.add_edge("HUB1X", n)
    G.add_edge("ISO1A", "ISO2B")
    nodes = sorted(G.nodes)
    community = {
        n: (0 if n in left else 1 if n in right else 2 if n == "HUB1X" else 3) for n in nodes
    }
    cen = pl.DataFrame(
        {
            "node": nodes,
            "documented": [True] * len(nodes),
            "in_degree": [G.in_degree(n) for n in nodes],
            "out_degree": [G.out_degree(n) for n in nodes],
            "pagerank": [0.2 if n == "HUB1X" else 0.8 / (len(nodes) - 1) for n in nodes],
            "betweenness": [0.0] * len(nodes),
            "betweenness_method": ["exact"] * len(nodes),
            "weak_component": [1 if n.startswith("ISO") else 0 for n in nodes],
            "strong_component": [0] * len(nodes),
            "community": [community[n] for n in nodes],
            "out_communities": [2 if n == "HUB1X" else 1 for n in nodes],
            "bowtie": ["core"] * len(nodes),
            "role": ["hub" if n == "HUB1X" else "core" for n in nodes],
        }
    )
    return G, cen


def lineages() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "lineage_id": [1, 1, 1, 2, 2],
            "case_id": ["A10B", "A11B", "A12B", "B20C", "B21C"],
            "parent_id": [None, "A10B", "A11B", None, "B20C"],
            "generation": [0, 1, 2, 0, 1],
            "days_after_takedown": [None, 4, 9, None, 12],
            "documented": [True] * 5,
        }
    )


def dismantling() -> pl.DataFrame:
    rows = []
    for strategy, adaptive, speed in (
        ("random", False, 1.0),
        ("in_degree", False, 1.6),
        ("in_degree", True, 2.2),
    ):
        curve = [max(0.0, 1.0 - speed * q / 10) for q in range(11)]
        r = sum(curve[1:]) / 10
        for q, s in enumerate(curve):
            rows.append((strategy, adaptive, q, None, q / 10, round(s, 4), round(r, 4)))
    return pl.DataFrame(
        rows,
        schema=[
            "strategy",
            "adaptive",
            "step",
            "node",
            "fraction_removed",
            "largest_component",
            "robustness",
        ],
        orient="row",
    )


def all_charts(lang: str, preset: str) -> dict:
    """Every figure of ``charts.FIGURES`` drawn from these frames."""
    from toolkit import charts

    G, cen = graph()
    return {
        "prevalence": charts.prevalence(prevalence(), lang=lang, preset=preset),
        "cooccurrence": charts.cooccurrence(cooccurrence(), lang=lang, preset=preset),
        "case_types_over_time": charts.case_types_over_time(case_types(), lang=lang, preset=preset),
        "triage_tiers": charts.triage_tiers(triage(), lang=lang, preset=preset),
        "escalation_funnel": charts.escalation_funnel(funnel(), lang=lang, preset=preset),
        "survival": charts.survival(survival(), lang=lang, preset=preset),
        "takedown_within": charts.takedown_within(response_summary(), lang=lang, preset=preset),
        "referral_network": charts.referral_network(G, cen, seed=3, lang=lang, preset=preset),
        "hydra_lineages": charts.hydra_lineages(lineages(), lang=lang, preset=preset),
        "dismantling": charts.dismantling(dismantling(), lang=lang, preset=preset),
        "workload": charts.workload(exposure(), lang=lang, preset=preset),
    }
