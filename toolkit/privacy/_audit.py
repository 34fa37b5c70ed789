"""``veille audit``: run the identifier scanner over files and folders.

Each format is read the way its text is meant to be read, so that the scanner sees the
words a person would see and not the syntax around them:

- prose (``.md``, ``.txt``, unknown text files): scanned as is;
- code and markup (``.py``, ``.html``, ``.svg``, ``.css``, ``.js``, ``.toml``, …): straight
  double quotes are string and attribute delimiters there, not quotation marks;
- JSON: every string literal is decoded (``\\u00e9``, ``\\/``) and scanned as prose at the
  position of the literal; what lies between literals (numbers) is scanned too;
- CSV: scanned as markup, and each field is decoded so that a quotation inside a quoted
  field (``""…""``) is still seen;
- notebooks (``.ipynb``, read with :mod:`json`, not nbformat, which costs a second to
  import): every cell source, and every text output: streams, errors, and the
  ``text/*``, ``image/svg+xml`` and JSON representations of results. Base64 payloads
  (PNG, JPEG, PDF) are not decoded;
- Parquet and Arrow IPC: every string (and categorical) column, cell by cell; integer
  columns are checked for 17-20 digit values (platform ids stored as numbers).

Files that are neither text nor a table format (images, archives, fonts) are skipped and
counted. Paths listed in ``[tool.veille.audit] skip`` of the project's ``pyproject.toml``
are skipped; nothing else is.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.privacy._scanner import _PREFILTER, Finding, mask, scan_text

__all__ = ["AuditReport", "audit", "audit_paths", "load_skip_config"]

#: Read as prose: straight double quotes are quotation marks.
PROSE_SUFFIXES = frozenset({".md", ".markdown", ".txt", ".rst", ".text", ""})
#: Read as code or markup: straight double quotes are syntax.
CODE_SUFFIXES = frozenset(
    {
        ".py",
        ".pyi",
        ".html",
        ".htm",
        ".svg",
        ".xml",
        ".css",
        ".js",
        ".mjs",
        ".ts",
        ".toml",
        ".yaml",
        ".yml",
        ".cfg",
        ".ini",
        ".sh",
        ".r",
        ".sql",
        ".tex",
        ".lock",
        ".in",
    }
)
JSON_SUFFIXES = frozenset({".json", ".geojson", ".jsonl", ".ndjson", ".vl", ".vg"})
CSV_SUFFIXES = frozenset({".csv", ".tsv"})
TABLE_SUFFIXES = frozenset({".parquet", ".arrow", ".ipc", ".feather"})
#: Never text: skipped (and counted) without being read.
BINARY_SUFFIXES = frozenset(
    {
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".webp",
        ".ico",
        ".bmp",
        ".tif",
        ".tiff",
        ".pdf",
        ".zip",
        ".gz",
        ".bz2",
        ".xz",
        ".zst",
        ".tar",
        ".7z",
        ".pyc",
        ".so",
        ".dll",
        ".woff",
        ".woff2",
        ".ttf",
        ".otf",
        ".eot",
        ".mp4",
        ".mp3",
        ".wav",
        ".sqlite",
        ".db",
        ".duckdb",
        ".pkl",
        ".npy",
        ".npz",
    }
)
#: Notebook output representations that are text; anything else is a binary payload.
_TEXT_MIME = re.compile(
    r"^(text/.*|image/svg\+xml|application/(.*\+)?json|application/javascript)$"
)

_JSON_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')


@dataclass(frozen=True)
class AuditReport:
    """What an audit saw.

    Attributes
    ----------
    findings : list of Finding
        Every identifier found, masked, sorted by path then position.
    files_scanned : int
        Files read and scanned.
    binary_skipped : list of str
        Files not read: not text (images, archives, fonts), unreadable tables, broken
        links or files without read permission.
    config_skipped : list of str
        Files skipped because they are under a path of the skip list.
    skip : list of str
        The skip list in force (absolute paths).
    """

    findings: list[Finding]
    files_scanned: int
    binary_skipped: list[str] = field(default_factory=list)
    config_skipped: list[str] = field(default_factory=list)
    skip: list[str] = field(default_factory=list)


def load_skip_config(start: Path | None = None) -> list[Path]:
    """The skip list of ``[tool.veille.audit]`` in the nearest ``pyproject.toml``.

    Parameters
    ----------
    start : Path, optional
        Where to start looking (default: the current directory); the search walks up to
        the file system root.

    Returns
    -------
    list of Path
        Absolute paths (entries are relative to the ``pyproject.toml`` that lists them);
        empty when there is no ``pyproject.toml`` or no such table.

    Examples
    --------
    >>> isinstance(load_skip_config(), list)
    True
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            with candidate.open("rb") as fh:
                config = tomllib.load(fh)
            entries = config.get("tool", {}).get("veille", {}).get("audit", {}).get("skip", [])
            return [(folder / entry).resolve() for entry in entries]
    return []


