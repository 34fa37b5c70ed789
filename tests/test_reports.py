"""``veille reports``: layout, determinism, atomic output, clear errors, committed copy."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from toolkit import charts, reports
from toolkit.cli import app
from toolkit.privacy import audit_paths

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "synthetic" / "default"
COMMITTED = ROOT / "reports"
SMALL = ("escalation_funnel", "survival")


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def small_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("rep") / "reports"
    reports.build(DATA, out, langs="fr,en", presets="talk,print", figures=SMALL)
    return out


def test_layout_one_folder_per_language_and_preset(small_build):
    files = _files(small_build)
    for lang in ("fr", "en"):
        for preset in ("talk", "print"):
            for fig in SMALL:
                stem = f"{lang}/{preset}/{fig}"
                for ext in ("svg", "csv", "alt.txt", "vl.json"):
                    assert f"{stem}.{ext}" in files, f"{stem}.{ext}"
                # PNG for the talk preset only (keeps the committed reports small).
                assert (f"{stem}.png" in files) == (preset == "talk")
    assert "index.html" in files and "manifest.json" in files
    assert not [p for p in small_build.parent.iterdir() if p.name.startswith(".reports.")]


def test_manifest_lists_every_file_with_its_hash_and_the_data_hash(small_build):
    manifest = json.loads((small_build / "manifest.json").read_text())
    files = _files(small_build)
    del files["manifest.json"]
    assert manifest["files"] == {k: hashlib.sha256(v).hexdigest() for k, v in files.items()}
    assert manifest["data"]["sha256"] == reports.data_hash(DATA)
    assert manifest["figures"] == list(SMALL)
    assert {"toolkit", "altair", "vl-convert-python", "polars", "vega"} <= set(manifest["versions"])
    assert "Content warning" in manifest["content_warning"]


def test_print_svg_is_a4_and_png_is_the_talk_size(small_build):
    svg = (small_build / "en/print/survival.svg").read_text()
    assert 'width="297mm" height="210mm"' in svg and 'viewBox="0 0 1123 794"' in svg
    png = (small_build / "en/talk/survival.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png[16:20], "big") == 1920 and int.from_bytes(png[20:24], "big") == 1080


def test_files_beside_a_figure_are_its_table_alt_text_and_spec(small_build):
    csv = pl.read_csv(small_build / "fr/talk/escalation_funnel.csv")
    assert csv.columns[:3] == ["stage", "n_cases", "share"]
    alt_text = (small_build / "fr/talk/escalation_funnel.alt.txt").read_text().strip()
    spec = json.loads((small_build / "fr/talk/escalation_funnel.vl.json").read_text())
    assert spec["description"] == alt_text
    assert spec["config"]["locale"]["number"]["decimal"] == ","
    assert alt_text.startswith("Entonnoir")
    svg = (small_build / "fr/talk/escalation_funnel.svg").read_text()
    assert 'role="img"' in svg and "aria-label=" in svg


def test_gallery_opens_with_a_warning_and_has_every_figure_offline(small_build):
    page = (small_build / "index.html").read_text()
    body = page.split("<body>", 1)[1]
    assert body.lstrip().startswith('<p class="warning"')
    assert "<script" not in page and "://" not in page
    for lang in ("fr", "en"):
        for fig in SMALL:
            assert f'id="{lang}-{fig}"' in page
    assert page.count("<svg") == 2 * len(SMALL)
    for fig in SMALL:
        alt_text = (small_build / f"en/talk/{fig}.alt.txt").read_text().strip()
        assert alt_text.replace("'", "&#x27;") in page


def test_outputs_pass_the_privacy_audit(small_build):
    findings = audit_paths([small_build])
    assert not findings, [str(f) for f in findings[:5]]


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised():
    df = pl.DataFrame(
        {
            "label": ["=cmd", "+1", "-2", "@x", "\tx", "\rx", "plain", None],
            "n": [1, 2, 3, 4, 5, 6, -7, 8],
            "tags": [["=a", "b"]] * 8,
        }
    )
    out = pl.read_csv(reports.safe_csv(df).encode())
    assert out["label"].to_list()[:4] == ["'=cmd", "'+1", "'-2", "'@x"]
    assert out["label"][4].startswith("'\t") and out["label"][5].startswith("'\r")
    assert out["label"][6] == "plain" and out["label"][7] is None
    assert out["n"].to_list()[6] == -7  # numbers stay numbers
    assert out["tags"][0] == "'=a; b"


def test_build_is_byte_identical_when_run_again(small_build, tmp_path):
    again = tmp_path / "reports"
    reports.build(DATA, again, langs="fr,en", presets="talk,print", figures=SMALL)
    assert _files(again) == _files(small_build)


@pytest.mark.slow
def test_build_is_byte_identical_in_another_time_zone(small_build, tmp_path):
    out = tmp_path / "reports"
    env = {**os.environ, "TZ": "Pacific/Kiritimati"}
    cmd = [sys.executable, "-m", "toolkit", "reports", "--data", str(DATA), "--out", str(out)]
    cmd += ["--lang", "fr", "--preset", "talk", "--figures", "survival"]
    subprocess.run(cmd, check=True, env=env, capture_output=True, timeout=120)
    made = _files(out)
    assert {k for k in made if k.startswith("fr/")} == {
        f"fr/talk/survival.{ext}" for ext in ("svg", "png", "csv", "alt.txt", "vl.json")
    }
    reference = _files(small_build)
    for rel, content in made.items():
        if rel.startswith("fr/"):
            assert content == reference[rel], rel


def test_invalid_dataset_is_a_clear_error_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(DATA, bad)
    cases = pl.read_parquet(bad / "cases.parquet")
    cases.with_columns(observer_id=pl.lit("observer one")).write_parquet(bad / "cases.parquet")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["reports", "--data", str(bad), "--out", str(out)])
    assert result.exit_code == 1
    assert "observer_id" in result.output and "nothing was written" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad"]


def test_a_failing_build_leaves_the_previous_reports_untouched(tmp_path, monkeypatch):
    out = tmp_path / "reports"
    out.mkdir()
    (out / "previous.txt").write_text("kept")
    real = reports.figure_charts

    def broken(analyses):
        makers = real(analyses)

        def boom(lang, preset):
            raise RuntimeError("figure failed")

        return {**makers, "survival": boom}

    monkeypatch.setattr(reports, "figure_charts", broken)
    with pytest.raises(RuntimeError, match="figure failed"):
        reports.build(DATA, out, langs="en", presets="talk", figures=SMALL)
    assert _files(out) == {"previous.txt": b"kept"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]


def test_unknown_options_are_refused_before_anything_runs(tmp_path):
    with pytest.raises(ValueError, match="unknown preset 'poster'"):
        reports.build(DATA, tmp_path / "r", presets="poster")
    with pytest.raises(ValueError, match="unknown format 'gif'"):
        reports.build(DATA, tmp_path / "r", formats="svg,gif")
    result = CliRunner().invoke(app, ["reports", "--lang", "de", "--out", str(tmp_path / "r")])
    assert result.exit_code == 1 and "unknown language 'de'" in result.output
    assert not (tmp_path / "r").exists()


@pytest.mark.slow
def test_committed_reports_equal_a_fresh_build(tmp_path):
    """Every spec, CSV and alt text of the committed reports/, and the SVGs of a few
    figures, equal a fresh build (PNGs and the other SVGs are rendered from those
    same specs, so they are left out to keep this test quick)."""
    if not (COMMITTED / "manifest.json").exists():
        pytest.fail("reports/ is not committed: run `make reports`")
    committed = json.loads((COMMITTED / "manifest.json").read_text())
    fresh = tmp_path / "tables"
    m = reports.build(DATA, fresh, formats="json,csv")
    assert committed["figures"] == list(charts.FIGURES) == m["figures"]
    assert committed["data"]["sha256"] == m["data"]["sha256"]
    for rel, digest in m["files"].items():
        assert committed["files"].get(rel) == digest, f"reports/{rel} is stale: run `make reports`"
        assert hashlib.sha256((COMMITTED / rel).read_bytes()).hexdigest() == digest
    svgs = tmp_path / "svgs"
    m = reports.build(DATA, svgs, formats="svg", figures=SMALL)
    for rel, digest in m["files"].items():
        if rel.endswith(".svg"):
            assert committed["files"].get(rel) == digest, f"reports/{rel} is stale"


def test_svg_coordinates_are_trimmed_but_never_text():
    svg = (
        '<svg><text transform="translate(10.123,5.55)" aria-label="R = 0.105">R = 0.105</text>'
        '<path d="M1.234,2.345L3,4"/></svg>'
    )
    out = reports._trim_decimals(svg)
    assert 'transform="translate(10.1,5.5)"' in out and 'd="M1.2,2.3L3,4"' in out
    assert ">R = 0.105<" in out and 'aria-label="R = 0.105"' in out
