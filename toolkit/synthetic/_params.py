"""Parameters of the synthetic generator: one frozen dataclass with documented defaults.

Every default is an assumption made for synthetic data, chosen to resemble what
volunteer moderators describe (shares of space kinds, platform delays), never a
measurement of any real platform. Where a default comes from, the comment says so.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from toolkit import taxonomy as tx
from toolkit.model.schemas import ARCHETYPES

PATHS: tuple[str, ...] = ("platform_only", "platform_hotline", "platform_press")

#: The case type each archetype should derive to (``toolkit.taxonomy.derive_case_type``).
EXPECTED_CASE_TYPE: dict[str, str] = {
    "influencer_leaks": "leaks_tributes",
    "relatives_partners": "relatives_partners",
    "covert_marketplace": "covert_repurposed",
    "streamer_deepfakes": "deepfakes",
    "child_signals": "minor_signals",
    "directory_hub": "referral_hub",
}

#: Indicator codes that are not drawn from the copula but follow from the timeline:
#: ``platform.unresponsive`` iff the platform never acted (a ``no_response`` event),
#: ``platform.reappearance`` iff the case is the successor of a taken-down case.
DERIVED_CODES: tuple[str, ...] = ("platform.unresponsive", "platform.reappearance")


def _rates(**codes: float) -> dict[str, float]:
    """A full row of base rates (every copula code, 0 unless given); ``a__b`` is ``a.b``."""
    row = {c: 0.0 for c in tx.INDICATORS if c not in DERIVED_CODES}
    for key, p in codes.items():
        code = key.replace("__", ".")
        if code not in row:
            raise KeyError(f"{code!r} is not a drawn indicator code")
        row[code] = p
    return row


# Base rates: P(code present) per archetype. Assumptions, set so that (i) each
# archetype's signature codes dominate and the derived case type matches the
# expected one for the large majority of cases, (ii) child-exploitation codes occur
# only in `child_signals`, (iii) `target.minor` appears at a low rate elsewhere.
# fmt: off
_BASE_RATES: dict[str, dict[str, float]] = {
    "influencer_leaks": _rates(
        target__public_figure=0.92, target__relative=0.01, target__partner=0.01,
        target__minor=0.04, target__stranger=0.03, content__ncii_sharing=0.70,
        content__covert_capture=0.01, content__repurposed_photos=0.02,
        content__sexual_deepfake=0.03, content__tribute=0.60, content__dossier=0.20,
        org__per_target_channels=0.75, org__group_pressure=0.30, org__reward_exchange=0.40,
        org__normalisation=0.50, org__referral_out=0.35, org__external_hosting=0.55,
    ),
    "relatives_partners": _rates(
        target__public_figure=0.03, target__relative=0.80, target__partner=0.70,
        target__minor=0.06, target__stranger=0.05, content__ncii_sharing=0.80,
        content__covert_capture=0.02, content__repurposed_photos=0.03,
        content__sexual_deepfake=0.02, content__tribute=0.15, content__dossier=0.35,
        org__per_target_channels=0.40, org__group_pressure=0.45, org__reward_exchange=0.50,
        org__normalisation=0.55, org__referral_out=0.25, org__external_hosting=0.40,
    ),
    "covert_marketplace": _rates(
        target__public_figure=0.02, target__relative=0.02, target__partner=0.01,
        target__minor=0.04, target__stranger=0.85, content__ncii_sharing=0.20,
        content__covert_capture=0.75, content__repurposed_photos=0.70,
        content__sexual_deepfake=0.02, content__tribute=0.10, content__dossier=0.10,
        org__per_target_channels=0.15, org__group_pressure=0.20, org__reward_exchange=0.35,
        org__normalisation=0.60, org__referral_out=0.25, org__external_hosting=0.45,
    ),
    "streamer_deepfakes": _rates(
        target__public_figure=0.85, target__relative=0.03, target__partner=0.02,
        target__minor=0.05, target__stranger=0.05, content__ncii_sharing=0.25,
        content__covert_capture=0.01, content__repurposed_photos=0.10,
        content__sexual_deepfake=0.93, content__tribute=0.30, content__dossier=0.15,
        org__per_target_channels=0.55, org__group_pressure=0.35, org__reward_exchange=0.45,
        org__normalisation=0.50, org__referral_out=0.30, org__external_hosting=0.50,
    ),
    "child_signals": _rates(
        target__public_figure=0.05, target__relative=0.10, target__partner=0.02,
        target__minor=0.85, target__stranger=0.10, content__ncii_sharing=0.30,
        content__covert_capture=0.05, content__repurposed_photos=0.05,
        content__sexual_deepfake=0.05, content__tribute=0.05, content__dossier=0.15,
        content__minor_sexualisation=0.50, content__minor_image_request=0.55,
        content__age_focus=0.70, org__per_target_channels=0.20, org__minor_category=0.45,
        org__group_pressure=0.40, org__reward_exchange=0.45, org__normalisation=0.40,
        org__referral_out=0.30, org__external_hosting=0.35,
    ),
    "directory_hub": _rates(
        target__minor=0.02, org__group_pressure=0.10, org__reward_exchange=0.15,
        org__normalisation=0.25, org__referral_out=1.0, org__external_hosting=0.50,
    ),
}
# fmt: on


@dataclass(frozen=True)
class GeneratorParams:
    """Every parameter of the synthetic generator (all written to ``manifest["params"]``).

    The defaults are assumptions for synthetic data, not measurements; see
    ``docs/synthetic-data.md`` for what each one means.
    """

    # Shares of originating (non-successor) cases per archetype, averaged over periods.
    # Assumption: leak/tribute and relatives spaces are the most common reports in
    # moderators' accounts; hubs are few but central.
    archetype_shares: dict[str, float] = field(
        default_factory=lambda: {
            "influencer_leaks": 0.26,
            "relatives_partners": 0.22,
            "covert_marketplace": 0.17,
            "streamer_deepfakes": 0.22,
            "child_signals": 0.10,
            "directory_hub": 0.03,
        }
    )
    # Periods: quarters from `first_year`-Q1, each `days_per_period` days long.
    first_year: int = 2023
    n_periods: int = 12
    days_per_period: int = 91
    # Planted trend: the deepfake share rises linearly across periods, from
    # `trend_start_share` to 2 * archetype_shares[trend_archetype] - trend_start_share
    # (so its average stays the planted share). Assumption mirroring the reported rise
    # of generated sexual imagery since 2023.
    trend_archetype: str = "streamer_deepfakes"
    trend_start_share: float = 0.12
    # Indicators: per-archetype marginal base rates and a one-factor Gaussian copula
    # loading (the same latent factor for every code of a case): codes co-occur while
    # each marginal stays exactly the base rate.
    base_rates: dict[str, dict[str, float]] = field(
        default_factory=lambda: {a: dict(r) for a, r in _BASE_RATES.items()}
    )
    copula_loading: float = 0.45
    # Escalation paths per archetype. Child-signal spaces are mostly also reported to a
    # national hotline (the recommended triage for that tier).
    # fmt: off
    path_shares: dict[str, dict[str, float]] = field(default_factory=lambda:
        {
            "influencer_leaks": {"platform_only": 0.55, "platform_hotline": 0.25, "platform_press": 0.20},
            "relatives_partners": {"platform_only": 0.55, "platform_hotline": 0.35, "platform_press": 0.10},
            "covert_marketplace": {"platform_only": 0.65, "platform_hotline": 0.25, "platform_press": 0.10},
            "streamer_deepfakes": {"platform_only": 0.50, "platform_hotline": 0.25, "platform_press": 0.25},
            "child_signals": {"platform_only": 0.05, "platform_hotline": 0.85, "platform_press": 0.10},
            "directory_hub": {"platform_only": 0.75, "platform_hotline": 0.20, "platform_press": 0.05},
        }
    )
    # fmt: on
    # Delay from first report to takedown: lognormal(median_days, sigma); a share of
    # cases is never acted on. Assumption: escalation (hotline, then press) shortens
    # delays and lowers the share ignored, as moderators report.
    path_delays: dict[str, dict[str, float]] = field(
        default_factory=lambda: {
            "platform_only": {"median_days": 24.0, "sigma": 0.9, "never_acted_share": 0.35},
            "platform_hotline": {"median_days": 12.0, "sigma": 0.8, "never_acted_share": 0.15},
            "platform_press": {"median_days": 7.0, "sigma": 0.7, "never_acted_share": 0.10},
        }
    )
    # On the press path, the share of cases also reported to the hotline (before press).
    press_also_hotline_share: float = 0.5
    # First report 0..max days after discovery; escalation 0..max days after it.
    report_day_max: int = 3
    escalation_day_max: int = 6
    # A `no_response` event marks a case never acted on, this many days after report.
    no_response_after_days: int = 14
    # Share of acted cases with a `platform_response` acknowledgement event.
    acknowledgement_share: float = 0.5
    # Observation window (right-censoring): observed_until ~ uniform days after
    # discovery; extended to a reappearance day when the space respawned.
    observed_until_min: int = 120
    observed_until_max: int = 240
    # Reappearance chains: a taken-down (observed) case respawns as a new documented
    # case with this probability, after a lognormal delay from its takedown.
    respawn_probability: float = 0.35
    respawn_delay_median_days: float = 12.0
    respawn_delay_sigma: float = 0.7
    max_chain_depth: int = 8
    # Referral network: K communities (at most one per 25 cases for small datasets).
    n_communities: int = 8
    cases_per_community_min: int = 25
    referrals_per_case_mean: float = 1.2
    internal_share: float = 0.85
    hub_referrals_min: int = 15
    hub_referrals_extra_mean: float = 25.0
    hub_internal_share: float = 0.30
    undocumented_share: float = 0.20
    undocumented_pool_ratio: float = 0.25
    referral_day_missing_share: float = 0.10
    referral_kind_shares: dict[str, float] = field(
        default_factory=lambda: {
            "invitation": 0.45,
            "private_channel": 0.25,
            "mirror": 0.15,
            "external_hosting": 0.15,
        }
    )
    hub_referral_kind_shares: dict[str, float] = field(
        default_factory=lambda: {"invitation": 0.85, "private_channel": 0.15}
    )
    # Case attributes per archetype (assumptions).
    members_band_shares: dict[str, list[float]] = field(
        default_factory=lambda: {
            "influencer_leaks": [0.10, 0.25, 0.40, 0.25],
            "relatives_partners": [0.35, 0.40, 0.20, 0.05],
            "covert_marketplace": [0.25, 0.35, 0.30, 0.10],
            "streamer_deepfakes": [0.10, 0.25, 0.40, 0.25],
            "child_signals": [0.40, 0.35, 0.20, 0.05],
            "directory_hub": [0.05, 0.15, 0.40, 0.40],
        }
    )
    members_band_missing_share: float = 0.05
    platform_kind_shares: dict[str, list[float]] = field(
        default_factory=lambda: {
            "influencer_leaks": [0.70, 0.15, 0.05, 0.05, 0.05],
            "relatives_partners": [0.55, 0.30, 0.05, 0.05, 0.05],
            "covert_marketplace": [0.35, 0.25, 0.15, 0.15, 0.10],
            "streamer_deepfakes": [0.70, 0.15, 0.05, 0.05, 0.05],
            "child_signals": [0.45, 0.35, 0.05, 0.10, 0.05],
            "directory_hub": [0.75, 0.20, 0.03, 0.01, 0.01],
        }
    )
    discovery_route_shares: dict[str, list[float]] = field(
        default_factory=lambda: {
            "influencer_leaks": [0.25, 0.20, 0.15, 0.20, 0.15, 0.05],
            "relatives_partners": [0.15, 0.25, 0.20, 0.15, 0.20, 0.05],
            "covert_marketplace": [0.30, 0.15, 0.20, 0.15, 0.15, 0.05],
            "streamer_deepfakes": [0.25, 0.20, 0.15, 0.15, 0.15, 0.10],
            "child_signals": [0.30, 0.15, 0.15, 0.15, 0.20, 0.05],
            "directory_hub": [0.35, 0.25, 0.05, 0.25, 0.05, 0.05],
        }
    )
    # Successors are found by following the parent (referral) or by re-inspection.
    successor_referral_share: float = 0.6
    # Observers and exposure. Mean minutes per case-week: child-signal spaces cost more
    # (severity and the care needed), directories less (assumptions).
    cases_per_observer: int = 75
    exposure_minutes_mean: dict[str, float] = field(
        default_factory=lambda: {
            "influencer_leaks": 45.0,
            "relatives_partners": 50.0,
            "covert_marketplace": 40.0,
            "streamer_deepfakes": 45.0,
            "child_signals": 90.0,
            "directory_hub": 20.0,
        }
    )
    exposure_gamma_shape: float = 2.0
    watch_weeks_mean: float = 4.0
    watch_weeks_max: int = 26
    # Assumption: content-moderator wellbeing guidance advises limiting exposure to
    # distressing material to a few hours a week; 4 hours is used as the default alert.
    weekly_threshold_minutes: int = 240
    # Actions (besides those that mirror events): shares per case.
    minimal_evidence_share: float = 0.6
    leave_space_share: float = 0.25
    ban_share: float = 0.3
    hub_ban_share: float = 0.6
    action_day_missing_share: float = 0.2
    pause_share: float = 0.05

    def __post_init__(self) -> None:
        _check_params(self)

    def to_json(self) -> dict[str, Any]:
        """All parameters as plain JSON types (for ``manifest["params"]``)."""
        return _plain(asdict(self))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return float(value)
    return value


def _check_params(p: GeneratorParams) -> None:
    def bad(msg: str) -> None:
        raise ValueError(f"GeneratorParams: {msg}")

    if set(p.archetype_shares) != set(ARCHETYPES):
        bad(f"archetype_shares must name exactly the archetypes {list(ARCHETYPES)}")
    if abs(sum(p.archetype_shares.values()) - 1) > 1e-9:
        bad("archetype_shares must sum to 1")
    end = 2 * p.archetype_shares[p.trend_archetype] - p.trend_start_share
    if not (0 <= p.trend_start_share < 1 and 0 <= end < 1):
        bad("the trend must keep the trend archetype's share between 0 and 1")
    for arch in ARCHETYPES:
        rates = p.base_rates.get(arch)
        if rates is None:
            bad(f"base_rates has no row for archetype {arch!r}")
        for code, rate in rates.items():
            if not 0 <= rate <= 1:
                bad(f"base rate of {code!r} in {arch!r} must be a probability")
            if code in tx.CHILD_SIGNAL_CODES and arch != "child_signals" and rate > 0:
                bad(f"child-exploitation code {code!r} may only occur in 'child_signals'")
        if abs(sum(p.path_shares[arch].values()) - 1) > 1e-9 or set(p.path_shares[arch]) != set(
            PATHS
        ):
            bad(f"path_shares of {arch!r} must give the three paths and sum to 1")
        for name, table, n in [
            ("members_band_shares", p.members_band_shares, len(tx.MEMBERS_BANDS)),
            ("platform_kind_shares", p.platform_kind_shares, len(tx.PLATFORM_KINDS)),
            ("discovery_route_shares", p.discovery_route_shares, len(tx.DISCOVERY_ROUTES)),
        ]:
            if len(table[arch]) != n or abs(sum(table[arch]) - 1) > 1e-9:
                bad(f"{name} of {arch!r} needs {n} shares summing to 1")
    for path, spec in p.path_delays.items():
        if not 0 <= spec["never_acted_share"] < 0.5:
            bad(f"never_acted_share of {path!r} must be below 0.5 (a KM median must exist)")
    if not 0 <= p.copula_loading < 1:
        bad("copula_loading must be in [0, 1)")
    if not 0 <= p.respawn_probability < 1:
        bad("respawn_probability must be in [0, 1)")
    if p.observed_until_min < p.report_day_max + p.no_response_after_days:
        bad("observed_until_min must leave room for the report and no-response events")
