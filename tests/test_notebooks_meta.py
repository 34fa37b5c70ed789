"""The research notebooks stay honest: what nbval may ignore, what they show first, and
that their stored outputs belong to their current code.

nbval (``make notebooks-test``) checks that re-running a notebook gives its stored outputs.
These tests check what nbval cannot see: cells it was told to ignore, a ``.py`` pair that
drifted from its notebook, code edited without re-running ``make notebooks``.
"""

from __future__ import annotations

import ast
import json
import os
import re
from pathlib import Path

import pytest

from toolkit._notebooks import PINNED_ENV, code_hash, notebook_pairs

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"

#: The chapters of issue 7, in reading order.
CHAPTERS = (
    "00_start_here",
    "01_recurring_indicators",
    "02_referral_networks_and_the_hydra",
    "03_platform_response",
    "04_triage_and_workload",
    "05_campaign_visuals",
    "06_import_a_journal",
)

#: The only cells whose output nbval may ignore, because it is inherently variable (a
#: timing): (notebook, first code line after the marker and comments) -> why. Never add a
#: cell that shows an analysis result. Empty today: no notebook shows a timing, so
#: re-running unchanged notebooks leaves every file byte-identical.
ALLOWED_IGNORE_OUTPUT: dict[tuple[str, str], str] = {}

#: Every way nbval can be told to look away (comment markers and cell tags).
_NBVAL_COMMENTS = {
    "NBVAL_IGNORE_OUTPUT",
    "PYTEST_VALIDATE_IGNORE_OUTPUT",
    "NBVAL_SKIP",
    "NBVAL_RAISES_EXCEPTION",
    "NBVAL_CHECK_OUTPUT",
}
_NBVAL_TAGS = {"nbval-ignore-output", "nbval-skip", "raises-exception", "nbval-raises-exception"}

_WARNING = re.compile(r"content warning|avertissement", re.IGNORECASE)


def _notebooks() -> list[Path]:
    return [ipynb for ipynb, _ in notebook_pairs(NOTEBOOKS) if ipynb.exists()]


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _src(cell: dict) -> str:
    s = cell["source"]
    return "".join(s) if isinstance(s, list) else s


def nbval_exemptions(nb: dict, name: str) -> list[tuple[str, str, str]]:
    """``(notebook, marker, first code line)`` for every cell nbval is told to treat
    differently from a strict comparison."""
    found = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        lines = _src(cell).splitlines()
        code = [ln for ln in lines if ln.strip() and not ln.strip().startswith("#")]
        first = code[0].strip() if code else ""
        for ln in lines:
            comment = ln.strip().lstrip("#").strip()
            if ln.strip().startswith("#") and comment in _NBVAL_COMMENTS:
                found.append((name, comment, first))
        for tag in cell.get("metadata", {}).get("tags", []):
            if tag in _NBVAL_TAGS:
                found.append((name, f"tag:{tag}", first))
    return found


def stale_reason(nb: dict) -> str | None:
    """Why a notebook's stored outputs do not belong to its code, or None when they do."""
    stored = nb.get("metadata", {}).get("veille", {}).get("code_sha256")
    if stored is None:
        return "never executed by the runner (no metadata.veille.code_sha256)"
    if stored != code_hash(nb["cells"]):
        return "code cells changed since the outputs were stored"
    counts = [c.get("execution_count") for c in nb["cells"] if c["cell_type"] == "code"]
    if counts != list(range(1, len(counts) + 1)):
        return f"cells not run once each, top to bottom (execution counts {counts})"
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        if any(o["output_type"] == "error" for o in cell.get("outputs", [])):
            return f"cell {i} stored an error"
        if _ends_with_expression(_src(cell)) and not cell.get("outputs"):
            return f"cell {i} ends with an expression but has no stored output"
    return None


def _ends_with_expression(source: str) -> bool:
    # IPython magics are not Python: a cell using one is judged by the rest of the checks.
    if any(ln.lstrip().startswith(("%", "!")) for ln in source.splitlines()):
        return False
    if source.rstrip().endswith(";"):
        return False
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False
    return bool(body) and isinstance(body[-1], ast.Expr)


