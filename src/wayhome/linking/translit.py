"""Spell a Cyrillic (Russian, Ukrainian) or Greek name in Latin under several schemes at once.

One officer reads «Соколов» as Sokolov (ICAO 9303, the passport scheme), another wrote Sokolow
(German habit) or Sokoloff (French habit); we produce every common spelling so that any of them
meets the others. Scripts outside these tables go through `anyascii`, which covers most of
Unicode with a single lossy spelling.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from functools import lru_cache

from anyascii import anyascii
from rigour.text.translit import maybe_ascii

from wayhome.errors import InvalidInput

# The letters shared by Russian, Ukrainian and Belarusian, per scheme, lower case.
_ICAO: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu",
    "я": "ia", "і": "i", "ї": "i", "є": "ie", "ґ": "g", "ў": "u",
}  # fmt: skip
_BGN = {**_ICAO, "й": "y", "ъ": "", "ю": "yu", "я": "ya", "ё": "ë", "є": "ye", "ї": "yi"}
# GOST 7.79-2000 system B (Latin letters only) and ISO 9 with its diacritics folded away.
_GOST_B = {
    **_ICAO, "ё": "yo", "й": "j", "х": "x", "ц": "cz", "щ": "shh", "ъ": "", "ы": "y",
    "э": "e", "ю": "yu", "я": "ya", "ї": "yi", "є": "ye",
}  # fmt: skip
_ISO9 = {
    **_ICAO, "ж": "z", "й": "j", "х": "h", "ц": "c", "ч": "c", "ш": "s", "щ": "s", "ъ": "",
    "ю": "u", "я": "a", "є": "e",
}  # fmt: skip
# Ukrainian national scheme (KMU 2010): г is h, и is y.
_UKRAINIAN = {
    **_ICAO, "г": "h", "и": "y", "й": "i", "ю": "iu", "я": "ia", "є": "ie", "ї": "i",
}  # fmt: skip
_GERMAN = {
    **_ICAO, "в": "w", "ж": "sh", "й": "j", "х": "ch", "ц": "z", "ч": "tsch", "ш": "sch",
    "щ": "schtsch", "ю": "ju", "я": "ja", "ъ": "", "ы": "y",
}  # fmt: skip
_FRENCH = {
    **_ICAO, "ж": "j", "й": "i", "у": "ou", "х": "kh", "ч": "tch", "ш": "ch", "щ": "chtch",
    "ю": "iou", "я": "ia",
}  # fmt: skip
_ENGLISH = {**_BGN, "ё": "yo", "х": "h"}

# Greek: ELOT 743 (the Greek passport scheme) and a phonetic spelling common in foreign reports.
_GREEK_ELOT: dict[str, str] = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th",
    "ι": "i", "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p",
    "ρ": "r", "σ": "s", "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps",
    "ω": "o",
}  # fmt: skip
_GREEK_ELOT_DIGRAPHS = [("ου", "ou"), ("αυ", "av"), ("ευ", "ev"), ("γγ", "ng"), ("γκ", "gk"),
                        ("μπ", "mp"), ("ντ", "nt")]  # fmt: skip
_GREEK_PHONETIC = {**_GREEK_ELOT, "υ": "i", "χ": "h"}
_GREEK_PHONETIC_DIGRAPHS = [("ου", "ou"), ("αι", "e"), ("ει", "i"), ("οι", "i"), ("αυ", "av"),
                            ("ευ", "ev"), ("^μπ", "b"), ("^ντ", "d"), ("^γκ", "g"), ("γγ", "ng"),
                            ("μπ", "mb"), ("ντ", "nd"), ("γκ", "ng")]  # fmt: skip

_EMOJI_NAME = re.compile(r":[a-z0-9_]+:")
_LATIN_LETTER = re.compile(r"[a-z]")
_VOWELS_RU = "аеёиоуыэюяіїєaeiouy"
_AFTER_VOWEL = _VOWELS_RU + "ъь"
_PATRONYMIC_CYR = re.compile(r"(вич|вна|ична|ьич|ич)$")
# -ович/-евич, -овна/-евна/-івна and -ична as the schemes above write them (French -evitch,
# German -ewitsch and -owna/-ewna/-iwna included).
_PATRONYMIC_LATIN = re.compile(
    r"([oe](?:vich|vych|vitch|witsch)|[oei][vw]na|(?:ich|ych|itch|itsch)na)$"
)


def _bgn_context(word: str) -> str:
    """BGN/PCGN writes е as ye at the start of a word and after a vowel, ъ or ь."""
    out = []
    for i, ch in enumerate(word):
        if ch == "е" and (i == 0 or word[i - 1] in _AFTER_VOWEL):
            out.append("ye")
        elif ch == "ё" and (i == 0 or word[i - 1] in _AFTER_VOWEL):
            out.append("yo")
        else:
            out.append(ch)
    return "".join(out)


def _ending(word: str, cyrillic: str, latin: str) -> str:
    """Replace a Cyrillic word ending by a Latin one before the letter table runs."""
    if word.endswith(cyrillic):
        return word[: -len(cyrillic)] + latin
    return word


def _translation(table: Mapping[str, str]) -> dict[int, str]:
    """A letter table as `str.translate` takes it (by code point): each letter found in the
    table is replaced, the others left untouched."""
    if any(len(letter) != 1 for letter in table):
        raise ValueError("a letter table maps single letters")
    return {ord(k): v for k, v in table.items()}


def _digraphs(word: str, pairs: list[tuple[re.Pattern[str], str]]) -> str:
    """Apply ordered digraph rules (a leading ^ anchors the rule at the start of the word)."""
    for pattern, latin in pairs:
        word = pattern.sub(latin, word)
    return word


def _compiled(pairs: list[tuple[str, str]]) -> list[tuple[re.Pattern[str], str]]:
    """Digraph rules with their patterns compiled once."""
    return [(re.compile(pattern), latin) for pattern, latin in pairs]


def _scheme(
    table: Mapping[str, str], prepare: Callable[[str], str] | None = None
) -> Callable[[str], str]:
    """Build one word-level transliterator from a letter table and an optional context step."""
    translation = _translation(table)

    def apply(word: str) -> str:
        if prepare is not None:
            word = prepare(word)
        return word.translate(translation)

    return apply


_ELOT_RULES = _compiled(_GREEK_ELOT_DIGRAPHS)
_PHONETIC_RULES = _compiled(_GREEK_PHONETIC_DIGRAPHS)
_ELOT_LETTERS = _translation(_GREEK_ELOT)
_PHONETIC_LETTERS = _translation(_GREEK_PHONETIC)

_CYRILLIC_SCHEMES: dict[str, Callable[[str], str]] = {
    "icao9303": _scheme(_ICAO),
    "bgn_pcgn": _scheme(_BGN, _bgn_context),
    "gost7.79b": _scheme(_GOST_B),
    "iso9": _scheme(_ISO9),
    "ukrainian_national": _scheme(_UKRAINIAN),
    "informal_english": _scheme(
        _ENGLISH, lambda w: _ending(_ending(_bgn_context(w), "ий", "y"), "ый", "y")
    ),
    "informal_german": _scheme(
        _GERMAN, lambda w: _ending(_ending(_ending(w, "ов", "ow"), "ев", "ew"), "ий", "ij")
    ),
    "informal_french": _scheme(
        _FRENCH, lambda w: _ending(_ending(_ending(w, "ов", "off"), "ев", "eff"), "ий", "i")
    ),
}
_GREEK_SCHEMES: dict[str, Callable[[str], str]] = {
    "elot743": lambda w: _digraphs(w, _ELOT_RULES).translate(_ELOT_LETTERS),
    "greek_phonetic": lambda w: _digraphs(w, _PHONETIC_RULES).translate(_PHONETIC_LETTERS),
}


_KEEP_ACCENTED = frozenset("йёїЙЁЇ")


def strip_accents(text: str) -> str:
    """Remove combining accents (Greek tonos, Latin diacritics) but keep й, ё, ї as letters."""
    if text.isascii():
        return text
    return _strip_accents(text)


@lru_cache(maxsize=200_000)
def _strip_accents(text: str) -> str:
    """`strip_accents` of a non-ASCII text (cached: name words and their spellings recur)."""
    out = []
    for ch in text:
        if ch in _KEEP_ACCENTED:
            out.append(ch)
            continue
        decomposed = unicodedata.normalize("NFD", ch)
        out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    return unicodedata.normalize("NFC", "".join(out))


@lru_cache(maxsize=200_000)
def script_of(word: str) -> str:
    """Name the script a word is written in: latin, cyrillic, greek or other."""
    scripts = set()
    for ch in word:
        if not ch.isalpha():
            continue
        name = unicodedata.name(ch, "")
        if name.startswith("LATIN"):
            scripts.add("latin")
        elif name.startswith("CYRILLIC"):
            scripts.add("cyrillic")
        elif name.startswith("GREEK"):
            scripts.add("greek")
        else:
            scripts.add("other")
    if len(scripts) == 1:
        return scripts.pop()
    if not scripts:
        return "none"
    return "mixed"


def is_patronymic(word: str) -> bool:
    """Say whether a Cyrillic or Latin word looks like an East Slavic patronymic."""
    lower = word.lower()
    if _PATRONYMIC_CYR.search(lower) and len(lower) >= 5:
        return True
    return bool(_PATRONYMIC_LATIN.search(lower))


def transliterations(word: str, *, location: str = "name") -> dict[str, str]:
    """Spell one word in lower-case Latin under every scheme that applies to its script."""
    lower = strip_accents(word.strip().lower())
    if not lower:
        raise InvalidInput("empty name part", location=location)
    script = script_of(lower)
    if script == "latin":
        return {"latin": lower}
    if script in {"cyrillic", "greek"}:
        schemes = _CYRILLIC_SCHEMES if script == "cyrillic" else _GREEK_SCHEMES
        spellings = {name: scheme(lower) for name, scheme in schemes.items()}
        # Other libraries' single spellings, as other agencies' software writes them.
        spellings["anyascii"] = anyascii(lower).lower()
        spellings["rigour"] = maybe_ascii(lower).lower()
        return spellings
    if script == "none":
        raise InvalidInput(f"{word!r} contains no letters", location=location)
    fallback = anyascii(lower).lower()
    fallback = _EMOJI_NAME.sub("", fallback)  # anyascii spells emoji as :name:
    if not _LATIN_LETTER.search(fallback):
        raise InvalidInput(f"{word!r} has no Latin transliteration", location=location)
    return {"anyascii": fallback}
