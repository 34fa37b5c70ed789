"""Writing a CaseBook as a monitoring journal (the other direction of the import)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import polars as pl

from toolkit import taxonomy as tx
from toolkit.journal._parse import journal_format
from toolkit.model import CaseBook

#: Indicator codes written under "Architecture" (how the space is organised); every
#: other indicator goes under "Indicators". Both sections map back to indicators.
ARCHITECTURE_CODES = ("org.per_target_channels", "org.minor_category")
#: The count written for each members band: a value inside the band, so that the
#: band (and only the band) round-trips. ``plus de``/``more than`` for the open band.
MEMBERS_WRITTEN = {"1-49": 20, "50-199": 100, "200-999": 300, "1000+": 1000}


def _labels(section: str, lang: str) -> dict[str, str]:
    return {f: journal_format()["labels"][f][lang][0] for f in journal_format()["labels"]}


def _day(day: int, prefix: str) -> str:
    return f"{prefix}0" if day == 0 else f"{prefix}+{day}"


def _group(df: pl.DataFrame, key: str) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for row in df.iter_rows(named=True):
        out.setdefault(row[key], []).append(row)
    return out


def render_journal(book: CaseBook, lang: str = "fr") -> str:
    """The journal text of a CaseBook (see :func:`write_journal`).

    Examples
    --------
    >>> from toolkit.journal import parse_journal_text
    >>> import polars as pl
    >>> from toolkit.model import CaseBook
    >>> book = CaseBook.from_frames(
    ...     cases=pl.DataFrame({"case_id": ["A12B"], "title": ["Test space"],
    ...         "case_type": ["deepfakes"], "platform_kind": [None], "discovered_via": [None],
    ...         "members_band": ["50-199"], "period": [None], "observer_id": ["obs-01"],
    ...         "observed_until": [None], "source": ["synthetic"]}),
    ...     indicators=pl.DataFrame({"case_id": ["A12B"],
    ...         "code": ["content.sexual_deepfake"], "evidence": [None]}))
    >>> text = render_journal(book, "en")
    >>> "Case #A12B – Test space" in text and "- Sexual deepfakes" in text
    True
    >>> parse_journal_text(text)[0].cases["members_band"].to_list()
    ['50-199']
    """
    if lang not in tx.LANGS:
        raise ValueError(f"lang must be one of {tx.LANGS}, not {lang!r}")
    book = book.collect()
    w = journal_format()["writer"][lang]
    labels = _labels("labels", lang)
    colon = w["colon"]
    indicators = _group(book.indicators, "case_id")
    actions = _group(book.actions, "case_id")
    events = _group(book.events, "case_id")
    referrals = _group(book.referrals, "source_id")
    lines = [
        w["warning_title"],
        w["warning_text"],
        "",
        w["intro_part"],
        w["intro_text"],
        "",
        w["cases_part"],
        "",
    ]
    for case in book.cases.sort("case_id").iter_rows(named=True):
        cid = case["case_id"]
        title = " ".join(str(case["title"]).split())
        lines.append(f"{w['case_word']}{cid} – {title}")
        context = []
        if case["discovered_via"]:
            context.append(tx.label(case["discovered_via"], lang, "discovery_routes"))
        if case["platform_kind"]:
            kind = tx.label(case["platform_kind"], lang, "platform_kinds")
            context.append(f"({kind})" if context else kind)
        if context:
            lines.append(f"{labels['context']}{colon}{' '.join(context)}.")
        codes = sorted(
            {r["code"] for r in indicators.get(cid, [])}, key=lambda c: tx.INDICATORS.index(c)
        )
        arch = [c for c in codes if c in ARCHITECTURE_CODES]
        signs = [c for c in codes if c not in ARCHITECTURE_CODES]
        for section, group in (("architecture", arch), ("indicators", signs)):
            if group:
                lines.append(f"{labels[section]}{colon.rstrip()}")
                lines += [f"- {tx.label(c, lang, 'indicators')}" for c in group]
        acts = sorted({r["code"] for r in actions.get(cid, [])}, key=tx.ACTIONS.index)
        if acts:
            lines.append(f"{labels['actions']}{colon.rstrip()}")
            lines += [f"- {tx.label(a, lang, 'actions')}" for a in acts]
        band = case["members_band"]
        if band:
            word = w["members_more"] if band == "1000+" else w["members_about"]
            lines.append(f"{labels['members']}{colon}{word} {MEMBERS_WRITTEN[band]}")
        refs = sorted(
            {(r["target_id"], r["kind"], r["day"]) for r in referrals.get(cid, [])},
            key=_referral_order,
        )
        lines += _timeline(events.get(cid, []), refs, lang, labels, w)
        if refs:
            lines.append(f"{labels['referrals']}{colon.rstrip()}")
            lines += [f"- → {t} ({tx.label(k, lang, 'referral_kinds')})" for t, k, _ in refs]
        lines.append("")
    lines += [w["closing_part"], w["closing_text"], ""]
    return "\n".join(lines)


def _referral_order(r: tuple[str, str, int | None]) -> tuple[Any, ...]:
    target, kind, day = r
    return (target, day is None, day or 0, tx.REFERRAL_KINDS.index(kind))


def _timeline(
    events: list[dict[str, Any]],
    refs: list[tuple[str, str, int | None]],
    lang: str,
    labels: dict[str, str],
    w: dict[str, str],
) -> list[str]:
    """Timeline lines. Each dated referral gets its own line naming the referred code
    (``J+45 : renvoi vers C011J``): the import dates the k-th referral to a code by the
    k-th timeline line naming it, and referrals are listed in the same order."""
    rows = [
        (day, tx.EVENTS.index(event), tx.label(event, lang, "events"))
        for day, event in {(r["day"], r["event"]) for r in events}
    ]
    rows += [
        (day, len(tx.EVENTS) + i, f"{w['referral_line']} {target}")
        for i, (target, _, day) in enumerate(refs)
        if day is not None
    ]
    if not rows:
        return []
    out = [f"{labels['timeline']}{w['colon'].rstrip()}"]
    for day, _, text in sorted(rows):
        out.append(f"- {_day(day, w['day_prefix'])}{w['colon']}{text}")
    return out


def write_journal(book: CaseBook, path: str | os.PathLike[str], lang: str = "fr") -> Path:
    """Write a CaseBook as a monitoring journal that :func:`read_journal` imports back.

    Parameters
    ----------
    book : CaseBook
        Any valid CaseBook (synthetic or imported).
    path : path
        The Markdown/text file to write (replaced atomically if it exists).
    lang : {"fr", "en"}, default ``"fr"``
        Language of the section labels and of the code labels (from the taxonomy).

    Returns
    -------
    Path
        The file written.

    Notes
    -----
    The journal opens with a content warning, then one case per row of ``cases``
    (sorted by code) with the sections Context (discovery route and platform kind),
    Architecture (``org.per_target_channels``, ``org.minor_category``), Indicators,
    Actions (code labels, one a line), Members (a count inside the band, e.g.
    ``environ 300``), Timeline (``J+N : event``) and Referrals (``→ CODE (kind)``).
    Every label maps back to its own code (tested for every code in both languages),
    so importing the file gives back the same cases, codes, bands, event days and
    referrals. Not kept: evidence, exposure, periods, action days, ``observed_until``
    later than the last event, and the planted truth. A title that ends with a
    parenthesis is read back as a case-type hint (as in any journal), so the case type
    round-trips when it is the one the codes and that hint give. The text is scanned for
    identifiers before it is written (:class:`toolkit.privacy.PrivacyError`).

    References
    ----------
    The journal format v1 (``docs/journal-import.md``).
    """
    from toolkit.privacy import PrivacyError, scan_text

    target = Path(path)
    text = render_journal(book, lang)
    findings = scan_text(text, str(target))
    if findings:
        raise PrivacyError(findings, what="journal export refused")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
