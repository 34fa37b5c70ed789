"""Schemas of the CaseBook tables, declared once with dataframely.

dataframely was chosen over pandera's polars backend because it is polars-native
(no pandas import, validation runs as polars expressions, so it stays fast on a
million rows), supports ``Enum`` columns and primary keys directly, and its
``filter`` reports which rows broke which rule, which we turn into plain-words
errors (see ``docs/data-model.md``).

Every column carries a ``description``: ``docs/data-dictionary.md`` is generated
from them (``make docs``) and a test keeps it in sync.
"""

from __future__ import annotations

import dataframely as dy
import polars as pl

from toolkit import taxonomy as tx

#: An author's case code (``A105G``): 3 to 12 capital letters and digits. Platform
#: identifiers are long digit runs, so a code must hold at least one letter.
CASE_ID_REGEX = r"^[A-Z0-9]*[A-Z][A-Z0-9]*$"
CASE_ID_LENGTH = {"min_length": 3, "max_length": 12}
#: A pseudonymous observer id such as ``obs-03``.
OBSERVER_ID_REGEX = r"^obs-[0-9]{2,4}$"
PERIOD_REGEX = r"^[0-9]{4}-Q[1-4]$"


class CasesSchema(dy.Schema):
    """One row per documented online space."""

    case_id = dy.String(
        primary_key=True,
        regex=CASE_ID_REGEX,
        **CASE_ID_LENGTH,
        description="The author's case code (e.g. `A105G`), never a platform identifier.",
    )
    title = dy.String(
        min_length=1,
        max_length=160,
        description="A short neutral title describing the mechanism, never a name.",
    )
    case_type = dy.Enum(
        tx.CASE_TYPES,
        description="Derived from the indicator codes with the taxonomy's precedence (never typed by hand).",
    )
    platform_kind = dy.Enum(
        tx.PLATFORM_KINDS, nullable=True, description="Kind of platform hosting the space."
    )
    discovered_via = dy.Enum(
        tx.DISCOVERY_ROUTES, nullable=True, description="How the observer found the space."
    )
    members_band = dy.Enum(
        tx.MEMBERS_BANDS,
        nullable=True,
        description="Approximate size as a band (`1-49`, `50-199`, `200-999`, `1000+`); the count itself is never stored.",
    )
    period = dy.String(
        nullable=True, regex=PERIOD_REGEX, description="Coarse period of discovery, e.g. `2024-Q1`."
    )
    observer_id = dy.String(
        regex=OBSERVER_ID_REGEX,
        description="Pseudonymous observer who documented the case (`obs-03`).",
    )
    observed_until = dy.Int32(
        nullable=True,
        min=0,
        description="Last day the space was observed, in days since the case's first event (right-censoring point).",
    )
    source = dy.Enum(tx.SOURCES, description="`synthetic` (generator) or `journal` (imported).")


class IndicatorsSchema(dy.Schema):
    """One row per warning sign seen in a case."""

    case_id = dy.String(
        primary_key=True,
        regex=CASE_ID_REGEX,
        **CASE_ID_LENGTH,
        description="Case the sign was seen in.",
    )
    code = dy.Enum(tx.INDICATORS, primary_key=True, description="Indicator code from the taxonomy.")
    evidence = dy.String(
        nullable=True,
        description="For journals: the item(s) and the term that matched, so the code can be explained.",
    )


class ActionsSchema(dy.Schema):
    """One row per action taken by the observer."""

    case_id = dy.String(
        regex=CASE_ID_REGEX, **CASE_ID_LENGTH, description="Case the action was taken on."
    )
    code = dy.Enum(tx.ACTIONS, description="Action code from the taxonomy.")
    day = dy.Int32(
        nullable=True, min=0, description="Days since the case's first event, when known."
    )


class EventsSchema(dy.Schema):
    """One row per dated event of a case's timeline."""

    case_id = dy.String(
        regex=CASE_ID_REGEX, **CASE_ID_LENGTH, description="Case the event belongs to."
    )
    day = dy.Int32(
        min=0, description="Days since the case's first event (the first event is day 0)."
    )
    event = dy.Enum(tx.EVENTS, description="Event code from the taxonomy.")


class ReferralsSchema(dy.Schema):
    """One row per referral from a documented space to another space."""

    source_id = dy.String(
        regex=CASE_ID_REGEX,
        **CASE_ID_LENGTH,
        description="Documented case the referral comes from.",
    )
    target_id = dy.String(
        regex=CASE_ID_REGEX,
        **CASE_ID_LENGTH,
        description="Space referred to: a documented case, or an undocumented space's code.",
    )
    kind = dy.Enum(tx.REFERRAL_KINDS, description="Referral kind from the taxonomy.")
    day = dy.Int32(
        nullable=True, min=0, description="Days since the source case's first event, when known."
    )


class ExposureSchema(dy.Schema):
    """Minutes an observer spent on a case in a given week (the volunteer's load)."""

    observer_id = dy.String(regex=OBSERVER_ID_REGEX, description="Pseudonymous observer.")
    case_id = dy.String(regex=CASE_ID_REGEX, **CASE_ID_LENGTH, description="Case watched.")
    week = dy.Int32(min=1, description="Week of the monitoring period, starting at 1.")
    minutes = dy.Int32(min=1, description="Minutes of exposure that week.")


ARCHETYPES: tuple[str, ...] = (
    "influencer_leaks",
    "relatives_partners",
    "covert_marketplace",
    "streamer_deepfakes",
    "child_signals",
    "directory_hub",
)
"""Generator archetypes. A reappearance is not an archetype: a successor inherits its
parent's archetype and is marked by ``parent_id`` in the planted table."""


class PlantedSchema(dy.Schema):
    """Synthetic datasets only: the truth the generator planted, per case."""

    case_id = dy.String(
        primary_key=True, regex=CASE_ID_REGEX, **CASE_ID_LENGTH, description="Case."
    )
    archetype = dy.Enum(ARCHETYPES, description="Generator archetype the case was drawn from.")
    community = dy.Int32(min=0, description="Planted referral community.")
    is_hub = dy.Bool(description="Planted hub of the referral network.")
    path = dy.Enum(
        ["platform_only", "platform_hotline", "platform_press"],
        description="Planted escalation path.",
    )
    parent_id = dy.String(
        nullable=True,
        regex=CASE_ID_REGEX,
        **CASE_ID_LENGTH,
        description="Case this one is a reappearance of (null for an originating case).",
    )
    depth = dy.Int32(
        min=0, description="Position in its reappearance chain (0 for an originating case)."
    )
    never_acted = dy.Bool(description="Planted: the platform never acts on this case.")


#: The tables of a CaseBook, in dependency order (cases first).
TABLES: dict[str, type[dy.Schema]] = {
    "cases": CasesSchema,
    "indicators": IndicatorsSchema,
    "actions": ActionsSchema,
    "events": EventsSchema,
    "referrals": ReferralsSchema,
    "exposure": ExposureSchema,
}
#: Optional tables (present in synthetic datasets only).
OPTIONAL_TABLES: dict[str, type[dy.Schema]] = {"planted": PlantedSchema}


def polars_schema(table: str) -> pl.Schema:
    """The polars schema (names and dtypes) of a table."""
    schema = {**TABLES, **OPTIONAL_TABLES}[table]
    return pl.Schema({name: col.dtype for name, col in schema.columns().items()})


def empty(table: str) -> pl.DataFrame:
    """An empty frame with the table's columns and dtypes."""
    return pl.DataFrame(schema=polars_schema(table))
