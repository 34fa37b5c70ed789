"""Reading a monitoring journal: lines → cases and sections → CaseBook tables.

The format is the contract in ``docs/journal-import.md``. This module follows it line
by line; the lexicon rules are in ``_lexicon.py``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import polars as pl

from toolkit import taxonomy as tx
from toolkit.journal import _lexicon as lx
from toolkit.journal._report import (
    CaseFound,
    DanglingReferral,
    ImportReport,
    JournalError,
    Skipped,
    UnknownLabel,
    UnmappedItem,
)
from toolkit.model import CaseBook, DatasetError, validate
from toolkit.model.schemas import OBSERVER_ID_REGEX

TITLE_MAX = 160
#: Sections whose items map to indicator codes.
INDICATOR_SECTIONS = ("architecture", "indicators")
#: Action codes whose day is the day of a timeline event (first occurrence).
ACTION_EVENT = {
    "report_platform": "reported_platform",
    "report_hotline": "reported_hotline",
    "alert_press": "alerted_press",
}
_REPORT_EVENTS = ("reported_platform", "reported_hotline", "alerted_press")


@cache
def journal_format() -> dict[str, Any]:
    """The format data (section labels, writer phrases) from ``format.toml``."""
    text = resources.files(__package__).joinpath("format.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _label_key(text: str) -> str:
    # "Remarque" and "Remarques" are the same label: drop one final "s" per word.
    return " ".join(
        w[:-1] if w.endswith("s") and len(w) > 3 else w for w in lx.normalise(text).split()
    )


@cache
def _labels() -> dict[str, tuple[str, frozenset[str]]]:
    """label key → (field, languages that use it)."""
    out: dict[str, tuple[str, set[str]]] = {}
    for fld, by_lang in journal_format()["labels"].items():
        for lang, labels in by_lang.items():
            for label in labels:
                key = _label_key(label)
                out.setdefault(key, (fld, set()))[1].add(lang)
    return {k: (f, frozenset(langs)) for k, (f, langs) in out.items()}


# ------------------------------------------------------------------ line shapes

_HEADING = re.compile(r"^#{1,6}(?:\s+|$)")
_HEADING_TAIL = re.compile(r"\s+#+\s*$")
_EMPHASIS = re.compile(r"\*\*|__")
_ITALIC = re.compile(r"(?<![\w*])[*_](?=\w)|(?<=\w)[*_](?![\w*])")
_QUOTE_MARK = re.compile(r"^>+\s*")
_BULLET = re.compile(r"^(?:[-*•–—+]|\d{1,3}[.)])\s+")
_SIMPLE_BULLET = re.compile(r"^[-*•–—+]\s+")
_NUMBERED = re.compile(r"^(\d{1,3})([.)])\s+\S")
_HEADER = re.compile(
    r"^(?P<word>(?i:cas|case))\s*(?i:n\s*[°º]|no\.?|#)\s*(?P<code>[A-Za-z0-9]+)"
    r"\s*(?:(?:[–—:]|-(?!>))\s*(?P<title>.*?))?\s*$"
)
_CODE = re.compile(r"^[A-Za-z0-9]{3,12}$")
_LABEL_LINE = re.compile(r"^(?P<label>[^:]{1,60}?)\s*:(?P<rest>.*)$")
_UNKNOWN_LABEL = re.compile(r"^(?P<label>[^\W\d_]+(?:[ '’-][^\W\d_]+){0,3})\s*:(?:\s|$)")
_DAY = re.compile(
    r"^(?:jour|day|j|d)\s*(?:(?P<sign>[+-])\s*)?(?P<n>\d{1,5})(?!\d)\s*(?:[:–—-]\s*)?(?P<rest>.*)$",
    re.IGNORECASE,
)
_REFERRAL = re.compile(r"(?:→|->|=>|⇒|\b[Vv]ers\b)\s*(?P<code>[A-Z0-9]{3,12})\b(?P<tail>[^→⇒]*)")
_HINT = re.compile(r"\(([^()]*)\)\s*$")
_ALNUM = re.compile(r"\w")


def _clean(raw: str) -> tuple[str, bool, bool]:
    """A line without Markdown marks (heading, bold, italics, quote); whether it was a
    heading; whether it carried any mark (heading, bold or italics)."""
    s = raw.strip()
    s = _QUOTE_MARK.sub("", s)
    heading = bool(_HEADING.match(s))
    if heading:
        s = _HEADING_TAIL.sub("", _HEADING.sub("", s))
    plain = _ITALIC.sub("", _EMPHASIS.sub("", s))
    return plain.strip(), heading, heading or plain != s


# ------------------------------------------------------------------ parsed structure


@dataclass
class _Section:
    name: str
    items: list[tuple[int, str]] = field(default_factory=list)
    list_prev: int | None = None


@dataclass
class _Case:
    code: str
    title: str
    path: str
    line: int
    header_word: str
    sections: list[_Section] = field(default_factory=list)
    label_langs: list[frozenset[str]] = field(default_factory=list)

    @property
    def current(self) -> _Section | None:
        return self.sections[-1] if self.sections else None

    def items(self, name: str) -> list[tuple[int, str]]:
        return [it for s in self.sections if s.name == name for it in s.items]

    @property
    def lang(self) -> str:
        votes = {"fr": 0, "en": 0}
        votes["fr" if self.header_word.lower() == "cas" else "en"] += 1
        for langs in self.label_langs:
            if len(langs) == 1:
                votes[next(iter(langs))] += 1
        if votes["fr"] == votes["en"]:
            return "fr" if self.header_word.lower() == "cas" else "en"
        return max(votes, key=lambda k: votes[k])


def _section_label(clean: str, marked: bool) -> tuple[str, frozenset[str], str] | None:
    """(field, languages, text after the colon) when the line is a section label."""
    text = _SIMPLE_BULLET.sub("", clean)
    m = _LABEL_LINE.match(text)
    if m:
        found = _labels().get(_label_key(m.group("label")))
        if found:
            return found[0], found[1], m.group("rest").strip()
    if marked:
        found = _labels().get(_label_key(text))
        if found and text.strip():
            return found[0], found[1], ""
    return None


def split_cases(text: str, path: str, report: ImportReport) -> list[_Case]:
    """Cut a journal into cases and sections (no mapping yet)."""
    cases: list[_Case] = []
    case: _Case | None = None
    last_part = 0
    outside: list[int] = []
    preamble: list[int] = []

    for lineno, raw in enumerate(text.split("\n"), start=1):
        clean, heading, marked = _clean(raw)
        if not clean or (not _ALNUM.search(clean) and "→" not in clean):
            continue
        header = _HEADER.match(clean)
        if header and _is_case_code(header.group("code")):
            case = _open_case(header, path, lineno, report)
            cases.append(case)
            continue
        numbered = _NUMBERED.match(clean)
        if case is None:
            if numbered and numbered.group(2) == "." and int(numbered.group(1)) == last_part + 1:
                last_part += 1
            outside.append(lineno)
            continue
        label = _section_label(clean, marked)
        if heading and label is None:
            case = None  # a Markdown heading that is not a section label ends the case
            if numbered and numbered.group(2) == "." and int(numbered.group(1)) == last_part + 1:
                last_part += 1
            outside.append(lineno)
            continue
        if numbered and label is None:
            n = int(numbered.group(1))
            section = case.current
            continues = section is not None and section.list_prev is not None
            if (continues and n == section.list_prev + 1) or n == 1:
                pass  # an item of a numbered list of the section
            elif numbered.group(2) == "." and n == last_part + 1:
                last_part = n  # the journal's next numbered part closes the case
                case = None
                outside.append(lineno)
                continue
        if label is not None:
            name, langs, rest = label
            case.sections.append(_Section(name))
            case.label_langs.append(langs)
            if rest:
                case.current.items.append((lineno, rest))
            continue
        section = case.current
        if section is None:
            preamble.append(lineno)
            continue
        unknown = _UNKNOWN_LABEL.match(clean)
        if unknown and not _BULLET.match(clean):
            report.unknown_labels.append(
                UnknownLabel(case.code, path, lineno, unknown.group("label"))
            )
        if numbered:
            section.list_prev = int(numbered.group(1))
        item = _BULLET.sub("", clean).strip()
        if item:
            section.items.append((lineno, item))
    if outside:
        report.skipped.append(Skipped(path, "outside any case", tuple(outside)))
    if preamble:
        report.skipped.append(
            Skipped(path, "inside a case but before its first section label", tuple(preamble))
        )
    notes = tuple(n for c in cases for n, _ in c.items("notes"))
    if notes:
        report.skipped.append(Skipped(path, "in notes sections (reflections, not data)", notes))
    return cases


def _is_case_code(code: str) -> bool:
    # Case codes are written in capitals; a lower-case word after `no` ("Case notes:")
    # is prose, not a header. A code with a digit is accepted in any case (d220k).
    return code.isupper() or any(ch.isdigit() for ch in code)


def _open_case(header: re.Match[str], path: str, lineno: int, report: ImportReport) -> _Case:
    code = header.group("code")
    if not _CODE.match(code) or not re.search(r"[A-Za-z]", code):
        raise JournalError(
            path,
            lineno,
            "a case code must be 3 to 12 letters and digits with at least one letter "
            "(an author's code such as D220K, never a platform identifier); fix the header",
        )
    title = (header.group("title") or "").strip()
    code = code.upper()
    if not title:
        report.warnings.append(f"{path}:{lineno}: case {code} has no title; its code is used")
        title = code
    if len(title) > TITLE_MAX:
        report.warnings.append(
            f"{path}:{lineno}: the title of case {code} is longer than {TITLE_MAX} characters; "
            "it was shortened"
        )
        title = title[: TITLE_MAX - 1].rstrip() + "…"
    return _Case(code, title, path, lineno, header.group("word"))


# ------------------------------------------------------------------ members


_FR_WORDS = {
    "dizaine": 10,
    "douzaine": 12,
    "quinzaine": 15,
    "vingtaine": 20,
    "trentaine": 30,
    "quarantaine": 40,
    "cinquantaine": 50,
    "soixantaine": 60,
    "centaine": 100,
    "millier": 1000,
    "mille": 1000,
    "cent": 100,
    "dix": 10,
    "vingt": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
}
_EN_WORDS = {
    "dozen": 12,
    "score": 20,
    "hundred": 100,
    "thousand": 1000,
    "ten": 10,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SEVERAL = {"quelques", "plusieurs", "few", "several", "many"}
_LESS = ("moins de", "less than", "fewer than", "under", "below", "au plus", "at most")
_NUMBER = re.compile(
    r"(?P<k>\d+(?:[.,]\d+)?)\s*k\b|(?P<n>\d{1,3}(?:[ \u00a0\u202f.,’']\d{3})+(?!\d)|\d+)",
    re.IGNORECASE,
)


def parse_members(text: str) -> int | None:
    """An approximate member count from free text (``environ 350``, ``1200+``, ``une centaine``).

    Parameters
    ----------
    text : str
        The members item.

    Returns
    -------
    int or None
        A count inside the meant band; ``None`` when no count can be read. ``moins de N``
        / ``less than N`` give ``N - 1``; ``quelques``/``plusieurs``/``a few``/``several``
        before a word count multiply it by three (``quelques centaines`` → 300).

    Examples
    --------
    >>> [parse_members(t) for t in ["plus de 900", "~200", "1200+", "une centaine",
    ...                              "a few dozen", "about 50", "1 200", "2k", "?"]]
    [900, 200, 1200, 100, 36, 50, 1200, 2000, None]
    """
    norm = text.lower()
    m = _NUMBER.search(norm)
    value: int | None = None
    if m:
        if m.group("k"):
            value = int(float(m.group("k").replace(",", ".")) * 1000)
        else:
            value = int(re.sub(r"\D", "", m.group("n")))
        before = lx.normalise(norm[: m.start()])
    else:
        words = lx.normalise(norm).split()
        for i, w in enumerate(words):
            base = w[:-1] if w.endswith(("s", "x")) and w[:-1] in {**_FR_WORDS, **_EN_WORDS} else w
            n = _FR_WORDS.get(base) or _EN_WORDS.get(base)
            if n:
                several = w != base or any(p in _SEVERAL for p in words[max(0, i - 2) : i])
                value = n * 3 if several else n
                before = " ".join(words[:i])
                break
        else:
            return None
    if value is not None and any(before.endswith(lx.normalise(p)) for p in _LESS):
        value -= 1
    if value is None or value < 1:
        return None
    return value


# ------------------------------------------------------------------ mapping to tables


@dataclass
class _Mapped:
    case: dict[str, Any]
    indicators: list[dict[str, Any]]
    actions: list[dict[str, Any]]
    events: list[dict[str, Any]]
    referrals: list[dict[str, Any]]


def _map_case(c: _Case, observer_id: str, report: ImportReport) -> _Mapped:
    lang = c.lang
    path = c.path

    def unmapped(section: str, line: int, item: str) -> None:
        report.unmapped.append(UnmappedItem(c.code, section, path, line, item))

    # indicators and architecture → indicator codes with evidence
    evidence: dict[str, list[str]] = {}
    for section in INDICATOR_SECTIONS:
        for line, item in c.items(section):
            found = lx.codes(item, "indicators", lang)
            if not found:
                unmapped(section, line, item)
            for code, terms in found.items():
                evidence.setdefault(code, []).append(f"{item} [{', '.join(terms)}]")
    indicator_codes = sorted(evidence)

    # referrals first: a timeline line that names a referred case dates the referral
    referral_rows = _referrals(c, lang, report)
    mentions = {
        r["target_id"]: re.compile(rf"(?<![A-Za-z0-9]){re.escape(r['target_id'])}(?![A-Za-z0-9])")
        for r in referral_rows
    }

    # timeline → events with days
    timeline: list[tuple[int, int, str]] = []  # (line, day, text)
    events: dict[tuple[int, str], int] = {}
    for line, item in c.items("timeline"):
        m = _DAY.match(item)
        if not m:
            raise JournalError(
                path,
                line,
                f"a timeline line of case {c.code} cannot be read: each line starts with a day "
                "relative to the first event (J0, J+3, D0, D+3), then the event, e.g. "
                "`J+3 : signalement à la plateforme` or `D+3: report to the platform`",
            )
        if m.group("sign") == "-" and int(m.group("n")) > 0:
            raise JournalError(
                path,
                line,
                f"a timeline line of case {c.code} has a negative day; days count from the "
                "case's first event (J0), so renumber the timeline from it",
            )
        day, rest = int(m.group("n")), m.group("rest").strip()
        timeline.append((line, day, rest))
        found = lx.codes(rest, "events", lang)
        if not found and not any(p.search(rest) for p in mentions.values()):
            unmapped("timeline", line, item)
        for code in found:
            events.setdefault((day, code), line)
    shift = min((d for d, _ in events), default=0)
    if shift:
        report.warnings.append(
            f"{path}:{c.line}: the timeline of case {c.code} starts at day {shift}, not 0; "
            "days were renumbered from its first event"
        )
    event_rows = sorted(
        ((d - shift, code, line) for (d, code), line in events.items()),
        key=lambda r: (r[0], tx.EVENTS.index(r[1])),
    )
    _check_takedown(c, event_rows)
    first_day: dict[str, int] = {}
    for d, code, _ in event_rows:
        first_day.setdefault(code, d)
    days = [d - shift for _, d, _ in timeline if d - shift >= 0]
    observed_until = max(days) if days else None

    # actions → action codes (one row per code), day from the matching event
    action_codes: list[str] = []
    for line, item in c.items("actions"):
        found = lx.codes(item, "actions", lang)
        if not found:
            unmapped("actions", line, item)
        action_codes += [a for a in found if a not in action_codes]
    action_rows = [
        {"case_id": c.code, "code": a, "day": first_day.get(ACTION_EVENT.get(a, ""))}
        for a in sorted(action_codes, key=tx.ACTIONS.index)
    ]

    # members → band only
    band = None
    members = c.items("members")
    for line, item in members:
        count = parse_members(item)
        if count is None:
            unmapped("members", line, item)
            continue
        if band is not None:
            report.warnings.append(
                f"{path}:{line}: case {c.code} has several member counts; the first is kept"
            )
            continue
        band = tx.band_for_count(count)

    # context → discovery route (and platform kind when the text says)
    context = c.items("context")
    discovered_via = _best(c, context, "discovery_routes", lang, report)
    platform_kind = _best(c, context, "platform_kinds", lang, report, quiet=True)
    if context and discovered_via is None:
        for line, item in context:
            unmapped("context", line, item)

    # The k-th referral to a code (in the order listed) takes the day of the k-th
    # timeline line naming that code; referrals beyond the lines naming it stay undated.
    taken: dict[str, int] = {}
    for r in referral_rows:
        days = [d - shift for _, d, text in timeline if mentions[r["target_id"]].search(text)]
        k = taken.get(r["target_id"], 0)
        taken[r["target_id"]] = k + 1
        r["day"] = days[k] if k < len(days) and days[k] >= 0 else None

    title_hint = _HINT.search(c.title)
    case_type = tx.derive_case_type(indicator_codes, title_hint.group(1) if title_hint else None)
    case_row = {
        "case_id": c.code,
        "title": c.title,
        "case_type": case_type,
        "platform_kind": platform_kind,
        "discovered_via": discovered_via,
        "members_band": band,
        "period": None,
        "observer_id": observer_id,
        "observed_until": observed_until,
        "source": "journal",
    }
    report.cases.append(CaseFound(c.code, c.title, path, c.line, lang, case_type))
    report.codes[c.code] = {
        "indicators": indicator_codes,
        "actions": [r["code"] for r in action_rows],
        "events": [f"{code}@{d}" for d, code, _ in event_rows],
        "discovered_via": discovered_via,
        "members_band": band,
        "referrals": [f"{r['target_id']} ({r['kind']})" for r in referral_rows],
    }
    return _Mapped(
        case_row,
        [
            {"case_id": c.code, "code": code, "evidence": " | ".join(evidence[code])}
            for code in indicator_codes
        ],
        action_rows,
        [{"case_id": c.code, "day": d, "event": code} for d, code, _ in event_rows],
        referral_rows,
    )


def _check_takedown(c: _Case, event_rows: list[tuple[int, str, int]]) -> None:
    reports = [d for d, code, _ in event_rows if code in _REPORT_EVENTS]
    for d, code, line in event_rows:
        if code == "takedown" and (not reports or d < min(reports)):
            raise JournalError(
                c.path,
                line,
                f"the timeline of case {c.code} has a takedown before any report; the data "
                "model counts a takedown as the answer to a report: add the report line "
                "(e.g. `J+0 : signalement à la plateforme`) or remove the takedown",
            )


def _best(
    c: _Case,
    items: list[tuple[int, str]],
    section: str,
    lang: str,
    report: ImportReport,
    *,
    quiet: bool = False,
) -> str | None:
    """The code of ``section`` best supported by the items: most distinct terms matched,
    then the longest term, then the earliest."""
    if not items:
        return None
    text = " . ".join(item for _, item in items)
    matches = lx.find(text, section, lang)
    if not matches:
        return None
    score: dict[str, tuple[int, int, int]] = {}
    terms: dict[str, set[str]] = {}
    for m in matches:
        terms.setdefault(m.code, set()).add(m.term)
        _n, longest, first = score.get(m.code, (0, 0, -m.start))
        score[m.code] = (len(terms[m.code]), max(longest, m.length), max(first, -m.start))
    best = max(sorted(score), key=lambda code: score[code])
    if len(score) > 1 and not quiet:
        others = ", ".join(sorted(set(score) - {best}))
        report.warnings.append(
            f"{c.path}:{items[0][0]}: the context of case {c.code} names several routes "
            f"({best}, {others}); {best} was kept (most terms matched)"
        )
    return best


def _referrals(c: _Case, lang: str, report: ImportReport) -> list[dict[str, Any]]:
    """Referral rows of a case (``day`` is filled in from the timeline afterwards)."""
    rows: list[dict[str, Any]] = []
    for line, item in c.items("referrals"):
        found = list(_REFERRAL.finditer(item))
        if not found:
            report.unmapped.append(UnmappedItem(c.code, "referrals", c.path, line, item))
            continue
        for m in found:
            target = m.group("code")
            tail = m.group("tail").strip(" :–—-,;.")
            kinds = lx.find(tail, "referral_kinds", lang) if tail else []
            if kinds:
                kind = kinds[0].code
            else:
                kind = "invitation"
                if tail:
                    report.unmapped.append(
                        UnmappedItem(c.code, "referral kind", c.path, line, tail)
                    )
                else:
                    report.warnings.append(
                        f"{c.path}:{line}: the referral of case {c.code} to {target} gives no "
                        "kind; it was kept as `invitation`"
                    )
            if target == c.code:
                report.warnings.append(
                    f"{c.path}:{line}: case {c.code} refers to itself; the referral is kept"
                )
            rows.append(
                {"source_id": c.code, "target_id": target, "kind": kind, "day": None, "_line": line}
            )
    return rows


# ------------------------------------------------------------------ the whole import


def parse_journals(
    texts: Iterable[tuple[str, str]],
    *,
    observer_id: str = "obs-01",
    strict: bool = False,
) -> tuple[CaseBook, ImportReport]:
    """Parse journal texts (already scanned for identifiers) into a CaseBook and a report.

    ``texts`` holds ``(path, text)`` pairs; ``path`` is only used in messages.
    """
    if not re.match(OBSERVER_ID_REGEX, observer_id):
        raise JournalError(
            "observer_id", None, "an observer id looks like `obs-03` (pseudonymous, never a name)"
        )
    report = ImportReport()
    all_cases: list[_Case] = []
    where: dict[str, _Case] = {}
    for path, text in texts:
        report.files.append(path)
        for case in split_cases(text, path, report):
            if case.code in where:
                first = where[case.code]
                at = f"line {first.line}" if first.path == path else f"{first.path}:{first.line}"
                raise JournalError(
                    path,
                    case.line,
                    f"case code {case.code} appears twice (first at {at}); give each case its "
                    "own code",
                )
            where[case.code] = case
            all_cases.append(case)
    if not all_cases:
        raise JournalError(
            report.files[0] if len(report.files) == 1 else ", ".join(report.files),
            None,
            "no case found: a case starts at a header line such as `Cas n°D220K – title` or "
            "`Case #E501X — title` (see docs/journal-import.md)",
        )
    mapped = [_map_case(c, observer_id, report) for c in all_cases]
    for m in mapped:
        for r in m.referrals:
            if r["target_id"] not in where:
                report.dangling_referrals.append(
                    DanglingReferral(
                        r["source_id"], r["target_id"], where[r["source_id"]].path, r["_line"]
                    )
                )
            del r["_line"]
    if strict and report.unmapped:
        lines = [f"  {u.path}:{u.line}: {u.case_id} {u.section}" for u in report.unmapped]
        first = report.unmapped[0]
        raise JournalError(
            first.path,
            first.line,
            f"{len(report.unmapped)} item(s) map to no code of the taxonomy (strict mode); "
            "reword them with the taxonomy's terms (docs/taxonomy.md) or import without "
            "--strict to see them in the report:\n" + "\n".join(lines),
        )
    book = _book(mapped, observer_id, len(report.files))
    return book, report


def _frame(rows: list[dict[str, Any]], table: str, sort: list[str]) -> pl.DataFrame | None:
    from toolkit.model.schemas import polars_schema

    schema = polars_schema(table)
    plain = {k: (pl.String if isinstance(v, pl.Enum) else v) for k, v in schema.items()}
    rows = [{k: r.get(k) for k in schema} for r in rows]
    df = pl.DataFrame(rows, schema=plain) if rows else pl.DataFrame(schema=plain)
    # Enum columns sort in the taxonomy's order (e.g. events by their `order`).
    return df.cast(dict(schema)).sort(sort, nulls_last=True, maintain_order=True)


def _book(mapped: list[_Mapped], observer_id: str, n_files: int) -> CaseBook:
    frames = {
        "cases": _frame([m.case for m in mapped], "cases", ["case_id"]),
        "indicators": _frame(
            [r for m in mapped for r in m.indicators], "indicators", ["case_id", "code"]
        ),
        "actions": _frame([r for m in mapped for r in m.actions], "actions", ["case_id", "code"]),
        "events": _frame(
            [r for m in mapped for r in m.events], "events", ["case_id", "day", "event"]
        ),
        "referrals": _frame(
            [r for m in mapped for r in m.referrals],
            "referrals",
            ["source_id", "target_id", "kind"],
        ),
    }
    manifest = {
        "source": "journal",
        "journal_files": n_files,
        "observer_id": observer_id,
        "journal_format_version": journal_format()["version"],
    }
    try:
        book = CaseBook.from_frames(manifest=manifest, where="journal import", **frames)
        return validate(book, where="journal import")
    except DatasetError as exc:  # pragma: no cover - the parser checks every rule first
        raise JournalError(
            "journal import", None, f"the imported data breaks a rule of the data model: {exc}"
        ) from None
