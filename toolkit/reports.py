"""``veille reports``: every chart, in every language and preset, from one dataset.

Content warning: the outputs describe organised sexual abuse online
(non-consensual intimate images, sexual deepfakes, child-exploitation signals) in
neutral terms and aggregate, small-cell-suppressed numbers.

Layout of the output directory (``reports/`` by default)::

    index.html                      offline gallery: inline SVG + alt text, no script
    manifest.json                   data hash, versions, every file with its sha256
    <lang>/<preset>/<figure>.svg    the figure (print: A4 landscape, sizes in mm)
    <lang>/<preset>/<figure>.png    (formats permitting)
    <lang>/<preset>/<figure>.csv    the table it plots (formula-injection safe)
    <lang>/<preset>/<figure>.alt.txt  its alt text
    <lang>/<preset>/<figure>.vl.json  its Vega-Lite spec (theme and locale inside)

The whole directory is written in a temporary sibling and swapped in at the end:
an interrupted or failed run leaves the previous reports untouched, never a half.
Outputs are byte-identical run to run and across time zones: the bundled DejaVu
Sans is registered with vl-convert, dates are UTC, tables are sorted, and no file
holds a timestamp.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import Any

import polars as pl

from toolkit import charts
from toolkit.charts import _kit
from toolkit.model import CaseBook, load

__all__ = [
    "DEFAULT_FORMATS",
    "DEFAULT_PNG_PRESETS",
    "FORMATS",
    "Analyses",
    "build",
    "compute_analyses",
    "figure_charts",
    "safe_csv",
]

FORMATS = ("svg", "png", "html", "json", "csv")
DEFAULT_FORMATS = FORMATS
#: PNGs are written for these presets only by default: a slide deck needs bitmaps,
#: social posts and print take the SVG; this keeps the committed ``reports/`` small.
DEFAULT_PNG_PRESETS = ("talk",)
#: Dismantling strategies drawn (static and adaptive where it applies). Adaptive
#: betweenness is left out: it costs ~30 s on the default data for a curve that
#: adaptive collective influence already beats.
REPORT_STRATEGIES: tuple[tuple[str, bool], ...] = (
    ("random", False),
    ("in_degree", False),
    ("in_degree", True),
    ("pagerank", False),
    ("pagerank", True),
    ("betweenness", False),
    ("collective_influence", False),
    ("collective_influence", True),
)
SEED = 20241


class Analyses:
    """The analysis results the figures draw, each computed once, on first use.

    Charts never recompute an analysis: each figure takes one of these results. Only
    the results of the figures asked for are computed.
    """

    def __init__(self, book: CaseBook, *, seed: int = SEED):
        self.book = book.collect()
        self.seed = seed

    @cached_property
    def prevalence(self) -> pl.DataFrame:
        return _vt().indicators.prevalence(self.book)

    @cached_property
    def cooccurrence(self) -> pl.DataFrame:
        return _vt().indicators.cooccurrence(self.book)

    @cached_property
    def case_types(self) -> pl.DataFrame:
        return _vt().indicators.case_types_by_period(self.book)

    @cached_property
    def triage(self) -> pl.DataFrame:
        return _vt().triage.assess(self.book)

    @cached_property
    def funnel(self) -> pl.DataFrame:
        return _vt().response.funnel(self.book)

    @cached_property
    def survival(self) -> pl.DataFrame:
        return _vt().response.survival(self.book)

    @cached_property
    def response_summary(self) -> pl.DataFrame:
        return _vt().response.summary(self.book)

    @cached_property
    def exposure(self) -> pl.DataFrame:
        return _vt().workload.exposure(self.book)

    @cached_property
    def graph(self) -> Any:
        return _vt().network.referral_graph(self.book)

    @cached_property
    def centrality(self) -> pl.DataFrame:
        return _vt().network.centrality(self.graph, seed=self.seed)

    @cached_property
    def layout(self) -> pl.DataFrame:
        """One seeded layout of the largest connected group, shared by every map."""
        giant = self.centrality.filter(pl.col("weak_component") == 0)
        return charts.network_layout(
            self.graph.subgraph(giant.get_column("node").to_list()),
            seed=self.seed,
            groups=dict(giant.select(pl.col("node").cast(pl.String), "community").iter_rows()),
        )

    @cached_property
    def lineages(self) -> pl.DataFrame:
        return _vt().network.lineages(self.book)

    @cached_property
    def dismantling(self) -> pl.DataFrame:
        return pl.concat(
            [
                _vt()
                .network.dismantle(self.graph, strategy=s, adaptive=a, seed=self.seed)
                .select(
                    "strategy", "adaptive", "fraction_removed", "largest_component", "robustness"
                )
                for s, a in REPORT_STRATEGIES
            ]
        )


def _vt() -> Any:
    import toolkit

    return toolkit


def compute_analyses(book: CaseBook, *, seed: int = SEED) -> Analyses:
    """The analyses of the figure set over ``book`` (each runs when a figure needs it)."""
    return Analyses(book, seed=seed)


def figure_charts(a: Analyses) -> dict[str, Callable[[str, str], Any]]:
    """For each figure of ``charts.FIGURES``, a ``(lang, preset) -> chart`` maker."""
    return {
        "prevalence": lambda lang, p: charts.prevalence(a.prevalence, lang=lang, preset=p),
        "cooccurrence": lambda lang, p: charts.cooccurrence(a.cooccurrence, lang=lang, preset=p),
        "case_types_over_time": lambda lang, p: charts.case_types_over_time(
            a.case_types, lang=lang, preset=p
        ),
        "triage_tiers": lambda lang, p: charts.triage_tiers(a.triage, lang=lang, preset=p),
        "escalation_funnel": lambda lang, p: charts.escalation_funnel(
            a.funnel, lang=lang, preset=p
        ),
        "survival": lambda lang, p: charts.survival(a.survival, lang=lang, preset=p),
        "takedown_within": lambda lang, p: charts.takedown_within(
            a.response_summary, lang=lang, preset=p
        ),
        "referral_network": lambda lang, p: charts.referral_network(
            a.graph, a.centrality, layout=a.layout, lang=lang, preset=p
        ),
        "hydra_lineages": lambda lang, p: charts.hydra_lineages(a.lineages, lang=lang, preset=p),
        "dismantling": lambda lang, p: charts.dismantling(a.dismantling, lang=lang, preset=p),
        "workload": lambda lang, p: charts.workload(a.exposure, lang=lang, preset=p),
    }


# ------------------------------------------------------------------ file writers

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_csv(df: pl.DataFrame) -> str:
    """CSV text of a table with spreadsheet formulas neutralised.

    A text cell starting with ``= + - @``, a tab or a carriage return is prefixed
    with ``'`` so a spreadsheet shows it instead of running it (OWASP, "CSV
    Injection"). Numbers stay numbers; lists are joined with ``; ``.

    Examples
    --------
    >>> import polars as pl
    >>> print(safe_csv(pl.DataFrame({"a": ["=1+1", "ok", "-x"], "n": [-1, 2, 3]})), end="")
    a,n
    '=1+1,-1
    ok,2
    '-x,3
    """
    out = df
    for name, dtype in df.schema.items():
        if isinstance(dtype, pl.List):
            out = out.with_columns(pl.col(name).cast(pl.List(pl.String)).list.join("; "))
        elif dtype in (pl.Categorical,) or isinstance(dtype, pl.Enum):
            out = out.with_columns(pl.col(name).cast(pl.String))
    for name, dtype in out.schema.items():
        if dtype == pl.String:
            col = pl.col(name)
            risky = pl.any_horizontal([col.str.starts_with(c) for c in _FORMULA_START])
            out = out.with_columns(
                pl.when(risky).then(pl.lit("'") + col).otherwise(col).alias(name)
            )
    return out.write_csv(line_terminator="\n")


_SVG_ROOT = re.compile(r'^<svg ([^>]*?)width="[0-9.]+" height="[0-9.]+"')


def _svg(spec: dict[str, Any]) -> str:
    """The figure as SVG, labelled with its alt text for screen readers."""
    import vl_convert as vlc

    svg = _trim_decimals(vlc.vegalite_to_svg(spec))
    label = html.escape(spec.get("description", ""))
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


def _sized(svg: str, preset: _kit.Preset) -> str:
    """The SVG file of a preset: the print preset states its size in millimetres (A4)."""
    if preset.svg_size:
        w, h = preset.svg_size
        svg = _SVG_ROOT.sub(lambda m: f'<svg {m.group(1)}width="{w}" height="{h}"', svg, count=1)
    return svg


_GEOMETRY_ATTR = re.compile(r' (d|transform|x|y|x1|x2|y1|y2|width|height|points)="([^"]*)"')
_LONG_DECIMALS = re.compile(r"(\d\.\d)\d+")


def _trim_decimals(svg: str) -> str:
    """Cut coordinates to 1/10 px: a third of the file size, no visible change.

    Only geometry attributes are touched, never text or labels (``R = 0.10`` stays).
    """

    def trim(m: re.Match[str]) -> str:
        return " " + m.group(1) + '="' + _LONG_DECIMALS.sub(r"\1", m.group(2)) + '"'

    return _GEOMETRY_ATTR.sub(trim, svg)


def _png(svg: str) -> bytes:
    # Rasterising the SVG we already have gives the same bytes as vegalite_to_png at
    # less than half the time (the Vega scene is not built twice).
    import vl_convert as vlc

    return _recompress_png(vlc.svg_to_png(svg, scale=1))


def _recompress_png(png: bytes) -> bytes:
    """The same image with its pixel data deflated at level 6 (about 4× smaller).

    vl-convert writes PNGs with fast compression; the pixels are left untouched, only
    the IDAT stream is re-deflated (zlib, deterministic) and its CRC recomputed.
    """
    import struct
    import zlib

    head, pos, chunks, idat = png[:8], 8, [], b""
    while pos < len(png):
        (n,) = struct.unpack(">I", png[pos : pos + 4])
        kind = png[pos + 4 : pos + 8]
        body = png[pos + 8 : pos + 8 + n]
        if kind == b"IDAT":
            if not idat:
                chunks.append((b"IDAT", None))
            idat += body
        else:
            chunks.append((kind, body))
        pos += 12 + n
    packed = zlib.compress(zlib.decompress(idat), 6)
    out = [head]
    for kind, body in chunks:
        body = packed if body is None else body
        out.append(struct.pack(">I", len(body)) + kind + body)
        out.append(struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    return b"".join(out)


def _spec(chart: Any) -> dict[str, Any]:
    import altair as alt

    with alt.theme.enable(_kit.THEME):
        spec = chart.to_dict()
    # A missing field is null to Vega: leaving nulls out of the inline rows changes no
    # mark and makes the network spec a third smaller.
    spec["datasets"] = {
        name: [{k: v for k, v in row.items() if v is not None} for row in rows]
        for name, rows in spec.get("datasets", {}).items()
    }
    return spec


def _dump_json(obj: Any, *, compact: bool = False) -> str:
    if compact:
        return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    return json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def data_hash(path: Path) -> str:
    """sha256 over the dataset's files (names and bytes, in name order)."""
    h = hashlib.sha256()
    for f in sorted(p for p in Path(path).iterdir() if p.is_file()):
        h.update(f.name.encode())
        h.update(b"\0")
        h.update(f.read_bytes())
    return h.hexdigest()


