"""The veille taxonomy: codes, labels, definitions and lexicon, loaded from data.

Everything the toolkit calls a code (indicators, actions, events, case types,
referral kinds, discovery routes, platform kinds, member bands) is defined once in
``taxonomy.toml`` beside this file, validated when the module is imported, and
exposed here as plain tuples and polars ``Enum`` dtypes.

Examples
--------
>>> from toolkit import taxonomy
>>> "content.sexual_deepfake" in taxonomy.INDICATORS
True
>>> taxonomy.label("content.tribute", "en")
'Tributes'
>>> taxonomy.derive_case_type({"content.sexual_deepfake", "target.public_figure"})
'deepfakes'
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import polars as pl

__all__ = [
    "ACTIONS",
    "CASE_TYPES",
    "CHILD_SIGNAL_CODES",
    "DISCOVERY_ROUTES",
    "EVENTS",
    "INDICATORS",
    "LANGS",
    "MEMBERS_BANDS",
    "PLATFORM_KINDS",
    "REFERRAL_KINDS",
    "SOURCES",
    "VERSION",
    "TaxonomyError",
    "band_for_count",
    "definition",
    "derive_case_type",
    "entry",
    "label",
    "lexicon",
    "raw",
]

LANGS = ("fr", "en")
_SECTIONS = (
    "indicators",
    "actions",
    "events",
    "case_types",
    "referral_kinds",
    "discovery_routes",
    "platform_kinds",
    "members_bands",
    "sources",
)
_INDICATOR_FAMILIES = ("target", "content", "org", "platform")
_CODE_RE = re.compile(r"^[a-z][a-z_]*(\.[a-z][a-z_]*)?$")


class TaxonomyError(ValueError):
    """The taxonomy file breaks one of its own rules (raised at import)."""


@dataclass(frozen=True)
class _Taxonomy:
    version: str
    data: dict[str, Any]


def _check(data: dict[str, Any]) -> None:
    where = "toolkit/taxonomy/taxonomy.toml"
    for section in _SECTIONS:
        if section not in data or not data[section]:
            raise TaxonomyError(f"{where}: section [{section}] is missing or empty")
    for section in _SECTIONS:
        for code, spec in data[section].items():
            if section != "members_bands" and not _CODE_RE.match(code):
                raise TaxonomyError(f"{where}: [{section}] code {code!r} is not a stable code")
            if section in ("members_bands",):
                continue
            for lang in LANGS:
                if not spec.get("label", {}).get(lang):
                    raise TaxonomyError(f"{where}: [{section}.{code}] has no {lang} label")
    for code, spec in data["indicators"].items():
        family = code.split(".")[0]
        if spec.get("family") != family or family not in _INDICATOR_FAMILIES:
            raise TaxonomyError(f"{where}: indicator {code!r} has family {spec.get('family')!r}")
        if spec.get("severity") not in (1, 2, 3):
            raise TaxonomyError(f"{where}: indicator {code!r} needs a severity of 1, 2 or 3")
        dsa = spec.get("dsa", {})
        if not str(dsa.get("category", "")).startswith("STATEMENT_CATEGORY_") or not str(
            dsa.get("keyword", "")
        ).startswith("KEYWORD_"):
            raise TaxonomyError(f"{where}: indicator {code!r} needs a DSA category and keyword")
        for lang in LANGS:
            if not spec.get("definition", {}).get(lang):
                raise TaxonomyError(f"{where}: indicator {code!r} has no {lang} definition")
    for section in ("indicators", "actions", "events", "referral_kinds", "discovery_routes"):
        for code, spec in data[section].items():
            for lang in LANGS:
                if not spec.get("lexicon", {}).get(lang):
                    raise TaxonomyError(f"{where}: [{section}.{code}] has no {lang} lexicon")
    for code, spec in data["case_types"].items():
        for ind in spec.get("any_of", []):
            if ind not in data["indicators"]:
                raise TaxonomyError(f"{where}: case type {code!r} names unknown indicator {ind!r}")


@cache
def raw() -> _Taxonomy:
    """The parsed, validated taxonomy file (cached)."""
    text = resources.files(__package__).joinpath("taxonomy.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    _check(data)
    return _Taxonomy(version=data["version"], data=data)


def entry(section: str, code: str) -> dict[str, Any]:
    """The full taxonomy entry of ``code`` in ``section`` (e.g. ``"indicators"``)."""
    try:
        return raw().data[section][code]
    except KeyError:
        raise KeyError(f"{code!r} is not a code of [{section}] in the taxonomy") from None


def _section_of(code: str) -> str:
    for section in _SECTIONS:
        if code in raw().data[section]:
            return section
    raise KeyError(f"{code!r} is not a code of the taxonomy")


def label(code: str, lang: str = "en", section: str | None = None) -> str:
    """The FR or EN label of a code (its section is found when not given)."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")
    spec = entry(section or _section_of(code), code)
    return spec.get("label", {}).get(lang, code)


