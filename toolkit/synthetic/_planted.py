"""The planted truth, computed from the parameters (what an analysis should recover).

Everything here is closed-form or a one-dimensional quadrature over the copula's
latent factor, so the planted values are exact expectations, not sample estimates.
"""

from __future__ import annotations

import copy
import functools
import json
import math
from typing import Any

import numpy as np
from scipy import stats

from toolkit import taxonomy as tx
from toolkit.model.schemas import ARCHETYPES
from toolkit.synthetic._params import DERIVED_CODES, EXPECTED_CASE_TYPE, PATHS, GeneratorParams

#: Indicator codes drawn from the copula, in taxonomy order.
DRAWN_CODES: tuple[str, ...] = tuple(c for c in tx.INDICATORS if c not in DERIVED_CODES)
#: Set in a child-signals case that drew no child code (so every such case has one).
CHILD_FALLBACK = "content.age_focus"

# Pairs whose joint probability is written to the manifest (a co-occurrence analysis
# can compare its lift with the planted one).
_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("influencer_leaks", "target.public_figure", "content.tribute"),
    ("influencer_leaks", "org.per_target_channels", "content.ncii_sharing"),
    ("relatives_partners", "target.relative", "target.partner"),
    ("covert_marketplace", "content.covert_capture", "content.repurposed_photos"),
    ("streamer_deepfakes", "content.sexual_deepfake", "org.per_target_channels"),
    ("child_signals", "content.age_focus", "content.minor_image_request"),
    ("directory_hub", "org.referral_out", "org.external_hosting"),
)

_GH_X, _GH_W = np.polynomial.hermite_e.hermegauss(96)
_GH_W = _GH_W / math.sqrt(2 * math.pi)


def present_given_factor(p: float, rho: float, z: np.ndarray) -> np.ndarray:
    """P(code present | latent factor z) in the one-factor Gaussian copula.

    A code is present iff ``Φ⁻¹(p) > −(ρ·z + √(1−ρ²)·ε)``, so given z this is
    ``Φ((Φ⁻¹(p) + ρ·z) / √(1−ρ²))``; integrating over z gives back ``p``.
    """
    if p <= 0:
        return np.zeros_like(z)
    if p >= 1:
        return np.ones_like(z)
    return stats.norm.cdf((stats.norm.ppf(p) + rho * z) / math.sqrt(1 - rho * rho))


def _expect(values: np.ndarray) -> float:
    return float(np.sum(_GH_W * values))


def child_none_probability(params: GeneratorParams) -> float:
    """P(no child-exploitation code drawn) in the child archetype (before forcing one)."""
    rates = params.base_rates["child_signals"]
    absent = np.ones_like(_GH_X)
    for code in tx.CHILD_SIGNAL_CODES:
        absent = absent * (1 - present_given_factor(rates[code], params.copula_loading, _GH_X))
    return _expect(absent)


def final_base_rates(params: GeneratorParams) -> dict[str, dict[str, float]]:
    """P(code present) per archetype for every indicator code, as realised by the generator.

    Drawn codes keep their base rate, except that a child-signals case with no child
    code gets ``content.age_focus`` (so its rate rises by P(none)). Derived codes:
    ``platform.unresponsive`` = Σ_path share·never_acted_share, and
    ``platform.reappearance`` = the expected share of successors among the archetype's
    cases (see ``successor_share``).
    """
    none = child_none_probability(params)
    out: dict[str, dict[str, float]] = {}
    for arch in ARCHETYPES:
        row = {code: float(params.base_rates[arch].get(code, 0.0)) for code in DRAWN_CODES}
        if arch == "child_signals":
            row[CHILD_FALLBACK] += none
        shares = params.path_shares[arch]
        row["platform.unresponsive"] = sum(
            shares[p] * params.path_delays[p]["never_acted_share"] for p in PATHS
        )
        row["platform.reappearance"] = successor_share(params, arch)
        out[arch] = {code: round(row[code], 6) for code in tx.INDICATORS}
    return out


