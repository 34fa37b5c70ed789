"""The chart kit: theme, locales, labels, suppression, alt text, one test per promise."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import altair as alt
import polars as pl
import pytest
import vl_convert as vlc

from toolkit import charts
from toolkit import taxonomy as tx
from toolkit.charts import _kit

_spec = importlib.util.spec_from_file_location(
    "chart_frames", Path(__file__).with_name("chart_frames.py")
)
F = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(F)

NBSP = "\xa0"


@pytest.fixture(scope="module")
def fr_talk():
    return F.all_charts("fr", "talk")


@pytest.fixture(scope="module")
def en_talk():
    return F.all_charts("en", "talk")


def _spec_of(chart) -> dict:
    with alt.theme.enable(charts.THEME):
        return chart.to_dict()


def _rows(chart) -> list[dict]:
    spec = _spec_of(chart)
    (rows,) = spec["datasets"].values()
    return rows


def test_every_figure_has_a_function_and_the_frames_cover_them(fr_talk):
    assert set(fr_talk) == set(charts.FIGURES)
    assert len(charts.FIGURES) == 11


def test_theme_is_registered_with_alt_theme_and_sets_font_and_okabe_ito(fr_talk):
    assert charts.THEME in alt.theme.names()
    spec = _spec_of(fr_talk["prevalence"])
    assert spec["config"]["font"] == "DejaVu Sans"
    assert spec["config"]["range"]["category"] == list(charts.OKABE_ITO)
    # Okabe & Ito (2008): the eight colours of the colour-universal-design palette.
    assert {c.upper() for c in charts.OKABE_ITO} == {
        "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"
    }  # fmt: skip


def test_severity_colours_get_darker_with_severity_so_they_read_in_greyscale():
    def luminance(hex_colour: str) -> float:
        r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    lum = [luminance(charts.SEVERITY_COLOURS[s]) for s in (1, 2, 3)]
    assert lum[0] > lum[1] + 0.1 > lum[2] + 0.2


@pytest.mark.parametrize("figure", charts.FIGURES)
def test_each_figure_has_title_subtitle_footer_warning_and_alt_text(figure, fr_talk, en_talk):
    for lang, made in (("fr", fr_talk), ("en", en_talk)):
        chart = made[figure]
        spec = _spec_of(chart)
        assert spec["title"]["text"] and spec["title"]["subtitle"]
        footer = json.dumps(spec["layer"][-1]["mark"]["text"], ensure_ascii=False)
        warning_start = _kit.text("common.warning", lang).split(" ")[0]
        assert warning_start in footer and _kit.text("common.source", lang)[:6] in footer
        assert spec["description"] == charts.alt_text(chart)
        assert spec["usermeta"]["veille"] == {"figure": figure, "lang": lang, "preset": "talk"}
    assert charts.alt_text(fr_talk[figure]) != charts.alt_text(en_talk[figure])


def test_locale_is_stored_in_the_spec_and_renders_french_numbers_and_months(fr_talk, en_talk):
    fr = _spec_of(fr_talk["escalation_funnel"])
    assert fr["config"]["locale"]["number"] == vlc.get_format_locale("fr-FR")
    assert fr["config"]["locale"]["time"]["months"][0] == "janvier"
    assert _spec_of(en_talk["escalation_funnel"])["config"]["locale"]["number"]["decimal"] == "."
    # Rendered text: French grouping (no-break space) and French month abbreviations.
    svg_fr = vlc.vegalite_to_svg(_spec_of(fr_talk["escalation_funnel"]))
    assert f"1{NBSP}234" in svg_fr and "1,234" not in svg_fr
    months = vlc.vegalite_to_svg(_spec_of(fr_talk["case_types_over_time"]))
    assert "janv. 2024" in months and "avr. 2024" in months
    months_en = vlc.vegalite_to_svg(_spec_of(en_talk["case_types_over_time"]))
    assert "Jan 2024" in months_en and "Apr 2024" in months_en


def test_alt_text_carries_the_top_numbers_in_each_language(fr_talk, en_talk):
    assert "« Tributes » (62\u202f%)" in charts.alt_text(fr_talk["prevalence"])
    assert "Tributes (62%)" in charts.alt_text(en_talk["prevalence"])
    assert f"2{NBSP}000 cas" in charts.alt_text(fr_talk["prevalence"])
    assert "2,000 cases" in charts.alt_text(en_talk["prevalence"])
    assert "Taken down 617 (50%)" in charts.alt_text(en_talk["escalation_funnel"])
    assert "R = 0,18" in charts.alt_text(fr_talk["dismantling"])
    assert "R = 0.18" in charts.alt_text(en_talk["dismantling"])


def test_labels_come_from_the_taxonomy(fr_talk, en_talk):
    fr = {r["code"]: r["label"] for r in _rows(fr_talk["prevalence"])}
    en = {r["code"]: r["label"] for r in _rows(en_talk["prevalence"])}
    for code in fr:
        assert fr[code] == tx.label(code, "fr") and en[code] == tx.label(code, "en")


def test_small_counts_are_suppressed_with_their_shares(fr_talk):
    rows = {r["code"]: r for r in _rows(fr_talk["prevalence"])}
    minor = rows["target.minor"]
    assert minor["n_cases_display"] == "<5" and minor["n_cases_suppressed"] is True
    # Neither the count nor anything that gives it back (share × total, interval) is kept.
    assert minor.get("n_cases") is None and minor.get("share") is None
    assert minor.get("ci_low") is None and minor.get("ci_high") is None
    # Zero is shown: it points at no one.
    assert rows["org.normalisation"]["n_cases_display"] == "0"
    assert rows["content.tribute"]["n_cases"] == 1234


def test_suppressed_cells_are_drawn_as_such(fr_talk):
    spec = json.dumps(_spec_of(fr_talk["prevalence"]))
    assert "datum.n_cases_suppressed" in spec
    svg = vlc.vegalite_to_svg(_spec_of(fr_talk["prevalence"]))
    assert "&lt;5" in svg


def test_triage_secondary_suppression_keeps_the_total_from_giving_back_a_tier(en_talk):
    rows = {r["tier"]: r for r in _rows(en_talk["triage_tiers"])}
    # 3 urgent of 100 published: hiding "urgent" alone would leave 100 − 40 − 57 = 3.
    hidden = [t for t, r in rows.items() if r["n_cases_suppressed"]]
    assert "urgent" in hidden and len(hidden) >= 2
    assert "3" not in charts.alt_text(en_talk["triage_tiers"]).split("cases:")[1]


def test_cooccurrence_marks_only_significant_pairs_and_hides_small_pairs(en_talk):
    rows = _rows(en_talk["cooccurrence"])
    assert len(rows) == 6  # each of the three pairs in both orientations
    significant = {(r["code_a"], r["code_b"]) for r in rows if r["significant"]}
    assert significant == {
        ("target.public_figure", "content.tribute"),
        ("content.tribute", "target.public_figure"),
    }
    small = [r for r in rows if r["n_both_suppressed"]]
    assert len(small) == 2 and all(r.get("lift") is None for r in small)


def test_survival_curves_start_at_one_and_stop_before_fewer_than_five_at_risk(en_talk):
    rows = _rows(en_talk["survival"])
    press = [r for r in rows if r["path"] == "platform_press"]
    assert press[0]["day"] == 0 and press[0]["survival"] == 1.0
    # at risk 12, 9, 6, 3, 0 on days 1, 3, 7, 14, 30: cut before day 14.
    assert [r["day"] for r in press] == [0, 1, 3, 7]
    spec = json.dumps(_spec_of(en_talk["survival"]))
    assert '"interpolate": "step-after"' in spec


@pytest.mark.parametrize(
    "figure", ["survival", "dismantling", "hydra_lineages", "case_types_over_time"]
)
def test_figures_with_several_series_draw_their_legend(figure, en_talk):
    # A `legend=None` on one layer silently removes the legend of a colour scale the
    # layers share (it happened to the survival curves): check the compiled Vega.
    import vl_convert as vlc

    legends = vlc.vegalite_to_vega(_spec_of(en_talk[figure])).get("legends") or []
    assert len(legends) == 1, f"{figure}: {len(legends)} legend(s)"
    if figure == "survival":
        assert legends[0]["symbolType"] == "stroke" and "strokeDash" in legends[0]


def test_network_map_names_no_node_and_draws_only_the_largest_group(en_talk):
    rows = _rows(en_talk["referral_network"])
    text = json.dumps(rows)
    for name in ("HUB1X", "L0A", "R5B", "ISO1A"):
        assert name not in text
    nodes = [r for r in rows if r["element"] == "node"]
    assert len(nodes) == 13 and sum(bool(r.get("hub")) for r in nodes) == 1
    spec = _spec_of(en_talk["referral_network"])
    assert all(layer["mark"]["type"] != "text" for layer in spec["layer"][:-1])


def test_network_layout_is_seeded():
    G, _ = F.graph()
    a = charts.network_layout(G, seed=7)
    assert a.equals(charts.network_layout(G, seed=7))
    assert not a.equals(charts.network_layout(G, seed=8))


def test_hydra_table_names_no_case(en_talk):
    text = json.dumps(_rows(en_talk["hydra_lineages"]))
    assert "A11B" not in text and "B21C" not in text


def test_workload_shows_pseudonyms_only_and_no_case_counts(en_talk):
    rows = _rows(en_talk["workload"])
    assert {r["observer_id"] for r in rows} == {"obs-01", "obs-02", "obs-03"}
    assert "n_cases" not in rows[0]


@pytest.mark.parametrize("name", sorted(charts.PRESETS))
def test_presets_set_the_output_size(name):
    chart = charts.escalation_funnel(F.funnel(), lang="en", preset=name)
    spec = _spec_of(chart)
    p = charts.PRESETS[name]
    assert (spec["width"], spec["height"]) == (p.width, p.height)
    svg = vlc.vegalite_to_svg(spec)
    assert f'width="{p.width}" height="{p.height}"' in svg


def test_text_fits_the_width_of_each_preset():
    for name, p in charts.PRESETS.items():
        chart = charts.takedown_within(F.response_summary(), lang="fr", preset=name)
        svg = vlc.vegalite_to_svg(_spec_of(chart))
        # No text element may start beyond the right edge (a sign of overflow).
        xs = [float(x) for x in re.findall(r'<text[^>]*transform="translate\(([-0-9.]+),', svg)]
        assert xs and max(xs) < p.width


def test_clear_errors_for_wrong_input():
    with pytest.raises(ValueError, match="needs the columns .*missing: share"):
        charts.escalation_funnel(pl.DataFrame({"stage": ["reported"], "n_cases": [9]}))
    with pytest.raises(ValueError, match="lang must be one of fr, en"):
        charts.escalation_funnel(F.funnel(), lang="de")
    with pytest.raises(ValueError, match="unknown preset 'poster'"):
        charts.escalation_funnel(F.funnel(), preset="poster")
    doubled = pl.concat([F.prevalence(), F.prevalence()])
    with pytest.raises(ValueError, match="one row per code"):
        charts.prevalence(doubled)
    with pytest.raises(KeyError, match="labels.toml"):
        charts.escalation_funnel(
            pl.DataFrame({"stage": ["unheard_of"], "n_cases": [10], "share": [1.0]})
        )


def test_every_figure_draws_a_tiny_generated_dataset(tmp_path):
    """A journal of a few cases: most counts are hidden, nothing breaks, no empty text."""
    import toolkit as vt
    from toolkit.reports import build

    book = vt.generate(cases=25, seed=3)
    build(book, tmp_path / "r", langs="fr", presets="talk", formats="json")
    for fig in charts.FIGURES:
        text = (tmp_path / "r" / "fr" / "talk" / f"{fig}.alt.txt").read_text()
        assert " : ." not in text and ": ." not in text, fig
        assert len(text) > 60, fig
