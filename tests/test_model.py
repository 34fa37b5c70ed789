"""The case model: every broken rule gives its own clear error; writes are atomic."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from toolkit.model import CaseBook, DatasetError, load, validate, write
from toolkit.model.schemas import TABLES

from .conftest import fake_identifier


def _write_raw(book: CaseBook, root: Path, **replace: pl.DataFrame) -> Path:
    """Write a dataset directory by hand, bypassing validation (a broken fixture)."""
    root.mkdir(parents=True)
    for name, df in {**book.tables(), **replace}.items():
        df.write_parquet(root / f"{name}.parquet")
    (root / "manifest.json").write_text(json.dumps({"format": "veille-casebook"}))
    return root


def _with(df: pl.DataFrame, row: int, **values) -> pl.DataFrame:
    """``df`` with some cells of one row replaced (keeping dtypes where possible)."""
    out = df.with_row_index("__i")
    for col, value in values.items():
        dtype = df.schema[col]
        new = (
            pl.when(pl.col("__i") == row)
            .then(pl.lit(value))
            .otherwise(pl.col(col).cast(pl.String) if isinstance(dtype, pl.Enum) else pl.col(col))
        )
        out = out.with_columns(new.alias(col))
    return out.drop("__i")


# Each broken fixture: (table, how to break it, expected rule, expected column)
BROKEN = {
    "duplicate case_id": (
        "cases",
        lambda b: pl.concat([b.cases, b.cases.head(1)]),
        "primary_key",
        "case_id",
    ),
    "platform id as case code": (
        "cases",
        lambda b: _with(b.cases, 0, case_id=fake_identifier("platform_id")),
        "max_length",
        "case_id",
    ),
    "digit-only case code": (
        "cases",
        lambda b: _with(b.cases, 0, case_id="12345"),
        "regex",
        "case_id",
    ),
    "unknown case type": (
        "cases",
        lambda b: _with(
            b.cases.with_columns(pl.col("case_type").cast(pl.String)), 1, case_type="gossip"
        ),
        "enum",
        "case_type",
    ),
    "bad period": ("cases", lambda b: _with(b.cases, 0, period="2024-Q7"), "regex", "period"),
    "bad observer id": (
        "cases",
        lambda b: _with(b.cases, 0, observer_id="alice"),
        "regex",
        "observer_id",
    ),
    "missing column": ("cases", lambda b: b.cases.drop("title"), "schema", "title"),
    "unknown indicator code": (
        "indicators",
        lambda b: _with(
            b.indicators.with_columns(pl.col("code").cast(pl.String)), 0, code="content.unknown"
        ),
        "enum",
        "code",
    ),
    "duplicate indicator": (
        "indicators",
        lambda b: pl.concat([b.indicators, b.indicators.head(1)]),
        "primary_key",
        "case_id,code",
    ),
    "orphan indicator": (
        "indicators",
        lambda b: _with(b.indicators, 0, case_id="ZZZ9"),
        "referential_integrity",
        "case_id",
    ),
    "orphan referral source": (
        "referrals",
        lambda b: _with(b.referrals, 0, source_id="ZZZ9"),
        "referential_integrity",
        "source_id",
    ),
    "negative event day": ("events", lambda b: _with(b.events, 1, day=-4), "min", "day"),
    "negative action day": ("actions", lambda b: _with(b.actions, 0, day=-1), "min", "day"),
    "first event not day 0": (
        "events",
        lambda b: b.events.with_columns(
            pl.when(pl.col("case_id") == "B220K")
            .then(5)
            .otherwise(pl.col("day"))
            .cast(pl.Int32)
            .alias("day")
        ),
        "first_event_day0",
        "day",
    ),
    "takedown before report": (
        "events",
        lambda b: _with(b.events, 2, day=0),
        "takedown_after_report",
        "day",
    ),
    "event after observation": (
        "events",
        lambda b: _with(b.events, 5, day=11),
        "within_observation",
        "day",
    ),
    "zero exposure minutes": (
        "exposure",
        lambda b: _with(b.exposure, 0, minutes=0),
        "min",
        "minutes",
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_each_broken_rule_gives_its_own_clear_error(tiny_book, tmp_path, name):
    table, breaker, rule, column = BROKEN[name]
    root = _write_raw(tiny_book, tmp_path / "ds", **{table: breaker(tiny_book)})
    with pytest.raises(DatasetError) as info:
        load(root)
    problems = info.value.problems
    # The broken rule is reported first; follow-on problems (e.g. tables that referred
    # to a renamed case) may follow, each with its own line.
    assert (problems[0].table, problems[0].rule, problems[0].column) == (table, rule, column), str(
        info.value
    )
    message = str(info.value)
    assert f"table `{table}`" in message and f"rule: {rule}" in message
    assert str(root) in message


def test_errors_never_echo_the_offending_value(tiny_book, tmp_path):
    snowflake = fake_identifier("platform_id")
    root = _write_raw(
        tiny_book, tmp_path / "ds", cases=_with(tiny_book.cases, 0, case_id=snowflake)
    )
    with pytest.raises(DatasetError) as info:
        load(root)
    assert snowflake not in str(info.value)
    assert "row(s) 0" in str(info.value)


def test_valid_book_round_trips(tiny_book, tmp_path):
    out = write(tiny_book, tmp_path / "ds")
    back = load(out)
    for name in TABLES:
        assert_frame_equal(getattr(back, name), getattr(tiny_book, name))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["row_counts"]["cases"] == 3
    assert manifest["format"] == "veille-casebook"


def test_enum_columns_are_polars_enums(tiny_book):
    assert isinstance(tiny_book.cases.schema["case_type"], pl.Enum)
    assert isinstance(tiny_book.indicators.schema["code"], pl.Enum)
    assert isinstance(tiny_book.events.schema["event"], pl.Enum)


def test_write_refuses_to_overwrite_without_force(tiny_book, tmp_path):
    out = write(tiny_book, tmp_path / "ds")
    marker = out / "cases.parquet"
    before = marker.read_bytes()
    with pytest.raises(FileExistsError, match="force"):
        write(tiny_book, out)
    assert marker.read_bytes() == before
    write(tiny_book, out, force=True)
    assert load(out).cases.height == 3


def test_failed_write_leaves_nothing_behind(tiny_book, tmp_path):
    broken = CaseBook(
        **{**tiny_book.tables(), "cases": pl.concat([tiny_book.cases, tiny_book.cases.head(1)])}
    )
    with pytest.raises(DatasetError):
        write(broken, tmp_path / "ds")
    assert list(tmp_path.iterdir()) == []


def test_failed_forced_write_keeps_the_old_dataset(tiny_book, tmp_path):
    out = write(tiny_book, tmp_path / "ds")
    broken = CaseBook(**{**tiny_book.tables(), "events": _with(tiny_book.events, 1, day=-4)})
    with pytest.raises(DatasetError):
        write(broken, out, force=True)
    assert load(out).events.height == tiny_book.events.height
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ds"]


def test_lazy_mode_scans_and_collects(tiny_book, tmp_path):
    out = write(tiny_book, tmp_path / "ds")
    lazy = load(out, lazy=True)
    assert lazy.is_lazy and isinstance(lazy.cases, pl.LazyFrame)
    assert_frame_equal(lazy.collect().indicators, tiny_book.indicators)
    validate(lazy)


def test_missing_table_file_and_manifest(tiny_book, tmp_path):
    out = write(tiny_book, tmp_path / "ds")
    (out / "events.parquet").unlink()
    with pytest.raises(DatasetError, match="events.parquet is missing"):
        load(out)
    (out / "manifest.json").unlink()
    with pytest.raises(FileNotFoundError, match="manifest.json"):
        load(out)
    with pytest.raises(FileNotFoundError, match="not a dataset directory"):
        load(tmp_path / "nowhere")


def test_from_frames_rejects_unknown_tables(tiny_book):
    with pytest.raises(ValueError, match="unknown table"):
        CaseBook.from_frames(cases=tiny_book.cases, gossip=tiny_book.cases)
