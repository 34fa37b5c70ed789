"""Generated documentation pages stay equal to what the code renders (`make docs`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit import _docs

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.parametrize("page", sorted(_docs.PAGES))
def test_generated_page_is_up_to_date(page):
    committed = (DOCS / page).read_text(encoding="utf-8")
    assert committed == _docs.PAGES[page](), f"docs/{page} is stale: run `make docs` and commit"


def test_every_column_is_documented():
    from toolkit.model.schemas import OPTIONAL_TABLES, TABLES

    for name, schema in {**TABLES, **OPTIONAL_TABLES}.items():
        for col, spec in schema.columns().items():
            assert spec.description, f"{name}.{col} has no description"
        page = _docs.data_dictionary()
        assert f"## `{name}`" in page


def test_pages_open_with_a_content_warning():
    for render in _docs.PAGES.values():
        head = render().split("\n\n")[:4]
        assert any("Content warning" in block for block in head)