def audit(paths: list[Path] | list[str], skip: list[str] | None = None) -> AuditReport:
    """Scan files and folders (recursively) for identifiers.

    Parameters
    ----------
    paths : list of Path
        Files and folders. A folder is walked recursively, in sorted order.
    skip : list of str, optional
        Paths to skip (absolute, or relative to the current directory). Default: the
        ``[tool.veille.audit] skip`` list of the nearest ``pyproject.toml``
        (:func:`load_skip_config`); pass ``[]`` to skip nothing.

    Returns
    -------
    AuditReport
        Findings (masked) and counts of what was read and skipped.

    Raises
    ------
    FileNotFoundError
        A path does not exist (its name is in the message; it is a path the user typed).

    Notes
    -----
    How each format is read is described in the module docstring and in
    ``docs/privacy.md``. Findings in a notebook are reported as ``nb.ipynb:cell N:line:col``
    (sources) and ``nb.ipynb:cell N:output M:<mime type>:line:col`` (outputs), cells
    counted from 1; in a table as ``t.parquet:<column>:row N:line:col``, rows from 1.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "note.md").write_text("Case A105G, 14 ans, J+36.", encoding="utf-8")
    >>> report = audit([folder], skip=[])
    >>> report.files_scanned, report.findings
    (1, [])
    """
    skip_paths = (
        load_skip_config() if skip is None else [Path(s).expanduser().resolve() for s in skip]
    )
    findings: list[Finding] = []
    scanned = 0
    binary: list[str] = []
    skipped: list[str] = []
    for root in (Path(p) for p in paths):
        if not root.exists():
            raise FileNotFoundError(f"{root}: no such file or folder; check the path and retry")
    for root in (Path(p) for p in paths):
        for file in _walk(root):
            if _is_skipped(file, skip_paths):
                skipped.append(str(file))
                continue
            try:
                found = _audit_file(file)
            except OSError:  # a broken link, a file without read permission
                found = None
            if found is None:
                binary.append(str(file))
            else:
                scanned += 1
                findings.extend(found)
    return AuditReport(
        findings=findings,
        files_scanned=scanned,
        binary_skipped=binary,
        config_skipped=skipped,
        skip=[str(p) for p in skip_paths],
    )


def audit_paths(paths: list[Path] | list[str], skip: list[str] | None = None) -> list[Finding]:
    """The findings of :func:`audit` (every identifier in the files, masked).

    Parameters
    ----------
    paths : list of Path
        Files and folders (folders are walked recursively).
    skip : list of str, optional
        Paths to skip; default the ``pyproject.toml`` skip list. See :func:`audit`.

    Returns
    -------
    list of Finding
        In path order, then by position; empty when clean.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "n.md").write_text("par @" + "pseudo_x", encoding="utf-8")
    >>> [f.kind for f in audit_paths([folder], skip=[])]
    ['handle']
    """
    return audit(paths, skip).findings


