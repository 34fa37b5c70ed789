"""The CaseBook: a dataset of cases as polars tables, with loading, validation and
atomic writing.

A dataset is a directory holding one Parquet file per table plus ``manifest.json``::

    cases.parquet  indicators.parquet  actions.parquet  events.parquet
    referrals.parquet  exposure.parquet  [planted.parquet]  manifest.json
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import polars as pl

from toolkit import taxonomy as tx
from toolkit.model.schemas import OPTIONAL_TABLES, TABLES, polars_schema

FORMAT = "veille-casebook"
FORMAT_VERSION = 1
_MAX_ROWS_SHOWN = 8

__all__ = ["CaseBook", "DatasetError", "Problem", "example_cases", "load", "validate", "write"]


@dataclass(frozen=True)
class Problem:
    """One broken rule: where it is and what it means, in plain words."""

    table: str
    column: str
    rule: str
    rows: tuple[int, ...]
    message: str

    def __str__(self) -> str:
        rows = ", ".join(str(r) for r in self.rows[:_MAX_ROWS_SHOWN])
        more = (
            f" (+{len(self.rows) - _MAX_ROWS_SHOWN} more)"
            if len(self.rows) > _MAX_ROWS_SHOWN
            else ""
        )
        where = f"table `{self.table}`, column `{self.column}`"
        at = f", row(s) {rows}{more}" if self.rows else ""
        return f"{where}{at}: {self.message} [rule: {self.rule}]"


class DatasetError(ValueError):
    """A dataset breaks one or more rules. ``problems`` lists each of them.

    Messages give table, column, row numbers (0-based, in file order) and the rule,
    never the offending value itself: a value that breaks an identifier rule might
    be an identifier.
    """

    def __init__(self, problems: list[Problem], where: str = "dataset"):
        self.problems = problems
        self.where = where
        lines = [f"{where}: {len(problems)} problem(s) found"]
        lines += [f"  - {p}" for p in problems]
        super().__init__("\n".join(lines))


@dataclass
class CaseBook:
    """A dataset of documented online spaces, one polars table per attribute.

    Attributes are ``polars.DataFrame`` (or ``LazyFrame`` when loaded with
    ``lazy=True``): ``cases``, ``indicators``, ``actions``, ``events``,
    ``referrals``, ``exposure`` and, for synthetic data, ``planted``. See
    ``docs/data-dictionary.md`` for every column.
    """

    cases: pl.DataFrame
    indicators: pl.DataFrame
    actions: pl.DataFrame
    events: pl.DataFrame
    referrals: pl.DataFrame
    exposure: pl.DataFrame
    planted: pl.DataFrame | None = None
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def is_lazy(self) -> bool:
        return isinstance(self.cases, pl.LazyFrame)

    def tables(self) -> dict[str, pl.DataFrame]:
        """The tables present, by name, in dependency order."""
        out = {name: getattr(self, name) for name in TABLES}
        if self.planted is not None:
            out["planted"] = self.planted
        return out

    def collect(self) -> CaseBook:
        """A CaseBook of DataFrames (collects a lazy book; a no-op otherwise)."""
        if not self.is_lazy:
            return self
        frames = pl.collect_all(list(self.tables().values()))
        return replace(self, **dict(zip(self.tables(), frames, strict=True)))

    def lazy(self) -> CaseBook:
        """A CaseBook of LazyFrames."""
        if self.is_lazy:
            return self
        return replace(self, **{k: v.lazy() for k, v in self.tables().items()})

    def row_counts(self) -> dict[str, int]:
        book = self.collect()
        return {name: df.height for name, df in book.tables().items()}

    def __repr__(self) -> str:
        if self.is_lazy:
            return f"CaseBook(lazy, tables={list(self.tables())})"
        counts = ", ".join(f"{k}={v}" for k, v in self.row_counts().items())
        return f"CaseBook({counts})"

    @classmethod
    def from_frames(
        cls,
        manifest: dict[str, Any] | None = None,
        *,
        where: str = "dataset",
        **frames: pl.DataFrame,
    ) -> CaseBook:
        """Build a CaseBook from frames, casting to the schemas (missing tables are empty).

        Raises ``DatasetError`` when a column is missing or cannot be cast.
        """
        names = {f.name for f in fields(cls)} - {"manifest"}
        unknown = set(frames) - names
        if unknown:
            raise ValueError(
                f"unknown table(s): {sorted(unknown)}; expected some of {sorted(names)}"
            )
        out: dict[str, Any] = {}
        problems: list[Problem] = []
        for name in [*TABLES, *OPTIONAL_TABLES]:
            df = frames.get(name)
            if df is None:
                out[name] = (
                    None if name in OPTIONAL_TABLES else pl.DataFrame(schema=polars_schema(name))
                )
                continue
            cast, probs = _conform(name, df)
            problems += probs
            out[name] = cast
        if problems:
            raise DatasetError(problems, where)
        return cls(**out, manifest=dict(manifest or {}))


def _conform(table: str, df: pl.DataFrame) -> tuple[pl.DataFrame, list[Problem]]:
    """Select and cast a frame's columns to its table schema, reporting what fails."""
    schema = polars_schema(table)
    problems = []
    missing = [c for c in schema if c not in df.columns]
    for col in missing:
        problems.append(Problem(table, col, "schema", (), "column is missing"))
    extra = [c for c in df.columns if c not in schema]
    for col in extra:
        problems.append(
            Problem(table, col, "schema", (), "unexpected column (not in the data model)")
        )
    if problems:
        return df, problems
    exprs = []
    for col, dtype in schema.items():
        src = df.schema[col]
        if src == dtype:
            exprs.append(pl.col(col))
            continue
        if isinstance(dtype, pl.Enum):
            values = df.get_column(col).cast(pl.String)
            bad = ~values.is_in(list(dtype.categories)) & values.is_not_null()
            if bad.any():
                rows = tuple(int(i) for i in bad.arg_true().to_list())
                section = _enum_section(table, col)
                problems.append(
                    Problem(
                        table,
                        col,
                        "enum",
                        rows,
                        f"value is not a code of the taxonomy's [{section}]",
                    )
                )
                continue
            exprs.append(pl.col(col).cast(pl.String).cast(dtype))
        else:
            try:
                df.select(pl.col(col).cast(dtype, strict=True))
            except pl.exceptions.PolarsError:
                problems.append(Problem(table, col, "dtype", (), f"cannot be read as {dtype}"))
                continue
            exprs.append(pl.col(col).cast(dtype))
    if problems:
        return df, problems
    return df.select(exprs), problems


