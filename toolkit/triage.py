"""Triage: which documented spaces volunteers should report first, and how.

The reporting criteria of volunteer practice are encoded as four transparent rules
(``RULES``, C1–C4) over the indicator and event codes of each case. Every rule is data:
an id, an FR and EN description, the codes it looks at and the actions it adds. A tier
is derived from the rules that fired, and ``criteria`` lists them, so every tier can be
explained by pointing at the codes of the case.

Content warning: the rules refer to child sexual exploitation signals and
non-consensual intimate imagery, in abstract terms only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from toolkit import taxonomy as tx
from toolkit._analyses import case_masks, table
from toolkit.model import CaseBook

__all__ = ["RULES", "TIERS", "TIER_ACTIONS", "URGENT_ACTIONS", "Rule", "assess", "rules_table"]


@dataclass(frozen=True)
class Rule:
    """One triage criterion.

    The rule fires for a case when the case has ANY of ``indicators`` or ANY of
    ``events``, and, when ``min_severity`` is set, also at least one indicator whose
    taxonomy severity is ``>= min_severity``. ``adds_actions`` are recommended on top
    of the tier's actions (except for ``urgent`` cases, whose actions are fixed).
    """

    id: str
    en: str
    fr: str
    indicators: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    min_severity: int | None = None
    adds_actions: tuple[str, ...] = ()


#: Non-consensual or child sexual content, and an organisation of the space around
#: the people targeted.
_C1_CODES = (
    "content.ncii_sharing",
    "content.covert_capture",
    "content.repurposed_photos",
    "content.sexual_deepfake",
    "content.tribute",
    "content.minor_sexualisation",
    "content.minor_image_request",
    "content.age_focus",
    "org.per_target_channels",
    "org.minor_category",
)

#: The four reporting criteria of volunteer practice (issue 4), in order.
RULES: tuple[Rule, ...] = (
    Rule(
        id="C1",
        en="The space is organised around non-consensual or child sexual content.",
        fr="L’espace est organisé autour de contenus sexuels non consentis ou impliquant des mineur·es.",
        indicators=_C1_CODES,
    ),
    Rule(
        id="C2",
        en="Categories, channels or targets explicitly concern minors.",
        fr="Des catégories, salons ou cibles concernent explicitement des mineur·es.",
        # Every child-exploitation signal, plus minors named among the targets of another
        # kind of space (`target.minor`), which the taxonomy says "still weighs in triage".
        indicators=(*(c for c in tx.INDICATORS if c in tx.CHILD_SIGNAL_CODES), "target.minor"),
    ),
    Rule(
        id="C3",
        en="Its authors actively push others to produce or share such content.",
        fr="Ses auteurs poussent activement d’autres personnes à produire ou partager ces contenus.",
        indicators=("org.group_pressure", "org.reward_exchange", "content.minor_image_request"),
    ),
    Rule(
        id="C4",
        en="The platform has not reacted despite the severity.",
        fr="La plateforme n’a pas réagi malgré la gravité.",
        indicators=("platform.unresponsive",),
        events=("no_response",),
        min_severity=3,
        # When the platform does not act, escalate to the national hotline.
        adds_actions=("report_hotline",),
    ),
)

#: Tiers, most to least pressing.
TIERS: tuple[str, ...] = ("urgent", "high", "standard")
TIER_DTYPE = pl.Enum(list(TIERS))

#: Actions for ``urgent`` cases (any child-exploitation signal): report to the platform
#: AND the national hotline, minimal evidence keeping no images, leave the space at once.
URGENT_ACTIONS: tuple[str, ...] = (
    "minimal_evidence",
    "report_platform",
    "report_hotline",
    "leave_space",
)
#: Base actions per tier (rule actions are added for ``high`` and ``standard``).
TIER_ACTIONS: dict[str, tuple[str, ...]] = {
    "urgent": URGENT_ACTIONS,
    "high": ("document", "minimal_evidence", "report_platform", "report_hotline"),
    "standard": ("document", "report_platform"),
}


def _check_rules() -> None:
    # A typo in a rule would silently never fire: refuse it at import.
    for rule in RULES:
        for code in rule.indicators:
            tx.entry("indicators", code)
        for code in rule.events:
            tx.entry("events", code)
        for code in rule.adds_actions:
            tx.entry("actions", code)
    for actions in TIER_ACTIONS.values():
        for code in actions:
            tx.entry("actions", code)


_check_rules()


def rules_table(lang: str = "en") -> pl.DataFrame:
    """The triage rules as a table (rule, description, indicators, events, min_severity).

    Examples
    --------
    >>> rules_table().get_column("rule").to_list()
    ['C1', 'C2', 'C3', 'C4']
    """
    if lang not in tx.LANGS:
        raise ValueError(f"lang must be one of {tx.LANGS}, not {lang!r}")
    return pl.DataFrame(
        {
            "rule": [r.id for r in RULES],
            "description": [getattr(r, lang) for r in RULES],
            "indicators": [list(r.indicators) for r in RULES],
            "events": [list(r.events) for r in RULES],
            "min_severity": [r.min_severity for r in RULES],
            "adds_actions": [list(r.adds_actions) for r in RULES],
        },
        schema_overrides={"min_severity": pl.Int8},
    )


def assess(book: CaseBook) -> pl.DataFrame:
    """Triage tier, fired criteria and recommended actions of every case.

    Parameters
    ----------
    book
        A CaseBook (eager or lazy). Uses ``cases.case_id``, ``indicators`` and
        ``events``.

    Returns
    -------
    polars.DataFrame
        One row per case, sorted by ``case_id``:

        - ``case_id`` (String);
        - ``tier`` (Enum ``urgent`` < ``high`` < ``standard``);
        - ``criteria`` (List[String]): the rules that fired, in order C1–C4;
        - ``recommended_actions`` (List[Enum of taxonomy actions]), in taxonomy order.

    Notes
    -----
    Rules (see ``RULES``): C1 the space is organised around non-consensual or child
    sexual content (any content code of that kind, or ``org.per_target_channels`` /
    ``org.minor_category``); C2 categories, channels or targets concern minors (any
    child-exploitation signal ``taxonomy.CHILD_SIGNAL_CODES``, or ``target.minor``);
    C3 authors push others to produce or share (``org.group_pressure``,
    ``org.reward_exchange``, ``content.minor_image_request``); C4 the platform has not
    reacted despite the severity (``platform.unresponsive`` or a ``no_response`` event,
    AND an indicator of severity 3).

    Tier, first match wins:

    - ``urgent`` ⇔ the case has any child-exploitation signal
      (``CHILD_SIGNAL_CODES``). Actions are fixed: ``URGENT_ACTIONS``;
    - ``high`` ⇔ not urgent and (C2, i.e. minors named among the targets, or
      C1 ∧ (C3 ∨ C4)): sexual content together with pressure to contribute or an
      unresponsive platform;
    - ``standard`` otherwise (including cases with no indicator).

    ``recommended_actions`` = ``TIER_ACTIONS[tier]`` ∪ the ``adds_actions`` of fired
    rules (the union only for ``high`` and ``standard``).

    References
    ----------
    Volunteer reporting criteria as stated in issue 4 of veille (prioritise spaces
    organised around non-consensual or child sexual content, targeting minors,
    pushing others to produce, or left online by the platform). The urgent actions
    follow the public advice of national hotlines (INHOPE network): report suspected
    child sexual abuse material to a hotline, never download, copy or keep it.

    Examples
    --------
    >>> import polars as pl
    >>> from toolkit.model import CaseBook, example_cases
    >>> cases = example_cases(["AB1", "CD2"],
    ...     case_type=["minor_signals", "deepfakes"], observed_until=10)
    >>> ind = pl.DataFrame({"case_id": ["AB1", "CD2", "CD2"],
    ...     "code": ["org.minor_category", "content.sexual_deepfake", "org.group_pressure"],
    ...     "evidence": [None, None, None]})
    >>> out = assess(CaseBook.from_frames(cases=cases, indicators=ind))
    >>> out.select("case_id", "tier", "criteria").rows()
    [('AB1', 'urgent', ['C1', 'C2']), ('CD2', 'high', ['C1', 'C3'])]
    >>> out.get_column("recommended_actions").to_list()[0]
    ['minimal_evidence', 'report_platform', 'report_hotline', 'leave_space']
    """
    cases = table(book, "cases", ["case_id"])
    ind = table(book, "indicators", ["case_id", "code"])
    ev = table(book, "events", ["case_id", "event"])
    # One bit per code: a case's codes (and events) become one integer, so every rule is
    # a bit test (`mask & rule_mask != 0`) after a single integer group-by per table.
    ind_masks = case_masks(ind, "code", tx.INDICATORS).rename({"mask": "codes"})
    ev_masks = case_masks(ev, "event", tx.EVENTS).rename({"mask": "events"})
    flags = (
        cases.join(ind_masks, on="case_id", how="left", maintain_order="left")
        .join(ev_masks, on="case_id", how="left", maintain_order="left")
        .with_columns(pl.col("codes", "events").fill_null(0))
    )

    def has_any(column: str, codes: Iterable[str], order: tuple[str, ...]) -> pl.Expr:
        mask = sum(1 << order.index(c) for c in set(codes))
        return (pl.col(column) & mask) != 0

    flags = flags.with_columns(
        has_any("codes", tx.CHILD_SIGNAL_CODES, tx.INDICATORS).alias("child")
    )
    fired = []
    for rule in RULES:
        expr = has_any("codes", rule.indicators, tx.INDICATORS) | has_any(
            "events", rule.events, tx.EVENTS
        )
        if rule.min_severity is not None:
            severe = [c for c, sev in tx.SEVERITY.items() if sev >= rule.min_severity]
            expr = expr & has_any("codes", severe, tx.INDICATORS)
        fired.append(expr)
    # A case's decision depends only on (child signal, C1..C4): 32 combinations at most,
    # decided once each by `_decide` and joined back.
    combo = pl.col("child").cast(pl.Int32) * (1 << len(RULES))
    for i, expr in enumerate(fired):
        combo = combo + expr.cast(pl.Int32) * (1 << (len(RULES) - 1 - i))
    flags = flags.select("case_id", combo.alias("combo"))
    decisions = [_decide(c) for c in range(1 << (len(RULES) + 1))]
    table_ = pl.DataFrame(
        {
            "combo": pl.Series(range(len(decisions)), dtype=pl.Int32),
            "tier": pl.Series([d[0] for d in decisions], dtype=TIER_DTYPE),
            "criteria": pl.Series([d[1] for d in decisions], dtype=pl.List(pl.String)),
            "recommended_actions": pl.Series(
                [d[2] for d in decisions], dtype=pl.List(tx.enum("actions"))
            ),
        }
    )
    out = flags.join(table_, on="combo", how="left", maintain_order="left").drop("combo")
    if not out.get_column("case_id").is_sorted():
        out = out.sort("case_id")
    return out


def _decide(combo: int) -> tuple[str, list[str], list[str]]:
    """Tier, criteria and actions of one combination (bit 4: child signal; 3..0: C1..C4)."""
    child = bool(combo >> len(RULES) & 1)
    fired = {r.id: bool(combo >> (len(RULES) - 1 - i) & 1) for i, r in enumerate(RULES)}
    if child:
        tier = "urgent"
    elif fired["C2"] or (fired["C1"] and (fired["C3"] or fired["C4"])):
        tier = "high"
    else:
        tier = "standard"
    wanted = set(TIER_ACTIONS[tier])
    if tier != "urgent":
        for rule in RULES:
            if fired[rule.id]:
                wanted |= set(rule.adds_actions)
    criteria = [r.id for r in RULES if fired[r.id]]
    return tier, criteria, [a for a in tx.ACTIONS if a in wanted]
