"""write_journal → read_journal gives back the same cases, codes, bands, days and
referrals (hypothesis over arbitrary valid CaseBooks, and a generated one); arbitrary
text never crashes the parser with anything but the toolkit's own errors; the shipped
synthetic journals are what the generator and the writer give today."""

from __future__ import annotations

import string
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit import taxonomy as tx
from toolkit.journal import JournalError, parse_journal_text, render_journal, write_journal
from toolkit.model import CaseBook
from toolkit.privacy import PrivacyError

from .conftest import fake_identifier

COMPARED = {
    "cases": ["case_id", "title", "case_type", "platform_kind", "discovered_via", "members_band"],
    "indicators": ["case_id", "code"],
    "actions": ["case_id", "code"],
    "events": ["case_id", "day", "event"],
    "referrals": ["source_id", "target_id", "kind", "day"],
}


def _rows(df: pl.DataFrame, cols: list[str]) -> set[tuple]:
    return set(df.select(cols).with_columns(pl.col(pl.Enum).cast(pl.String)).iter_rows())


def assert_same_data(a: CaseBook, b: CaseBook) -> None:
    for table, cols in COMPARED.items():
        assert _rows(getattr(a, table), cols) == _rows(getattr(b, table), cols), table


# ------------------------------------------------------------------ a CaseBook strategy

WORDS = ["server", "channel", "space", "photos", "images", "archive", "group", "forum", "sale"]
codes_st = st.from_regex(r"[A-Z][A-Z0-9]{2,7}", fullmatch=True)
REPORTS = ["reported_platform", "reported_hotline", "alerted_press"]


@st.composite
def casebooks(draw) -> CaseBook:
    ids = draw(st.lists(codes_st, min_size=1, max_size=4, unique=True))
    outside = draw(st.lists(codes_st.filter(lambda c: c not in ids), max_size=2, unique=True))
    cases, indicators, actions, events, referrals = [], [], [], [], []
    for cid in ids:
        codes = draw(st.sets(st.sampled_from(tx.INDICATORS), max_size=6))
        timeline = draw(
            st.lists(st.tuples(st.integers(0, 400), st.sampled_from(tx.EVENTS)), max_size=6)
        )
        if timeline:
            shift = min(d for d, _ in timeline)
            timeline = {(d - shift, e) for d, e in timeline}
            first_report = min((d for d, e in timeline if e in REPORTS), default=None)
            timeline = {
                (d, e)
                for d, e in timeline
                if e != "takedown" or (first_report is not None and d >= first_report)
            }
            if timeline and min(d for d, _ in timeline) != 0:
                timeline.add((0, "discovered"))
        title = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6)))
        cases.append(
            {
                "case_id": cid,
                "title": title.capitalize(),
                "case_type": tx.derive_case_type(codes),
                "platform_kind": draw(st.none() | st.sampled_from(tx.PLATFORM_KINDS)),
                "discovered_via": draw(st.none() | st.sampled_from(tx.DISCOVERY_ROUTES)),
                "members_band": draw(st.none() | st.sampled_from(tx.MEMBERS_BANDS)),
                "period": None,
                "observer_id": "obs-01",
                "observed_until": max((d for d, _ in timeline), default=None),
                "source": "synthetic",
            }
        )
        indicators += [{"case_id": cid, "code": c, "evidence": None} for c in sorted(codes)]
        actions += [
            {"case_id": cid, "code": a, "day": None}
            for a in draw(st.sets(st.sampled_from(tx.ACTIONS), max_size=4))
        ]
        events += [{"case_id": cid, "day": d, "event": e} for d, e in sorted(timeline)]
        for target in draw(st.lists(st.sampled_from(ids + outside), max_size=3)):
            referrals.append(
                {
                    "source_id": cid,
                    "target_id": target,
                    "kind": draw(st.sampled_from(tx.REFERRAL_KINDS)),
                    "day": draw(st.none() | st.integers(0, 400)),
                }
            )

    def frame(rows, table):
        from toolkit.model.schemas import polars_schema

        schema = polars_schema(table)
        plain = {k: (pl.String if isinstance(v, pl.Enum) else v) for k, v in schema.items()}
        return pl.DataFrame(rows, schema=plain)

    return CaseBook.from_frames(
        cases=frame(cases, "cases"),
        indicators=frame(indicators, "indicators"),
        actions=frame(actions, "actions"),
        events=frame(events, "events"),
        referrals=frame(referrals, "referrals"),
    )