def _enum_section(table: str, col: str) -> str:
    return {
        ("cases", "case_type"): "case_types",
        ("cases", "platform_kind"): "platform_kinds",
        ("cases", "discovered_via"): "discovery_routes",
        ("cases", "members_band"): "members_bands",
        ("cases", "source"): "sources",
        ("indicators", "code"): "indicators",
        ("actions", "code"): "actions",
        ("events", "event"): "events",
        ("referrals", "kind"): "referral_kinds",
    }.get((table, col), col)


# Plain-words meaning of dataframely's rule names.
_RULE_WORDS = {
    "regex": "value does not have the expected form",
    "min_length": "value is too short",
    "max_length": "value is too long",
    "min": "value is below the minimum",
    "max": "value is above the maximum",
    "nullability": "value is missing but the column is required",
    "primary_key": "duplicate key: each row must be unique on",
}
_RULE_HINTS = {
    (
        "cases",
        "case_id",
        "regex",
    ): "a case code is 3-12 capital letters and digits with at least one letter, never a platform identifier",
    ("cases", "observer_id", "regex"): "an observer id looks like `obs-03`",
    ("cases", "period", "regex"): "a period looks like `2024-Q1`",
}


def _schema_problems(table: str, df: pl.DataFrame) -> list[Problem]:
    schema = {**TABLES, **OPTIONAL_TABLES}[table]
    _, failure = schema.filter(df.with_row_index("__row__").drop("__row__"), cast=False)
    counts = failure.counts()
    if not counts:
        return []
    details = failure.details()  # one row per failed row, a bool-ish column per rule
    indexed = df.with_row_index("__row__")
    problems = []
    pk = [n for n, c in schema.columns().items() if c.primary_key]
    for rule_key in counts:
        column, _, rule = rule_key.partition("|")
        if not rule:
            rule, column = column, ",".join(pk) if column == "primary_key" else ""
        rows = _failed_rows(indexed, details, rule_key, schema, pk)
        words = _RULE_WORDS.get(rule, f"rule `{rule}` failed")
        if rule == "primary_key":
            words = f"{words} ({', '.join(pk)})"
        hint = _RULE_HINTS.get((table, column, rule))
        if hint:
            words = f"{words}: {hint}"
        problems.append(Problem(table, column, rule, rows, words))
    return problems


