"""The chart kit: theme, presets, locales, labels, suppression and the common frame.

Private: figure functions in ``toolkit.charts`` use it; users call those functions.
"""

from __future__ import annotations

import textwrap
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import altair as alt
import polars as pl
import vl_convert as vlc

from toolkit import taxonomy as tx

FONT = "DejaVu Sans"
FONT_DIR = Path(__file__).with_name("fonts")
THEME = "veille"

#: Okabe & Ito (2008) colour-universal-design palette, in the order categories use it.
#: Black comes last: it is kept for hubs and outlines.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#56B4E9",  # sky blue
    "#CC79A7",  # reddish purple
    "#F0E442",  # yellow
    "#000000",  # black
)
#: Severity 1–3 of the taxonomy: Okabe–Ito yellow → orange → vermillion, chosen because
#: their luminance (0.74, 0.42, 0.22) keeps the order readable in greyscale.
SEVERITY_COLOURS: dict[int, str] = {1: "#F0E442", 2: "#E69F00", 3: "#D55E00"}
TIER_SEVERITY: dict[str, int] = {"urgent": 3, "high": 2, "standard": 1}
SUPPRESSED_GREY = "#BBBBBB"
INK = "#222222"

#: vl-convert locale names per chart language: numbers ``1 234,5`` and French month
#: names in FR; British English in EN.
LOCALES: dict[str, str] = {"fr": "fr-FR", "en": "en-GB"}


@dataclass(frozen=True)
class Preset:
    """Output size and type scale of one target medium (pixels at 96 dpi)."""

    name: str
    width: int
    height: int
    title: int
    subtitle: int
    label: int
    axis_title: int
    footer: int
    padding: int
    #: SVG size written on the root element (A4 for print), else the pixel size.
    svg_size: tuple[str, str] | None = None

    @property
    def footer_chars(self) -> int:
        """Characters per footer line: the footer starts at the plot's left edge, which
        long axis labels can push to the middle of the page, so half the width."""
        return int((self.width * 0.5 - self.padding) / (self.footer * 0.58))


PRESETS: dict[str, Preset] = {
    "talk": Preset("talk", 1920, 1080, 44, 26, 22, 24, 18, 36),
    "social": Preset("social", 1080, 1080, 38, 22, 20, 21, 16, 28),
    "social-portrait": Preset("social-portrait", 1080, 1350, 38, 22, 20, 21, 16, 28),
    # A4 landscape, 297 × 210 mm = 1123 × 794 px at 96 dpi; the SVG root says mm.
    "print": Preset("print", 1123, 794, 22, 13, 11, 12, 9, 24, ("297mm", "210mm")),
}
#: What a ``--preset`` word expands to (``social`` is the square and the portrait post).
PRESET_GROUPS: dict[str, tuple[str, ...]] = {
    "talk": ("talk",),
    "social": ("social", "social-portrait"),
    "social-portrait": ("social-portrait",),
    "print": ("print",),
}


def preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}") from None


def check_lang(lang: str) -> str:
    if lang not in tx.LANGS:
        raise ValueError(f"lang must be one of {', '.join(tx.LANGS)}, not {lang!r}")
    return lang


# ------------------------------------------------------------------ theme


def theme_config() -> dict[str, Any]:
    """The veille theme: font, palette, neutral ink; sizes come from the preset."""
    return {
        "config": {
            "font": FONT,
            "background": "white",
            "view": {"stroke": None},
            "range": {"category": list(OKABE_ITO)},
            "title": {"anchor": "start", "color": INK, "subtitleColor": "#444444"},
            "axis": {"labelColor": INK, "titleColor": INK, "gridColor": "#E4E4E4"},
            "legend": {"labelColor": INK, "titleColor": INK},
            "text": {"color": INK},
        }
    }


@alt.theme.register(THEME, enable=True)
def _veille_theme() -> alt.theme.ThemeConfig:
    return alt.theme.ThemeConfig(theme_config())  # type: ignore[misc]


_fonts_registered = False


