"""veille: a research toolkit for documenting organised sexual-abuse spaces online
from anonymized, synthetic case data.

Content warning: this package deals with non-consensual intimate imagery, sexual
deepfakes and child sexual exploitation, described in abstract, clinical terms.

The public API is the module layout (``import toolkit as vt``)::

    book = vt.load("data/synthetic/default")      # a validated CaseBook
    vt.indicators.prevalence(book)                 # analyses return tidy polars frames
    vt.network.referral_graph(book)
    vt.generate(cases=600, seed=1)                 # synthetic data with planted truth
    vt.read_journal("journal.md")                  # a moderator's journal de veille

Submodules load on first use, so ``import toolkit`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import Any

from toolkit.model import CaseBook, DatasetError, load, validate, write

__version__ = "0.1.0"

__all__ = [
    "CaseBook",
    "DatasetError",
    "__version__",
    "charts",
    "generate",
    "indicators",
    "load",
    "network",
    "privacy",
    "read_journal",
    "response",
    "taxonomy",
    "triage",
    "validate",
    "workload",
    "write",
    "write_journal",
]

_SUBMODULES = {
    "taxonomy",
    "model",
    "synthetic",
    "journal",
    "privacy",
    "indicators",
    "triage",
    "response",
    "workload",
    "network",
    "charts",
    "reports",
}
_FUNCTIONS = {
    "generate": ("toolkit.synthetic", "generate"),
    "read_journal": ("toolkit.journal", "read_journal"),
    "write_journal": ("toolkit.journal", "write_journal"),
}


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"toolkit.{name}")
    if name in _FUNCTIONS:
        module, attr = _FUNCTIONS[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'toolkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _SUBMODULES | set(_FUNCTIONS))
