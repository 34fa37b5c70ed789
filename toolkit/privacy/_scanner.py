"""The identifier scanner: one set of compiled patterns, used by the journal import,
by ``veille audit`` and by anything that writes text meant to be published.

Why regular expressions written here rather than a library: the identifiers we refuse
are specific to our field (chat-platform snowflakes, invite short links, ``<name>#<4 digits>``
tags, French phone formats) and the false positives we must avoid are our own outputs
(SVG path data, JSON floats, hex colours, timeline days such as ``J+36``). General PII
libraries (e.g. Presidio) pull in NLP models and still need all of these rules.

Privacy rule kept throughout this module: a value found is never stored, returned,
printed or put in an exception whole. Only :func:`mask` of it leaves a function.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = [
    "ALLOWED_URL_PATTERNS",
    "CSS_AT_RULES",
    "INVITE_DOMAINS",
    "KINDS",
    "QUOTE_MAX_WORDS",
    "Finding",
    "PrivacyError",
    "mask",
    "scan_text",
]

#: Stable names of the kinds of identifier, in the order used to resolve overlaps
#: (a phone number inside a link is reported once, as a link).
KINDS: tuple[str, ...] = (
    "url",
    "email",
    "tag",
    "handle",
    "phone",
    "platform_id",
    "verbatim_quote",
)

#: Short-link and invite domains of chat and messaging platforms. Written without a
#: scheme or ``www.``, they are still links when followed by a path (``domain/code``).
#: Data, not code: add a domain here when a new platform's invite form appears.
INVITE_DOMAINS: tuple[str, ...] = (
    "discord.gg",
    "discord.com",
    "discordapp.com",
    "t.me",
    "telegram.me",
    "telegram.dog",
    "chat.whatsapp.com",
    "wa.me",
    "signal.group",
    "signal.me",
    "matrix.to",
    "m.me",
    "ig.me",
    "kik.me",
    "line.me",
    "guilded.gg",
    "snapchat.com",
    "teams.live.com",
)

#: The only links allowed through: the JSON-schema address that Vega and Vega-Lite put in
#: every chart specification, and the W3C XML namespace names that every SVG file
#: declares (``xmlns``). Neither points at a person or a space. Nothing else is allowed.
ALLOWED_URL_PATTERNS: tuple[str, ...] = (
    r"https?://vega\.github\.io/schema/vega(?:-lite)?/v\d+(?:\.\d+)*\.json",
    r"https?://www\.w3\.org/(?:2000/svg|1999/xlink|1999/xhtml|XML/1998/namespace|2000/xmlns/?)",
)

#: ``@`` words that are CSS at-rules or documentation tags, not handles.
CSS_AT_RULES: frozenset[str] = frozenset(
    {
        "charset",
        "container",
        "counter-style",
        "font-face",
        "font-feature-values",
        "import",
        "keyframes",
        "layer",
        "media",
        "namespace",
        "page",
        "property",
        "supports",
        "viewport",
        "-webkit-keyframes",
    }
)

#: A quotation is verbatim (and refused) when it is longer than this many words.
QUOTE_MAX_WORDS = 12

# Characters that end a link: white space, quotes and brackets of markup, backslash
# (escaped JSON), and typographic quotes.
_URL_BODY = r"[^\s\"'<>\\`«»“”‘’|]"
# Links are searched from their anchors (``://``, ``www.``, an invite domain followed by a
# slash), found with plain substring search: a pattern that starts at every letter of a
# long text is several times slower.
_SCHEME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+.-")
_URL_REST = re.compile(_URL_BODY + r"+")
_WWW = re.compile(r"(?<![\w.@/-])www\.[A-Za-z0-9-]" + _URL_BODY + r"*", re.IGNORECASE)
_INVITE = re.compile(
    r"(?<![\w.@/-])(?:"
    + "|".join(re.escape(d) for d in INVITE_DOMAINS)
    + r")/[A-Za-z0-9_+-]"
    + _URL_BODY
    + r"*",
    re.IGNORECASE,
)
_URL_TRAILING = ".,;:!?)]}*_~"
_ALLOWED_URL = re.compile("|".join(f"(?:{p})" for p in ALLOWED_URL_PATTERNS), re.IGNORECASE)

_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")

# ``<name>#<4 digits>``: a name (starting with a letter), ``#`` and exactly four digits. Hex
# colours (``#0072B2``) have no name glued before the ``#``, so they pass.
_TAG = re.compile(r"(?<![\w#.])[^\W\d][\w.]{1,31}#\d{4}(?![\w])")

# ``@<name>``: not glued to a word (e-mails, ``vega@5``) nor to a path.
_HANDLE = re.compile(r"(?<![\w@./:+=-])@([A-Za-z_][A-Za-z0-9_.-]{1,30})")

# French numbers: 0 then 1-9 then four pairs, with one separator used throughout (so a
# date followed by a time, ``05.01.2024 12``, is not a phone number); ``+33`` or ``0033``
# forms; and international ``+<country code>`` numbers with 8 to 15 digits.
_PHONE = re.compile(
    r"(?<![\w.,+/:-])(?:"
    r"(?:\+33|0033)[ .-]?(?:\(0\)[ .-]?)?[1-9](?:(?P<s1>[ .-])\d{2}(?:(?P=s1)\d{2}){3}|\d{8})"
    r"|0[1-9](?:(?P<s2>[ .-])\d{2}(?:(?P=s2)\d{2}){3}|\d{8})"
    r"|\+[1-9]\d{0,2}(?:[ .-]?\(?\d{1,4}\)?){2,6}"
    r")(?!\w|[.,]\d)"
)

# 17-20 digit numbers: not part of a decimal number or a longer run of digits.
_PLATFORM_ID = re.compile(r"(?<![\w.,-])\d{17,20}(?!\w|[.,]\d)")

# Defanged forms, as trust & safety notes write links and addresses so that they cannot
# be clicked: a dot written ``[.]``, ``(.)`` or ``[dot]``, an at sign ``[at]`` or ``(@)``.
# Only links and addresses are ever written so, so any such form is refused.
_DOT = r"(?:\[\.\]|\(\.\)|\s?\[dot\]\s?|\s?\(dot\)\s?)"
_DEFANGED_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+\s?(?:\[at\]|\(at\)|\[@\]|\(@\))\s?[\w-]+(?:(?:\.|" + _DOT + r")[\w-]+)+",
    re.IGNORECASE,
)
_DEFANGED_URL = re.compile(
    r"(?<![\w.-])[\w-]+(?:\.[\w-]+)*" + _DOT + r"[A-Za-z]{2,}\b(?:/" + _URL_BODY + r"*)?",
    re.IGNORECASE,
)

# Quotations: French guillemets and English curly quotes may span lines (not a blank
# line); straight double quotes only within a line, and only in prose (in code,
# JSON, CSV and HTML attributes they are syntax, not quotation marks).
_QUOTE_TYPO = re.compile(
    r"«((?:[^»«\n]|\n(?!\s*\n)){1,4000}?)»|“((?:[^”“\n]|\n(?!\s*\n)){1,4000}?)”"
)
_QUOTE_STRAIGHT = re.compile(r'"([^"\n]{1,4000}?)"')
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")

# A necessary condition of every pattern above, cheap to test, written so that polars
# (Rust regex, no look-around) can run it over a whole column too: texts without any of
# these have nothing to find.
_PREFILTER = re.compile(
    r'(?i)[@#«“"+]|://|www\.|\.[a-z]+/|\d{8}|\d{2}[ .-]\d{2}|[\[(](?:\.|dot|at)[\])]'
)

_DECORATOR_LINE = re.compile(r"^[ \t]*@[A-Za-z_][\w.]*(?:\(.*)?$")


def mask(value: str) -> str:
    """Mask an identifier: its first two characters, then ``…``.

    Parameters
    ----------
    value : str
        The identifier found.

    Returns
    -------
    str
        ``value[:2] + "…"``; the rest of the value is dropped.

    Notes
    -----
    Two characters are enough for a person to find the place in their own file and too
    few to look anything up. This is the only form in which the toolkit ever shows a
    value it refuses.

    Examples
    --------
    >>> mask("someone" + "@" + "example.org")
    'so…'
    """
    return value[:2] + "…"


@dataclass(frozen=True, slots=True)
class Finding:
    """One identifier found: where, what kind, and its masked form (never the value).

    Attributes
    ----------
    path : str
        File (or ``file.ipynb:cell N``, ``file.parquet:column:row N``) or ``"<text>"``.
    line, column : int
        1-based position of the first character of the value.
    kind : str
        One of :data:`KINDS`.
    masked : str
        :func:`mask` of the value.

    Examples
    --------
    >>> f = Finding("journal.md", 3, 14, "email", "so…")
    >>> str(f)
    'journal.md:3:14: email (so…)'
    """

    path: str
    line: int
    column: int
    kind: str
    masked: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.kind} ({self.masked})"


class PrivacyError(ValueError):
    """Identifiers were found where none may be; lists the findings, masked.

    Parameters
    ----------
    findings : list of Finding
        What was found (already masked).
    what : str
        What was being checked, for the first line of the message.

    Examples
    --------
    >>> err = PrivacyError([Finding("j.md", 2, 5, "handle", "@a…")], what="journal")
    >>> print(err)
    journal: 1 identifier found (shown masked); remove or anonymize it, then retry:
      j.md:2:5: handle (@a…)
    """

    def __init__(self, findings: list[Finding], what: str = "text") -> None:
        self.findings = list(findings)
        n = len(self.findings)
        head = (
            f"{what}: {n} identifier{'s' if n != 1 else ''} found (shown masked); "
            "remove or anonymize "
            f"{'them' if n != 1 else 'it'}, then retry:"
        )
        shown = self.findings[:50]
        lines = [head, *(f"  {f}" for f in shown)]
        if n > len(shown):
            lines.append(f"  … and {n - len(shown)} more")
        super().__init__("\n".join(lines))


def _spans(text: str, *, prose: bool) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, kind) of every candidate, before overlap resolution."""
    for start, end in _links(text):
        value = text[start:end].rstrip(_URL_TRAILING)
        kind = "allowed_url" if _ALLOWED_URL.fullmatch(value) else "url"
        yield start, start + len(value), kind
    if "[" in text or "(" in text:
        lower = text.lower()
        emails: list[tuple[int, int]] = []
        if any(mark in lower for mark in ("[at]", "(at)", "[@]", "(@)")):
            emails = [(m.start(), m.end()) for m in _DEFANGED_EMAIL.finditer(text)]
            for start, end in emails:
                yield start, end, "email"
        if any(mark in lower for mark in ("[.]", "(.)", "[dot]", "(dot)")):
            for m in _DEFANGED_URL.finditer(text):
                # The domain of a defanged address is part of the address, not a link.
                if not any(s <= m.start() < e for s, e in emails):
                    yield m.start(), m.end(), "url"
    for m in _around(_EMAIL, text, "@"):
        yield m.start(), m.end(), "email"
    for m in _around(_TAG, text, "#"):
        yield m.start(), m.end(), "tag"
    for m in _around(_HANDLE, text, "@"):
        name = m.group(1).rstrip(".-")
        if name.lower() in CSS_AT_RULES or len(name) < 2:
            continue
        if not prose and _is_decorator(text, m.start()):
            continue
        yield m.start(), m.start() + 1 + len(name), "handle"
    for m in _PHONE.finditer(text):
        value = m.group(0)
        digits = sum(c.isdigit() for c in value)
        if value.startswith("+") and not 8 <= digits <= 15:
            continue
        yield m.start(), m.end(), "phone"
    for m in _PLATFORM_ID.finditer(text):
        yield m.start(), m.end(), "platform_id"


