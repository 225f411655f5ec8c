"""German words for the index: tokens, stems, and the snippet that shows why an entry was found.

Pure functions: SQLite's FTS5 indexes these stems (it has no German stemmer of its own), and the snippets of
both engines mark the words whose stem the query has, so "Haushalts" is marked where "Haushalt" was asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

WORD = re.compile(r"\w+", re.UNICODE)
SNIPPET_WORDS = 30


@lru_cache(maxsize=1)
def _stemmer() -> snowballstemmer.Stemmer:
    return snowballstemmer.stemmer("german")


def words(text: str) -> list[str]:
    return WORD.findall(text)


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    return str(_stemmer().stemWord(word.casefold()))


def stems(text: str) -> list[str]:
    return [stem(word) for word in words(text)]


def index_terms(*texts: str | None) -> str:
    """What FTS5 indexes: the stems of all texts, separated by spaces."""
    return " ".join(" ".join(stems(text)) for text in texts if text)


def fts5_query(query: str) -> str | None:
    """Every word of the query must occur (as its stem); quoted, so no word is taken as FTS5 syntax."""
    terms = sorted(set(stems(query)))
    if not terms:
        return None
    return " ".join('"' + term.replace('"', "") + '"' for term in terms)


@dataclass(frozen=True)
class Fragment:
    text: str
    marked: bool


def snippet(text: str, query: str, length: int = SNIPPET_WORDS) -> list[Fragment]:
    """About ``length`` words of ``text`` around the first word that matches the query, matches marked.

    Returns fragments for the template to escape and mark up; the start of the text when nothing matches.
    """
    wanted = set(stems(query))
    tokens = list(WORD.finditer(text))
    if not tokens:
        return []
    first = next((i for i, token in enumerate(tokens) if stem(token.group()) in wanted), 0)
    start = max(0, first - length // 3)
    end = min(len(tokens), start + length)
    fragments: list[Fragment] = []
    if start > 0:
        fragments.append(Fragment("… ", False))
    cursor = tokens[start].start()
    for token in tokens[start:end]:
        if stem(token.group()) in wanted:
            if token.start() > cursor:
                fragments.append(Fragment(text[cursor : token.start()], False))
            fragments.append(Fragment(token.group(), True))
            cursor = token.end()
    tail_end = tokens[end - 1].end()
    if tail_end > cursor:
        fragments.append(Fragment(text[cursor:tail_end], False))
    if end < len(tokens):
        fragments.append(Fragment(" …", False))
    return fragments