def definition(code: str, lang: str = "en", section: str | None = None) -> str:
    """The one-line neutral definition of a code."""
    spec = entry(section or _section_of(code), code)
    return spec.get("definition", {}).get(lang, "")


def lexicon(section: str, lang: str) -> dict[str, tuple[str, ...]]:
    """Lexicon terms of every code of ``section`` in ``lang`` (normalised stems)."""
    return {
        code: tuple(spec.get("lexicon", {}).get(lang, ()))
        for code, spec in raw().data[section].items()
    }


VERSION: str = raw().version
INDICATORS: tuple[str, ...] = tuple(raw().data["indicators"])
ACTIONS: tuple[str, ...] = tuple(raw().data["actions"])
EVENTS: tuple[str, ...] = tuple(
    sorted(raw().data["events"], key=lambda c: raw().data["events"][c]["order"])
)
CASE_TYPES: tuple[str, ...] = tuple(
    sorted(raw().data["case_types"], key=lambda c: raw().data["case_types"][c]["precedence"])
)
REFERRAL_KINDS: tuple[str, ...] = tuple(raw().data["referral_kinds"])
DISCOVERY_ROUTES: tuple[str, ...] = tuple(raw().data["discovery_routes"])
PLATFORM_KINDS: tuple[str, ...] = tuple(raw().data["platform_kinds"])
MEMBERS_BANDS: tuple[str, ...] = tuple(raw().data["members_bands"])
SOURCES: tuple[str, ...] = tuple(raw().data["sources"])
SEVERITY: dict[str, int] = {c: s["severity"] for c, s in raw().data["indicators"].items()}
#: Codes that are child-exploitation signals of the space itself (case type
#: ``minor_signals`` and triage tier ``urgent``).
CHILD_SIGNAL_CODES: frozenset[str] = frozenset(raw().data["case_types"]["minor_signals"]["any_of"])


def enum(section: str) -> pl.Enum:
    """The polars ``Enum`` dtype of a taxonomy section, in the taxonomy's order."""
    order = {
        "indicators": INDICATORS,
        "actions": ACTIONS,
        "events": EVENTS,
        "case_types": CASE_TYPES,
        "referral_kinds": REFERRAL_KINDS,
        "discovery_routes": DISCOVERY_ROUTES,
        "platform_kinds": PLATFORM_KINDS,
        "members_bands": MEMBERS_BANDS,
        "sources": SOURCES,
    }[section]
    return pl.Enum(list(order))


def band_for_count(n: int | None) -> str | None:
    """The members band of an approximate count (the count itself is never stored).

    >>> band_for_count(350), band_for_count(1200), band_for_count(None)
    ('200-999', '1000+', None)
    """
    if n is None:
        return None
    if n < 1:
        raise ValueError("a member count must be at least 1")
    for band, spec in raw().data["members_bands"].items():
        if n >= spec["low"] and ("high" not in spec or n <= spec["high"]):
            return band
    raise AssertionError("members bands do not cover every positive count")  # pragma: no cover


def _normalise_hint(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def derive_case_type(codes: Iterable[str], title_hint: str | None = None) -> str:
    """Derive a case type from its indicator codes, with the documented precedence.

    Every case type whose rule fires is a candidate (``any_of`` one of its codes;
    ``referral_hub`` also needs no ``content.*`` code). ``minor_signals`` always wins,
    so a space that itself shows child-exploitation signals is never filed under
    another type. Otherwise a title hint (e.g. the ``(leaks / tributes)`` at the end
    of a journal title) that names a candidate wins, then the candidate first in
    precedence order. With no candidate, the title hint's type, else
    ``unclassified``.

    >>> derive_case_type({"target.minor", "target.public_figure"})
    'leaks_tributes'
    >>> derive_case_type({"content.age_focus", "content.sexual_deepfake"})
    'minor_signals'
    >>> derive_case_type({"target.partner", "content.tribute"}, title_hint="leaks / tributes")
    'leaks_tributes'
    """
    codes = set(codes)
    specs = raw().data["case_types"]
    candidates = []
    for ct in CASE_TYPES:
        spec = specs[ct]
        if not codes.intersection(spec.get("any_of", [])):
            continue
        family = spec.get("none_of_family")
        if family and any(c.startswith(family + ".") for c in codes):
            continue
        candidates.append(ct)
    if "minor_signals" in candidates:
        return "minor_signals"
    hinted = _hinted_types(title_hint) if title_hint else []
    for ct in hinted:
        if ct in candidates:
            return ct
    if candidates:
        return candidates[0]
    return hinted[0] if hinted else "unclassified"


def _hinted_types(hint: str) -> list[str]:
    words = set(re.findall(r"[a-z0-9]+", _normalise_hint(hint)))
    out = []
    for ct in CASE_TYPES:
        terms = [
            t for lang in LANGS for t in raw().data["case_types"][ct].get("hint", {}).get(lang, [])
        ]
        if any(any(w.startswith(t) for w in words) for t in terms):
            out.append(ct)
    return out
