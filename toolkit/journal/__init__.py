"""Monitoring journals (*journaux de veille*): import into a CaseBook, and export.

Content warning: journals describe organised sexual-abuse spaces (non-consensual
intimate images, sexual deepfakes, child-exploitation signals) in neutral terms.

- :func:`read_journal` reads one or several journal files, refuses any identifier
  (the whole file is scanned first by :mod:`toolkit.privacy`), and returns a
  ``CaseBook`` (``source = "journal"``) with an :class:`ImportReport`.
- :func:`write_journal` renders a CaseBook as a journal in the same format.

The format is described in ``docs/journal-import.md``.
"""

from toolkit.journal._io import parse_journal_text, read_journal
from toolkit.journal._lexicon import normalise
from toolkit.journal._parse import parse_members
from toolkit.journal._report import (
    CaseFound,
    DanglingReferral,
    ImportReport,
    JournalError,
    Skipped,
    UnknownLabel,
    UnmappedItem,
)
from toolkit.journal._write import render_journal, write_journal

__all__ = [
    "CaseFound",
    "DanglingReferral",
    "ImportReport",
    "JournalError",
    "Skipped",
    "UnknownLabel",
    "UnmappedItem",
    "normalise",
    "parse_journal_text",
    "parse_members",
    "read_journal",
    "render_journal",
    "write_journal",
]
