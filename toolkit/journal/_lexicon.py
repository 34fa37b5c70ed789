"""Text normalisation and lexicon matching for the journal import.

Why our own matcher rather than a fuzzy-matching or NLP library: the rules are few and
must be explainable to a volunteer in one sentence each, and the lexicon is data in
``toolkit/taxonomy/taxonomy.toml``. The rules:

1. **Normalisation.** Lower case; accents removed (``é`` → ``e``, ``œ`` → ``oe``);
   inclusive-writing middle dots joined (``mineur·es`` → ``mineures``); apostrophes,
   quotes, hyphens and other punctuation become word breaks (``l’insu`` → ``l insu``).
2. **Stems.** A lexicon term is a sequence of words; each word of the term must begin
   the corresponding word of the text (``salon par personne`` matches
   ``salons par personnes``). Term words of three letters or fewer must be the whole
   text word, or that word plus ``s`` (``ex`` matches ``ex`` but not ``externes``;
   ``ado`` matches ``ados``). A term ending with ``=`` asks the same of its last word
   whatever its length (``press=`` matches ``press`` but not ``pressure``).
3. **Negation.** A match is dropped when a negation cue of the taxonomy's
   ``[negation]`` table ends within the three words before it, in the same clause
   (punctuation and ``et``/``and``/``mais``/``but`` end a clause): ``aucune réponse``
   is not a ``platform_response``. A term that itself starts with a cue
   (``aucune reponse``, ``without consent``) is not negated by it.
4. **Longest match wins.** When two matches overlap, the longer one (in characters)
   wins and the shorter one is dropped: ``signalement à la plateforme nationale`` is a
   hotline report, not a platform report; ``sexualisation de mineur·es`` is
   ``content.minor_sexualisation``, not also ``target.minor``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

from toolkit import taxonomy as tx

#: Middle dots of inclusive writing (``·``, ``‧``, ``⋅``, ``•`` between letters).
_INCLUSIVE_DOTS = "\u00b7\u2027\u22c5\u2022\u0387"
_LIGATURES = {"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l"}
#: Characters that end a clause (for the scope of a negation cue).
_CLAUSE_BREAKS = set(".,;:!?()[]{}–—…\n|/")
#: Words that end the scope of a negation cue.
_SCOPE_BREAK_WORDS = frozenset({"et", "and", "mais", "but", "puis", "then", "ou", "or"})
_NEGATION_WINDOW = 3
_SHORT_WORD = 3


@dataclass(frozen=True)
class Token:
    """One normalised word and the clause it belongs to."""

    word: str
    clause: int


@dataclass(frozen=True)
class Match:
    """A lexicon term found in a text: which code, which term, which words."""

    code: str
    term: str
    start: int
    end: int
    length: int


def normalise(text: str) -> str:
    """Normalise a text for matching: lower case, no accents, words separated by spaces.

    Parameters
    ----------
    text : str
        Any text, e.g. a journal item.

    Returns
    -------
    str
        The words of ``text``, normalised and joined by single spaces.

    Examples
    --------
    >>> normalise("Cible : mineur·es à l’insu des « personnes »")
    'cible mineures a l insu des personnes'
    """
    return " ".join(t.word for t in tokenise(text))


def tokenise(text: str) -> list[Token]:
    """Normalised words of ``text`` with their clause number (see the module rules)."""
    text = unicodedata.normalize("NFKD", text.lower())
    tokens: list[Token] = []
    clause = 0
    word: list[str] = []
    chars = list(text)
    for i, ch in enumerate(chars):
        if unicodedata.combining(ch):
            continue
        ch = _LIGATURES.get(ch, ch)
        if ch.isascii() and ch.isalnum():
            word.append(ch)
            continue
        if len(ch) > 1:  # a ligature expanded to ascii letters
            word.append(ch)
            continue
        if ch in _INCLUSIVE_DOTS and word and _next_is_letter(chars, i):
            continue  # mineur·es → mineures
        if word:
            tokens.append(Token("".join(word), clause))
            word = []
        if ch in _CLAUSE_BREAKS:
            clause += 1
    if word:
        tokens.append(Token("".join(word), clause))
    return tokens


def _next_is_letter(chars: list[str], i: int) -> bool:
    for ch in chars[i + 1 :]:
        if unicodedata.combining(ch):
            continue
        return ch.isalpha()
    return False


def _word_matches(term_word: str, word: str) -> bool:
    if term_word.endswith("="):  # a whole word, whatever its length
        return word in (term_word[:-1], term_word[:-1] + "s")
    if len(term_word) <= _SHORT_WORD:
        return word == term_word or word == term_word + "s"
    return word.startswith(term_word)


@cache
def _compiled(section: str, lang: str) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(code, term, term words) for every lexicon term of a section, normalised."""
    out = []
    if section == "platform_kinds":
        # Platform kinds have no lexicon in the taxonomy: their labels are the terms.
        source = {c: (tx.label(c, lang, "platform_kinds"),) for c in tx.PLATFORM_KINDS}
    else:
        source = tx.lexicon(section, lang)
    for code, terms in source.items():
        for term in terms:
            words = normalise(term.rstrip("=")).split()
            if words and term.endswith("="):
                words[-1] += "="
            if words:
                out.append((code, term.rstrip("="), tuple(words)))
    return tuple(out)