def km_median_days(median_days: float, sigma: float, never_acted_share: float) -> float:
    """Median time from first report to takedown when never-acted cases are never taken down.

    Solves ``(1 − q)·F(t) = 0.5`` for the lognormal F: ``t = exp(μ + σ·Φ⁻¹(0.5/(1 − q)))``
    with ``μ = ln(median_days)``; requires q < 0.5.
    """
    q = never_acted_share
    return float(math.exp(math.log(median_days) + sigma * stats.norm.ppf(0.5 / (1 - q))))


def takedown_observed_probability(params: GeneratorParams, path: str) -> float:
    """P(a takedown is observed) on a path: acted on, and the rounded delay within the window.

    The takedown day is ``r + max(1, round(D))`` with r uniform on 0..report_day_max and
    observed iff it is at most observed_until (uniform on its range).
    """
    spec = params.path_delays[path]
    r = np.arange(params.report_day_max + 1)
    obs = np.arange(params.observed_until_min, params.observed_until_max + 1)
    room = obs[None, :] - r[:, None]  # the largest delay in days still observed
    # lognormal CDF written out (a frozen scipy distribution is slow to build)
    cdf = stats.norm.cdf((np.log(room + 0.5) - math.log(spec["median_days"])) / spec["sigma"])
    return float((1 - spec["never_acted_share"]) * cdf.mean())


def successor_share(params: GeneratorParams, archetype: str) -> float:
    """Expected share of successors among an archetype's cases (a branching process).

    Each case has m = p·P(takedown observed) successors on average (paths drawn per
    case), chains stop at ``max_chain_depth``: share = Σ_{k=1..D} mᵏ / Σ_{k=0..D} mᵏ.
    """
    m = params.respawn_probability * sum(
        params.path_shares[archetype][p] * takedown_observed_probability(params, p) for p in PATHS
    )
    powers = [m**k for k in range(params.max_chain_depth + 1)]
    return float(sum(powers[1:]) / sum(powers))


def cooccurring_pairs(params: GeneratorParams) -> list[dict[str, Any]]:
    """Planted joint probability and lift of a few code pairs (copula quadrature)."""
    rows = []
    rho = params.copula_loading
    final = final_base_rates(params)
    for arch, a, b in _PAIRS:
        pa, pb = params.base_rates[arch].get(a, 0.0), params.base_rates[arch].get(b, 0.0)
        joint = _expect(present_given_factor(pa, rho, _GH_X) * present_given_factor(pb, rho, _GH_X))
        fa, fb = final[arch][a], final[arch][b]
        rows.append(
            {
                "archetype": arch,
                "a": a,
                "b": b,
                "p_a": fa,
                "p_b": fb,
                "p_ab": round(joint, 6),
                "lift": round(joint / (fa * fb), 6) if fa * fb > 0 else None,
            }
        )
    return rows


def period_labels(params: GeneratorParams) -> list[str]:
    return [f"{params.first_year + i // 4}-Q{i % 4 + 1}" for i in range(params.n_periods)]


def trend_shares(params: GeneratorParams) -> np.ndarray:
    """Archetype shares per period (rows: periods, columns: ARCHETYPES)."""
    shares = np.array([params.archetype_shares[a] for a in ARCHETYPES])
    k = ARCHETYPES.index(params.trend_archetype)
    start = params.trend_start_share
    end = 2 * shares[k] - start
    t = np.linspace(0, 1, params.n_periods) if params.n_periods > 1 else np.array([0.5])
    trend = start + (end - start) * t
    others = np.delete(shares, k)
    table = np.empty((params.n_periods, len(ARCHETYPES)))
    table[:, k] = trend
    rest = others[None, :] * ((1 - trend) / others.sum())[:, None]
    table[:, [i for i in range(len(ARCHETYPES)) if i != k]] = rest
    return table


def planted_manifest(params: GeneratorParams, **sizes: Any) -> dict[str, Any]:
    """The ``manifest["planted"]`` block (the quadratures are computed once per params)."""
    key = json.dumps(params.to_json(), sort_keys=True)
    return _planted_sizes(params, copy.deepcopy(_quadratures(key)), **sizes)


@functools.lru_cache(maxsize=8)
def _quadratures(key: str) -> dict[str, Any]:
    from toolkit.synthetic._params import GeneratorParams

    params = GeneratorParams(**json.loads(key))
    return {"base_rates": final_base_rates(params), "pairs": cooccurring_pairs(params)}


