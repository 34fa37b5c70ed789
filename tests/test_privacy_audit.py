"""``veille audit`` and ``audit_paths``: every format is read where its words are, our own
chart outputs pass, binaries are counted, only the configured folder is skipped, and the
command's exit codes and output are right (and never show a value whole).

Identifier-shaped values are built by concatenation so that this file passes the audit.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.privacy import audit, audit_paths, load_skip_config

REPO = Path(__file__).resolve().parents[1]
AT, SLASHES = "@", ":" + "//"
EMAIL = "some.one" + AT + "example.org"
LINK = "https" + SLASHES + "example.org/page"
HANDLE = AT + "fake_handle"
SNOWFLAKE = "1234567890" + "12345678"
QUOTE13 = " ".join(f"mot{i}" for i in range(13))


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def found(paths, **kw) -> list[str]:
    return [str(f) for f in audit_paths(paths, skip=[], **kw)]


def notebook(cells: list[dict]) -> str:
    return json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def test_folders_recurse_in_sorted_order_and_report_positions(tmp_path):
    write(tmp_path, "b/deep/note.md", "ok\nwrite to " + EMAIL)
    write(tmp_path, "a.txt", "link: " + LINK)
    write(tmp_path, "clean.md", "Case A105G, 14 ans, J+36, obs-03.")
    report = audit([tmp_path], skip=[])
    assert report.files_scanned == 3
    assert [str(f) for f in report.findings] == [
        f"{tmp_path}/a.txt:1:7: url (ht…)",
        f"{tmp_path}/b/deep/note.md:2:10: email (so…)",
    ]


def test_notebook_sources_and_text_outputs_are_read_binary_payloads_are_not(tmp_path):
    png = base64.b64encode(b"\x89PNG" + (" " + EMAIL + " " + SNOWFLAKE).encode()).decode()
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Title\n", "by " + HANDLE]},
        {
            "cell_type": "code",
            "metadata": {},
            "execution_count": 1,
            "source": "x = 1\n# see " + LINK,
            "outputs": [
                {"output_type": "stream", "name": "stdout", "text": ["id " + SNOWFLAKE + "\n"]},
                {
                    "output_type": "display_data",
                    "metadata": {},
                    "data": {
                        "image/png": png,
                        "text/plain": ["<chart>"],
                        "text/html": ["<p>\n", "<b>" + EMAIL + "</b></p>"],
                        "application/vnd.vegalite.v6+json": {
                            "$schema": "https"
                            + SLASHES
                            + "vega.github.io/schema/vega-lite/v6.4.1.json",
                            "title": "mail " + EMAIL,
                            "data": {"values": [{"x": 0.123456789012345678, "y": 3}]},
                        },
                    },
                },
                {
                    "output_type": "error",
                    "ename": "ValueError",
                    "evalue": "bad",
                    "traceback": ["line one", "at " + LINK],
                },
            ],
        },
    ]
    path = write(tmp_path, "nb.ipynb", notebook(cells))
    out = found([path])
    nb = str(path)
    assert out == [
        f"{nb}:cell 1:2:4: handle (@f…)",
        f"{nb}:cell 2:2:7: url (ht…)",
        f"{nb}:cell 2:output 1:1:4: platform_id (12…)",
        f"{nb}:cell 2:output 2:application/vnd.vegalite.v6+json:3:17: email (so…)",
        f"{nb}:cell 2:output 2:text/html:2:4: email (so…)",
        f"{nb}:cell 2:output 3:3:4: url (ht…)",
    ]


def test_json_strings_are_decoded_and_numbers_between_them_checked(tmp_path):
    escaped = json.dumps({"u": LINK}).replace("/", "\\/")  # https:\/\/… hides from a raw scan
    path = write(tmp_path, "spec.json", escaped)
    assert [f.kind for f in audit_paths([path], skip=[])] == ["url"]
    path = write(tmp_path, "ids.json", json.dumps({"channel": int(SNOWFLAKE), "share": 0.25}))
    assert [f.kind for f in audit_paths([path], skip=[])] == ["platform_id"]
    quoted = json.dumps({"note": f'they wrote "{QUOTE13}"'}, indent=2)
    path = write(tmp_path, "q.json", quoted)
    assert [str(f) for f in audit_paths([path], skip=[])] == [f'{path}:2:23: verbatim_quote ("m…)']
    # Columns count escapes at their written width (here two six-character escapes).
    path = write(tmp_path, "u.json", json.dumps({"n": "é é " + EMAIL}))
    assert [str(f) for f in audit_paths([path], skip=[])] == [f"{path}:1:22: email (so…)"]
    # A long description in a JSON string is not a quotation.
    path = write(tmp_path, "d.json", json.dumps({"description": QUOTE13 + " " + QUOTE13}))
    assert audit_paths([path], skip=[]) == []


def test_csv_quoted_fields_are_not_quotations_but_quotes_inside_them_are(tmp_path):
    path = write(tmp_path, "ok.csv", f'code,label\nA105G,"{QUOTE13}, and more"\n')
    assert audit_paths([path], skip=[]) == []
    path = write(tmp_path, "q.csv", f'code,label\nA105G,"said ""{QUOTE13}"""\n')
    assert [(f.line, f.kind) for f in audit_paths([path], skip=[])] == [(2, "verbatim_quote")]
    path = write(tmp_path, "e.csv", f"code,contact\nA105G,{EMAIL}\n")
    assert found([path]) == [f"{path}:2:7: email (so…)"]