def register_font() -> None:
    """Register the bundled DejaVu Sans with vl-convert (once per process).

    Every machine then draws the same glyphs, which keeps PNG output byte-identical.
    """
    global _fonts_registered
    if not _fonts_registered:
        vlc.register_font_directory(str(FONT_DIR.resolve()))
        _fonts_registered = True


@cache
def locale(lang: str) -> dict[str, Any]:
    """Number and time locale of ``lang`` as vl-convert ships them (stored in the spec)."""
    name = LOCALES[check_lang(lang)]
    return {"number": vlc.get_format_locale(name), "time": vlc.get_time_format_locale(name)}


# ------------------------------------------------------------------ labels


@cache
def _labels() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("labels.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def text(key: str, lang: str) -> str:
    """A chart string from ``labels.toml``: ``text("prevalence.title", "fr")``."""
    section, _, name = key.partition(".")
    try:
        return _labels()[section][name][check_lang(lang)]
    except KeyError:
        raise KeyError(
            f"chart label {key!r} ({lang}) is missing from toolkit/charts/labels.toml"
        ) from None


def code_label(section: str, code: str, lang: str) -> str:
    """Label of a taxonomy code (indicators, case types, events, …)."""
    return tx.label(code, check_lang(lang), section=section)


# ------------------------------------------------------------------ numbers in alt text


def fmt_int(value: float | int | None, lang: str) -> str:
    """A count in the chart's language (``1 234`` / ``1,234``), as the chart shows it."""
    if value is None:
        return "<5"
    sep = locale(lang)["number"]["thousands"]
    return f"{round(value):,}".replace(",", sep)


def sep(lang: str) -> str:
    """List separator of alt text (French puts a space before a semicolon)."""
    return text("common.sep", lang)


def fmt_num(value: float | None, lang: str, digits: int = 1) -> str:
    if value is None:
        return "–"
    loc = locale(lang)["number"]
    s = f"{value:,.{digits}f}"
    return s.replace(",", "\0").replace(".", loc["decimal"]).replace("\0", loc["thousands"])


def fmt_pct(value: float | None, lang: str, digits: int = 0) -> str:
    """A share as a percentage (``12,5 %`` in French, ``12.5%`` in English)."""
    if value is None:
        return "<5"
    loc = locale(lang)["number"]
    return fmt_num(100 * value, lang, digits) + loc.get("percent", "%")


def d3_pct(digits: int = 0) -> str:
    return f".{digits}%"


# ------------------------------------------------------------------ suppression


def suppress(
    df: pl.DataFrame,
    count_cols: list[str],
    *,
    by: list[str] | None = None,
    secondary: bool = True,
    hide: dict[str, list[str]] | None = None,
) -> pl.DataFrame:
    """Small-cell suppression of published counts (``toolkit.privacy``).

    ``hide`` maps a count column to other columns that would give it away (a share,
    its interval, a lift): they are nulled wherever the count is suppressed.
    """
    from toolkit.privacy import suppress_small_counts

    return suppress_small_counts(df, count_cols, by=by, secondary=secondary, derived=hide)


def require(df: pl.DataFrame, columns: list[str], what: str) -> None:
    """A clear error when a frame is not the analysis result a figure expects."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(
            f"{what} needs the columns {', '.join(columns)}; missing: {', '.join(missing)}. "
            "Pass the frame the analysis function returns."
        )


# ------------------------------------------------------------------ the common frame


def footer_lines(lang: str, p: Preset) -> list[str]:
    out: list[str] = []
    for line in (text("common.source", lang), text("common.warning", lang)):
        out += textwrap.wrap(line, p.footer_chars, break_on_hyphens=False)
    return out


def footer(lang: str, p: Preset, offset: int) -> alt.Chart:
    """Source line and content warning, drawn under the plot area."""
    lines = footer_lines(lang, p)
    return (
        alt.Chart(alt.Data(values=[{}]))
        .mark_text(
            align="left",
            baseline="top",
            fontSize=p.footer,
            lineHeight=int(p.footer * 1.35),
            color="#444444",
            x=0,
            y=alt.expr(f"height + {offset}"),
            text=lines,
        )
        .encode()
    )


def finish(
    layers: list[alt.Chart],
    data: pl.DataFrame,
    *,
    figure: str,
    lang: str,
    preset_name: str,
    title: str,
    subtitle: str | list[str],
    alt_text: str,
    axis_extent: float = 2.6,
    config: dict[str, Any] | None = None,
    dense: bool = False,
) -> alt.LayerChart:
    """Assemble a figure: its layers over one table, titles, footer, size, locale.

    ``axis_extent`` is the height kept under the plot for the x axis, in label sizes.
    ``dense`` figures (hundreds of marks) drop the per-mark ARIA labels, which would
    read out every dot to a screen reader and triple the SVG; the alt text remains.
    The alt text is stored as the spec's ``description`` (Vega writes it as the
    SVG's ``aria-label``) and the table the figure plots is the top-level data, so
    the CSV beside a figure is exactly what it shows.
    """
    p = preset(preset_name)
    # Four significant digits are plenty for a figure and its CSV, and keep files small.
    data = data.with_columns(
        pl.col(c).round_sig_figs(4) for c, t in data.schema.items() if t == pl.Float64
    )
    offset = int(axis_extent * p.label + 1.0 * p.footer)
    subtitles = wrap([subtitle] if isinstance(subtitle, str) else list(subtitle), p)
    chart = alt.layer(*layers, footer(lang, p, offset), data=data).properties(
        width=p.width,
        height=p.height,
        autosize=alt.AutoSizeParams(type="fit", contains="padding"),
        padding={
            "left": p.padding,
            "right": p.padding,
            "top": p.padding,
            # Vega counts the footer text in the fitted bounds: no extra room is needed.
            "bottom": p.padding,
        },
        title=alt.TitleParams(
            title,
            subtitle=subtitles,
            fontSize=p.title,
            subtitleFontSize=p.subtitle,
            subtitlePadding=int(p.subtitle * 0.4),
            offset=int(p.subtitle * 0.8),
            limit=p.width - 2 * p.padding,
        ),
        description=alt_text,
        usermeta={"veille": {"figure": figure, "lang": lang, "preset": preset_name}},
    )
    cfg: dict[str, Any] = {
        "locale": locale(lang),
        "axis": {
            "labelFontSize": p.label,
            "titleFontSize": p.axis_title,
            "titlePadding": int(p.label * 0.6),
            "labelLimit": int(p.width * 0.42),
        },
        "legend": {
            "labelFontSize": p.label,
            "titleFontSize": p.axis_title,
            "symbolSize": p.label * 14,
            "labelLimit": int(p.width * 0.4),
        },
        "text": {"fontSize": p.label},
    }
    if dense:
        cfg["mark"] = {"aria": False}
    for key, value in (config or {}).items():
        cfg[key] = {**cfg.get(key, {}), **value}
    return chart.configure(**cfg)


def wrap(lines: list[str], p: Preset) -> list[str]:
    """Break subtitle lines to the preset's width (DejaVu Sans averages ~0.56 em a glyph)."""
    chars = max(20, int((p.width - 2 * p.padding) / (p.subtitle * 0.58)))
    out: list[str] = []
    for line in lines:
        out += textwrap.wrap(line, chars, break_on_hyphens=False) or [""]
    return out


def subtitle_with_note(subtitle: str, lang: str, any_suppressed: bool) -> list[str]:
    return [subtitle, text("common.suppressed_note", lang)] if any_suppressed else [subtitle]


def table(chart: alt.TopLevelMixin) -> pl.DataFrame:
    """The table a figure plots (its top-level data), as published beside it."""
    data = chart.data
    if isinstance(data, pl.DataFrame):
        return data
    raise TypeError("this chart was not made by toolkit.charts (no table at its top level)")


def alt_text(chart: alt.TopLevelMixin) -> str:
    """The alt text of a figure made by ``toolkit.charts``."""
    desc = chart.description
    if not isinstance(desc, str) or not desc:
        raise TypeError("this chart was not made by toolkit.charts (no alt text)")
    return desc
