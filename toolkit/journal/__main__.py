"""Regenerate the shipped synthetic journals: ``python -m toolkit.journal [DIR]``.

Writes ``journal_fr.md`` and ``journal_en.md`` (default ``data/synthetic/journals/``)
from ``toolkit.generate(cases=SHIPPED_CASES, seed=SHIPPED_SEED)`` with
:func:`toolkit.journal.write_journal`. Same generator version, same files, byte for
byte (``tests/test_journal_roundtrip.py`` checks it).
"""

from __future__ import annotations

import sys
from pathlib import Path

#: The small synthetic CaseBook the shipped journals are drawn from.
SHIPPED_CASES = 12
SHIPPED_SEED = 7
SHIPPED_DIR = Path(__file__).resolve().parents[2] / "data" / "synthetic" / "journals"


def write_shipped(directory: Path = SHIPPED_DIR) -> list[Path]:
    """Write the FR and EN synthetic journals into ``directory``; return their paths."""
    from toolkit.journal import write_journal
    from toolkit.synthetic import generate

    book = generate(cases=SHIPPED_CASES, seed=SHIPPED_SEED)
    return [
        write_journal(book, Path(directory) / f"journal_{lang}.md", lang) for lang in ("fr", "en")
    ]


def main(argv: list[str]) -> int:
    directory = Path(argv[0]) if argv else SHIPPED_DIR
    for path in write_shipped(directory):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
