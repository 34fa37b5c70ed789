"""The generation stages, vectorised with numpy (no Python loop per case).

Stages: reappearance chains (a skeleton of cases with their timelines), case
attributes, indicators (Gaussian copula), events, actions, referrals, exposure.
Every stage draws from one ``numpy.random.Generator`` in a fixed order, so the same
seed and version give identical tables.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy import stats

from toolkit import taxonomy as tx
from toolkit.model import CaseBook
from toolkit.model.schemas import ARCHETYPES
from toolkit.synthetic._params import PATHS, GeneratorParams
from toolkit.synthetic._planted import (
    CHILD_FALLBACK,
    period_labels,
    planted_manifest,
    trend_shares,
)

GENERATOR_VERSION = "1.0.0"
#: Upper bound on ``cases`` (composite int64 sort keys hold a case number in 27 bits).
MAX_CASES = 100_000_000
#: Documented cases are ``C`` + number + check letter; undocumented spaces ``X`` + …,
#: so an undocumented code can never equal a documented case id.
DOCUMENTED_PREFIX = "C"
UNDOCUMENTED_PREFIX = "X"
_CHECK_LETTERS = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ"))
_HUB = ARCHETYPES.index("directory_hub")
_CHILD = ARCHETYPES.index("child_signals")

# Neutral titles: a noun per platform kind + a phrase per archetype. No word in them
# may trigger a case-type title hint (a test checks it), and none names anyone.
_NOUNS = {
    "chat_server": "Server",
    "messaging_channel": "Channel",
    "forum": "Forum thread",
    "image_board": "Image board thread",
    "social_network": "Group",
}
_PHRASES = {
    "influencer_leaks": (
        "sharing intimate images of public figures",
        "organised by person, about content creators",
        "collecting images of celebrities",
        "posting sexualised reactions to photos of creators",
    ),
    "relatives_partners": (
        "trading images of family members",
        "sharing images of former girlfriends",
        "trading images of classmates and colleagues",
        "sharing photos of people close to members",
    ),
    "covert_marketplace": (
        "of photos taken in public transport",
        "reposting photos from sale listings",
        "collecting photos taken in the street without consent",
        "of photos lifted from social media",
    ),
    "streamer_deepfakes": (
        "producing generated sexual images of streamers",
        "sharing AI-generated images of video creators",
        "taking face-swap requests about creators",
        "of generated sexual images of public figures",
    ),
    "child_signals": (
        "with a dedicated category for teenagers",
        "with repeated questions about age",
        "with requests for images of young people",
        "focused on school-age targets",
    ),
    "directory_hub": (
        "listing invitations to other spaces",
        "pointing members to many servers",
        "sharing lists of other groups",
        "indexing many other spaces",
    ),
}


def title_table() -> list[str]:
    """Every possible title, indexed by (platform kind, archetype, template)."""
    return [
        f"{_NOUNS[kind]} {phrase}"
        for kind in tx.PLATFORM_KINDS
        for arch in ARCHETYPES
        for phrase in _PHRASES[arch]
    ]


# ----------------------------------------------------------------------------- helpers


def _categorical(rng: np.random.Generator, table: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """One draw per row from the categorical distribution ``table[rows[i]]``."""
    cum = np.cumsum(table, axis=1)
    u = rng.random(len(rows))
    out = (u[:, None] >= cum[rows]).sum(axis=1)
    return np.minimum(out, table.shape[1] - 1).astype(np.int8)


def _lognormal_days(
    rng: np.random.Generator, median: np.ndarray | float, sigma: np.ndarray | float, n: int
) -> np.ndarray:
    """Whole days of a lognormal delay, at least 1 (rounded, so medians are kept)."""
    x = np.exp(np.log(median) + sigma * rng.standard_normal(n))
    return np.maximum(1, np.rint(np.minimum(x, 100_000))).astype(np.int32)


def case_codes(prefix: str, numbers: np.ndarray, width: int) -> pl.Series:
    """Case codes ``prefix + zero-padded number + check letter`` (e.g. ``C0042G``)."""
    numbers = np.asarray(numbers, dtype=np.int64)
    letters = _CHECK_LETTERS[(numbers * 7 + 3) % len(_CHECK_LETTERS)]
    frame = pl.DataFrame({"n": numbers, "l": letters})
    return frame.select(
        pl.concat_str(pl.lit(prefix), pl.col("n").cast(pl.String).str.zfill(width), pl.col("l"))
    ).to_series()


def _width(n: int) -> int:
    return max(3, len(str(max(n - 1, 0))))


def _enum(codes: np.ndarray, categories: tuple[str, ...] | list[str]) -> pl.Series:
    return pl.Series(np.asarray(codes, dtype=np.uint32)).cat.to(pl.Enum(list(categories)))


class _Stages:
    """A rich progress bar with one step per stage (or nothing)."""

    def __init__(self, enabled: bool, total: int):
        self.progress = None
        self.task = None
        if enabled:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self.progress = Progress(
                TextColumn("generating: {task.description:<12}"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
            )
            self.task = self.progress.add_task("start", total=total)

    @contextmanager
    def run(self) -> Iterator[_Stages]:
        if self.progress is None:
            yield self
            return
        with self.progress:
            yield self

    def step(self, name: str) -> None:
        if self.progress is not None:
            self.progress.update(self.task, advance=1, description=name)


# ----------------------------------------------------------------------- stage 1: chains


@dataclass
class _Skeleton:
    """Per-case arrays of the chains stage (row i = case number i)."""

    archetype: np.ndarray
    period: np.ndarray
    abs_day: np.ndarray
    community: np.ndarray
    parent: np.ndarray  # row of the parent case, -1 for originating cases
    depth: np.ndarray
    path: np.ndarray
    report_day: np.ndarray
    never_acted: np.ndarray
    takedown_day: np.ndarray  # potential takedown day (observed iff `taken_down`)
    observed_until: np.ndarray
    taken_down: np.ndarray
    respawned: np.ndarray
    reappear_day: np.ndarray

    def take(self, idx: np.ndarray) -> _Skeleton:
        return _Skeleton(**{k: v[idx] for k, v in self.__dict__.items()})


def _timelines(rng, p: GeneratorParams, arch, depth) -> dict[str, np.ndarray]:
    n = len(arch)
    path_table = np.array([[p.path_shares[a][q] for q in PATHS] for a in ARCHETYPES])
    path = _categorical(rng, path_table, arch)
    median = np.array([p.path_delays[q]["median_days"] for q in PATHS])
    sigma = np.array([p.path_delays[q]["sigma"] for q in PATHS])
    never_share = np.array([p.path_delays[q]["never_acted_share"] for q in PATHS])
    report_day = rng.integers(0, p.report_day_max + 1, n).astype(np.int32)
    never = rng.random(n) < never_share[path]
    takedown_day = report_day + _lognormal_days(rng, median[path], sigma[path], n)
    observed = rng.integers(p.observed_until_min, p.observed_until_max + 1, n).astype(np.int32)
    taken = ~never & (takedown_day <= observed)
    respawned = taken & (rng.random(n) < p.respawn_probability) & (depth < p.max_chain_depth)
    reappear = takedown_day + _lognormal_days(
        rng, p.respawn_delay_median_days, p.respawn_delay_sigma, n
    )
    return dict(
        path=path,
        report_day=report_day,
        never_acted=never,
        takedown_day=takedown_day,
        observed_until=observed,
        taken_down=taken,
        respawned=respawned,
        reappear_day=np.where(respawned, reappear, -1).astype(np.int32),
    )


def _grow(
    rng, p: GeneratorParams, n_roots: int, n_communities: int
) -> tuple[_Skeleton, np.ndarray]:
    """Originating cases and their chains of successors, generation by generation."""
    trend = trend_shares(p)
    period = rng.integers(0, p.n_periods, n_roots).astype(np.int32)
    gen = dict(
        archetype=_categorical(rng, trend, period),
        period=period,
        abs_day=(period * p.days_per_period + rng.integers(0, p.days_per_period, n_roots)).astype(
            np.int32
        ),
        community=rng.integers(0, n_communities, n_roots).astype(np.int32),
        parent=np.full(n_roots, -1, dtype=np.int64),
        depth=np.zeros(n_roots, dtype=np.int32),
    )
    gens, offset = [], 0
    root_of = [np.arange(n_roots)]
    while True:
        gen |= _timelines(rng, p, gen["archetype"], gen["depth"])
        gens.append(gen)
        kids = np.flatnonzero(gen["respawned"])
        if kids.size == 0:
            break
        abs_day = gen["abs_day"][kids] + gen["reappear_day"][kids]
        root_of.append(root_of[-1][kids])
        gen = dict(
            archetype=gen["archetype"][kids],
            period=np.minimum(abs_day // p.days_per_period, p.n_periods - 1).astype(np.int32),
            abs_day=abs_day.astype(np.int32),
            community=gen["community"][kids],
            parent=kids + offset,
            depth=gen["depth"][kids] + 1,
        )
        offset += len(gens[-1]["archetype"])
    skeleton = _Skeleton(**{k: np.concatenate([g[k] for g in gens]) for k in gens[0]})
    return skeleton, np.concatenate(root_of)


def _chains(rng, p: GeneratorParams, n: int, n_communities: int) -> _Skeleton:
    """Exactly ``n`` cases made of whole chains (an originating case and its successors).

    Chains are taken in random order while they fit; the few cases left are filled
    with chains of one case (a bias on the respawn rate of at most a chain's length
    over ``n``). Rows are then shuffled so case numbers reveal nothing of the chains.
    """
    n_roots = n + 16
    while True:
        sk, root_of = _grow(rng, p, n_roots, n_communities)
        sizes = np.bincount(root_of, minlength=n_roots)
        order = rng.permutation(n_roots)
        cum = np.cumsum(sizes[order])
        k = int(np.searchsorted(cum, n, side="right"))
        gap = n - (int(cum[k - 1]) if k else 0)
        rest = order[k:]
        singles = rest[sizes[rest] == 1][:gap]
        if len(singles) == gap:
            break
        n_roots = 2 * n_roots  # not enough one-case chains left (tiny n): draw more
    chosen = np.zeros(n_roots, dtype=bool)
    chosen[order[:k]] = True
    chosen[singles] = True
    kept = np.flatnonzero(chosen[root_of])
    shuffle = kept[rng.permutation(len(kept))]
    new_row = np.full(len(root_of), -1, dtype=np.int64)
    new_row[shuffle] = np.arange(len(shuffle))
    out = sk.take(shuffle)
    out.parent = np.where(out.parent >= 0, new_row[np.maximum(out.parent, 0)], -1)
    # A respawned case keeps being observed until its reappearance (documented choice).
    out.observed_until = np.where(
        out.respawned, np.maximum(out.observed_until, out.reappear_day), out.observed_until
    ).astype(np.int32)
    return out


# -------------------------------------------------------------------- stage 3: indicators


def _indicators(rng, p: GeneratorParams, sk: _Skeleton) -> np.ndarray:
    """Boolean matrix (cases × taxonomy indicators): copula codes, then derived codes."""
    n = len(sk.archetype)
    codes = list(tx.INDICATORS)
    rates = np.array([[p.base_rates[a].get(c, 0.0) for c in codes] for a in ARCHETYPES])
    with np.errstate(divide="ignore"):
        threshold = -stats.norm.ppf(rates)  # +inf never, -inf always
    rho = p.copula_loading
    z = rng.standard_normal(n, dtype=np.float32)
    latent = rng.standard_normal((n, len(codes)), dtype=np.float32)
    latent *= np.float32(math.sqrt(1 - rho * rho))
    latent += np.float32(rho) * z[:, None]
    present = latent > threshold[sk.archetype].astype(np.float32)
    del latent
    child_cols = [codes.index(c) for c in sorted(tx.CHILD_SIGNAL_CODES)]
    force = (sk.archetype == _CHILD) & ~present[:, child_cols].any(axis=1)
    present[force, codes.index(CHILD_FALLBACK)] = True
    present[:, codes.index("platform.unresponsive")] = sk.never_acted
    present[:, codes.index("platform.reappearance")] = sk.parent >= 0
    return present


def _type_relevant_codes() -> list[int]:
    """Columns that can change a derived case type: every code a case-type rule names,
    and every code of a family a rule excludes (``none_of_family``)."""
    rules = tx.raw().data["case_types"].values()
    named = {c for spec in rules for c in spec.get("any_of", [])}
    families = {spec["none_of_family"] for spec in rules if spec.get("none_of_family")}
    return [i for i, c in enumerate(tx.INDICATORS) if c in named or c.split(".")[0] in families]


def _case_types(present: np.ndarray) -> np.ndarray:
    """``derive_case_type`` of every case, called once per distinct set of relevant codes.

    Codes no rule looks at cannot change the result, so they are left out of the key
    (at 1M cases this cuts ~100k calls to a few thousand).
    """
    cols = _type_relevant_codes()
    sub = present[:, cols]
    weights = 1 << np.arange(len(cols), dtype=np.int64)
    masks = sub.astype(np.int64) @ weights
    uniq, inverse = np.unique(masks, return_inverse=True)
    codes = np.array(tx.INDICATORS)[cols]
    bits = np.arange(len(cols))
    types = [
        tx.CASE_TYPES.index(tx.derive_case_type(codes[(int(m) >> bits) & 1 == 1])) for m in uniq
    ]
    return np.array(types, dtype=np.int32)[inverse.ravel()]


# ------------------------------------------------------------------- the whole generator


def generate_book(
    cases: int, seed: int, progress: bool, params: GeneratorParams | None
) -> CaseBook:
    """The body of ``toolkit.synthetic.generate`` (see its docstring)."""
    p = params or GeneratorParams()
    if isinstance(cases, bool) or not isinstance(cases, (int, np.integer)) or cases < 1:
        raise ValueError(f"cases must be a whole number of at least 1 (got {cases!r})")
    if cases > MAX_CASES:
        raise ValueError(f"cases must be at most {MAX_CASES:,} (sort keys pack case numbers)")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a whole number of at least 0 (got {seed!r})")
    n = int(cases)
    rng = np.random.default_rng(int(seed))
    stages = _Stages(progress, total=8)
    with stages.run():
        n_comm = max(1, min(p.n_communities, math.ceil(n / p.cases_per_community_min)))
        sk = _chains(rng, p, n, n_comm)
        stages.step("chains")
        ids = case_codes(DOCUMENTED_PREFIX, np.arange(n), _width(n))
        cases_df, observers, n_obs = _cases_frame(rng, p, sk, ids)
        stages.step("cases")
        present = _indicators(rng, p, sk)
        case_type = _case_types(present)
        cases_df = cases_df.with_columns(case_type=_enum(case_type, tx.CASE_TYPES)).select(
            "case_id", "title", "case_type", *cases_df.columns[2:]
        )
        rows, cols = np.nonzero(present)
        indicators = pl.DataFrame(
            {
                "case_id": ids.gather(rows),
                "code": _enum(cols, tx.INDICATORS),
                "evidence": pl.repeat(None, len(rows), dtype=pl.String, eager=True),
            }
        )
        del present
        stages.step("indicators")
        events, esc = _events(rng, p, sk, ids)
        stages.step("events")
        actions = _actions(rng, p, sk, ids, esc)
        stages.step("actions")
        referrals = _referrals(rng, p, sk, ids, n_comm)
        stages.step("referrals")
        exposure, n_weeks = _exposure(rng, p, sk, ids, observers, n_obs)
        stages.step("exposure")
        hub_rows = np.flatnonzero(sk.archetype == _HUB)
        planted = pl.DataFrame(
            {
                "case_id": ids,
                "archetype": _enum(sk.archetype, ARCHETYPES),
                "community": pl.Series(sk.community, dtype=pl.Int32),
                "is_hub": pl.Series(sk.archetype == _HUB),
                "path": _enum(sk.path, PATHS),
                "parent_id": ids.gather(np.maximum(sk.parent, 0)).set(
                    pl.Series(sk.parent < 0), None
                ),
                "depth": pl.Series(sk.depth, dtype=pl.Int32),
                "never_acted": pl.Series(sk.never_acted),
            }
        )
        manifest = {
            "source": "synthetic",
            "seed": int(seed),
            "generator_version": GENERATOR_VERSION,
            "cases": n,
            "params": p.to_json(),
            "planted": planted_manifest(
                p,
                n_communities=n_comm,
                hub_ids=ids.gather(hub_rows).to_list(),
                n_observers=n_obs,
                n_weeks=n_weeks,
                undocumented_prefix=UNDOCUMENTED_PREFIX,
            ),
        }
        book = CaseBook.from_frames(
            manifest=manifest,
            cases=cases_df,
            indicators=indicators,
            actions=actions,
            events=events,
            referrals=referrals,
            exposure=exposure,
            planted=planted,
        )
        stages.step("assembled")
    return book


def _cases_frame(rng, p: GeneratorParams, sk: _Skeleton, ids: pl.Series):
    n = len(sk.archetype)
    arch = sk.archetype
    kind = _categorical(rng, np.array([p.platform_kind_shares[a] for a in ARCHETYPES]), arch)
    template = rng.integers(0, 4, n)
    title_idx = (kind.astype(np.int64) * len(ARCHETYPES) + arch) * 4 + template
    titles = pl.Series(title_table()).gather(title_idx)
    route = _categorical(rng, np.array([p.discovery_route_shares[a] for a in ARCHETYPES]), arch)
    successor = sk.parent >= 0
    via_referral = rng.random(n) < p.successor_referral_share
    route = np.where(
        successor,
        np.where(
            via_referral,
            tx.DISCOVERY_ROUTES.index("referral"),
            tx.DISCOVERY_ROUTES.index("inspection_tool"),
        ),
        route,
    )
    band = _categorical(rng, np.array([p.members_band_shares[a] for a in ARCHETYPES]), arch)
    band_missing = rng.random(n) < p.members_band_missing_share
    n_obs = max(1, min(9999, math.ceil(n / p.cases_per_observer)))
    observer = rng.integers(0, n_obs, n)
    width = max(2, len(str(n_obs)))
    observers = pl.Series([f"obs-{i + 1:0{width}d}" for i in range(n_obs)])
    df = pl.DataFrame(
        {
            "case_id": ids,
            "title": titles,
            "platform_kind": _enum(kind, tx.PLATFORM_KINDS),
            "discovered_via": _enum(route, tx.DISCOVERY_ROUTES),
            "members_band": _enum(band, tx.MEMBERS_BANDS).set(pl.Series(band_missing), None),
            "period": pl.Series(period_labels(p)).gather(sk.period),
            "observer_id": observers.gather(observer),
            "observed_until": pl.Series(sk.observed_until, dtype=pl.Int32),
            "source": pl.Series(["synthetic"])
            .cast(pl.Enum(list(tx.SOURCES)))
            .gather(np.zeros(n, dtype=np.int64)),
        }
    )
    return df, observer, n_obs


def _frame_by_case(ids: pl.Series, case, day, code, categories, day_null=None) -> pl.DataFrame:
    # one int64 key (case, day, code order) sorts faster than a 3-key lexsort;
    # a missing day sorts last within its case
    day_key = day.astype(np.int64) if day_null is None else np.where(day_null, 1 << 30, day)
    key = (case.astype(np.int64) << 36) | (day_key.astype(np.int64) << 5) | code
    order = np.argsort(key, kind="stable")
    day_s = pl.Series(day[order], dtype=pl.Int32)
    if day_null is not None:
        day_s = day_s.set(pl.Series(day_null[order]), None)
    return pl.DataFrame(
        {
            "case_id": ids.gather(case[order]),
            "code": _enum(code[order], categories),
            "day": day_s,
        }
    )


def _events(rng, p: GeneratorParams, sk: _Skeleton, ids: pl.Series):
    n = len(sk.archetype)
    rows = np.arange(n)
    r = sk.report_day
    acted = ~sk.never_acted
    room = np.where(acted, sk.takedown_day - r - 1, p.escalation_day_max)  # escalate before
    press = sk.path == PATHS.index("platform_press")
    hotline = (sk.path == PATHS.index("platform_hotline")) | (
        press & (rng.random(n) < p.press_also_hotline_share)
    )
    press_off = np.minimum(rng.integers(1, p.escalation_day_max + 1, n), room)
    hot_off = np.where(
        press,
        np.floor(rng.random(n) * press_off).astype(np.int32),
        rng.integers(0, p.escalation_day_max + 1, n),
    )
    hot_off = np.minimum(hot_off, room)
    hot_day = (r + hot_off).astype(np.int32)
    press_day = (r + press_off).astype(np.int32)
    ack = acted & (rng.random(n) < p.acknowledgement_share)
    ack_day = np.minimum(r + rng.integers(1, 4, n), sk.takedown_day).astype(np.int32)
    ev = tx.EVENTS.index
    parts = [
        (rows, np.zeros(n, np.int32), ev("discovered")),
        (rows, r, ev("reported_platform")),
        (rows[hotline], hot_day[hotline], ev("reported_hotline")),
        (rows[press], press_day[press], ev("alerted_press")),
        (rows[ack], ack_day[ack], ev("platform_response")),
        (
            rows[sk.never_acted],
            (r + p.no_response_after_days)[sk.never_acted],
            ev("no_response"),
        ),
        (rows[sk.taken_down], sk.takedown_day[sk.taken_down], ev("takedown")),
        (rows[sk.respawned], sk.reappear_day[sk.respawned], ev("reappeared")),
    ]
    case = np.concatenate([c for c, _, _ in parts])
    day = np.concatenate([d for _, d, _ in parts]).astype(np.int32)
    code = np.concatenate([np.full(len(c), k, np.int32) for c, _, k in parts])
    df = _frame_by_case(ids, case, day, code, tx.EVENTS).rename({"code": "event"})
    return df.select("case_id", "day", "event"), dict(
        hotline=hotline, press=press, hot_day=hot_day, press_day=press_day
    )


def _actions(rng, p: GeneratorParams, sk: _Skeleton, ids: pl.Series, esc) -> pl.DataFrame:
    n = len(sk.archetype)
    rows = np.arange(n)
    r = sk.report_day
    child = sk.archetype == _CHILD
    hub = sk.archetype == _HUB
    evidence = child | (rng.random(n) < p.minimal_evidence_share)
    ban = rng.random(n) < np.where(hub, p.hub_ban_share, p.ban_share)
    ban_day = np.minimum(r + rng.integers(0, 15, n), sk.observed_until).astype(np.int32)
    ban_null = rng.random(n) < p.action_day_missing_share
    leave = child | (rng.random(n) < p.leave_space_share)
    # Child-signal spaces: leave right after reporting (the urgent-tier recommendation).
    leave_day = np.where(
        child, r, r + np.floor(rng.random(n) * (sk.observed_until - r + 1)).astype(np.int32)
    ).astype(np.int32)
    pause = rng.random(n) < p.pause_share
    ac = tx.ACTIONS.index
    parts = [
        (rows, np.zeros(n, np.int32), ac("document"), None),
        (rows[evidence], np.zeros(evidence.sum(), np.int32), ac("minimal_evidence"), None),
        (rows, r, ac("report_platform"), None),
        (rows[esc["hotline"]], esc["hot_day"][esc["hotline"]], ac("report_hotline"), None),
        (rows[esc["press"]], esc["press_day"][esc["press"]], ac("alert_press"), None),
        (rows[ban], ban_day[ban], ac("ban_in_communities"), ban_null[ban]),
        (rows[leave], leave_day[leave], ac("leave_space"), None),
        (rows[pause], np.zeros(pause.sum(), np.int32), ac("pause"), np.ones(pause.sum(), bool)),
    ]
    case = np.concatenate([c for c, _, _, _ in parts])
    day = np.concatenate([d for _, d, _, _ in parts]).astype(np.int32)
    code = np.concatenate([np.full(len(c), k, np.int32) for c, _, k, _ in parts])
    null = np.concatenate([np.zeros(len(c), bool) if m is None else m for c, _, _, m in parts])
    return _frame_by_case(ids, case, day, code, tx.ACTIONS, day_null=null)


def _referrals(rng, p: GeneratorParams, sk: _Skeleton, ids: pl.Series, k: int) -> pl.DataFrame:
    n = len(sk.archetype)
    hub = sk.archetype == _HUB
    out_degree = np.where(
        hub,
        p.hub_referrals_min + rng.poisson(p.hub_referrals_extra_mean, n),
        rng.poisson(p.referrals_per_case_mean, n),
    )
    src = np.repeat(np.arange(n), out_degree)
    m = len(src)
    src_comm = sk.community[src]
    internal = rng.random(m) < np.where(hub[src], p.hub_internal_share, p.internal_share)
    if k > 1:
        other = (src_comm + 1 + rng.integers(0, k - 1, m)) % k
    else:
        other = src_comm
    comm = np.where(internal, src_comm, other)
    # Documented targets: a uniform case of the target community (never the source).
    members = np.argsort(sk.community, kind="stable")
    counts = np.bincount(sk.community, minlength=k)
    starts = np.cumsum(counts) - counts
    u = rng.random(m)
    size = counts[comm]
    pos = np.floor(u * size).astype(np.int64)
    target = members[np.minimum(starts[comm] + pos, n - 1)]
    clash = target == src
    target = np.where(
        clash, members[np.minimum(starts[comm] + (pos + 1) % np.maximum(size, 1), n - 1)], target
    )
    undocumented = (rng.random(m) < p.undocumented_share) | (size == 0) | (target == src)
    n_undoc = max(k, round(p.undocumented_pool_ratio * n))
    per_comm = (n_undoc - np.arange(k) + k - 1) // k
    j = comm + k * np.floor(rng.random(m) * per_comm[comm]).astype(np.int64)
    tkey = np.where(undocumented, n + j, target)
    hub_kinds = np.array([p.hub_referral_kind_shares.get(c, 0.0) for c in tx.REFERRAL_KINDS])
    kinds = np.array([p.referral_kind_shares.get(c, 0.0) for c in tx.REFERRAL_KINDS])
    kind = _categorical(rng, np.stack([kinds, hub_kinds]), hub[src].astype(np.int64))
    day = np.floor(rng.random(m) * (sk.observed_until[src] + 1)).astype(np.int32)
    day_null = rng.random(m) < p.referral_day_missing_share
    # One referral per (source, target) pair among the drawn ones (first drawn wins).
    _, first = np.unique(src.astype(np.int64) * (n + n_undoc) + tkey, return_index=True)
    first.sort()
    src, tkey, kind, day, day_null = (a[first] for a in (src, tkey, kind, day, day_null))
    # Reappearance links: parent -> successor on the parent's reappearance day.
    kids = np.flatnonzero(sk.parent >= 0)
    parents = sk.parent[kids]
    src = np.concatenate([src, parents])
    tkey = np.concatenate([tkey, kids])
    kind = np.concatenate(
        [kind, np.full(len(kids), tx.REFERRAL_KINDS.index("reappearance"), np.int8)]
    )
    day = np.concatenate([day, sk.reappear_day[parents]])
    day_null = np.concatenate([day_null, np.zeros(len(kids), bool)])
    order = np.lexsort((kind, tkey, src))
    src, tkey, kind, day, day_null = (a[order] for a in (src, tkey, kind, day, day_null))
    undoc_rows = tkey >= n
    undoc_ids = case_codes(UNDOCUMENTED_PREFIX, tkey[undoc_rows] - n, _width(n_undoc))
    target_ids = ids.gather(np.where(undoc_rows, 0, tkey))
    if undoc_rows.any():
        target_ids = target_ids.scatter(np.flatnonzero(undoc_rows), undoc_ids)
    return pl.DataFrame(
        {
            "source_id": ids.gather(src),
            "target_id": target_ids,
            "kind": _enum(kind, tx.REFERRAL_KINDS),
            "day": pl.Series(day, dtype=pl.Int32).set(pl.Series(day_null), None),
        }
    )


def _exposure(rng, p: GeneratorParams, sk: _Skeleton, ids, observer, n_obs):
    n = len(sk.archetype)
    watch = np.minimum(
        rng.geometric(1 / p.watch_weeks_mean, n),
        np.minimum(p.watch_weeks_max, sk.observed_until // 7 + 1),
    ).astype(np.int64)
    case = np.repeat(np.arange(n), watch)
    first = np.cumsum(watch) - watch
    offset = np.arange(len(case)) - np.repeat(first, watch)
    week = (sk.abs_day[case] // 7 + 1 + offset).astype(np.int32)
    mean = np.array([p.exposure_minutes_mean[a] for a in ARCHETYPES])[sk.archetype[case]]
    shape = p.exposure_gamma_shape
    minutes = np.maximum(1, np.rint(rng.gamma(shape, mean / shape))).astype(np.int32)
    obs = observer[case]
    key = (obs.astype(np.int64) << 50) | (week.astype(np.int64) << 30) | case
    order = np.argsort(key, kind="stable")
    width = max(2, len(str(n_obs)))
    observers = pl.Series([f"obs-{i + 1:0{width}d}" for i in range(n_obs)])
    df = pl.DataFrame(
        {
            "observer_id": observers.gather(obs[order]),
            "case_id": ids.gather(case[order]),
            "week": pl.Series(week[order], dtype=pl.Int32),
            "minutes": pl.Series(minutes[order], dtype=pl.Int32),
        }
    )
    n_weeks = int(week.max()) if len(week) else 0
    return df, n_weeks
