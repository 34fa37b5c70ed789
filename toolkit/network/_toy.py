"""Tiny hand-built CaseBooks for doctests and tests (synthetic codes, neutral titles)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import polars as pl

from toolkit.model import CaseBook


def toy_book(
    referrals: Iterable[tuple[str, str, str, int | None]] = (),
    events: Iterable[tuple[str, int, str]] = (),
    *,
    cases: Iterable[str] = (),
    bands: Mapping[str, str] | None = None,
) -> CaseBook:
    """A CaseBook from tuples: referrals ``(source, target, kind, day)``, events
    ``(case, day, event)``. Every source, every case with events and every code in
    ``cases`` becomes a documented case (type ``unclassified``); each case without events
    gets a ``discovered`` event on day 0. Other referral targets stay undocumented.

    >>> toy_book([("AA1", "BB2", "invitation", 3)]).cases.get_column("case_id").to_list()
    ['AA1']
    """
    refs = pl.DataFrame(
        list(referrals),
        schema={"source_id": pl.String, "target_id": pl.String, "kind": pl.String, "day": pl.Int32},
        orient="row",
    )
    ev = pl.DataFrame(
        list(events),
        schema={"case_id": pl.String, "day": pl.Int32, "event": pl.String},
        orient="row",
    )
    ids = sorted(set(refs.get_column("source_id")) | set(ev.get_column("case_id")) | set(cases))
    missing = [c for c in ids if c not in set(ev.get_column("case_id"))]
    ev = pl.concat(
        [
            ev,
            pl.DataFrame(
                {
                    "case_id": missing,
                    "day": [0] * len(missing),
                    "event": ["discovered"] * len(missing),
                },
                schema=ev.schema,
            ),
        ]
    ).sort("case_id", "day")
    bands = dict(bands or {})
    n = len(ids)
    frame = pl.DataFrame(
        {
            "case_id": ids,
            "title": ["Toy space"] * n,
            "case_type": ["unclassified"] * n,
            "platform_kind": [None] * n,
            "discovered_via": [None] * n,
            "members_band": [bands.get(c) for c in ids],
            "period": [None] * n,
            "observer_id": ["obs-01"] * n,
            "observed_until": [None] * n,
            "source": ["synthetic"] * n,
        },
        schema_overrides={
            "members_band": pl.String,
            "platform_kind": pl.String,
            "discovered_via": pl.String,
            "period": pl.String,
            "observed_until": pl.Int32,
        },
    )
    return CaseBook.from_frames(cases=frame, events=ev, referrals=refs)
