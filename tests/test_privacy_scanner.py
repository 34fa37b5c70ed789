"""The identifier scanner: each kind is found at its position, our own outputs pass, and
no finding ever carries a value whole.

Identifier-shaped strings are built by concatenation (``AT``, ``DOT``, ``SLASHES``) so
that this file itself passes the privacy audit; whole fixtures live in
``tests/fixtures/identifiers/``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.privacy import Finding, PrivacyError, mask, scan_text

FIXTURES = Path(__file__).parent / "fixtures" / "identifiers"
AT = "@"
SLASHES = ":" + "//"
DIGITS18 = "1234567890" + "12345678"
ZERO, PLUS = "0", "+"
DOT = "[.]"  # a defanged dot


def kinds(text: str, **kw) -> list[str]:
    return [f.kind for f in scan_text(text, **kw)]


def test_mask_keeps_two_characters():
    assert mask("someone" + AT + "example.org") == "so…"
    assert mask("ab") == "ab…"


def test_planted_fixture_every_kind_at_its_line_and_column():
    text = (FIXTURES / "planted.md").read_text(encoding="utf-8")
    found = [(f.line, f.kind) for f in scan_text(text, "planted.md")]
    assert found == [
        (3, "url"),
        (4, "url"),
        (4, "url"),
        (5, "email"),
        (6, "handle"),
        (7, "tag"),
        (8, "phone"),
        (8, "phone"),
        (9, "platform_id"),
        (10, "verbatim_quote"),
        (11, "url"),
        (12, "phone"),
    ]
    line3 = text.splitlines()[2]
    first = scan_text(text, "planted.md")[0]
    assert first.column == line3.index("https") + 1
    assert str(first) == f"planted.md:3:{first.column}: url (ht…)"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("see http" + SLASHES + "example.org/x", "url"),
        ("see HTTPS" + SLASHES + "Example.org", "url"),
        ("ftp" + SLASHES + "host/file", "url"),
        ("www" + ".example.org", "url"),
        ("discord" + ".gg/AbC123", "url"),
        ("chat.whatsapp" + ".com/AbC123", "url"),
        ("t" + ".me/channel_x", "url"),
        ("t" + ".me/+AbCdEf12", "url"),
        ("discord" + ".com/channels/123/456", "url"),
        ("[lien](http" + SLASHES + "x.org/a).", "url"),
        ("hxxps" + SLASHES + "example.org", "url"),
        ("discord" + DOT + "gg/abc", "url"),
        ("example" + DOT + "org", "url"),
        ("example" + "(.)" + "fr/x", "url"),
        ("example" + " [dot] " + "org", "url"),
        ("nom" + "[at]" + "example" + DOT + "org", "email"),
        ("nom" + " (at) " + "example" + " [dot] " + "org", "email"),
        ("x.y" + "[@]" + "mail.com", "email"),
        ("a.b" + AT + "example.fr", "email"),
        ("par " + AT + "pseudo_1", "handle"),
        ("(" + AT + "x_y)", "handle"),
        ("pseudo" + "#0421", "tag"),
        (ZERO + "6 12 34 56 78", "phone"),
        (ZERO + "6.12.34.56.78", "phone"),
        (ZERO + "6-12-34-56-78", "phone"),
        (ZERO + "612345678", "phone"),
        (PLUS + "33 6 12 34 56 78", "phone"),
        (PLUS + "33612345678", "phone"),
        (ZERO + "033 6 12 34 56 78", "phone"),
        (PLUS + "1 555 123 4567", "phone"),
        (PLUS + "49 30 1234567", "phone"),
        ("id " + DIGITS18, "platform_id"),
        ("id " + DIGITS18[:17], "platform_id"),
        ("id " + DIGITS18 + "12", "platform_id"),
    ],
)
def test_each_kind_is_found(text, kind):
    assert kinds(text) == [kind]


@pytest.mark.parametrize(
    "text",
    [
        "14 ans, 900 membres, J+36, D+9, en 2024, 2024-Q1, 2024-01-05",
        "A105G, B220K, obs-03, obs-12",
        '« ex », “15”, "leak"',
        'fill="#0072B2" stroke:#E69F00; #123456 #1234',
        "M12.5,3.25L4.125,06.12Z M0,0L100.5,200.25",
        "0.123456789012345678 1.2345678901234567e-05 -0.06123456789",
        "[0.1, 0.25, 12345.678, 3.14159265358979]",
        "05.01.2024 12:30, 2024-01-05T00:00:00+01:00, +12 % en 2023",
        "+33 12 45 (too few digits), +5, +120 cases in 2024",
        "@media print { } @font-face { } @import x;",
        "vega" + AT + "5 vega-lite" + AT + "5.20.1 git+pkg" + AT + "1.0",
        "https" + SLASHES + "vega.github.io/schema/vega-lite/v5.20.1.json",
        "https" + SLASHES + "vega.github.io/schema/vega/v5.json",
        'xmlns="http' + SLASHES + "ww" + 'w.w3.org/2000/svg"',
        "12345678901234567890123 (too long for an id)",
        "1234567890123456 (too short for an id)",
        "t.me without a path, discord.gg alone",
        "tableau[0] (a) [.] rien, list[.], (.) et [.] seuls, A105G (at) J+36",
    ],
)
def test_our_own_outputs_and_ordinary_numbers_pass(text):
    assert scan_text(text) == []


def test_allow_list_is_exact():
    # Same host, another page: not the schema, so a link.
    assert kinds("https" + SLASHES + "vega.github.io/vega-lite/docs/") == ["url"]
    assert kinds("https" + SLASHES + "vega.github.io/schema/vega-lite/v5.json/x") == ["url"]
    assert kinds("http" + SLASHES + "ww" + "w.w3.org/other") == ["url"]


def test_overlap_is_reported_once_by_the_stronger_kind():
    link = "https" + SLASHES + "example.org/u/" + AT + "name/" + DIGITS18
    assert kinds(link) == ["url"]


def test_verbatim_quotes_length_and_marks():
    thirteen = " ".join(f"mot{i}" for i in range(13))
    twelve = " ".join(f"mot{i}" for i in range(12))
    assert kinds(f"« {thirteen} »") == ["verbatim_quote"]
    assert kinds(f"“{thirteen}”") == ["verbatim_quote"]
    assert kinds(f'"{thirteen}"') == ["verbatim_quote"]
    assert kinds(f"« {twelve} »") == []
    assert kinds(f"«\u202f{thirteen.replace(' ', chr(10), 1)}\u202f»") == ["verbatim_quote"]
    # In code and markup straight quotes are syntax, not quotation marks.
    assert kinds(f'x = "{thirteen}"', prose=False) == []
    assert kinds(f"« {thirteen} »", prose=False) == ["verbatim_quote"]
    # A blank line ends a paragraph: no quotation spans it.
    assert kinds(f"« {twelve}\n\n{twelve} »") == []


def test_decorators_pass_only_in_code():
    code = AT + "pytest.mark.slow\ndef test(): ...\n"
    assert kinds(code, prose=False) == []
    assert kinds("contact " + AT + "some_name", prose=False) == ["handle"]


def test_positions_are_one_based_over_lines():
    text = "first line\nsecond " + AT + "handle_x here"
    (f,) = scan_text(text, "f.md")
    assert (f.path, f.line, f.column) == ("f.md", 2, 8)


def test_finding_holds_no_raw_value():
    value = "someone" + AT + "example.org"
    (f,) = scan_text(value)
    assert [fl.name for fl in dataclasses.fields(Finding)] == [
        "path",
        "line",
        "column",
        "kind",
        "masked",
    ]
    assert not hasattr(f, "__dict__")  # slots: nowhere to hide a value
    for shown in (str(f), repr(f), f.masked):
        assert value not in shown and "example" not in shown
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.kind = "x"  # type: ignore[misc]


def test_privacy_error_lists_findings_masked():
    value = "someone" + AT + "example.org"
    err = PrivacyError(scan_text("write to " + value), what="journal.md")
    assert isinstance(err, ValueError)
    assert len(err.findings) == 1
    message = str(err)
    assert "journal.md" in message and "email (so…)" in message
    assert value not in message and value not in repr(err)


# Planted identifiers of every kind, of varying shape, in arbitrary text.
_name = st.text("abcdefghijklmnopqrstuvwxyz_", min_size=3, max_size=12).filter(
    lambda s: s[0] != "_"
)
_planted = st.one_of(
    st.builds(lambda n, d: "https" + SLASHES + f"{n}.org/{d}", _name, _name),
    st.builds(lambda n: "www." + n + ".com", _name),
    st.builds(lambda n, d: f"{n}{DOT}{d}", _name, st.sampled_from(["org", "fr", "gg/x1"])),
    st.builds(lambda n, d: f"{n}[at]{d}{DOT}org", _name, _name),
    st.builds(lambda n, d: f"{n}{AT}{d}.org", _name, _name),
    st.builds(lambda n: AT + n, _name),
    st.builds(lambda n, d: f"{n}#{d:04d}", _name, st.integers(0, 9999)),
    st.builds(
        lambda d: "06 " + " ".join(f"{x:02d}" for x in d), st.tuples(*[st.integers(0, 99)] * 4)
    ),
    st.builds(str, st.integers(10**16, 10**20 - 1)),
    st.builds(lambda w: "« " + " ".join(w) + " »", st.lists(_name, min_size=13, max_size=20)),
)
_filler = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)


@given(before=_filler, value=_planted, after=_filler)
def test_no_finding_echoes_a_planted_value(before, value, after):
    text = f"{before} {value} {after}"
    findings = scan_text(text, "p.md")
    assert findings, "a planted identifier must be found"
    for f in findings:
        for shown in (str(f), repr(f), f.masked):
            assert value not in shown
    message = str(PrivacyError(findings))
    assert value not in message


@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes_and_findings_are_sorted(text):
    findings = scan_text(text)
    keys = [(f.line, f.column) for f in findings]
    assert keys == sorted(keys)
    for f in findings:
        assert f.line >= 1 and f.column >= 1
        assert f.masked.endswith("…") and len(f.masked) <= 3


# The link finder searches from anchors for speed; it must find what one plain pattern
# (the reference below, the scanner's first version) finds.
def _reference_links(text: str) -> set[tuple[int, int]]:
    import re

    from toolkit.privacy._scanner import _URL_BODY, INVITE_DOMAINS

    pattern = re.compile(
        r"(?<![\w.+-])[A-Za-z][A-Za-z0-9+.-]{1,15}" + SLASHES + _URL_BODY + r"+"
        r"|(?<![\w.@/-])www\.[A-Za-z0-9-]" + _URL_BODY + r"*"
        r"|(?<![\w.@/-])(?:"
        + "|".join(re.escape(d) for d in INVITE_DOMAINS)
        + r")/[A-Za-z0-9_+-]"
        + _URL_BODY
        + r"*",
        re.IGNORECASE,
    )
    return {(m.start(), m.end()) for m in pattern.finditer(text)}


_linkish = st.lists(
    st.sampled_from(
        [
            *["http", "HTTPS", "s3", "a", "1", "_", ".", "-", "+", " ", "é", "www", "WWW."],
            *[SLASHES, "/", "t.me/", "discord.gg/", "Chat.WhatsApp.com/", "\n", '"', "x.org"],
        ]
    ),
    max_size=30,
).map("".join)


@given(_linkish)
def test_link_finder_agrees_with_the_reference_pattern(text):
    from toolkit.privacy._scanner import _links

    outer, end = set(), -1
    for start, stop in sorted(set(_links(text))):
        if start >= end:  # a link inside a link is dropped by the overlap rule anyway
            outer.add((start, stop))
            end = stop
    assert outer == _reference_links(text)
    assert _links("http" + SLASHES + "ahttp" + SLASHES + "b")  # nested anchors are fine


_fragments = st.lists(
    st.sampled_from(
        ["some.one", AT, "example.org", "#", "1234", "name", " ", "\n", ".", "-", "x" * 300]
    ),
    min_size=20,
    max_size=80,
).map("".join)


@given(_fragments)
def test_windowed_patterns_find_what_a_full_pass_finds(text):
    from toolkit.privacy._scanner import _EMAIL, _HANDLE, _TAG, _around

    for pattern, anchor in ((_EMAIL, AT), (_HANDLE, AT), (_TAG, "#")):
        full = [m.span() for m in pattern.finditer(text)]
        assert [m.span() for m in _around(pattern, text, anchor)] == full