# ----------------------------------------------------------------------------- the set


def test_the_notebooks_are_the_chapters_of_the_issue():
    names = tuple(p.stem for p in _notebooks())
    assert names == CHAPTERS, (
        f"missing: {set(CHAPTERS) - set(names)}; extra: {set(names) - set(CHAPTERS)}"
    )


def test_runner_environment_is_the_makefiles():
    exports = dict(
        re.findall(r"^export\s+(\w+)\s*:=\s*(\S+)\s*$", (ROOT / "Makefile").read_text(), re.M)
    )
    assert {k: exports.get(k) for k in PINNED_ENV} == PINNED_ENV


# ----------------------------------------------------------------------------- per notebook


@pytest.fixture(params=[p.name for p in _notebooks()] or ["<none>"])
def notebook(request) -> tuple[str, dict]:
    if request.param == "<none>":
        pytest.fail("no notebook in notebooks/")
    return request.param, _read(NOTEBOOKS / request.param)


def test_first_cell_is_a_content_warning(notebook):
    name, nb = notebook
    first = nb["cells"][0]
    assert first["cell_type"] == "markdown", f"{name}: the first cell must be Markdown"
    assert _WARNING.search(_src(first)[:300]), f"{name}: the first cell must be a content warning"


def test_stored_outputs_belong_to_the_current_code(notebook):
    name, nb = notebook
    reason = stale_reason(nb)
    assert reason is None, f"{name}: {reason}; run `make notebooks` and commit the result"


def test_cells_are_thin(notebook):
    # House style: a cell is a sentence of analysis (load, call, show); past a dozen lines
    # the code belongs in toolkit/, where it is documented and tested.
    name, nb = notebook
    long = [
        i
        for i, c in enumerate(nb["cells"])
        if c["cell_type"] == "code" and len(_src(c).splitlines()) > 12
    ]
    assert not long, f"{name}: code cells {long} are longer than 12 lines; move logic to toolkit/"


def test_py_pair_is_in_sync(notebook):
    jupytext = pytest.importorskip("jupytext")
    name, nb = notebook
    py = NOTEBOOKS / name.replace(".ipynb", ".py")
    assert py.exists(), f"{name}: its jupytext pair {py.name} is missing"
    text = jupytext.read(py)
    assert [(c.cell_type, c.source.rstrip()) for c in text.cells] == [
        (c["cell_type"], _src(c).rstrip()) for c in nb["cells"]
    ], f"{name} and {py.name} differ; run `make notebooks` (it syncs both)"
    assert nb["metadata"].get("jupytext", {}).get("formats") == "ipynb,py:percent"


def test_outputs_hold_no_warning_and_no_machine_path(notebook):
    name, nb = notebook
    for i, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            assert not (out["output_type"] == "stream" and out["name"] == "stderr"), (
                f"{name}: cell {i} wrote to stderr (a warning?); outputs must be quiet and stable"
            )
            text = json.dumps(out)
            assert str(ROOT) not in text, f"{name}: cell {i} shows a path of this machine"


def test_nbval_exemptions_are_exactly_the_allowed_ones():
    found = [e for p in _notebooks() for e in nbval_exemptions(_read(p), p.name)]
    listing = "\n".join(f"  {nb}: {marker} on `{line}`" for nb, marker, line in found)
    print(f"{len(found)} nbval exemption(s):\n{listing}")
    unexpected = [
        e
        for e in found
        if e[1] != "NBVAL_IGNORE_OUTPUT" or (e[0], e[2]) not in ALLOWED_IGNORE_OUTPUT
    ]
    assert not unexpected, f"cells nbval would not check strictly:\n{listing}"
    present = {p.name for p in _notebooks()}
    missing = [
        k
        for k in ALLOWED_IGNORE_OUTPUT
        if k[0] in present and (k[0], "NBVAL_IGNORE_OUTPUT", k[1]) not in found
    ]
    assert not missing, f"allow-list entries that match no cell (remove them): {missing}"


# ----------------------------------------------------------------------------- the checks


def _cell(kind: str, source: str, **extra) -> dict:
    cell = {"cell_type": kind, "source": source, "metadata": {}}
    if kind == "code":
        cell |= {"execution_count": None, "outputs": []}
    return cell | extra


