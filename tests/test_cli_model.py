"""`veille validate` and `veille summary` on good and broken datasets."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.model import write

runner = CliRunner()


def test_validate_ok(tiny_book, tmp_path):
    out = write(tiny_book, tmp_path / "ds")
    result = runner.invoke(app, ["validate", str(out)])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output and "cases 3" in result.output


def test_validate_reports_broken_dataset(tiny_book, tmp_path):
    out = write(tiny_book, tmp_path / "ds")
    (out / "events.parquet").unlink()
    result = runner.invoke(app, ["validate", str(out)])
    assert result.exit_code == 1
    assert "events.parquet is missing" in result.output


def test_summary_shows_counts_per_table_and_type(tiny_book, tmp_path):
    out = write(tiny_book, tmp_path / "ds")
    result = runner.invoke(app, ["summary", str(out)])
    assert result.exit_code == 0, result.output
    for word in ("cases", "indicators", "referrals", "deepfakes", "referral_hub"):
        assert word in result.output


def test_python_dash_m_toolkit_is_the_cli():
    proc = subprocess.run(
        [sys.executable, "-m", "toolkit", "--help"], capture_output=True, text=True
    )
    assert proc.returncode == 0
    assert "validate" in proc.stdout and "summary" in proc.stdout


def test_import_toolkit_stays_light():
    code = "import sys, toolkit; print(sorted(m for m in ('nbformat', 'altair', 'networkx') if m in sys.modules))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.strip() == "[]"