def _walk(root: Path):
    if root.is_file():
        yield root
        return
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            yield Path(folder) / name


def _is_skipped(file: Path, skip_paths: list[Path]) -> bool:
    if not skip_paths:
        return False
    resolved = file.resolve()
    return any(resolved == s or resolved.is_relative_to(s) for s in skip_paths)


def _audit_file(file: Path) -> list[Finding] | None:
    """Findings of one file, or None when it is not text (skipped and counted)."""
    suffix = file.suffix.lower()
    if suffix in BINARY_SUFFIXES:
        return None
    if suffix in TABLE_SUFFIXES:
        return _audit_table(file)
    text = _read_text(file)
    if text is None:
        return None
    path = str(file)
    if suffix == ".ipynb":
        return _audit_notebook(text, path)
    if suffix in JSON_SUFFIXES:
        return scan_json_text(text, path)
    if suffix in CSV_SUFFIXES:
        return _scan_csv_text(text, path, delimiter="\t" if suffix == ".tsv" else ",")
    return scan_text(text, path, prose=suffix not in CODE_SUFFIXES)


def _read_text(file: Path) -> str | None:
    data = file.read_bytes()
    if b"\x00" in data[:8192]:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # A journal saved in a Windows code page is still text to check, not a binary.
        return data.decode("cp1252", errors="replace")


def scan_json_text(text: str, path: str) -> list[Finding]:
    """Scan JSON: each string literal decoded, as prose, and the text between literals.

    A finding inside a literal is placed where its first character is written in the file
    (escapes such as ``\\u00e9`` are counted at their raw width); when that cannot be
    worked out (an escaped newline before it, surrogate pairs) it is placed at the
    literal's opening quote.
    """
    findings: list[Finding] = []
    blanked = list(text)
    line_starts = [0, *(m.end() for m in re.finditer(r"\n", text))]
    cache: dict[str, list[Finding]] = {}
    for m in _JSON_STRING.finditer(text):
        literal = m.group(0)
        for i in range(m.start(), m.end()):
            blanked[i] = " "
        if not _PREFILTER.search(literal) and "\\" not in literal:
            continue
        if literal not in cache:
            try:
                value = json.loads(literal)
            except ValueError:
                value = literal[1:-1]
            cache[literal] = scan_text(value, path) if isinstance(value, str) else []
        if not cache[literal]:
            continue
        line = _line_of(line_starts, m.start())
        col0 = m.start() - line_starts[line - 1] + 1
        offsets = _raw_offsets(literal)
        for f in cache[literal]:
            # JSON strings hold no raw newline: a decoded value's line is an escaped one.
            at = _decoded_offset(literal, f, offsets)
            column = col0 + at if at is not None else col0
            findings.append(Finding(path, line, column, f.kind, f.masked))
    findings.extend(scan_text("".join(blanked), path, prose=False))
    findings.sort(key=lambda f: (f.line, f.column, f.kind))
    return findings


_JSON_ESCAPE_TOKEN = re.compile(r"\\u[0-9a-fA-F]{4}|\\.|.", re.DOTALL)


def _raw_offsets(literal: str) -> list[int] | None:
    """Offset in the raw literal (after its opening quote) of each decoded character."""
    if "\\" not in literal:
        return None
    return [t.start() for t in _JSON_ESCAPE_TOKEN.finditer(literal[1:-1])]


def _decoded_offset(literal: str, f: Finding, offsets: list[int] | None) -> int | None:
    if f.line != 1:
        return None
    index = f.column - 1
    if offsets is None:
        return index + 1
    if index >= len(offsets) or len(offsets) != len(json.loads(literal)):
        return None
    return offsets[index] + 1