def _versions() -> dict[str, str]:
    import vl_convert as vlc

    import toolkit

    out = {"toolkit": toolkit.__version__}
    for dist in ("altair", "vl-convert-python", "polars", "networkx", "numpy", "scipy"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:  # pragma: no cover
            out[dist] = "unknown"
    out["vega"] = vlc.get_vega_version()
    out["font"] = _kit.FONT
    return out


# ------------------------------------------------------------------ gallery

_GALLERY_CSS = """
body{font-family:"DejaVu Sans",Verdana,sans-serif;margin:0 auto;max-width:1280px;
padding:1.5rem;color:#222;background:#fff;line-height:1.45}
.warning{border:2px solid #D55E00;background:#FFF4E0;padding:.8rem 1rem;margin:1rem 0}
figure{margin:2.5rem 0;border-top:1px solid #ddd;padding-top:1rem}
figure svg{width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.95rem;margin-top:.6rem}
nav a{margin-right:1rem}
.files a{margin-right:.7rem;font-size:.9rem}
"""

_GALLERY_TEXT = {
    "title": {"fr": "veille : galerie des figures", "en": "veille: figure gallery"},
    "intro": {
        "fr": "Toutes les figures, générées depuis des données synthétiques. Aucun script, "
        "aucune requête réseau : ce fichier s’ouvre hors ligne.",
        "en": "Every figure, generated from synthetic data. No script, no network request: "
        "this file opens offline.",
    },
    "alt": {"fr": "Texte alternatif", "en": "Alt text"},
    "files": {"fr": "Fichiers", "en": "Files"},
}


def _gallery(entries: list[dict[str, Any]], langs: list[str], preset: str) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="fr">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # No request may leave the page: nothing but inline content is allowed.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">",
        "<title>veille</title>",
        f"<style>{_GALLERY_CSS}</style>",
        "</head>",
        "<body>",
        '<p class="warning" role="note"><strong>'
        + html.escape(_kit.text("common.warning", "fr"))
        + "</strong><br>"
        + html.escape(_kit.text("common.warning", "en"))
        + "</p>",
        "<nav>" + "".join(f'<a href="#{lang}">{lang.upper()}</a>' for lang in langs) + "</nav>",
    ]
    for lang in langs:
        parts.append(f'<section id="{lang}" lang="{lang}">')
        parts.append(f"<h1>{html.escape(_GALLERY_TEXT['title'][lang])}</h1>")
        parts.append(f"<p>{html.escape(_GALLERY_TEXT['intro'][lang])}</p>")
        for e in (e for e in entries if e["lang"] == lang and e["preset"] == preset):
            fig_id = f"{lang}-{e['figure']}"
            svg = e["svg_inline"]
            # Grouped by preset: "talk: svg png csv alt.txt vl.json".
            by_preset: dict[str, list[str]] = {}
            for f in e["files_all_presets"]:
                by_preset.setdefault(f.split("/")[1], []).append(f)
            links = " · ".join(
                f"{html.escape(p)} : " * (lang == "fr")
                + f"{html.escape(p)}: " * (lang != "fr")
                + " ".join(
                    f'<a href="{html.escape(f)}">{html.escape(f.split(".", 1)[1])}</a>' for f in fs
                )
                for p, fs in by_preset.items()
            )
            parts += [
                f'<figure id="{fig_id}" data-figure="{e["figure"]}">',
                svg,
                f"<figcaption><strong>{html.escape(_GALLERY_TEXT['alt'][lang])} :</strong> "
                if lang == "fr"
                else f"<figcaption><strong>{html.escape(_GALLERY_TEXT['alt'][lang])}:</strong> ",
                html.escape(e["alt"]),
                f'<p class="files">{html.escape(_GALLERY_TEXT["files"][lang])} — {links}</p>',
                "</figcaption>",
                "</figure>",
            ]
        parts.append("</section>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _inline_svg(svg: str) -> str:
    """An SVG ready to sit in HTML, where XML namespaces are implied."""
    return re.sub(r' xmlns(:xlink)?="[^"]*"', "", svg, count=2)


# ------------------------------------------------------------------ build


def _split(values: str | Iterable[str], allowed: Iterable[str], what: str) -> list[str]:
    allowed = list(allowed)
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for v in values:
        for item in str(v).split(","):
            item = item.strip()
            if not item:
                continue
            if item not in allowed:
                raise ValueError(f"unknown {what} {item!r}; choose among {', '.join(allowed)}")
            if item not in out:
                out.append(item)
    if not out:
        raise ValueError(f"no {what} given")
    return out


def build(
    data: str | os.PathLike[str] | CaseBook,
    out: str | os.PathLike[str],
    *,
    langs: str | Iterable[str] = ("fr", "en"),
    presets: str | Iterable[str] = ("talk", "social", "print"),
    formats: str | Iterable[str] = DEFAULT_FORMATS,
    png_presets: Iterable[str] | None = DEFAULT_PNG_PRESETS,
    figures: str | Iterable[str] | None = None,
    seed: int = SEED,
    progress: Callable[[int, int, str], None] | None = None,
) -> dict[str, Any]:
    """Regenerate every figure into ``out``, atomically, and return the manifest.

    Parameters
    ----------
    data
        A dataset directory (validated on load: a ``DatasetError`` says what is wrong
        and nothing is written) or a CaseBook.
    out
        Output directory; replaced as a whole when the build succeeds.
    langs, presets, formats
        Lists or comma-separated strings: subsets of ``fr,en``; ``talk,social,social-portrait,print`` (``social``
        means the square and the portrait post); ``svg,png,html,json,csv``
        (``html`` is the gallery ``index.html``, ``json`` the ``.vl.json`` spec). The
        ``.alt.txt`` is always written.
    png_presets
        Presets that get a PNG when ``png`` is asked for (``None``: every preset).
    figures
        A subset of ``charts.FIGURES`` (default: all).
    progress
        Called as ``progress(done, total, label)`` after each figure.

    Returns
    -------
    dict
        The manifest written to ``out/manifest.json``.
    """
    langs = _split(langs, ("fr", "en"), "language")
    wanted = _split(presets, _kit.PRESET_GROUPS, "preset")
    presets = [p for w in wanted for p in _kit.PRESET_GROUPS[w]]
    presets = list(dict.fromkeys(presets))
    formats = _split(formats, FORMATS, "format")
    figures = _split(figures or charts.FIGURES, charts.FIGURES, "figure")
    png_for = set(presets if png_presets is None else png_presets)

    if isinstance(data, CaseBook):
        book, dhash = data.collect(), None
    else:
        book, dhash = load(data), data_hash(Path(data))
    charts.register_font()
    analyses = compute_analyses(book, seed=seed)
    makers = figure_charts(analyses)

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        entries: list[dict[str, Any]] = []
        files: dict[str, str] = {}

        def put(rel: str, content: str | bytes) -> None:
            data_bytes = content.encode("utf-8") if isinstance(content, str) else content
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data_bytes)
            files[rel] = _sha256(data_bytes)

        total = len(langs) * len(presets) * len(figures)
        done = 0
        # Rasterising and deflating PNGs run beside the next figures (both release the
        # GIL); SVGs stay in this thread, since vl-convert's Vega runtime numbers
        # elements in call order and concurrent calls would reorder them.
        pool = ThreadPoolExecutor(max_workers=2)
        pngs: list[tuple[str, Future[bytes]]] = []
        for lang in langs:
            for preset in presets:
                p = _kit.preset(preset)
                for fig in figures:
                    chart = makers[fig](lang, preset)
                    spec = _spec(chart)
                    alt_text = charts.alt_text(chart)
                    stem = f"{lang}/{preset}/{fig}"
                    needs_svg = bool({"svg", "html"} & set(formats)) or (
                        "png" in formats and preset in png_for
                    )
                    svg = _svg(spec) if needs_svg else ""
                    if "svg" in formats:
                        put(f"{stem}.svg", _sized(svg, p))
                    if "png" in formats and preset in png_for:
                        pngs.append((f"{stem}.png", pool.submit(_png, svg)))
                    if "json" in formats:
                        # Compact: specs carry their data; tests/snapshots holds the
                        # indented, reviewable form.
                        put(f"{stem}.vl.json", _dump_json(spec, compact=True))
                    if "csv" in formats:
                        put(f"{stem}.csv", safe_csv(charts.table(chart)))
                    put(f"{stem}.alt.txt", alt_text + "\n")
                    if needs_svg:
                        entries.append(
                            {
                                "lang": lang,
                                "preset": preset,
                                "figure": fig,
                                "alt": alt_text,
                                "svg_inline": _inline_svg(svg),
                            }
                        )
                    done += 1
                    if progress:
                        progress(done, total, stem)
        try:
            for rel, future in pngs:
                put(rel, future.result())
        finally:
            pool.shutdown(cancel_futures=True)
        if "html" in formats:
            gallery_preset = "talk" if "talk" in presets else presets[0]
            for e in entries:
                e["files_all_presets"] = sorted(
                    f for f in files if f.startswith(f"{e['lang']}/") and f"/{e['figure']}." in f
                )
            put("index.html", _gallery(entries, langs, gallery_preset))
        manifest = {
            "content_warning": _kit.text("common.warning", "en"),
            "data": {
                "path": None if dhash is None else Path(data).as_posix(),
                "sha256": dhash,
            },
            "seed": seed,
            "versions": _versions(),
            "languages": langs,
            "presets": presets,
            "formats": formats,
            "figures": figures,
            "files": dict(sorted(files.items())),
        }
        (tmp / "manifest.json").write_text(_dump_json(manifest), encoding="utf-8")
        _swap(tmp, out)
    except BaseException:
        if "pool" in locals():
            pool.shutdown(cancel_futures=True)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def _swap(tmp: Path, out: Path) -> None:
    """Put ``tmp`` in place of ``out`` with renames only (same file system)."""
    os.chmod(tmp, 0o755)
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
        old.rmdir()
        out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(out)