# E-mails, handles and tags hold a ``@`` or ``#`` and no white space: their patterns run
# only over the runs of non-space characters around those characters (with look-behinds
# still seeing the text before), not over the whole of a long text.
_SPACES = " \t\n\r"


def _around(pattern: re.Pattern[str], text: str, anchor: str) -> Iterator[re.Match[str]]:
    """Matches of ``pattern`` in the space-free runs of ``text`` holding an ``anchor``."""
    at = text.find(anchor)
    if at == -1:
        return
    if len(text) <= 2000:
        yield from pattern.finditer(text)
        return
    while at != -1:
        lo = max(text.rfind(c, 0, at) for c in _SPACES) + 1
        ends = [e for e in (text.find(c, at) for c in _SPACES) if e != -1]
        hi = min(ends) if ends else len(text)
        yield from pattern.finditer(text, lo, hi)
        at = text.find(anchor, hi)


def _links(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every link candidate: scheme links, ``www.``, invite short links."""
    at = text.find("://")
    while at != -1:
        start = at
        while start > 0 and at - start <= 16 and text[start - 1] in _SCHEME_CHARS:
            start -= 1
        before = text[start - 1] if start > 0 else " "
        scheme_ok = 2 <= at - start <= 16 and text[start].isalpha() and text[start].isascii()
        if scheme_ok and not (before.isalnum() or before in "_.+-"):
            rest = _URL_REST.match(text, at + 3)
            if rest:
                yield start, rest.end()
        at = text.find("://", at + 3)
    lower = text.lower()
    if "www." in lower:
        for m in _WWW.finditer(text):
            yield m.start(), m.end()
    if any(d + "/" in lower for d in INVITE_DOMAINS):
        for m in _INVITE.finditer(text):
            yield m.start(), m.end()


def _is_decorator(text: str, at: int) -> bool:
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    line = text[start : end if end != -1 else len(text)]
    return bool(_DECORATOR_LINE.match(line))


def _quotes(text: str, *, prose: bool) -> Iterator[tuple[int, int]]:
    patterns = (_QUOTE_TYPO, _QUOTE_STRAIGHT) if prose else (_QUOTE_TYPO,)
    for pattern in patterns:
        for m in pattern.finditer(text):
            inner = next(g for g in m.groups() if g is not None)
            if len(_WORD.findall(inner)) > QUOTE_MAX_WORDS:
                yield m.start(), m.end()


def scan_text(text: str, path: str = "<text>", *, prose: bool = True) -> list[Finding]:
    """Find identifiers in a text: links, e-mails, handles, tags, phones, ids, quotes.

    Parameters
    ----------
    text : str
        Any text (a journal, a Markdown page, a notebook cell, a cell of a table).
    path : str, default ``"<text>"``
        Where the text comes from, used in each :class:`Finding`.
    prose : bool, default True
        True for prose (journals, Markdown, text outputs, table cells): straight double
        quotes count as quotation marks. False for code and markup (``.py``, code cells,
        HTML, SVG, CSV, JSON syntax): straight double quotes delimit strings and
        attributes there, so only « » and “ ” quotations are checked, and a line that is
        a Python decorator (``@<name>``) is not a handle.

    Returns
    -------
    list of Finding
        Sorted by (line, column, kind); values masked with :func:`mask`.

    Notes
    -----
    Kinds (:data:`KINDS`):

    - ``url``: ``<scheme>://…``, ``www.…``, or an invite domain of :data:`INVITE_DOMAINS`
      followed by ``/path``. Only :data:`ALLOWED_URL_PATTERNS` pass.
    - ``email``: ``<local>@<domain>.<tld>``.
    - ``tag``: a name glued to ``#`` and four digits (hex colours have no name).
    - ``handle``: ``@`` and a name, not glued to a word (e-mails, package pins) and not a
      CSS at-rule.
    - ``phone``: French ``0X XX XX XX XX`` with one separator (space, dot, hyphen or
      none), ``+33``/``0033`` forms, international ``+CC …`` with 8–15 digits.
    - ``platform_id``: a run of 17–20 digits not part of a decimal number (chat-platform
      snowflakes, numeric channel ids).
    - ``verbatim_quote``: a quotation in « », “ ” (or " " in prose) of more than
      :data:`QUOTE_MAX_WORDS` words.

    Where two candidates overlap, the kind listed first wins (a phone inside a link is
    one ``url`` finding). A verbatim quote is reported alongside what it contains.
    Ordinary numbers (``14 ans``, ``900``, ``J+36``, years, ``2024-Q1``), decimals,
    hex colours, case codes (``A105G``) and pseudonymous ids (``obs-03``) match nothing.

    References
    ----------
    .. [1] Discord developer documentation, "Snowflakes" (64-bit ids written as 17–20
       decimal digits).
    .. [2] ARCEP, plan de numérotation français (ten digits starting with 0).

    Examples
    --------
    >>> [str(f) for f in scan_text("Voir @" + "pseudo_x et J+36, 14 ans, 2024-Q1.")]
    ['<text>:1:6: handle (@p…)']
    >>> scan_text("A105G obs-03 « ex » #0072B2 J+36")
    []
    """
    if not _PREFILTER.search(text):
        return []
    # Kept spans are disjoint and sorted by start: a new span can only overlap its two
    # neighbours (a linear scan made a text with many findings quadratic).
    starts: list[int] = []
    ends: list[int] = []
    findings: list[tuple[int, str, int]] = []
    rank = {k: i for i, k in enumerate(KINDS)}
    rank["allowed_url"] = rank["url"]
    candidates = sorted(_spans(text, prose=prose), key=lambda s: (rank[s[2]], s[0], -s[1]))
    for start, end, kind in candidates:
        at = bisect.bisect_right(starts, start)
        if (at > 0 and ends[at - 1] > start) or (at < len(starts) and starts[at] < end):
            continue
        starts.insert(at, start)
        ends.insert(at, end)
        if kind != "allowed_url":
            findings.append((start, kind, end))
    for start, end in _quotes(text, prose=prose):
        findings.append((start, "verbatim_quote", end))

    line_starts = [0, *(m.end() for m in re.finditer(r"\n", text))]
    out = []
    for start, kind, _end in findings:
        line = bisect.bisect_right(line_starts, start)
        column = start - line_starts[line - 1] + 1
        out.append(Finding(path, line, column, kind, mask(text[start:_end])))
    out.sort(key=lambda f: (f.line, f.column, rank[f.kind]))
    return out