def _scan_csv_text(text: str, path: str, delimiter: str) -> list[Finding]:
    findings = scan_text(text, path, prose=False)
    if '"' not in text:
        return findings
    lines = text.splitlines()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for record in reader:
            for value in record:
                if '"' not in value:
                    continue
                for f in scan_text(value, path):
                    if f.kind != "verbatim_quote":
                        continue
                    raw = lines[start - 1] if start - 1 < len(lines) else ""
                    column = raw.find(value[:8].replace('"', '""')) + 1 or 1
                    findings.append(Finding(path, start, column, f.kind, f.masked))
            start = reader.line_num + 1
    except csv.Error:
        pass  # not valid CSV: the plain scan above still covers it
    findings.sort(key=lambda f: (f.line, f.column, f.kind))
    return findings


def _joined(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _audit_notebook(text: str, path: str) -> list[Finding]:
    try:
        nb = json.loads(text)
        cells = nb["cells"]
    except (ValueError, KeyError, TypeError):
        return scan_json_text(text, path)
    findings: list[Finding] = []
    for i, cell in enumerate(cells, start=1):
        where = f"{path}:cell {i}"
        prose = cell.get("cell_type") != "code"
        findings.extend(scan_text(_joined(cell.get("source", "")), where, prose=prose))
        for j, output in enumerate(cell.get("outputs", []), start=1):
            out = f"{where}:output {j}"
            kind = output.get("output_type")
            if kind == "stream":
                findings.extend(scan_text(_joined(output.get("text", "")), out))
            elif kind == "error":
                trace = "\n".join([output.get("evalue", ""), *output.get("traceback", [])])
                findings.extend(scan_text(trace, out, prose=False))
            else:
                for mime, value in sorted(output.get("data", {}).items()):
                    if not _TEXT_MIME.match(mime):
                        continue  # base64 image payloads: nothing to read
                    at = f"{out}:{mime}"
                    if isinstance(value, (dict, list)) and mime.endswith("json"):
                        dumped = json.dumps(value, indent=1, ensure_ascii=False)
                        findings.extend(scan_json_text(dumped, at))
                    else:
                        prose = mime in ("text/plain", "text/markdown")
                        findings.extend(scan_text(_joined(value), at, prose=prose))
    return findings


def _audit_table(file: Path) -> list[Finding] | None:
    import polars as pl

    try:
        if file.suffix.lower() == ".parquet":
            frame = pl.scan_parquet(file)
        else:
            frame = pl.scan_ipc(file)
        schema = frame.collect_schema()
        text_cols = [
            c
            for c, t in schema.items()
            if t in (pl.String, pl.Categorical) or isinstance(t, pl.Enum)
        ]
        int_cols = [c for c, t in schema.items() if t.is_integer()]
        df = frame.select(text_cols + int_cols).collect()
    except Exception:  # an unreadable table is skipped and counted, like any binary
        return None
    findings: list[Finding] = []
    cache: dict[str, list[Finding]] = {}
    for col in text_cols:
        values = df.get_column(col).cast(pl.String)
        hits = values.str.contains(_PREFILTER.pattern).fill_null(False)
        rows = hits.arg_true().to_list()
        for row in rows:
            value = values[row]
            if value not in cache:
                cache[value] = scan_text(value, "")
            where = f"{file}:{col}:row {row + 1}"
            findings.extend(
                Finding(where, f.line, f.column, f.kind, f.masked) for f in cache[value]
            )
    for col in int_cols:
        values = df.get_column(col)
        big = (values.cast(pl.Float64).abs() >= 1e16).fill_null(False)
        for row in big.arg_true().to_list():
            digits = str(abs(int(values[row])))
            if 17 <= len(digits) <= 20:
                findings.append(
                    Finding(f"{file}:{col}:row {row + 1}", 1, 1, "platform_id", mask(digits))
                )
    return findings


def _line_of(line_starts: list[int], offset: int) -> int:
    import bisect

    return bisect.bisect_right(line_starts, offset)