def _failed_rows(indexed, details, rule_key, schema, pk) -> tuple[int, ...]:
    """Row numbers that broke ``rule_key`` (matched back by a full-row join)."""
    if rule_key not in details.columns:
        return ()
    failed = details.filter(pl.col(rule_key) == "invalid").drop(
        [c for c in details.columns if c not in indexed.columns]
    )
    cols = [c for c in failed.columns if c != "__row__"]
    joined = indexed.join(failed.unique(), on=cols, how="semi", nulls_equal=True)
    return tuple(sorted(int(i) for i in joined.get_column("__row__").to_list()))


def validate(book: CaseBook, where: str = "dataset") -> CaseBook:
    """Check every rule of the data model; return the book or raise ``DatasetError``.

    Rules: schema and dtypes, taxonomy enums, value forms (case codes, observer ids,
    periods), unique keys, referential integrity (every table's ``case_id`` and every
    referral's ``source_id`` is a case), consistency (no negative day, each case's
    first event is day 0, no takedown before the first report, no event after
    ``observed_until``).
    """
    book = book.collect()
    problems: list[Problem] = []
    for name, df in book.tables().items():
        _, probs = _conform(name, df)
        problems += probs
    if problems:
        raise DatasetError(problems, where)
    for name, df in book.tables().items():
        problems += _schema_problems(name, df)
    case_ids = book.cases.select("case_id")
    for name, col in [
        ("indicators", "case_id"),
        ("actions", "case_id"),
        ("events", "case_id"),
        ("referrals", "source_id"),
        ("exposure", "case_id"),
        ("planted", "case_id"),
    ]:
        df = book.tables().get(name)
        if df is None:
            continue
        orphan = (
            df.with_row_index("__row__")
            .join(case_ids, left_on=col, right_on="case_id", how="anti")
            .get_column("__row__")
        )
        if orphan.len():
            problems.append(
                Problem(
                    name,
                    col,
                    "referential_integrity",
                    tuple(orphan.sort().to_list()),
                    "refers to a case that is not in table `cases`",
                )
            )
    problems += _consistency_problems(book)
    if problems:
        raise DatasetError(problems, where)
    return book


def _consistency_problems(book: CaseBook) -> list[Problem]:
    problems = []
    ev = book.events.with_row_index("__row__")
    first = ev.group_by("case_id").agg(pl.col("day").min().alias("first_day"))
    bad_first = first.filter(pl.col("first_day") != 0).join(ev, on="case_id").get_column("__row__")
    if bad_first.len():
        problems.append(
            Problem(
                "events",
                "day",
                "first_event_day0",
                tuple(bad_first.sort().to_list()),
                "a case's first event must be on day 0 (days are relative to it)",
            )
        )
    reports = ev.filter(
        pl.col("event").is_in(["reported_platform", "reported_hotline", "alerted_press"])
    )
    first_report = reports.group_by("case_id").agg(pl.col("day").min().alias("first_report"))
    td = ev.filter(pl.col("event") == "takedown").join(first_report, on="case_id", how="left")
    bad_td = td.filter(pl.col("first_report").is_null() | (pl.col("day") < pl.col("first_report")))
    if bad_td.height:
        problems.append(
            Problem(
                "events",
                "day",
                "takedown_after_report",
                tuple(sorted(bad_td.get_column("__row__").to_list())),
                "a takedown comes before the case's first report (or the case has no report)",
            )
        )
    until = ev.join(book.cases.select("case_id", "observed_until"), on="case_id")
    late = until.filter(
        pl.col("observed_until").is_not_null() & (pl.col("day") > pl.col("observed_until"))
    )
    if late.height:
        problems.append(
            Problem(
                "events",
                "day",
                "within_observation",
                tuple(sorted(late.get_column("__row__").to_list())),
                "an event is later than the case's `observed_until` day",
            )
        )
    return problems


_CASE_DEFAULTS: dict[str, Any] = {
    "title": "Example case",
    "case_type": "unclassified",
    "platform_kind": None,
    "discovered_via": None,
    "members_band": None,
    "period": None,
    "observer_id": "obs-01",
    "observed_until": None,
    "source": "synthetic",
}


