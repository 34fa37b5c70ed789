"""The matcher's rules, one test each: normalisation, inclusive writing, stems, short
words, negation and its scope, longest match; member counts; every label maps back."""

from __future__ import annotations

import pytest

from toolkit import taxonomy as tx
from toolkit.journal import normalise, parse_members
from toolkit.journal._lexicon import codes


def _codes(text: str, section: str = "indicators", lang: str = "fr") -> set[str]:
    return set(codes(text, section, lang))


def test_normalisation_removes_case_accents_marks_and_typography():
    assert normalise("« Créatrices » d’Île-de-France\u00a0: SŒUR") == (
        "creatrices d ile de france soeur"
    )


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Des mineur·es visé·es", "target.minor"),
        ("Salons au nom de streameuse·rs", "target.public_figure"),
        ("Créateur·ices de contenu", "target.public_figure"),
        ("Des lycéen⋅nes", "target.minor"),
    ],
)
def test_inclusive_writing_matches_stems(text, code):
    assert code in _codes(text)


def test_short_terms_match_whole_words_only():
    # "ex" (target.partner) must not fire on "externes" or "exemple"
    assert "target.partner" not in _codes("Services externes, par exemple")
    assert "target.partner" in _codes("Photos d'ex envoyées")
    assert "target.partner" in _codes("Salon « ex »")


def test_multi_word_terms_match_word_stems():
    assert "org.per_target_channels" in _codes("Des salons par personnes visées")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("aucune réponse de la plateforme", {"no_response"}),
        ("pas de réponse", {"no_response"}),
        ("réponse de la plateforme", {"platform_response"}),
        # a cue negates within its clause only
        ("pas de réponse, fermeture du serveur", {"no_response", "takedown"}),
        ("aucune réponse et fermeture du serveur", {"no_response", "takedown"}),
        ("signalement à la plateforme nationale", {"reported_hotline"}),
        ("signalement à la plateforme", {"reported_platform"}),
    ],
)
def test_events_negation_and_longest_match_fr(text, expected):
    assert _codes(text, "events", "fr") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no platform response", {"no_response"}),
        ("no response", {"no_response"}),
        ("platform response", {"platform_response"}),
        ("report to the national hotline", {"reported_hotline"}),
    ],
)
def test_events_negation_en(text, expected):
    assert _codes(text, "events", "en") == expected


def test_negated_indicator_does_not_count():
    assert "content.sexual_deepfake" not in _codes("Aucun montage observé")
    assert "content.sexual_deepfake" not in _codes("No deepfakes seen", lang="en")
    # a term that starts with a cue is not negated by it
    assert "content.ncii_sharing" in _codes("Photos partagées sans consentement")


def test_longest_overlapping_match_wins():
    assert _codes("Sexualisation de mineur·es") == {"content.minor_sexualisation"}
    assert _codes("Catégorie dédiée aux mineur·es") == {"org.minor_category"}


SECTIONS = {
    "indicators": tx.INDICATORS,
    "actions": tx.ACTIONS,
    "events": tx.EVENTS,
    "referral_kinds": tx.REFERRAL_KINDS,
    "discovery_routes": tx.DISCOVERY_ROUTES,
    "platform_kinds": tx.PLATFORM_KINDS,
}


@pytest.mark.parametrize("lang", tx.LANGS)
@pytest.mark.parametrize("section", sorted(SECTIONS))
def test_every_label_maps_back_to_exactly_its_own_code(section, lang):
    wrong = {}
    for code in SECTIONS[section]:
        label = tx.label(code, lang, section)
        got = _codes(label, section, lang)
        if got != {code}:
            wrong[code] = got
    assert wrong == {}


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("plus de 900", "200-999"),
        ("environ 350", "200-999"),
        ("une centaine", "50-199"),
        ("quelques centaines", "200-999"),
        ("une dizaine", "1-49"),
        ("~200", "200-999"),
        ("1200+", "1000+"),
        ("1 200", "1000+"),
        ("1\u202f500 environ", "1000+"),
        ("2,5k", "1000+"),
        ("about 50", "50-199"),
        ("a few dozen", "1-49"),
        ("several hundred", "200-999"),
        ("moins de 50", "1-49"),
        ("less than 1000", "200-999"),
        ("un millier", "1000+"),
        ("thousands", "1000+"),
        ("49", "1-49"),
    ],
)
def test_member_counts_give_the_expected_band(text, band):
    assert tx.band_for_count(parse_members(text)) == band


@pytest.mark.parametrize("text", ["inconnu", "?", "0", "beaucoup"])
def test_unreadable_member_counts_give_none(text):
    assert parse_members(text) is None


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("la plateforme a répondu", "fr", {"platform_response"}),
        ("la plateforme n’a pas répondu", "fr", {"no_response"}),
        ("la plateforme n’a jamais répondu", "fr", {"no_response"}),
        ("signalement sans suite", "fr", {"no_response"}),
        ("serveur fermé", "fr", {"takedown"}),
        ("the platform replied", "en", {"platform_response"}),
        ("the platform did not respond", "en", {"no_response"}),
        ("server removed by the platform", "en", {"takedown"}),
    ],
)
def test_common_timeline_phrasings(text, lang, expected):
    assert _codes(text, "events", lang) == expected


@pytest.mark.parametrize(
    ("text", "code", "present"),
    [
        ("Un nombre élevé de membres", "target.minor", False),
        ("Des élèves de quatrième visées", "target.minor", True),
        ("Des insultes en série", "content.covert_capture", False),
        ("Photos prises à son insu", "content.covert_capture", True),
    ],
)
def test_stems_that_would_catch_unrelated_words(text, code, present):
    assert (code in _codes(text)) is present


def test_relatively_is_not_a_relative():
    assert "target.relative" not in _codes("A relatively small server", lang="en")
    assert "target.relative" in _codes("Photos of relatives and sisters", lang="en")


@pytest.mark.parametrize(
    ("text", "lang", "code"),
    [
        ("Sharing nudes of ex-girlfriends without their consent.", "en", "content.ncii_sharing"),
        ("Catégorie « ados » séparée.", "fr", "org.minor_category"),
        ("Liens vers un drive externe.", "fr", "org.external_hosting"),
        ("Links to a cloud drive.", "en", "org.external_hosting"),
        ("Adresse et réseaux sociaux des personnes visées partagés.", "fr", "content.dossier"),
        ("Blagues pour minimiser.", "fr", "org.normalisation"),
        ("Jokes and memes to downplay it.", "en", "org.normalisation"),
    ],
)
def test_common_indicator_phrasings(text, lang, code):
    assert code in _codes(text, lang=lang)


def test_meme_in_french_is_not_a_meme():
    # « même » normalises to "meme": only the English lexicon has "memes"
    assert "org.normalisation" not in _codes("Même organisation que le serveur fermé")


def test_a_term_ending_with_equals_matches_its_last_word_whole():
    # `press=` and `minor=` in the taxonomy: the press, not pressure; minors, not minority.
    from toolkit.journal._lexicon import find

    def codes(section, text):
        return {m.code for m in find(text, section, "en")}

    assert "alert_press" in codes("actions", "Alert passed to the press.")
    assert "alert_press" not in codes("actions", "Members were put under pressure.")
    assert "target.minor" in codes("indicators", "Minors are among the people targeted.")
    assert "target.minor" not in codes("indicators", "A minority of channels are active.")
