"""The taxonomy file: required codes exist, every entry is complete, derivation rules hold."""

from __future__ import annotations

import polars as pl
import pytest

from toolkit import taxonomy as tx

REQUIRED = {
    "indicators": {
        "target.public_figure", "target.relative", "target.partner", "target.minor",
        "target.stranger", "content.ncii_sharing", "content.covert_capture",
        "content.repurposed_photos", "content.sexual_deepfake", "content.tribute",
        "content.dossier", "content.minor_sexualisation", "content.minor_image_request",
        "content.age_focus", "org.per_target_channels", "org.minor_category",
        "org.group_pressure", "org.reward_exchange", "org.normalisation", "org.referral_out",
        "org.external_hosting", "platform.unresponsive", "platform.reappearance",
    },
    "actions": {
        "document", "minimal_evidence", "report_platform", "report_hotline", "alert_press",
        "ban_in_communities", "leave_space", "pause",
    },
    "events": {
        "discovered", "reported_platform", "reported_hotline", "alerted_press",
        "platform_response", "no_response", "takedown", "reappeared",
    },
    "case_types": {
        "leaks_tributes", "relatives_partners", "covert_repurposed", "deepfakes",
        "minor_signals", "referral_hub",
    },
    "referral_kinds": {"invitation", "private_channel", "mirror", "reappearance", "external_hosting"},
    "discovery_routes": {"inspection_tool", "invitation", "relayed_capture", "referral", "user_report", "press"},
}  # fmt: skip


@pytest.mark.parametrize("section", sorted(REQUIRED))
def test_required_codes_exist(section):
    assert REQUIRED[section] <= set(tx.raw().data[section])


@pytest.mark.parametrize("code", tx.INDICATORS)
def test_every_indicator_is_complete(code):
    spec = tx.entry("indicators", code)
    assert spec["family"] == code.split(".")[0]
    assert spec["severity"] in (1, 2, 3)
    assert spec["dsa"]["category"].startswith("STATEMENT_CATEGORY_")
    assert spec["dsa"]["keyword"].startswith("KEYWORD_")
    for lang in tx.LANGS:
        assert tx.label(code, lang) and tx.definition(code, lang)
        assert spec["lexicon"][lang]


def test_dsa_mapping_of_key_codes():
    assert tx.entry("indicators", "content.minor_sexualisation")["dsa"] == {
        "category": "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
        "keyword": "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL",
    }
    assert tx.entry("indicators", "content.sexual_deepfake")["dsa"]["keyword"] == (
        "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE"
    )
    assert tx.entry("indicators", "content.ncii_sharing")["dsa"]["category"] == (
        "STATEMENT_CATEGORY_CYBER_VIOLENCE"
    )


def test_enums_follow_taxonomy_order():
    assert list(tx.enum("events").categories) == list(tx.EVENTS)
    assert tx.EVENTS[0] == "discovered"
    assert isinstance(tx.enum("indicators"), pl.Enum)


@pytest.mark.parametrize(
    ("codes", "hint", "expected"),
    [
        # child-exploitation signals of the space itself always win
        ({"content.age_focus", "content.sexual_deepfake", "target.public_figure"}, None, "minor_signals"),
        ({"org.minor_category"}, "leaks / tributes", "minor_signals"),
        # minors named among targets of another kind of space keep that space's type
        ({"target.minor", "content.covert_capture"}, None, "covert_repurposed"),
        ({"content.sexual_deepfake", "target.public_figure", "content.tribute"}, None, "deepfakes"),
        ({"target.partner", "content.ncii_sharing"}, None, "relatives_partners"),
        ({"target.partner", "content.tribute"}, "leaks / tributes", "leaks_tributes"),
        ({"org.referral_out", "org.external_hosting"}, None, "referral_hub"),
        # a hub that shares content itself is typed by that content
        ({"org.referral_out", "content.ncii_sharing"}, None, "leaks_tributes"),
        (set(), None, "unclassified"),
        (set(), "annuaire", "referral_hub"),
    ],
)  # fmt: skip
def test_case_type_precedence(codes, hint, expected):
    assert tx.derive_case_type(codes, hint) == expected


def test_band_for_count_edges():
    assert [tx.band_for_count(n) for n in (1, 49, 50, 199, 200, 999, 1000, 10**6)] == [
        "1-49", "1-49", "50-199", "50-199", "200-999", "200-999", "1000+", "1000+",
    ]  # fmt: skip
    with pytest.raises(ValueError):
        tx.band_for_count(0)
