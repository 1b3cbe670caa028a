"""Word stems for full-text search: Snowball's Russian and English stemmers, chosen per word.

Both engines index and query these stems, so «мальчика» finds «мальчик» and "posting"
finds "posted" identically on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_russian = snowballstemmer.stemmer("russian")
_english = snowballstemmer.stemmer("english")
MAX_WORD = 40


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The stem of one lower-cased word, by the stemmer of its script."""
    if _CYRILLIC.search(word):
        return str(_russian.stemWord(word.replace("ё", "е")))
    if word.isascii() and word.isalpha():
        return str(_english.stemWord(word))
    return word


def stems(text: str) -> list[str]:
    """The stems of every word of a text, in order."""
    return [stem(w) for w in _WORD.findall(text.lower()) if len(w) <= MAX_WORD]


def index_terms(text: str) -> str:
    """The text as a space-separated run of stems, for the search index."""
    return " ".join(stems(text))