def test_html_and_svg_markup_pass_but_their_text_is_read(tmp_path):
    html = (
        "<html><head><style>@media print { .a { color: #0072B2 } }</style></head>\n"
        f'<body><p class="a b c d e f g h i j k l m n">{QUOTE13}</p>\n'
        f"<p>« {QUOTE13} »</p></body></html>"
    )
    path = write(tmp_path, "page.html", html)
    assert [(f.line, f.kind) for f in audit_paths([path], skip=[])] == [(3, "verbatim_quote")]


def test_parquet_string_categorical_and_integer_columns(tmp_path):
    df = pl.DataFrame(
        {
            "case_id": ["A105G", "B220K", "C310P"],
            "evidence": ["clean", None, "see " + LINK],
            "observer": pl.Series(["obs-01", HANDLE, "obs-02"], dtype=pl.Categorical),
            "channel": pl.Series([1, int(SNOWFLAKE), 3], dtype=pl.UInt64),
            "share": [0.5, 0.123456789012345678, 1.0],
        }
    )
    path = tmp_path / "t.parquet"
    df.write_parquet(path)
    out = found([path])
    assert sorted(out) == sorted(
        [
            f"{path}:evidence:row 3:1:5: url (ht…)",
            f"{path}:observer:row 2:1:1: handle (@f…)",
            f"{path}:channel:row 2:1:1: platform_id (12…)",
        ]
    )


def test_binaries_are_skipped_and_counted(tmp_path):
    (tmp_path / "img.png").write_bytes(b"\x89PNG\r\n" + EMAIL.encode())
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01" + EMAIL.encode())
    (tmp_path / "broken.parquet").write_bytes(b"not a parquet file")
    (tmp_path / "dangling.md").symlink_to(tmp_path / "gone.md")
    write(tmp_path, "note.md", "clean")
    report = audit([tmp_path], skip=[])
    assert report.findings == []
    assert report.files_scanned == 1
    assert sorted(Path(p).name for p in report.binary_skipped) == [
        "blob.bin",
        "broken.parquet",
        "dangling.md",
        "img.png",
    ]


def test_windows_code_page_text_is_still_read(tmp_path):
    path = tmp_path / "journal.md"
    path.write_bytes(("Journal de veille é\n" + HANDLE).encode("cp1252"))
    assert [f.kind for f in audit_paths([path], skip=[])] == ["handle"]