def _planted_sizes(
    params: GeneratorParams,
    computed: dict[str, Any],
    *,
    n_communities: int,
    hub_ids: list[str],
    n_observers: int,
    n_weeks: int,
    undocumented_prefix: str,
) -> dict[str, Any]:
    """The ``manifest["planted"]`` block."""
    periods = period_labels(params)
    trend = trend_shares(params)
    k = ARCHETYPES.index(params.trend_archetype)
    paths = {}
    for path in PATHS:
        spec = params.path_delays[path]
        paths[path] = {
            "median_days": spec["median_days"],
            "sigma": spec["sigma"],
            "never_acted_share": spec["never_acted_share"],
            "km_median_days": round(km_median_days(**spec), 6),
        }
    return {
        "archetypes": list(ARCHETYPES),
        "archetype_shares": dict(params.archetype_shares),
        "archetype_shares_note": "shares among originating cases; successors inherit their "
        "parent's archetype",
        "expected_case_type": dict(EXPECTED_CASE_TYPE),
        "base_rates": computed["base_rates"],
        "copula": {
            "loading": params.copula_loading,
            "rule": "code present iff Phi^-1(p) > -(rho*z + sqrt(1-rho^2)*eps), one latent z "
            "per case shared by all its codes",
        },
        "derived_codes": {
            "platform.unresponsive": "present iff the platform never acted (no_response event)",
            "platform.reappearance": "present iff the case is a successor of a taken-down case",
            "content.age_focus": "also set in a child_signals case that drew no child code",
        },
        "cooccurring_pairs": computed["pairs"],
        "path_shares": {a: dict(params.path_shares[a]) for a in ARCHETYPES},
        "paths": paths,
        "time_to_takedown_origin": "first report (reported_platform day); never-acted cases "
        "have a no_response event and no takedown",
        "highest_escalation": "platform_press path: alerted_press (and, for some, "
        "reported_hotline) before any takedown; platform_hotline: reported_hotline",
        "respawn_probability": params.respawn_probability,
        "respawn_rate": params.respawn_probability,
        "respawn_rate_definition": "share of cases with an observed takedown that have a "
        "documented successor (a reappearance referral); equals respawn_probability up to "
        "the chain-depth cap (cases at max_chain_depth do not respawn, < 1e-4 of cases)",
        "respawn_delay_median_days": params.respawn_delay_median_days,
        "respawn_delay_sigma": params.respawn_delay_sigma,
        "respawn_delay_origin": "parent's takedown day, in the parent's day frame",
        "max_chain_depth": params.max_chain_depth,
        "observed_until_days": [params.observed_until_min, params.observed_until_max],
        "observed_until_note": "extended to the reappearance day when a space respawned",
        "n_communities": n_communities,
        "internal_share": params.internal_share,
        "internal_share_note": "share of a non-hub case's non-reappearance referrals that "
        "stay in its community (documented and undocumented targets alike)",
        "hub_ids": hub_ids,
        "hub_internal_share": params.hub_internal_share,
        "hub_referrals_mean": params.hub_referrals_min + params.hub_referrals_extra_mean,
        "referrals_per_case_mean": params.referrals_per_case_mean,
        "undocumented_share": params.undocumented_share,
        "undocumented_prefix": undocumented_prefix,
        "periods": periods,
        "trend": {
            "archetype": params.trend_archetype,
            "share_by_period": {p: round(float(trend[i, k]), 6) for i, p in enumerate(periods)},
            "note": "share among originating cases of each period; successors are filed in "
            "the period of their own discovery (the last period at most)",
        },
        "exposure": {
            "mean_minutes_per_case_week": dict(params.exposure_minutes_mean),
            "n_observers": n_observers,
            "weeks": n_weeks,
            "watch_weeks_mean": params.watch_weeks_mean,
            "default_weekly_threshold_minutes": params.weekly_threshold_minutes,
            "threshold_reason": "assumption: content-moderator wellbeing guidance advises "
            "limiting exposure to distressing material to a few hours a week",
        },
    }
