"""Finding texts and words that are alike without comparing every pair: a bank of 10,000 questions has 50 million
pairs, far too many to compare one by one in the time an author waits for `lint`."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from itertools import combinations

# Room for rounding: 0.7 * 10 is 7.000000000000001, whose ceiling would ask for one shared word too many.
_EPSILON = 1e-9


def fold(text: str) -> str:
    """Text as compared for sameness: case and Unicode variants folded, punctuation that only shapes a sentence
    dropped; symbols that name things (C++, C#) kept."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[.,;:!?'\"()\[\]{}\u2018\u2019\u201c\u201d\u2014\u2013-]", " ", folded).split())


def jaccard(first: frozenset[str], second: frozenset[str]) -> float:
    """Shared words over all words: 1 for the same set, 0 for sets with nothing in common."""
    shared = len(first & second)
    return shared / (len(first) + len(second) - shared) if first or second else 1.0


def similar_pairs(sets: Sequence[frozenset[str]], threshold: float) -> Iterator[tuple[int, int, float]]:
    """Every pair of indexes (i < j) whose sets have a Jaccard similarity of at least `threshold` (over 0.5),
    exactly, without comparing every pair.

    Prefix filtering (Bayardo, Ma and Srikant, "Scaling up all pairs similarity search", 2007), on pairs of
    words: with each set's words ordered rarest first, two sets that similar share at least ceil(t|s|) words
    with each other, so their first two shared words are among the first |s| - ceil(t|s|) + 2 of each. Sets are
    compared only when they hold the same two words there: two rare words together, which questions cut from
    one template ("How does a ... affect the ...?") rarely share, where a single word would pair each with
    hundreds. Above 0.5 a set of one word can only be like another of one word, so those pair on that word."""
    frequency = Counter(word for words in sets for word in words)
    rank = {word: position for position, word in enumerate(sorted(frequency, key=lambda word: (frequency[word], word)))}
    index: dict[tuple[int, ...], list[int]] = {}  # two words' ranks (or one) → the sets holding them early
    for current, words in enumerate(sets):
        size = len(words)
        ranked = sorted(rank[word] for word in words)
        prefix = ranked[:size - math.ceil(threshold * size - _EPSILON) + 2]
        keys: Iterable[tuple[int, ...]] = [tuple(prefix)] if size == 1 else combinations(prefix, 2)
        candidates: set[int] = set()
        for key in keys:
            holders = index.setdefault(key, [])
            candidates.update(holders)
            holders.append(current)
        for other in candidates:
            similarity = jaccard(words, sets[other])
            if similarity >= threshold - _EPSILON:
                yield other, current, similarity


def edit_distance(first: str, second: str, limit: int) -> int:
    """Levenshtein distance, or limit + 1 as soon as it must exceed `limit`."""
    if abs(len(first) - len(second)) > limit:
        return limit + 1
    previous = list(range(len(second) + 1))
    for row, left in enumerate(first, start=1):
        current = [row]
        for column, right in enumerate(second, start=1):
            current.append(min(previous[column] + 1, current[column - 1] + 1,
                               previous[column - 1] + (left != right)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return min(previous[-1], limit + 1)


def _deletions(word: str, limit: int) -> set[str]:
    """The word with up to `limit` characters deleted, every way."""
    variants = {word}
    for count in range(1, min(limit, len(word)) + 1):
        variants.update("".join(kept) for kept in combinations(word, len(word) - count))
    return variants


def close_words(words: Iterable[str], queries: Iterable[str], limit: int) -> dict[str, list[str]]:
    """For each query, the words (other than itself) within `limit` edits. Two words within k edits share a way of
    deleting up to k characters from each (symmetric deletion, as in SymSpell), so each query is compared only
    with the words that share one, not with every word."""
    by_variant: dict[str, set[str]] = {}
    for word in words:
        for variant in _deletions(word, limit):
            by_variant.setdefault(variant, set()).add(word)
    found = {}
    for query in queries:
        candidates = set().union(*(by_variant.get(variant, set()) for variant in _deletions(query, limit)))
        found[query] = sorted(word for word in candidates - {query} if edit_distance(query, word, limit) <= limit)
    return found