@cache
def _index(
    section: str, lang: str
) -> tuple[dict[str, list[tuple[str, str, tuple[str, ...]]]], dict[str, list[Any]]]:
    """Terms indexed by what their first word needs of a text word: the whole word
    (short first words: the word or the word plus ``s``), or its first four letters."""
    exact: dict[str, list[Any]] = {}
    prefix: dict[str, list[Any]] = {}
    for entry in _compiled(section, lang):
        first = entry[2][0]
        if first.endswith("=") or len(first) <= _SHORT_WORD:
            first = first.rstrip("=")
            exact.setdefault(first, []).append(entry)
            exact.setdefault(first + "s", []).append(entry)
        else:
            prefix.setdefault(first[: _SHORT_WORD + 1], []).append(entry)
    return exact, prefix


@cache
def _cues(lang: str) -> tuple[tuple[str, ...], ...]:
    raw = tx.raw().data.get("negation", {}).get(lang, [])
    return tuple(tuple(normalise(c).split()) for c in raw if normalise(c))


def _negated(tokens: list[Token], start: int, cues: tuple[tuple[str, ...], ...]) -> bool:
    """True when a cue ends within the three words before ``start``, same clause."""
    clause = tokens[start].clause
    for back in range(1, _NEGATION_WINDOW + 1):
        end = start - back  # index of the cue's last word
        if end < 0:
            break
        tok = tokens[end]
        if tok.clause != clause or tok.word in _SCOPE_BREAK_WORDS:
            break
        for cue in cues:
            first = end - len(cue) + 1
            if first < 0:
                continue
            if all(tokens[first + k].word == w for k, w in enumerate(cue)):
                return True
    return False


def find(text: str, section: str, lang: str) -> list[Match]:
    """Every code of a taxonomy section found in ``text``, after negation and overlaps.

    Parameters
    ----------
    text : str
        A journal item (or several joined).
    section : str
        ``indicators``, ``actions``, ``events``, ``referral_kinds``,
        ``discovery_routes`` or ``platform_kinds`` (whose labels serve as terms).
    lang : str
        ``fr`` or ``en``: the lexicon used.

    Returns
    -------
    list of Match
        Matches sorted by position in the text; a code may appear several times.

    Notes
    -----
    The rules (stems, short words, negation, longest match) are in the module
    docstring.

    Examples
    --------
    >>> [m.code for m in find("J+30 : aucune réponse de la plateforme", "events", "fr")]
    ['no_response']
    >>> sorted({m.code for m in find("Cible : mineur·es", "indicators", "fr")})
    ['target.minor']
    """
    tokens = tokenise(text)
    if not tokens:
        return []
    words = [t.word for t in tokens]
    cues = _cues(lang)
    exact, prefix = _index(section, lang)
    found: list[Match] = []
    for i, word in enumerate(words):
        candidates = exact.get(word, []) + prefix.get(word[: _SHORT_WORD + 1], [])
        for code, term, tw in candidates:
            n = len(tw)
            if i + n > len(words) or not _word_matches(tw[0], word):
                continue
            if all(_word_matches(tw[k], words[i + k]) for k in range(1, n)):
                if _negated(tokens, i, cues):
                    continue
                length = sum(len(w) for w in words[i : i + n]) + n - 1
                found.append(Match(code, term, i, i + n, length))
    kept: list[Match] = []
    for m in sorted(found, key=lambda m: (-m.length, m.start, m.code)):
        if any(
            (k.length > m.length or k.code == m.code) and m.start < k.end and k.start < m.end
            for k in kept
        ):  # overlapped by a longer match, or by another term of the same code
            continue
        kept.append(m)
    return sorted(kept, key=lambda m: (m.start, m.code, m.term))


def codes(text: str, section: str, lang: str) -> dict[str, list[str]]:
    """Codes found in ``text`` with the distinct terms that matched each (in order)."""
    out: dict[str, list[str]] = {}
    for m in find(text, section, lang):
        terms = out.setdefault(m.code, [])
        if m.term not in terms:
            terms.append(m.term)
    return out
