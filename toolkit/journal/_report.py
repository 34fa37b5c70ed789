"""The import report and the import error: what a volunteer sees after an import."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


class JournalError(ValueError):
    """A journal cannot be imported as written.

    The message reads ``file:line: what is wrong and what to do``. It never quotes a
    line of the journal (a line could hold an identifier); case codes are shown.

    Examples
    --------
    >>> print(JournalError("j.md", 12, "case code D220K appears twice"))
    j.md:12: case code D220K appears twice
    """

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class CaseFound:
    """A case header found in a journal."""

    case_id: str
    title: str
    path: str
    line: int
    lang: str
    case_type: str


@dataclass(frozen=True)
class UnmappedItem:
    """An item that maps to no code of the taxonomy (kept out of the data, listed here)."""

    case_id: str
    section: str
    path: str
    line: int
    item: str


@dataclass(frozen=True)
class UnknownLabel:
    """A line that looks like a section label but is not one (kept as an item)."""

    case_id: str
    path: str
    line: int
    label: str


@dataclass(frozen=True)
class DanglingReferral:
    """A referral to a code that is not a case of the imported journal(s)."""

    case_id: str
    target_id: str
    path: str
    line: int


@dataclass(frozen=True)
class Skipped:
    """Lines that are not data, by reason (outside any case, notes, case preamble)."""

    path: str
    reason: str
    lines: tuple[int, ...]


@dataclass
class ImportReport:
    """Everything the import found, mapped, left out or doubted.

    Attributes
    ----------
    files : list of str
        The journal files read.
    cases : list of CaseFound
        Case headers, in journal order.
    codes : dict
        ``{case_id: {"indicators": [...], "actions": [...], "events": ["code@day", ...],
        "discovered_via": ..., "members_band": ..., "referrals": ["CODE (kind)", ...]}}``.
    unmapped : list of UnmappedItem
        Items that map to no code (``strict=True`` makes them an error).
    unknown_labels : list of UnknownLabel
    dangling_referrals : list of DanglingReferral
        Referrals to codes that are not cases of the journal (kept in the data).
    skipped : list of Skipped
    warnings : list of str
        ``file:line: ...`` notes on choices the import made (e.g. several discovery routes).
    """

    files: list[str] = field(default_factory=list)
    cases: list[CaseFound] = field(default_factory=list)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    unmapped: list[UnmappedItem] = field(default_factory=list)
    unknown_labels: list[UnknownLabel] = field(default_factory=list)
    dangling_referrals: list[DanglingReferral] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data."""
        return asdict(self)

    def lines(self) -> list[str]:
        """The report as plain text lines (what ``str(report)`` joins)."""
        out = [f"journal import: {len(self.cases)} case(s) from {len(self.files)} file(s)"]
        for case in self.cases:
            c = self.codes.get(case.case_id, {})
            out.append(
                f"  {case.case_id} ({case.path}:{case.line}, {case.lang}, {case.case_type}): "
                f"indicators {', '.join(c.get('indicators', [])) or '-'}; "
                f"actions {', '.join(c.get('actions', [])) or '-'}; "
                f"events {', '.join(c.get('events', [])) or '-'}; "
                f"members {c.get('members_band') or '-'}; "
                f"found via {c.get('discovered_via') or '-'}"
            )
        if self.unmapped:
            out.append(f"unmapped items ({len(self.unmapped)}):")
            out += [
                f"  {u.path}:{u.line}: {u.case_id} {u.section}: {u.item}" for u in self.unmapped
            ]
        if self.unknown_labels:
            out.append(f"unknown labels, kept as items ({len(self.unknown_labels)}):")
            out += [f"  {u.path}:{u.line}: {u.case_id}: {u.label}" for u in self.unknown_labels]
        if self.dangling_referrals:
            out.append(f"referrals to codes not in the journal ({len(self.dangling_referrals)}):")
            out += [
                f"  {d.path}:{d.line}: {d.case_id} → {d.target_id}" for d in self.dangling_referrals
            ]
        if self.skipped:
            out.append("skipped (not data):")
            out += [f"  {s.path}: {len(s.lines)} line(s) {s.reason}" for s in self.skipped]
        if self.warnings:
            out.append(f"warnings ({len(self.warnings)}):")
            out += [f"  {w}" for w in self.warnings]
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __rich__(self) -> Any:
        from pathlib import PurePath

        from rich.console import Group
        from rich.table import Table
        from rich.text import Text

        def where(path: str, line: int) -> str:
            return f"{PurePath(path).name}:{line}"

        parts: list[Any] = [Text("journal(s): " + ", ".join(self.files))]
        cases = Table(title=f"Cases found ({len(self.cases)})", title_justify="left")
        for col in ("case", "line", "case type", "members", "found via"):
            cases.add_column(col)
        for col in ("ind.", "act.", "ev.", "ref."):
            cases.add_column(col, justify="right")
        codes_text = Text()
        for case in self.cases:
            c = self.codes.get(case.case_id, {})
            cases.add_row(
                case.case_id,
                str(case.line),
                case.case_type,
                c.get("members_band") or "-",
                c.get("discovered_via") or "-",
                *(str(len(c.get(k, []))) for k in ("indicators", "actions", "events", "referrals")),
            )
            codes_text.append(f"{case.case_id}", style="bold")
            for key in ("indicators", "actions", "events", "referrals"):
                codes_text.append(f"\n  {key}: {', '.join(c.get(key, [])) or '-'}")
            codes_text.append("\n")
        parts += [cases, Text("Codes per case", style="italic"), codes_text]
        if self.unmapped:
            t = Table(title=f"Unmapped items ({len(self.unmapped)})", title_justify="left")
            for col in ("where", "case", "section", "item"):
                t.add_column(col, overflow="fold")
            for u in self.unmapped:
                t.add_row(where(u.path, u.line), u.case_id, u.section, u.item)
            parts.append(t)
        rest: list[str] = []
        if self.unknown_labels:
            rest.append(f"unknown labels, kept as items ({len(self.unknown_labels)}):")
            rest += [
                f"  {where(u.path, u.line)}: {u.case_id}: {u.label}" for u in self.unknown_labels
            ]
        if self.dangling_referrals:
            rest.append(f"referrals to codes not in the journal ({len(self.dangling_referrals)}):")
            rest += [
                f"  {where(d.path, d.line)}: {d.case_id} → {d.target_id}"
                for d in self.dangling_referrals
            ]
        if self.skipped:
            rest.append("skipped (not data):")
            rest += [
                f"  {PurePath(s.path).name}: {len(s.lines)} line(s) {s.reason}"
                for s in self.skipped
            ]
        if self.warnings:
            rest.append(f"warnings ({len(self.warnings)}):")
            rest += [f"  {w}" for w in self.warnings]
        if rest:
            parts.append(Text("\n".join(rest)))
        return Group(*parts)