def example_cases(case_ids: list[str], **columns: Any) -> pl.DataFrame:
    """A small ``cases`` table for examples and tests: give the columns that matter.

    Every column not given takes a neutral default (``title`` "Example case",
    ``case_type`` "unclassified", ``observer_id`` "obs-01", ``source`` "synthetic",
    the others null). A column may be a list (one value per case) or one value for
    all cases. The result still goes through the schemas when given to
    ``CaseBook.from_frames``.

    Examples
    --------
    >>> example_cases(["AB1", "CD2"], case_type=["deepfakes", "referral_hub"],
    ...     observed_until=30).select("case_id", "case_type", "observed_until").rows()
    [('AB1', 'deepfakes', 30), ('CD2', 'referral_hub', 30)]
    """
    unknown = set(columns) - set(_CASE_DEFAULTS)
    if unknown:
        raise ValueError(f"unknown column(s) of `cases`: {sorted(unknown)}")
    n = len(case_ids)
    data: dict[str, list[Any]] = {"case_id": list(case_ids)}
    for col, default in _CASE_DEFAULTS.items():
        value = columns.get(col, default)
        data[col] = list(value) if isinstance(value, list | tuple) else [value] * n
    return pl.DataFrame(data, schema=polars_schema("cases"))


# ------------------------------------------------------------------ reading and writing


def load(
    path: str | os.PathLike[str], *, lazy: bool = False, validate_data: bool = True
) -> CaseBook:
    """Load a dataset directory as a validated CaseBook.

    Parameters
    ----------
    path
        A dataset directory (Parquet files and ``manifest.json``).
    lazy
        Return LazyFrames (``pl.scan_parquet``) for data larger than memory. Only the
        schema is checked then; call ``validate(book)`` to check every rule.
    validate_data
        Check every rule of the data model (default). Errors name table, column,
        rows and rule.

    Raises
    ------
    FileNotFoundError, DatasetError
    """
    root = Path(path)
    if not root.is_dir():
        raise FileNotFoundError(
            f"{root}: not a dataset directory (expected Parquet files and manifest.json)"
        )
    manifest_path = root / "manifest.json"
    if not manifest_path.is_file():
        raise FileNotFoundError(f"{root}: manifest.json is missing; is this a veille dataset?")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise DatasetError(
            [Problem("manifest", "format", "format", (), f"expected `{FORMAT}`")], str(root)
        )
    frames: dict[str, Any] = {}
    problems = []
    for name in [*TABLES, *OPTIONAL_TABLES]:
        file = root / f"{name}.parquet"
        if not file.is_file():
            if name in TABLES:
                problems.append(Problem(name, "*", "file", (), f"{file.name} is missing"))
            continue
        frames[name] = pl.scan_parquet(file) if lazy else pl.read_parquet(file)
    if problems:
        raise DatasetError(problems, str(root))
    if lazy:
        for name, lf in frames.items():
            have, want = lf.collect_schema(), polars_schema(name)
            if dict(have) != dict(want):
                raise DatasetError(
                    [
                        Problem(
                            name,
                            "*",
                            "schema",
                            (),
                            f"columns/dtypes {dict(have)} differ from {dict(want)}",
                        )
                    ],
                    str(root),
                )
        return CaseBook(**frames, manifest=manifest)
    book = CaseBook.from_frames(manifest=manifest, where=str(root), **frames)
    if validate_data:
        validate(book, where=str(root))
    return book


def write(book: CaseBook, path: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Validate and write a CaseBook to a dataset directory, atomically.

    The tables are written to a temporary directory beside ``path`` and renamed into
    place only once everything succeeded, so a failed write leaves nothing behind.
    An existing ``path`` is replaced only with ``force=True``.
    """
    root = Path(path)
    if root.exists() and not force:
        raise FileExistsError(f"{root} already exists; use force=True (CLI: --force) to replace it")
    book = validate(book.collect())
    root.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{root.name}.tmp-", dir=root.parent))
    try:
        counts = {}
        for name, df in book.tables().items():
            df.write_parquet(tmp / f"{name}.parquet", statistics=False)
            counts[name] = df.height
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "taxonomy_version": tx.VERSION,
            **{
                k: v
                for k, v in book.manifest.items()
                if k not in ("format", "format_version", "taxonomy_version", "row_counts")
            },
            "row_counts": counts,
        }
        (tmp / "manifest.json").write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=False) + "\n",
            encoding="utf-8",
        )
        if root.exists():
            old = root.with_name(f".{root.name}.old-{os.getpid()}")
            root.rename(old)
            tmp.rename(root)
            shutil.rmtree(old)
        else:
            tmp.rename(root)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return root
