"""What the import refuses, and how: identifiers (masked, nothing written), duplicate
codes, unreadable timeline lines, strict mode; the CLI writes nothing on any error."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from toolkit.cli import app
from toolkit.journal import JournalError, parse_journal_text, read_journal
from toolkit.privacy import PrivacyError

from .conftest import fake_identifier

FIX = Path(__file__).parent / "fixtures"
IDS = FIX / "identifiers"
runner = CliRunner()

# kind of finding expected, and the planted value (as written in the fixture)
PLANTED = {
    name: (kind, fake_identifier(name))
    for name, kind in {
        "url": "url",
        "invite": "url",
        "email": "email",
        "handle": "handle",
        "tag": "tag",
        "phone": "phone",
        "phone_intl": "phone",
        "platform_id": "platform_id",
        "verbatim_quote": "verbatim_quote",
    }.items()
}


def _position(path: Path, value: str) -> tuple[int, int]:
    for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if value in line:
            return n, line.index(value) + 1
    raise AssertionError("planted value not in fixture")


@pytest.mark.parametrize("name", sorted(PLANTED))
def test_each_identifier_kind_is_refused_masked_and_nothing_is_written(name, tmp_path):
    kind, value = PLANTED[name]
    path = IDS / f"journal_{name}.md"
    line, column = _position(path, value)
    with pytest.raises(PrivacyError) as info:
        read_journal(path)
    findings = info.value.findings
    assert [(f.line, f.column, f.kind) for f in findings] == [(line, column, kind)]
    assert findings[0].masked == value[:2] + "…"
    message = str(info.value)
    assert f"{path}:{line}:{column}: {kind}" in message
    assert value not in message and value[2:] not in message

    out = tmp_path / "dataset"
    result = runner.invoke(app, ["import-journal", str(path), "--out", str(out)])
    assert result.exit_code != 0
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary directory left either
    shown = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert f"{line}:{column}: {kind}" in shown
    assert value not in shown and value[2:] not in shown


def test_identifier_in_one_of_several_files_refuses_them_all(tmp_path):
    out = tmp_path / "dataset"
    result = runner.invoke(
        app,
        [
            "import-journal",
            str(FIX / "journals" / "journal_example_fr.md"),
            str(IDS / "journal_handle.md"),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 1
    assert not out.exists()


def test_scanner_runs_before_the_parser():
    # the text has both a parse error (a duplicate code) and an identifier: the
    # identifier is what is reported, before any parsing
    text = f"Cas n°A100B – x\nCas n°A100B – y\nvu sur {fake_identifier('www')}\n"
    with pytest.raises(PrivacyError):
        parse_journal_text(text)


def _import_text(tmp_path: Path, text: str, **kw):
    p = tmp_path / "journal.md"
    p.write_text(text, encoding="utf-8")
    return p, (lambda: read_journal(p, **kw))


def test_duplicate_case_code_is_a_file_line_error(tmp_path):
    p, run = _import_text(
        tmp_path,
        "Cas n°A100B – Serveur\nMembres : 30\n\nCas n°B200C – Autre\n\nCas nº A100B – Encore\n",
    )
    with pytest.raises(JournalError) as info:
        run()
    assert info.value.line == 6
    assert str(info.value).startswith(f"{p}:6: case code A100B appears twice (first at line 1)")


def test_duplicate_case_code_across_files(tmp_path):
    a = tmp_path / "a.md"
    b = tmp_path / "b.md"
    a.write_text("Cas n°A100B – Serveur\n", encoding="utf-8")
    b.write_text("\nCase #A100B - Server\n", encoding="utf-8")
    with pytest.raises(JournalError, match=re.escape(f"{b}:2: case code A100B appears twice")):
        read_journal([a, b])


@pytest.mark.parametrize(
    ("line", "what"),
    [
        ("- le lendemain : signalement à la plateforme", "cannot be read"),
        ("Remarque isolée sans jour", "cannot be read"),
        ("- J-3 : découverte", "negative day"),
    ],
)
def test_unreadable_timeline_line_is_a_file_line_error(tmp_path, line, what):
    p, run = _import_text(
        tmp_path, f"Cas n°A100B – Serveur\nChronologie :\n- J0 : découverte\n{line}\n"
    )
    with pytest.raises(JournalError) as info:
        run()
    msg = str(info.value)
    assert msg.startswith(f"{p}:4: ") and what in msg
    assert "A100B" in msg
    # the line itself is never echoed (it could hold an identifier)
    assert line.lstrip("- ") not in msg


def test_takedown_before_any_report_is_a_file_line_error(tmp_path):
    p, run = _import_text(
        tmp_path, "Cas n°A100B – Serveur\nChronologie :\nJ0 : découverte\nJ+5 : fermeture\n"
    )
    with pytest.raises(JournalError, match=re.escape(f"{p}:4: the timeline of case A100B")):
        run()


def test_case_code_without_a_letter_is_refused(tmp_path):
    p, run = _import_text(tmp_path, "Intro\nCas n°12345 – Serveur\n")
    with pytest.raises(JournalError, match=re.escape(f"{p}:2: a case code must be")):
        run()


def test_not_utf8_is_a_clear_error(tmp_path):
    p = tmp_path / "latin1.md"
    p.write_bytes("Cas n°A100B - Serveur\nContexte : trouvé\n".encode("latin-1"))
    with pytest.raises(JournalError, match="not UTF-8"):
        read_journal(p)


def test_strict_mode_makes_unmapped_items_an_error(tmp_path):
    p = FIX / "journals" / "journal_example_fr.md"
    _book, report = read_journal(p)  # not strict: imported, item reported
    assert len(report.unmapped) == 1
    with pytest.raises(JournalError) as info:
        read_journal(p, strict=True)
    assert str(info.value).startswith(f"{p}:55: 1 item(s) map to no code")
    out = tmp_path / "ds"
    result = runner.invoke(app, ["import-journal", str(p), "--out", str(out), "--strict"])
    assert result.exit_code == 1
    assert not out.exists()


def test_strict_mode_passes_a_fully_mapped_journal(tmp_path):
    _p, run = _import_text(
        tmp_path,
        "Case #A100B - Server\nContext: invitation\nWarning signs:\n- Sexual deepfakes\n"
        "Timeline:\n- D0: discovery\n",
        strict=True,
    )
    book, report = run()
    assert report.unmapped == [] and book.cases.height == 1


def test_cli_imports_writes_a_valid_dataset_and_refuses_to_overwrite(tmp_path):
    from toolkit.model import load

    out = tmp_path / "ds"
    src = FIX / "journals"
    args = [
        "import-journal",
        str(src / "journal_example_fr.md"),
        str(src / "journal_example_en.md"),
    ]
    result = runner.invoke(app, [*args, "--out", str(out), "--observer", "obs-07"])
    assert result.exit_code == 0, result.output
    assert "Cases found (6)" in result.output
    book = load(out)
    assert book.cases.height == 6
    assert set(book.cases["observer_id"]) == {"obs-07"}
    assert book.manifest["source"] == "journal"
    again = runner.invoke(app, [*args, "--out", str(out)])
    assert again.exit_code == 1
    assert runner.invoke(app, [*args, "--out", str(out), "--force"]).exit_code == 0


def test_cli_missing_file_and_bad_observer(tmp_path):
    out = tmp_path / "ds"
    result = runner.invoke(app, ["import-journal", str(tmp_path / "nope.md"), "--out", str(out)])
    assert result.exit_code == 1 and not out.exists()
    src = FIX / "journals" / "journal_example_en.md"
    result = runner.invoke(
        app, ["import-journal", str(src), "--out", str(out), "--observer", "Ann"]
    )
    assert result.exit_code == 1 and not out.exists()