@pytest.mark.parametrize("lang", tx.LANGS)
@given(book=casebooks())
def test_write_then_read_gives_back_the_same_data(lang, book):
    text = render_journal(book, lang)
    back, report = parse_journal_text(text, f"journal_{lang}.md")
    assert_same_data(book, back)
    assert report.unknown_labels == []
    assert {c.lang for c in report.cases} <= {lang}


@pytest.mark.parametrize("lang", tx.LANGS)
def test_generated_book_round_trips_strictly(lang, tmp_path):
    from toolkit.journal import read_journal
    from toolkit.synthetic import generate

    book = generate(cases=30, seed=5)
    path = write_journal(book, tmp_path / f"j_{lang}.md", lang)
    back, report = read_journal(path, strict=True)
    assert_same_data(book, back)
    assert report.unmapped == [] and report.warnings == []
    # external (undocumented) spaces are reported, not dropped
    external = set(book.referrals["target_id"]) - set(book.cases["case_id"])
    assert {d.target_id for d in report.dangling_referrals} == external


def test_written_journal_opens_with_a_content_warning(tiny_book):
    assert render_journal(tiny_book, "fr").startswith("Avertissement – contenus sensibles")
    assert render_journal(tiny_book, "en").startswith("Content warning")


def test_write_journal_refuses_an_identifier_in_the_book(tiny_book, tmp_path):
    book = CaseBook.from_frames(
        **{
            **tiny_book.tables(),
            "cases": tiny_book.cases.with_columns(
                pl.when(pl.col("case_id") == "A105G")
                .then(pl.lit(f"Server run by {fake_identifier('handle_in_title')}"))
                .otherwise(pl.col("title"))
                .alias("title")
            ),
        }
    )
    target = tmp_path / "j.md"
    with pytest.raises(PrivacyError):
        write_journal(book, target)
    assert list(tmp_path.iterdir()) == []


def test_render_rejects_unknown_language(tiny_book):
    with pytest.raises(ValueError, match="lang must be one of"):
        render_journal(tiny_book, "de")


# ------------------------------------------------------------------ robustness

FRAGMENTS = [
    "Cas n°A100B – Serveur",
    "## Case #B200C — Server (leaks / tributes)",
    "**Cas nº C300D : Titre**",
    "Contexte : invitation",
    "Indicateurs :",
    "Chronologie :",
    "Timeline:",
    "- J0 : découverte",
    "- J+3 : fermeture",
    "- D+2: report to the platform",
    "Renvois :",
    "- → A100B (miroir)",
    "Membres : environ 350",
    "1. Partie",
    "2. Suite",
    "3) item",
    "Cas n°123 – x",
    "",
]


@settings(max_examples=150)
@given(
    st.lists(
        st.sampled_from(FRAGMENTS)
        | st.text(alphabet=string.printable + "·«»’\u00a0°nº#→", max_size=40),
        max_size=25,
    )
)
def test_arbitrary_text_raises_only_the_toolkits_errors(lines):
    try:
        book, report = parse_journal_text("\n".join(lines))
    except (JournalError, PrivacyError):
        return
    assert book.cases.height == len(report.cases)


@given(st.text(max_size=300))
def test_any_unicode_text_raises_only_the_toolkits_errors(text):
    try:
        parse_journal_text(text)
    except (JournalError, PrivacyError):
        pass


# ------------------------------------------------------------------ shipped journals

SHIPPED = Path(__file__).resolve().parents[1] / "data" / "synthetic" / "journals"


def test_shipped_journals_are_what_the_writer_gives_today(tmp_path):
    from toolkit.journal.__main__ import write_shipped

    written = write_shipped(tmp_path)
    for path in written:
        shipped = SHIPPED / path.name
        assert shipped.read_bytes() == path.read_bytes(), (
            f"{shipped} is stale: regenerate it with `python -m toolkit.journal`"
        )


@pytest.mark.parametrize("lang", tx.LANGS)
def test_shipped_journals_import_strictly(lang):
    from toolkit.journal import read_journal

    book, report = read_journal(SHIPPED / f"journal_{lang}.md", strict=True)
    assert book.cases.height == 12
    assert report.unmapped == []
