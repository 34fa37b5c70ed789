"""docs/journal-import.md stays true: its label table is the format's, its example
journal imports as the page says, and its example masks are what the scanner shows."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from toolkit.journal import parse_journal_text
from toolkit.journal._parse import journal_format

DOC = (Path(__file__).resolve().parents[1] / "docs" / "journal-import.md").read_text("utf-8")


def test_label_table_lists_every_label_of_the_format():
    rows = {
        m.group(1): (m.group(2), m.group(3))
        for m in re.finditer(r"^\| (\w+) \| ([^|]+) \| ([^|]+) \|", DOC, re.MULTILINE)
    }
    for field, by_lang in journal_format()["labels"].items():
        fr, en = rows[field]
        assert [s.strip() for s in fr.split(",")] == by_lang["fr"], field
        assert [s.strip() for s in en.split(",")] == by_lang["en"], field


def test_example_journal_of_the_page_imports_as_described():
    block = re.search(r"```text\n(.*?)```", DOC, re.DOTALL).group(1)
    book, report = parse_journal_text(block, "doc-example.md")
    assert book.cases["case_id"].to_list() == ["D220K"]
    assert book.cases["members_band"].cast(pl.String).to_list() == ["200-999"]
    assert book.cases["discovered_via"].cast(pl.String).to_list() == ["relayed_capture"]
    assert set(book.indicators["code"].cast(pl.String)) == {
        "org.per_target_channels",
        "target.public_figure",
        "content.sexual_deepfake",
    }
    assert book.events.select("day", pl.col("event").cast(pl.String)).rows() == [
        (0, "discovered"),
        (1, "reported_platform"),
        (19, "takedown"),
        (23, "reappeared"),
    ]
    assert book.referrals.select(pl.col("kind").cast(pl.String), "day").rows() == [
        ("reappearance", 23)
    ]
    assert book.actions.select(pl.col("code").cast(pl.String), "day").rows() == [
        ("report_platform", 1)
    ]
    assert report.unmapped == []
