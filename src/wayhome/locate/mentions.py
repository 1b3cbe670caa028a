"""Find the places a free text mentions, in Latin or Cyrillic script and in any Russian case."""

from __future__ import annotations

from dataclasses import dataclass

from wayhome.locate.gazetteer import Gazetteer, PlaceMatch
from wayhome.locate.names import words_of

# Words after which a place name usually follows («живу в Макарихе», "I live near Tver").
LOCATIVE_WORDS = frozenset(
    {
        "в", "во", "из", "под", "около", "возле", "близ", "рядом", "у", "до", "к", "ко", "через",
        "город", "села", "село", "деревня", "деревне", "посёлок", "поселок", "посёлке",
        "поселке", "городе", "г", "с", "д", "пос",
        "in", "at", "from", "near", "to", "village", "town", "city", "around", "outside",
    }
)  # fmt: skip
# Capitalised words that start sentences or address people far more often than they name places.
COMMON_CAPITALISED = frozenset(
    {"я", "мы", "он", "она", "они", "ты", "вы", "привет", "да", "нет", "ну", "как", "это", "мама",
     "папа", "i", "we", "he", "she", "they", "you", "hi", "hello", "yes", "no", "the", "a", "my"}
)  # fmt: skip
MAX_WORDS = 3
# Cue words that also mean "with", "at someone's", "towards", "until"... («с работы», «у меня»):
# after them only a capitalised word is taken for a place, never a lower-case one.
AMBIGUOUS_CUES = frozenset({"с", "у", "к", "ко", "до", "через", "to", "at"})


def never_a_place(word: str) -> bool:
    """Words with digits (hex of keys, ids) and short all-capital acronyms (PGP, VPN) are not
    place names."""
    letters = [c for c in word if c.isalpha()]
    if any(c.isdigit() for c in word):
        return True
    return bool(letters) and len(letters) <= 4 and word.isupper()


@dataclass(frozen=True)
class Mention:
    """A stretch of text that names places, with where it starts and the places it may be."""

    text: str
    offset: int
    matches: tuple[PlaceMatch, ...]


def _candidate_starts(words: list[tuple[str, int]], text: str) -> list[int]:
    """Return word positions where a place name may begin."""
    starts = []
    for position, (word, offset) in enumerate(words):
        previous = words[position - 1][0].lower() if position else ""
        before = text[:offset].rstrip()
        sentence_start = not before or before[-1] in ".!?\n"
        lowered = word.lower()
        if lowered in LOCATIVE_WORDS:
            continue  # "in from", "at the town": the cue word itself is never the place
        if never_a_place(word):
            continue
        lower_after_ambiguous = previous in AMBIGUOUS_CUES and not word[:1].isupper()
        cued = previous in LOCATIVE_WORDS and not lower_after_ambiguous
        if (cued and lowered not in COMMON_CAPITALISED) or (
            word[:1].isupper()
            and not sentence_start
            and word.lower() not in COMMON_CAPITALISED
            and len(word) >= 3
        ):
            starts.append(position)
    return starts


def find_mentions(text: str, gazetteer: Gazetteer) -> list[Mention]:
    """Return the place mentions of a text, longest name first at each position."""
    words = words_of(text)
    mentions: list[Mention] = []
    covered_until = -1
    for start in _candidate_starts(words, text):
        if start <= covered_until:
            continue
        for length in range(min(MAX_WORDS, len(words) - start), 0, -1):
            phrase_words = [word for word, _ in words[start : start + length]]
            if length > 1 and not all(word[:1].isupper() for word in phrase_words[1:]):
                continue
            if len(phrase_words[0]) < 3:
                break
            matches = gazetteer.find(" ".join(phrase_words))
            if matches:
                end = words[start + length - 1][1] + len(words[start + length - 1][0])
                mentions.append(
                    Mention(
                        text=text[words[start][1] : end],
                        offset=words[start][1],
                        matches=tuple(matches),
                    )
                )
                covered_until = start + length - 1
                break
    return mentions
