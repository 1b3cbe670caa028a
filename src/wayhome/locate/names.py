"""Place-name keys that match across scripts, transliteration schemes and Russian case endings."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from anyascii import anyascii

# Spellings that different romanisation schemes (GOST, BGN/PCGN, ISO 9, German, French,
# passport rules) give the same Cyrillic letter; each is folded to one spelling, longest first.
_SCHEME_FOLDS: tuple[tuple[str, str], ...] = (
    ("shch", "sh"),
    ("tsch", "ch"),
    ("sch", "sh"),
    ("tch", "ch"),
    ("zh", "j"),
    ("kh", "h"),
    ("tz", "c"),
    ("ts", "c"),
    ("cz", "ch"),
    ("w", "v"),
    ("x", "ks"),
    ("q", "k"),
    ("y", "i"),
    ("j", "i"),
)
_NOT_LETTER = re.compile(r"[^a-z]+")
_REPEATS = re.compile(r"(.)\1+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)

# Russian noun and adjective endings of place names and the nominative endings they may come
# from: «в Макарихе» → Макариха, «из Твери» → Тверь, «в Нижнем Новгороде» → Нижний Новгород.
_RUSSIAN_ENDINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ами", ("и", "ы", "")),
    ("ями", ("и",)),
    ("ого", ("ый", "ой", "ое", "о")),
    ("его", ("ий", "ее", "е")),
    ("ому", ("ый", "ой", "ое", "о")),
    ("ему", ("ий", "ее", "е")),
    ("ах", ("и", "ы", "")),
    ("ях", ("и",)),
    ("ам", ("и", "ы", "")),
    ("ям", ("и",)),
    ("ой", ("а", "ая", "ый", "ой")),
    ("ей", ("я", "ь", "ая", "яя", "ий")),
    ("ою", ("а",)),
    ("ом", ("", "о", "ый", "ой")),
    ("ем", ("ь", "е", "ий", "й")),
    ("ым", ("ый", "ые", "ы")),
    ("им", ("ий", "ие", "и")),
    ("ую", ("ая",)),
    ("юю", ("яя",)),
    ("ов", ("ы", "")),
    ("ев", ("и", "")),
    ("е", ("а", "я", "", "о", "ь", "й")),
    ("и", ("а", "я", "ь", "")),
    ("ы", ("а", "")),
    ("у", ("а", "", "о")),
    ("ю", ("я", "ь", "й")),
    ("а", ("", "о", "ь")),
    ("я", ("ь", "й", "е")),
)
_MIN_STEM = 3
# Prepositions a place name is often stated with («в Параньге», "near Tver"): a name that
# starts with one is also looked up without it.
LEADING_PREPOSITIONS = frozenset(
    {"в", "во", "из", "изо", "под", "около", "возле", "близ", "у", "до", "к", "ко", "с", "со",
     "г", "г.", "город", "село", "деревня", "пос", "пос.", "посёлок", "поселок",
     "in", "at", "from", "near", "to", "around", "outside"}
)  # fmt: skip


def fold_name(name: str) -> str:
    """Return the loose matching key of a place name: Latin letters only, one spelling per sound."""
    text = anyascii(unicodedata.normalize("NFC", name)).lower()
    text = text.replace("'", "").replace("`", "")
    text = _NOT_LETTER.sub("", text)
    for source, target in _SCHEME_FOLDS:
        text = text.replace(source, target)
    text = text.replace("ie", "e").replace("io", "e")
    return _REPEATS.sub(r"\1", text)


def name_hash(key: str) -> int:
    """Return a stable signed 64-bit hash of a folded key, used as the gazetteer's index."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def is_cyrillic(text: str) -> bool:
    """Say whether a word is written in Cyrillic letters."""
    return _CYRILLIC.search(text) is not None


def nominative_candidates(word: str) -> list[str]:
    """List the dictionary forms a Russian word may be an inflection of, the word itself first."""
    forms = [word]
    if not is_cyrillic(word):
        return forms
    lower = word.lower()
    for ending, replacements in _RUSSIAN_ENDINGS:
        if lower.endswith(ending) and len(lower) - len(ending) >= _MIN_STEM:
            stem = word[: len(word) - len(ending)]
            for replacement in replacements:
                candidate = stem + replacement
                if candidate not in forms:
                    forms.append(candidate)
    return forms


def phrase_candidates(words: Iterable[str]) -> list[tuple[str, bool]]:
    """List the dictionary forms of a phrase of a few words, each with whether it is inflected."""
    options: list[list[str]] = [nominative_candidates(word) for word in words]
    phrases: list[tuple[str, bool]] = [("", False)]
    for word_forms in options:
        phrases = [
            ((prefix + " " + form).strip(), inflected or index > 0)
            for prefix, inflected in phrases
            for index, form in enumerate(word_forms)
        ]
        if len(phrases) > 400:
            phrases = phrases[:400]
    return phrases


def without_preposition(words: list[str]) -> list[str] | None:
    """Return a stated name's words less a leading preposition, or None when it has none."""
    if len(words) > 1 and words[0].lower() in LEADING_PREPOSITIONS:
        return words[1:]
    return None


def words_of(text: str) -> list[tuple[str, int]]:
    """Split free text into words with their character offsets, keeping hyphenated names whole."""
    return [(match.group(0), match.start()) for match in _WORD.finditer(text)]
