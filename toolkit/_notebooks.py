"""Re-execute the research notebooks in place (``make notebooks``).

Run ``python -m toolkit._notebooks [NAME ...]`` from the repository root. Each notebook in
``notebooks/`` is a pair: ``NN_name.ipynb`` (with stored outputs, validated strictly by
nbval in CI) and ``NN_name.py`` (the jupytext ``py:percent`` text that reviews read). For
each pair the runner

1. reads the most recently modified side of the pair (as ``jupytext --sync`` does), so an
   edit made in either JupyterLab or a text editor is the one that counts;
2. executes every cell top to bottom with nbclient in the project's own kernel, in
   ``notebooks/`` as working directory, with ``TZ=UTC`` and the pinned ``POLARS_FMT_*``
   variables that the Makefile also exports (same table shapes everywhere);
3. gives cells stable ids and records no timing, so re-running unchanged code on unchanged
   data leaves the files byte-identical;
4. stores a hash of the code cells in the notebook metadata (``metadata.veille``), which
   ``tests/test_notebooks_meta.py`` compares to tell when code changed but the stored
   outputs were not regenerated;
5. writes both files of the pair.

nbformat, nbclient and jupytext are imported inside the functions: ``import toolkit``
must stay fast and must not need the notebook extras.

Charts in notebooks use the toolkit's theme and altair's ``svg`` renderer (vl-convert,
bundled font): the output is self-contained, renders offline, makes no request to a
third-party script host when a researcher opens a notebook, and is identical run to run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = [
    "PINNED_ENV",
    "code_hash",
    "execute_notebook",
    "main",
    "notebook_pairs",
]

#: The environment every notebook runs in; equal to the exports of the Makefile, which
#: nbval (``make notebooks-test``) runs under. A test checks the two stay equal.
PINNED_ENV = {
    "TZ": "UTC",
    "PYTHONHASHSEED": "0",
    "POLARS_FMT_MAX_ROWS": "12",
    "POLARS_FMT_MAX_COLS": "12",
    "POLARS_FMT_STR_LEN": "40",
    "POLARS_FMT_TABLE_WIDTH": "120",
    "POLARS_TABLE_WIDTH": "120",
}

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
JUPYTEXT_FORMATS = "ipynb,py:percent"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
TIMEOUT_S = 300


def code_hash(cells: list[dict[str, Any]]) -> str:
    """SHA-256 of the code cells' sources, in order (markdown does not change outputs).

    Trailing whitespace of each source is ignored, as jupytext does not keep it either.
    """
    sources = [_source(c).rstrip() for c in cells if c["cell_type"] == "code"]
    return hashlib.sha256(json.dumps(sources).encode("utf-8")).hexdigest()


def notebook_pairs(directory: Path = NOTEBOOK_DIR) -> list[tuple[Path, Path]]:
    """``(ipynb, py)`` paths of every numbered notebook, sorted by name.

    A notebook exists when either side exists; the other side is written by the runner.
    """
    stems = {p.stem for p in directory.glob("[0-9][0-9]_*.ipynb")}
    stems |= {p.stem for p in directory.glob("[0-9][0-9]_*.py")}
    return [(directory / f"{s}.ipynb", directory / f"{s}.py") for s in sorted(stems)]


def _source(cell: dict[str, Any]) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def _read_newest(ipynb: Path, py: Path):
    import jupytext

    sides = [p for p in (ipynb, py) if p.exists()]
    newest = max(sides, key=lambda p: p.stat().st_mtime_ns)
    return jupytext.read(newest), newest


def execute_notebook(ipynb: Path, py: Path, *, timeout: int = TIMEOUT_S) -> Path:
    """Execute one notebook pair in place and write both files; returns the side read.

    Raises
    ------
    nbclient.exceptions.CellExecutionError
        When a cell fails; the files are then left as they were.
    """
    import jupytext
    import nbformat
    from jupyter_client import KernelManager
    from nbclient import NotebookClient

    nb, read_from = _read_newest(ipynb, py)
    nb.nbformat, nb.nbformat_minor = 4, 5
    for index, cell in enumerate(nb.cells):
        # Random ids (nbformat's default) would change the file on every run.
        cell["id"] = f"c{index:02d}"
        cell.metadata.pop("execution", None)
        if cell["cell_type"] == "code":
            cell.outputs, cell.execution_count = [], None
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata.setdefault("jupytext", {})["formats"] = JUPYTEXT_FORMATS
    with _pinned_environment(), tempfile.TemporaryDirectory(prefix="veille-kernel-") as sockets:
        # Unix sockets in a private directory rather than TCP on localhost: the kernel's
        # traffic (the analysed data) stays readable by this user only.
        km = KernelManager(kernel_name="python3", transport="ipc", ip=f"{sockets}/k")
        client = NotebookClient(
            nb,
            km=km,
            timeout=timeout,
            record_timing=False,
            resources={"metadata": {"path": str(ipynb.parent)}},
        )
        try:
            client.execute()
        finally:
            if km.has_kernel:
                km.shutdown_kernel(now=True)
    nb.metadata["veille"] = {"code_sha256": code_hash(nb.cells)}
    nbformat.validate(nb)
    _write_atomic(ipynb, nbformat.writes(nb) + "\n")
    _write_atomic(py, jupytext.writes(nb, fmt="py:percent"))
    return read_from


@contextmanager
def _pinned_environment() -> Iterator[None]:
    """``PINNED_ENV`` for the kernel started inside, then the caller's environment back
    (a test run must not change the table shapes of the tests after it)."""
    saved = {key: os.environ.get(key) for key in PINNED_ENV}
    os.environ.update(PINNED_ENV)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m toolkit._notebooks",
        description="Re-execute the research notebooks in place (both files of each pair).",
    )
    parser.add_argument(
        "names", nargs="*", help="Notebook names or stems (default: every notebook)."
    )
    args = parser.parse_args(argv)
    pairs = notebook_pairs()
    if args.names:
        # A name is a stem (`02_referral_networks_and_the_hydra`) or its number (`02`).
        wanted = {Path(n).stem for n in args.names}
        chosen = [p for p in pairs if p[0].stem in wanted or p[0].stem[:2] in wanted]
        unknown = wanted - {p[0].stem for p in chosen} - {p[0].stem[:2] for p in chosen}
        if unknown:
            print(f"error: no notebook named {', '.join(sorted(unknown))} in {NOTEBOOK_DIR}")
            return 2
        pairs = chosen
    from nbclient.exceptions import CellExecutionError

    for ipynb, py in pairs:
        try:
            read_from = execute_notebook(ipynb, py)
        except CellExecutionError as exc:
            print(f"error: {ipynb.name} failed; files left unchanged.\n{exc}", file=sys.stderr)
            return 1
        print(f"executed {ipynb.name} (from {read_from.name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
