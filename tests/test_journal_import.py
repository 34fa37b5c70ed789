"""The two example journals import to what a volunteer would expect from reading them,
and every messy variant (typography, Markdown marks, BOM/CRLF, numbered parts) imports
to the same data.

The expectations below were written by reading the examples, not by running the import.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from toolkit.journal import read_journal

FIX = Path(__file__).parent / "fixtures" / "journals"

# ----------------------------------------------------------------- expectations, FR example
FR_CASES = {
    # case: (case_type, discovered_via, members_band, observed_until)
    "D220K": ("deepfakes", "relayed_capture", "200-999", 23),  # "environ 350"
    "R221K": ("deepfakes", "referral", "50-199", 30),  # "une centaine"; via the directory
    "P310A": ("referral_hub", "inspection_tool", None, None),
    "M412T": ("covert_repurposed", "user_report", None, None),
}
FR_INDICATORS = {
    "D220K": {
        "org.per_target_channels",  # salons nommés d'après des streameuses
        "target.public_figure",  # streameuses, vidéastes, créatrices de contenu
        "content.sexual_deepfake",  # montages, deepfakes
        "content.tribute",  # salon de « tributes »
        "org.group_pressure",  # défis
        "org.reward_exchange",  # se récompensent
        "org.normalisation",  # banalisation, humour
    },
    "R221K": {"content.sexual_deepfake", "target.public_figure", "platform.reappearance"},
    # a hub: referrals out, external hosting, incitement, unlocking; no content code
    "P310A": {
        "org.referral_out",
        "org.external_hosting",
        "org.group_pressure",
        "org.reward_exchange",
    },
    "M412T": {"content.repurposed_photos", "content.ncii_sharing", "target.minor"},
}
FR_ACTIONS = {
    "D220K": [("document", None), ("report_platform", 1), ("ban_in_communities", None)],
    "R221K": [("report_platform", 0)],
    "P310A": [("document", None), ("report_platform", None)],
    "M412T": [
        ("minimal_evidence", None),
        ("report_platform", None),
        ("report_hotline", None),  # « plateforme nationale de signalement (type PHAROS) »
        ("leave_space", None),  # « Retrait immédiat du serveur »
    ],
}
FR_EVENTS = {
    ("D220K", 0, "discovered"),
    ("D220K", 1, "reported_platform"),
    ("D220K", 19, "takedown"),
    ("D220K", 23, "reappeared"),
    ("R221K", 0, "discovered"),
    ("R221K", 0, "reported_platform"),
    ("R221K", 30, "no_response"),  # « aucune réponse », never platform_response
}
FR_REFERRALS = {
    ("D220K", "R221K", "reappearance", 23),  # J+23 names R221K
    ("P310A", "D220K", "invitation", None),
    ("P310A", "R221K", "invitation", None),
    ("P310A", "M412T", "invitation", None),
}

# ----------------------------------------------------------------- expectations, EN example
EN_CASES = {
    "E501X": ("minor_signals", "invitation", "1000+", 9),  # ages and school year
    "E502Y": ("covert_repurposed", "inspection_tool", None, None),
}
EN_INDICATORS = {
    "E501X": {
        "org.per_target_channels",  # channels named "ex", "classmates"
        "target.partner",
        "target.relative",
        "content.tribute",  # "proofs", tributes
        "content.ncii_sharing",  # intimate images without consent
        "org.group_pressure",  # pushed to
        "content.age_focus",  # people's ages and school year
        "org.external_hosting",  # file-hosting, full folders
    },
    "E502Y": {"content.covert_capture"},
}
EN_ACTIONS = {
    "E501X": [
        ("minimal_evidence", None),
        ("report_platform", 0),
        ("report_hotline", 0),
        ("leave_space", None),
    ],
    "E502Y": [("report_platform", None)],
}
EN_EVENTS = {
    ("E501X", 0, "discovered"),
    ("E501X", 0, "reported_platform"),
    ("E501X", 0, "reported_hotline"),
    ("E501X", 9, "takedown"),
}


def _rows(df: pl.DataFrame, cols: list[str]) -> set[tuple]:
    return set(df.select(cols).with_columns(pl.col(pl.Enum).cast(pl.String)).iter_rows())


def _check(book, cases, indicators, actions, events, referrals) -> None:
    got_cases = {
        r[0]: r[1:]
        for r in book.cases.select(
            "case_id", "case_type", "discovered_via", "members_band", "observed_until"
        )
        .with_columns(pl.col(pl.Enum).cast(pl.String))
        .iter_rows()
    }
    assert got_cases == cases
    for case, codes in indicators.items():
        got = _rows(book.indicators.filter(pl.col("case_id") == case), ["code"])
        assert {c for (c,) in got} == codes, case
    for case, acts in actions.items():
        got = _rows(book.actions.filter(pl.col("case_id") == case), ["code", "day"])
        assert got == set(acts), case
    assert _rows(book.events, ["case_id", "day", "event"]) == events
    assert _rows(book.referrals, ["source_id", "target_id", "kind", "day"]) == referrals
    assert set(book.cases["source"].cast(pl.String)) == {"journal"}
    assert book.cases["period"].null_count() == book.cases.height
    assert book.exposure.height == 0


def test_french_example_imports_to_the_expected_cases():
    book, report = read_journal(FIX / "journal_example_fr.md")
    _check(book, FR_CASES, FR_INDICATORS, FR_ACTIONS, FR_EVENTS, FR_REFERRALS)
    assert [c.case_id for c in report.cases] == ["D220K", "R221K", "P310A", "M412T"]
    assert [c.line for c in report.cases] == [9, 34, 51, 70]
    assert {c.lang for c in report.cases} == {"fr"}
    titles = dict(book.cases.select("case_id", "title").iter_rows())
    assert titles["P310A"] == "Serveur « annuaire » de liens d’invitation"
    # the one architecture item with no code is listed, not dropped
    assert [(u.case_id, u.section, u.line) for u in report.unmapped] == [
        ("P310A", "architecture", 55)
    ]
    # every referral target is a case of the journal
    assert report.dangling_referrals == []
    # content outside cases (warning, parts 1-3) and notes are reported as skipped
    reasons = {s.reason: s.lines for s in report.skipped}
    assert reasons["outside any case"] == (1, 2, 4, 5, 7, 84, 85)
    assert len(reasons["in notes sections (reflections, not data)"]) == 4


def test_english_example_imports_to_the_expected_cases():
    book, report = read_journal(FIX / "journal_example_en.md")
    _check(book, EN_CASES, EN_INDICATORS, EN_ACTIONS, EN_EVENTS, set())
    assert [(u.case_id, u.section) for u in report.unmapped] == [("E502Y", "architecture")]
    assert {c.lang for c in report.cases} == {"en"}


def test_evidence_keeps_each_item_and_the_term_that_matched():
    book, _ = read_journal(FIX / "journal_example_fr.md")
    ev = dict(
        book.indicators.filter(pl.col("case_id") == "D220K")
        .select(pl.col("code").cast(pl.String), "evidence")
        .iter_rows()
    )
    assert ev["org.normalisation"] == (
        "Banalisation : les montages sont présentés comme « de l’humour ». [banalis, humour]"
    )
    # a code seen in several items keeps all of them, joined by " | "
    deepfake = ev["content.sexual_deepfake"].split(" | ")
    assert len(deepfake) == 3
    assert deepfake[0] == "Un salon « demandes » où les membres commandent des montages. [montage]"


def test_several_files_make_one_book():
    book, report = read_journal([FIX / "journal_example_fr.md", FIX / "journal_example_en.md"])
    assert book.cases.height == 6
    assert len(report.files) == 2
    assert book.manifest["source"] == "journal"
    assert book.manifest["journal_files"] == 2


MESSY = [
    ("journal_example_fr.md", "journal_example_fr_bom_crlf.md"),  # BOM + CRLF
    # NBSP/NNBSP before colons, bold/heading/italic marks, *, •, –, 1), 1. bullets or
    # none, inclusive writing, typographic and straight quotes and apostrophes,
    # other number marks (n° , No., #, nº) and separators (—, :, -), arrows (->, vers, ⇒)
    ("journal_example_fr.md", "journal_fr_messy.md"),
    ("journal_example_en.md", "journal_en_messy.md"),
]
TABLES = {
    "cases": [
        "case_id",
        "case_type",
        "platform_kind",
        "discovered_via",
        "members_band",
        "observed_until",
    ],
    "indicators": ["case_id", "code"],
    "actions": ["case_id", "code", "day"],
    "events": ["case_id", "day", "event"],
    "referrals": ["source_id", "target_id", "kind", "day"],
}


@pytest.mark.parametrize(("clean", "messy"), MESSY, ids=[m for _, m in MESSY])
def test_messy_variants_import_to_the_same_data(clean, messy):
    ref, ref_report = read_journal(FIX / clean)
    got, report = read_journal(FIX / messy)
    for table, cols in TABLES.items():
        assert _rows(getattr(got, table), cols) == _rows(getattr(ref, table), cols), table
    assert [(u.case_id, u.section) for u in report.unmapped] == [
        (u.case_id, u.section) for u in ref_report.unmapped
    ]
    assert report.unknown_labels == []


def test_bom_and_crlf_keep_line_numbers():
    _, report = read_journal(FIX / "journal_example_fr_bom_crlf.md")
    assert [c.line for c in report.cases] == [9, 34, 51, 70]
    assert report.cases[0].title == "Serveur de deepfakes de créatrices de contenu"


def test_numbered_list_items_stay_in_the_case_and_the_next_part_closes_it():
    book, report = read_journal(FIX / "journal_numbered_parts.md")
    codes = {c for (c,) in _rows(book.indicators.filter(pl.col("case_id") == "N100A"), ["code"])}
    # items 3, 4 and 5 run past the journal's part numbers (parts 1, 2; next would be 3)
    # and are still items of the indicators list
    assert {"org.per_target_channels", "content.dossier", "org.external_hosting"} <= codes
    # "3. Conclusion" is the next part: it closes N101B, so the lines after it are not
    # actions of the case
    assert _rows(book.actions, ["case_id", "code"]) == {("N101B", "document")}
    outside = next(s for s in report.skipped if s.reason == "outside any case")
    assert {19, 20, 21, 22} <= set(outside.lines)  # "3. Conclusion" and after


def test_part_number_inside_a_numbered_list_is_an_item(tmp_path):
    text = (
        "1. Intro\n2. Cas\n"
        "Cas n°A100B – Serveur\nActions :\n1. Documentation.\n2. Preuves minimales.\n"
        "3. Signalement à la plateforme.\n"  # continues the list (not part 3)
        "Notes :\nune remarque\n"
        "3. Fin\n"  # the next part: closes the case
        "Signalement à la plateforme nationale.\n"
    )
    p = tmp_path / "j.md"
    p.write_text(text, encoding="utf-8")
    book, _ = read_journal(p)
    assert {c for (_, c) in _rows(book.actions, ["case_id", "code"])} == {
        "document",
        "minimal_evidence",
        "report_platform",
    }


def test_unknown_labels_are_kept_as_items_and_reported(tmp_path):
    p = tmp_path / "j.md"
    p.write_text(
        "Cas n°A100B – Serveur\nIndicateurs :\nDéfis entre membres.\n"
        "Observations : montages sexuels générés.\nMembres : ~200\n",
        encoding="utf-8",
    )
    book, report = read_journal(p)
    assert [(u.label, u.line) for u in report.unknown_labels] == [("Observations", 4)]
    # kept as an item of the section before it (indicators), so it still maps
    assert "content.sexual_deepfake" in set(book.indicators["code"].cast(pl.String))
    assert book.cases["members_band"].cast(pl.String).to_list() == ["200-999"]


def test_dangling_referrals_are_kept_and_reported(tmp_path):
    p = tmp_path / "j.md"
    p.write_text(
        "Cas n°A100B – Serveur\nChronologie :\nJ0 : découverte\nJ+4 : renvoi vers Q999Z\n"
        "Renvois :\n→ Q999Z (miroir)\nvers A100B\n",
        encoding="utf-8",
    )
    book, report = read_journal(p)
    assert _rows(book.referrals, ["source_id", "target_id", "kind", "day"]) == {
        ("A100B", "Q999Z", "mirror", 4),
        ("A100B", "A100B", "invitation", None),  # no kind given: the default
    }
    assert [(d.case_id, d.target_id, d.line) for d in report.dangling_referrals] == [
        ("A100B", "Q999Z", 6)
    ]
    assert any("no kind" in w for w in report.warnings)
    assert any("refers to itself" in w for w in report.warnings)
    # a timeline line that dates a referral is not an unmapped event
    assert report.unmapped == []


def test_timeline_starting_after_day_zero_is_renumbered(tmp_path):
    p = tmp_path / "j.md"
    p.write_text(
        "Case #A100B - Server\nTimeline:\nD+3: discovery\nD+5: report to the platform\n"
        "D+9: takedown\nActions:\nReport to the platform.\n",
        encoding="utf-8",
    )
    book, report = read_journal(p)
    assert _rows(book.events, ["day", "event"]) == {
        (0, "discovered"),
        (2, "reported_platform"),
        (6, "takedown"),
    }
    assert _rows(book.actions, ["code", "day"]) == {("report_platform", 2)}
    assert book.cases["observed_until"].to_list() == [6]
    assert any("renumbered" in w for w in report.warnings)


def test_report_renders_as_text_dict_and_rich():
    from rich.console import Console

    _, report = read_journal(FIX / "journal_example_fr.md")
    d = report.to_dict()
    assert [c["case_id"] for c in d["cases"]] == ["D220K", "R221K", "P310A", "M412T"]
    assert d["codes"]["R221K"]["events"] == [
        "discovered@0",
        "reported_platform@0",
        "no_response@30",
    ]
    text = str(report)
    assert "unmapped items (1)" in text and "P310A architecture" in text
    console = Console(width=100, record=True)
    console.print(report)
    out = console.export_text()
    assert "Cases found (4)" in out and "Unmapped items (1)" in out


def test_title_hint_and_platform_kind(tmp_path):
    body = "Indicateurs :\n- Photos d'ex-partenaires\n- Salon de « tributes »\n"
    p = tmp_path / "j.md"
    p.write_text(
        "Cas n°A100B – Serveur d'images (leaks / tributes)\n"
        "Contexte : trouvé via un outil d'inspection, sur un forum d’images.\n"
        f"{body}\n"
        f"Cas n°B200C – Serveur d'images\nContexte : invitation.\n{body}",
        encoding="utf-8",
    )
    book, _ = read_journal(p)
    got = {
        r[0]: r[1:]
        for r in book.cases.select("case_id", "case_type", "platform_kind", "discovered_via")
        .with_columns(pl.col(pl.Enum).cast(pl.String))
        .iter_rows()
    }
    # same codes (target.partner, content.tribute): the hint picks leaks_tributes,
    # without it the taxonomy's precedence gives relatives_partners
    assert got == {
        "A100B": ("leaks_tributes", "image_board", "inspection_tool"),
        "B200C": ("relatives_partners", None, "invitation"),
    }
    assert book.cases["title"].to_list()[0] == "Serveur d'images (leaks / tributes)"


def test_negation_cue_pas(tmp_path):
    p = tmp_path / "j.md"
    p.write_text(
        "Cas n°A100B – Serveur\nIndicateurs :\n- Les personnes visées ne sont pas des "
        "mineures.\n- Montages sexuels générés.\n",
        encoding="utf-8",
    )
    book, _ = read_journal(p)
    assert set(book.indicators["code"].cast(pl.String)) == {"content.sexual_deepfake"}


def test_a_file_without_any_case_is_an_error(tmp_path):
    from toolkit.journal import JournalError

    p = tmp_path / "j.md"
    p.write_text("Avertissement\nUn texte sans cas.\n", encoding="utf-8")
    with pytest.raises(JournalError, match="no case found"):
        read_journal(p)
