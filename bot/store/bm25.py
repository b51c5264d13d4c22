"""FTS5's bm25(), computed in Python for a few candidate cases (bot/store/search.py).

FTS5's own bm25() learns each phrase's document frequency by walking that phrase's whole
list of matches, once per query: for a word in half the cases of a year (`error`,
`tenant`) that walk alone costs 10-15 ms, and an "any of these words" query ranks every
case holding any of them (seconds). Here the frequencies come from the caller (exact for
rare words, estimated for common ones), and the same formula runs over the candidates'
own text, with the lengths FTS5 recorded for them. Scores equal FTS5's (as positive
numbers: higher is better) wherever the frequencies are exact.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

# FTS5's bm25 constants (fts5_aux.c)
K1 = 1.2
B = 0.75
# unicode61 splits on everything that is not a letter, a digit or a private-use character:
# underscores too, unlike \w.
_TOKEN = re.compile(r"[^\W_]+")
_PORTER = snowballstemmer.stemmer("porter")


@lru_cache(maxsize=65536)
def stem(token: str) -> str:
    """The term FTS5's `porter` tokenizer makes of a lower-case token: it leaves tokens
    under 3 characters as they are (fts5_porter.c), and the Porter algorithm stems the rest
    (Snowball's `porter` is that algorithm; tests/store/test_bm25.py compares the two)."""
    return token if len(token) < 3 else _PORTER.stemWord(token)


def tokens(text: str) -> list[str]:
    """unicode61's tokens of a text: lower case and without diacritics (its default
    remove_diacritics=1: `café` is `cafe`)."""
    text = text.lower()
    if not text.isascii():
        text = "".join(ch for ch in unicodedata.normalize("NFD", text)
                       if not unicodedata.combining(ch))
    return _TOKEN.findall(text)


def terms(text: str) -> list[str]:
    """The terms FTS5 indexes for a text: unicode61's tokens, each stemmed."""
    return list(map(stem, tokens(text)))


def varints(blob: bytes) -> list[int]:
    """SQLite's varints (big-endian, 7 bits a byte, the 9th byte whole), as FTS5 writes its
    averages record and each row's column sizes."""
    out: list[int] = []
    i = 0
    while i < len(blob):
        value = 0
        for n in range(9):
            byte = blob[i]
            i += 1
            if n == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if byte < 0x80:
                break
        out.append(value)
    return out


@dataclass(frozen=True)
class Totals:
    """The index's row count and mean row length in tokens (its averages record)."""

    rows: int
    mean_length: float


def idf(rows: int, having: int) -> float:
    """FTS5's inverse document frequency: a word in more than half the rows is worth
    almost nothing, never less."""
    value = math.log((rows - having + 0.5) / (having + 0.5))
    return value if value > 0 else 1e-6


def score(columns: Sequence[str | None], length: int, words: Mapping[str, float],
          weights: Sequence[float], totals: Totals) -> float:
    """bm25 of one row: `words` maps each wanted term (stemmed) to its idf; a term's
    frequency is its count in each column times that column's weight; `length` is the
    row's size in tokens over all columns, as FTS5 recorded it."""
    freq: dict[str, float] = {}
    for text, weight in zip(columns, weights, strict=True):
        if not text:
            continue
        for term in terms(text):
            if term in words:
                freq[term] = freq.get(term, 0.0) + weight
    if not freq:
        return 0.0
    norm = K1 * (1 - B + B * length / (totals.mean_length or 1.0))
    return sum(words[t] * f * (K1 + 1) / (f + norm) for t, f in freq.items())
