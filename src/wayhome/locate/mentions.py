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
# What may follow a name that opens a text or a line for it to stand alone as a place («Тверь,
# 3 мая», "Kasimov" on its own line), rather than open a sentence.
_STANDALONE_AFTER = frozenset(",;:|(—–-")
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


def _candidate_starts(words: list[tuple[str, int]], text: str) -> list[tuple[int, bool]]:
    """Return word positions where a place name may begin, each with whether it opens a line or
    a sentence (then it is a place only when it stands alone)."""
    starts = []
    for position, (word, offset) in enumerate(words):
        previous = words[position - 1][0].lower() if position else ""
        if position and "\n" in text[words[position - 1][1] : offset]:
            previous = ""  # a cue word at the end of the line before does not cue this one
        before = text[:offset].rstrip()
        sentence_start = not before or before[-1] in ".!?\n"
        line_start = not text[:offset].strip() or text[:offset].rstrip(" \t").endswith("\n")
        lowered = word.lower()
        if lowered in LOCATIVE_WORDS:
            continue  # "in from", "at the town": the cue word itself is never the place
        if never_a_place(word):
            continue
        lower_after_ambiguous = previous in AMBIGUOUS_CUES and not word[:1].isupper()
        cued = previous in LOCATIVE_WORDS and not lower_after_ambiguous
        capitalised = word[:1].isupper() and lowered not in COMMON_CAPITALISED and len(word) >= 3
        if (cued and lowered not in COMMON_CAPITALISED) or (capitalised and not sentence_start):
            starts.append((position, False))
        elif capitalised and line_start:
            starts.append((position, True))
    return starts


def _joined(words: list[tuple[str, int]], text: str, start: int, length: int) -> bool:
    """Say whether words start..start+length are one phrase: only spaces between them, never a
    line break, punctuation or digits («во Владимире⏎2026-08-03T18:22Z» is one word)."""
    for (word, offset), (_, following) in zip(
        words[start : start + length - 1], words[start + 1 : start + length], strict=True
    ):
        gap = text[offset + len(word) : following]
        if not gap or gap.strip(" \t\u00a0"):
            return False
    return True


def _stands_alone(text: str, end: int) -> bool:
    """Say whether a name ending at `end` is followed by the end of its line or a separator."""
    rest = text[end:].lstrip(" \t\u00a0")
    return not rest or rest[0] == "\n" or rest[0] in _STANDALONE_AFTER


def find_mentions(text: str, gazetteer: Gazetteer) -> list[Mention]:
    """Return the place mentions of a text, longest name first at each position."""
    words = words_of(text)
    mentions: list[Mention] = []
    covered_until = -1
    for start, only_alone in _candidate_starts(words, text):
        if start <= covered_until:
            continue
        for length in range(min(MAX_WORDS, len(words) - start), 0, -1):
            phrase_words = [word for word, _ in words[start : start + length]]
            if length > 1 and not all(word[:1].isupper() for word in phrase_words[1:]):
                continue
            if length > 1 and not _joined(words, text, start, length):
                continue
            if any(never_a_place(word) for word in phrase_words[1:]):
                continue
            if len(phrase_words[0]) < 3:
                break
            end = words[start + length - 1][1] + len(words[start + length - 1][0])
            if only_alone and not _stands_alone(text, end):
                continue
            matches = gazetteer.find(" ".join(phrase_words))
            if matches:
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