def test_skip_list_comes_from_the_nearest_pyproject_and_nothing_else(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.veille.audit]\nskip = ["tests/fixtures/identifiers"]\n', encoding="utf-8"
    )
    write(tmp_path, "tests/fixtures/identifiers/fake.md", EMAIL)
    write(tmp_path, "tests/fixtures/other/fake.md", EMAIL)
    write(tmp_path, "tests/fixtures/identifiers_extra/fake.md", EMAIL)  # a prefix is not enough
    monkeypatch.chdir(tmp_path / "tests")  # found by walking up
    assert load_skip_config() == [(tmp_path / "tests/fixtures/identifiers").resolve()]
    report = audit([Path("fixtures")])
    assert sorted(f.path for f in report.findings) == [
        "fixtures/identifiers_extra/fake.md",
        "fixtures/other/fake.md",
    ]
    assert report.config_skipped == ["fixtures/identifiers/fake.md"]
    # skip=[] skips nothing.
    assert len(audit_paths([Path("fixtures")], skip=[])) == 3


def test_repo_config_skips_exactly_the_identifiers_fixtures():
    assert load_skip_config(REPO) == [REPO / "tests" / "fixtures" / "identifiers"]


def test_missing_path_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        audit_paths([tmp_path / "nope"], skip=[])


def test_our_own_chart_outputs_pass(tmp_path):
    import altair as alt
    import vl_convert as vlc

    df = pl.DataFrame({"type": ["deepfakes", "leaks"], "share": [0.123456789012345, 0.87654321]})
    chart = (
        alt.Chart(df.to_pandas())
        .mark_bar(color="#0072B2")
        .encode(x="type:N", y="share:Q")
        .properties(title="Share of cases")
    )
    spec = chart.to_json()
    write(tmp_path, "chart.vl.json", spec)
    write(tmp_path, "chart.svg", vlc.vegalite_to_svg(spec))
    df.write_csv(tmp_path / "chart.csv")
    df.write_parquet(tmp_path / "chart.parquet")
    report = audit([tmp_path], skip=[])
    assert report.files_scanned == 4
    assert report.findings == []


def test_docs_privacy_page_passes_its_own_audit():
    assert audit_paths([REPO / "docs" / "privacy.md"]) == []


runner = CliRunner()


def test_cli_exit_codes_and_masked_output(tmp_path):
    write(tmp_path, "clean.md", "Case A105G, J+36.")
    result = runner.invoke(app, ["audit", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "audit clean" in result.output

    write(tmp_path, "dirty.md", "x\nmail " + EMAIL + " and " + SNOWFLAKE)
    result = runner.invoke(app, ["audit", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path}/dirty.md:2:6: email (so…)" in result.output
    assert "platform_id (12…)" in result.output
    assert EMAIL not in result.output and SNOWFLAKE not in result.output

    result = runner.invoke(app, ["audit", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert "no such file" in " ".join(result.output.split())


def test_code_files_decorators_and_string_quotes_pass_but_links_do_not(tmp_path):
    long_message = " ".join(f"word{i}" for i in range(14))
    code = (
        "import pytest\n\n\n"
        f"{AT}pytest.mark.slow\n"
        f'def test():\n    raise ValueError("{long_message}")\n'
        f"# see {LINK}\n"
    )
    path = write(tmp_path, "mod.py", code)
    assert found([path]) == [f"{path}:7:7: url (ht…)"]


def test_broken_notebook_is_still_read_as_json(tmp_path):
    path = write(tmp_path, "broken.ipynb", '{"cells": [ {"source": "mail ' + EMAIL + '"')
    assert [f.kind for f in audit_paths([path], skip=[])] == ["email"]


def test_docs_privacy_page_lists_every_kind_and_allowed_address():
    from toolkit.privacy import KINDS
    from toolkit.privacy._scanner import ALLOWED_URL_PATTERNS

    page = (REPO / "docs" / "privacy.md").read_text(encoding="utf-8")
    for kind in KINDS:
        assert f"| `{kind}` |" in page, kind
    assert len(ALLOWED_URL_PATTERNS) == 2  # the schema address and the SVG namespaces
    assert "`$schema`" in page and "`xmlns`" in page
    assert "[tool.veille.audit]" in page and 'skip = ["tests/fixtures/identifiers"]' in page