def _executed(cells: list[dict]) -> dict:
    n = 0
    for c in cells:
        if c["cell_type"] == "code":
            n += 1
            c["execution_count"] = n
    return {"cells": cells, "metadata": {"veille": {"code_sha256": code_hash(cells)}}}


def _shown(value: str) -> dict:
    return {"output_type": "execute_result", "data": {"text/plain": value}, "metadata": {}}


def test_stale_check_sees_edited_code_but_not_edited_prose():
    nb = _executed(
        [
            _cell("markdown", "> Content warning."),
            _cell("code", "x = 1"),
            _cell("code", "x + 1", outputs=[_shown("2")]),
        ]
    )
    assert stale_reason(nb) is None
    nb["cells"][0]["source"] = "> Content warning. Reworded."
    assert stale_reason(nb) is None
    nb["cells"][1]["source"] = "x = 2"
    assert "code cells changed" in stale_reason(nb)


def test_stale_check_sees_unexecuted_errored_and_missing_outputs():
    never = {"cells": [_cell("code", "1")], "metadata": {}}
    assert "never executed" in stale_reason(never)
    skipped = _executed([_cell("code", "1", outputs=[_shown("1")]), _cell("code", "x = 2")])
    skipped["cells"][1]["execution_count"] = None
    assert "top to bottom" in stale_reason(skipped)
    error = {"output_type": "error", "ename": "E", "evalue": "", "traceback": []}
    assert "error" in stale_reason(_executed([_cell("code", "x = 1", outputs=[error])]))
    assert "no stored output" in stale_reason(_executed([_cell("code", "book")]))
    assert stale_reason(_executed([_cell("code", "book;")])) is None


def test_exemption_listing_sees_markers_and_tags():
    nb = {
        "cells": [
            _cell("code", "# NBVAL_IGNORE_OUTPUT\n# a timing\n%time f()"),
            _cell("code", "#NBVAL_SKIP\ng()"),
            _cell("code", "h()", metadata={"tags": ["nbval-ignore-output"]}),
            _cell("markdown", "# NBVAL_SKIP in prose is not a marker"),
        ]
    }
    assert nbval_exemptions(nb, "n.ipynb") == [
        ("n.ipynb", "NBVAL_IGNORE_OUTPUT", "%time f()"),
        ("n.ipynb", "NBVAL_SKIP", "g()"),
        ("n.ipynb", "tag:nbval-ignore-output", "h()"),
    ]


# ----------------------------------------------------------------------------- the runner


def test_runner_executes_in_place_and_is_byte_stable(tmp_path, monkeypatch):
    pytest.importorskip("nbclient")
    from toolkit._notebooks import execute_notebook

    monkeypatch.setenv("POLARS_FMT_MAX_ROWS", "3")
    ipynb, py = tmp_path / "00_x.ipynb", tmp_path / "00_x.py"
    py.write_text(
        "# %% [markdown]\n# > Content warning.\n\n"
        "# %%\nimport os\n\n# %%\n(os.environ['TZ'], os.environ['POLARS_FMT_MAX_ROWS'])\n",
        encoding="utf-8",
    )
    execute_notebook(ipynb, py)
    nb = _read(ipynb)
    assert stale_reason(nb) is None
    assert [c["id"] for c in nb["cells"]] == ["c00", "c01", "c02"]
    assert _src({"source": nb["cells"][2]["outputs"][0]["data"]["text/plain"]}) == "('UTC', '12')"
    assert os.environ["POLARS_FMT_MAX_ROWS"] == "3", "the runner must give the caller's env back"
    first = (ipynb.read_bytes(), py.read_bytes())
    execute_notebook(ipynb, py)
    assert (ipynb.read_bytes(), py.read_bytes()) == first

    py.write_text(py.read_text(encoding="utf-8") + "\n# %%\n1 / 0\n", encoding="utf-8")
    from nbclient.exceptions import CellExecutionError

    with pytest.raises(CellExecutionError):
        execute_notebook(ipynb, py)
    assert ipynb.read_bytes() == first[0], "a failed run must leave the notebook as it was"
