"""Reading journal files: decode, scan the whole text for identifiers, then parse."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from toolkit.journal._parse import parse_journals
from toolkit.journal._report import ImportReport, JournalError
from toolkit.model import CaseBook

PathLike = str | os.PathLike[str]


def _decode(data: bytes, path: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise JournalError(
            path,
            line,
            "the file is not UTF-8 text; save it as UTF-8 (any editor offers it) and retry",
        ) from None
    return _tidy(text)


def _tidy(text: str) -> str:
    # A byte-order mark and CRLF (or lone CR) line ends are tolerated, and removed
    # before the scan so that scanner and parser count the same lines and columns.
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _scan(texts: list[tuple[str, str]]) -> None:
    # Imported here, not at module level, so that the import stage depends on the
    # privacy gate only where it is used.
    from toolkit.privacy import PrivacyError, scan_text

    findings = [f for path, text in texts for f in scan_text(text, path)]
    if findings:
        raise PrivacyError(findings, what="journal import refused")


def parse_journal_text(
    text: str,
    path: str = "<journal>",
    *,
    observer_id: str = "obs-01",
    strict: bool = False,
) -> tuple[CaseBook, ImportReport]:
    """Import a journal given as text (same rules as :func:`read_journal`).

    Parameters
    ----------
    text : str
        The journal.
    path : str, default ``"<journal>"``
        Name used in messages and findings.
    observer_id, strict
        As in :func:`read_journal`.

    Returns
    -------
    (CaseBook, ImportReport)

    Examples
    --------
    >>> book, report = parse_journal_text(
    ...     "Case #A12B - Test space\\nWarning signs:\\n- Sexual deepfakes\\n"
    ...     "Timeline:\\n- D0: discovery\\n- D+4: report to the platform\\n")
    >>> book.indicators["code"].to_list(), book.events["day"].to_list()
    (['content.sexual_deepfake'], [0, 4])
    """
    tidy = _tidy(text)
    _scan([(path, tidy)])
    return parse_journals([(path, tidy)], observer_id=observer_id, strict=strict)


def read_journal(
    path: PathLike | Sequence[PathLike],
    *,
    observer_id: str = "obs-01",
    strict: bool = False,
) -> tuple[CaseBook, ImportReport]:
    """Import one or several monitoring journals into a CaseBook.

    Every file is read and scanned for identifiers (links, handles, e-mails, phone
    numbers, platform ids, long verbatim quotes) before anything is parsed; on any
    finding the import stops with :class:`toolkit.privacy.PrivacyError`, whose
    message lists each finding as ``file:line:column: kind (masked)``.

    Parameters
    ----------
    path : path or sequence of paths
        Journal file(s), UTF-8 text or Markdown (BOM and CRLF tolerated). Several
        files make one CaseBook; a case code may appear only once across them.
    observer_id : str, default ``"obs-01"``
        The pseudonymous observer who kept the journal(s), stored in ``cases``.
    strict : bool, default False
        Make items that map to no code an error instead of a report entry.

    Returns
    -------
    book : CaseBook
        ``source = "journal"``; tables ``cases``, ``indicators`` (with ``evidence``:
        each item and the term that matched, several items joined by ``" | "``),
        ``actions``, ``events``, ``referrals``; ``exposure`` is empty.
    report : ImportReport
        Cases found, codes per case, unmapped items, unknown labels, referrals to
        codes not in the journal, skipped lines, warnings.

    Raises
    ------
    toolkit.privacy.PrivacyError
        An identifier was found anywhere in a file (nothing is parsed or written).
    JournalError
        ``file:line: what is wrong and what to do`` (a case code given twice, a
        timeline line without a readable day, an unmapped item in strict mode, …).
    FileNotFoundError
        A path does not exist.

    Notes
    -----
    Mapping rules (documented in ``docs/journal-import.md``): architecture and
    indicators items → indicator codes; actions items → action codes (one row per
    code; ``day`` is the day of the first matching report event of the timeline —
    platform, hotline or press — else null); timeline lines → events (a line may give
    several events; days are renumbered if the first event is not day 0); referrals
    → rows whose ``day`` is that of the first timeline line naming the referred code;
    members → a band only; context → the discovery route with the most terms matched
    (and the platform kind when its label appears); ``case_type`` from
    ``toolkit.taxonomy.derive_case_type(codes, title hint)``; ``period`` null;
    ``observed_until`` = the last timeline day.

    References
    ----------
    The journal format v1 (``docs/journal-import.md``); the taxonomy
    (``docs/taxonomy.md``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "j.md"
    >>> _ = p.write_text("Cas n°B12C – Essai\\nMembres : une centaine\\n", encoding="utf-8")
    >>> book, report = read_journal(p)
    >>> book.cases["members_band"].to_list(), len(report.cases)
    (['50-199'], 1)
    """
    paths = [path] if isinstance(path, (str, os.PathLike)) else list(path)
    if not paths:
        raise JournalError("read_journal", None, "no journal file given")
    texts = []
    for p in paths:
        name = str(p)
        data = Path(p).read_bytes()
        texts.append((name, _decode(data, name)))
    _scan(texts)
    return parse_journals(texts, observer_id=observer_id, strict=strict)
