"""What a typed word may match: its stem, its prefix, its compound written split or joined,
and, for a word the index has never seen, the words one typo away (issue 28).

Both stores expand a query the same way, here, asking their own vocabulary (FTS5's, read
through its `fts5vocab` table in SQLite; the lexemes of the stored tsvectors in PostgreSQL)
which candidate words it holds; each renders the groups in its own query syntax.

A query word is one word (`login`) or a compound, two words joined by one space (`log in`,
made from `log-in` or `log in` by bot/services/knowledge.words_of). A group matches a case
when any of its alternatives does:

- the word itself (the index's stemmer makes `logging` of `logged`);
- with `prefix`, any word starting with it (`auth` finds `authentication`);
- a compound: the phrase (`log in`) or the words joined (`login`), and with a particle
  (PARTICLES) its first word alone; a single word the index holds split in two (`login`
  -> the phrase `log in`);
- only when none of that is in the index: each word one edit away that is (`loggin` ->
  `login`, `logging`): a deletion, a swap of neighbours, a change or an insertion.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

ALPHABET = "abcdefghijklmnopqrstuvwxyz"
# A word and one of these after it make a compound (`log in`, `sign up`); its first word
# alone matches too (`log in` and `logged` are the same trouble; `login` is the joined form).
PARTICLES = frozenset(["in", "on", "up", "out", "off", "back", "down", "over"])
# Shorter words get no typo alternatives (one edit from a 3-letter word is another word)
# and no prefix alternatives (`log` would find logo, logistics, ...).
MIN_TYPO = 4
MIN_PREFIX = 3
# The parts of a split compound: `e mail` is fine, `l ogin` is not.
MIN_PART = 2
# Suggestions on a miss: words at most this many edits away, at most this many.
SUGGEST_DISTANCE = 2
SUGGESTIONS = 3


class Vocabulary(Protocol):
    """What a store's index holds, for the expansion."""

    def known(self, words: Collection[str]) -> set[str]:
        """Those of `words` (plain lower-case words) the index holds, as its stemmer makes
        them: `logged` is known where a case says `logging`."""

    def has_prefix(self, prefix: str) -> bool:
        """Whether the index holds a word starting with `prefix`."""

    def starting(self, start: str, limit: int) -> list[str]:
        """Up to `limit` words of the index starting with `start` (as the index holds them),
        for suggestions."""

    def surface(self, term: str) -> str | None:
        """The index's word as some case wrote it (`authent` -> `authentication`), or None
        when no case holds it any more."""


@dataclass(frozen=True)
class Group:
    """The alternatives of one query word; `hit` is False when none is in the index."""

    word: str
    terms: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    hit: bool = True
    known: bool = False  # the word itself is in the index

    def scored_terms(self) -> list[str]:
        """The words whose counts a ranking adds up: the parts of a phrase only when the
        word itself is not in the index (`database` is not scored as `data` and `base`),
        never the one- or two-letter ones (`in` is in every case)."""
        parts = [] if self.known else [
            p for phrase in self.phrases for p in phrase if len(p) > MIN_PART]
        return list(dict.fromkeys([*self.terms, *parts]))


def edits1(word: str) -> set[str]:
    """Every word one edit from `word` (Norvig's spelling corrector)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    swaps = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    changes = [a + c + b[1:] for a, b in splits if b for c in ALPHABET]
    inserts = [a + c + b for a, b in splits for c in ALPHABET]
    return set(deletes + swaps + changes + inserts) - {word}


def splits(word: str) -> list[tuple[str, str]]:
    return [(word[:i], word[i:]) for i in range(MIN_PART, len(word) - MIN_PART + 1)]


def expand(words: Sequence[str], vocabulary: Vocabulary, prefix: bool) -> list[Group]:
    """One group per query word; `prefix` adds prefix alternatives to every word (`find`);
    without it (similar cases) a word gets them only when the index lacks it."""
    asked: set[str] = set()
    for w in words:
        parts = w.split()
        asked.update(parts if len(parts) > 1 else [w])
        asked.add("".join(parts))
        for a, b in splits("".join(parts)) if len(parts) == 1 else ():
            asked.update((a, b))
    known = vocabulary.known(asked) if asked else set()
    groups = [_group(w, known, vocabulary, prefix) for w in words]
    missing = [g.word for g in groups if not g.hit and len(g.word) >= MIN_TYPO
               and " " not in g.word and g.word.isalpha()]
    if missing:
        candidates = {w: edits1(w) for w in missing}
        typos = vocabulary.known(set().union(*candidates.values()))
        groups = [_corrected(g, sorted(candidates[g.word] & typos)) if g.word in candidates
                  else g for g in groups]
    return groups


def _group(word: str, known: set[str], vocabulary: Vocabulary, prefix: bool) -> Group:
    parts = word.split()
    if len(parts) > 1:
        joined = "".join(parts)
        terms = (joined,) if joined in known else ()
        if len(parts) == 2 and parts[1] in PARTICLES and parts[0] in known:
            terms = (parts[0], *terms)
        hit = bool(terms) or all(p in known or len(p) <= MIN_PART for p in parts)
        return Group(word, terms, (), (tuple(parts),), hit, known=joined in known)
    # (a particle may be a stop word that a store leaves out of its index)
    phrases = tuple((a, b) for a, b in splits(word)
                    if a in known and (b in known or b in PARTICLES))
    prefixes: tuple[str, ...] = ()
    if len(word) >= MIN_PREFIX and (prefix or word not in known) \
            and vocabulary.has_prefix(word):
        prefixes = (word,)
    hit = word in known or bool(prefixes) or bool(phrases)
    return Group(word, (word,), prefixes, phrases, hit, known=word in known)


def _corrected(group: Group, typos: list[str]) -> Group:
    if not typos:
        return group
    return Group(group.word, (group.word, *typos), group.prefixes, group.phrases, True,
                 group.known)


def distance(a: str, b: str, limit: int = SUGGEST_DISTANCE) -> int:
    """Levenshtein distance with adjacent swaps counted as one edit, or limit + 1 once
    it is over `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        prev2, prev = prev, row
    return prev[-1]


def nearest(word: str, vocabulary: Vocabulary, limit: int = SUGGESTIONS) -> list[str]:
    """The index's words nearest to a word it lacks (same first letter, at most
    SUGGEST_DISTANCE edits), nearest first, then shortest."""
    if not word[:1].isalpha():
        return []
    pool = vocabulary.starting(word[:1], 5000)
    # The index may hold stems (`certif` for certificate): a stem is also near when the
    # word's start is (one edit more).
    near = [(min(distance(word, w), distance(word[:len(w)], w) + 1 if len(w) > MIN_TYPO
                 else SUGGEST_DISTANCE + 1), len(w), w) for w in pool]
    return [w for d, _, w in sorted(near) if d <= SUGGEST_DISTANCE][:limit]


def suggestions(words: Sequence[str], vocabulary: Vocabulary) -> dict[str, list[str]]:
    """For each word no case holds (after stems, prefixes and one typo): the nearest words
    that would match, as the cases spell them. Both stores' `Search.suggestions`."""
    misses = [g.word for g in expand(words, vocabulary, prefix=True) if not g.hit]
    out: dict[str, list[str]] = {}
    for word in misses:
        shown = [vocabulary.surface(t) for t in nearest(word, vocabulary)]
        out[word] = list(dict.fromkeys(w for w in shown if w))
    return out
