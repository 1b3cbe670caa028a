"""Comparison keys and similarity for person names written in different scripts and spellings.

Every name part is transliterated under all schemes (see `translit`), then reduced to a
"skeleton" that forgets the differences schemes disagree on (kh/h/ch, y/i/j, w/v, -off/-ov,
double letters). Two parts agree when their skeleton sets meet, or when both belong to the same
given-name group (Дима ~ Dmitri); otherwise Jaro–Winkler on skeletons measures typos.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import permutations
from operator import itemgetter

from rigour.text.distance import jaro_winkler

from wayhome.errors import InvalidInput
from wayhome.linking.given_names import GIVEN_NAME_GROUPS, dictionary_groups, unisex_names
from wayhome.linking.translit import is_patronymic, strip_accents, transliterations

_SPLIT = re.compile(r"[\s,;/]+|(?<=\w)-(?=\w)|\.(?=\S)")
_SKELETON_RULES: list[tuple[str, str]] = [
    (r"[^a-z]", ""),
    # French writes г before e/i as "gu" (Evgueni, Guennadi: Евгений, Геннадий).
    (r"gu(?=[eiy])", "g"),
    # ё after a consonant: e (ICAO, passports), yo/io/jo (BGN, GOST, English, German):
    # Pyotr, Pjotr and Petr, Oryol and Orel, Semyon and Semen meet.
    (r"(?<=[bcdfgklmnprstvz])[yij]o", "e"),
    (r"schtsch|shch|chtch|shh", "S"),
    (r"tsch|tch", "C"),
    (r"sch|sh", "S"),
    (r"zh", "Z"),
    (r"kh", "H"),
    (r"ch", "C"),
    (r"ts|tz|cz", "C"),
    (r"c(?=[eiy])", "C"),
    (r"c", "k"),
    (r"ck", "k"),
    (r"x", "ks"),
    (r"ph", "f"),
    (r"w", "v"),
    (r"ff$", "v"),
    (r"ou", "u"),
    (r"[yj]", "i"),
    (r"i(?=[aou])", ""),
    (r"(?:^|(?<=[aeiou]))i(?=e)", ""),
    (r"(.)\1+", r"\1"),
]
_COMPILED_RULES = [(re.compile(p), r) for p, r in _SKELETON_RULES]
# For each rule, a text every match of it contains, or None when a match need not hold one
# text: a rule whose text the spelling lacks cannot change it and is skipped (`in` is cheaper
# than a pattern's search).
_RULE_NEEDLES: list[str | None] = [
    None, "gu", "o", "h", "ch", "h", "zh", "kh", "ch", None, "c", "c", "ck", "x", "ph", "w",
    "ff", "ou", None, "i", "ie", None,
]  # fmt: skip
# A doubled letter's replacement, `\1`, as a C-level callable: a template string costs a call
# into Python's `re` for every substitution.
_FIRST_GROUP = itemgetter(1)
_SKELETON_STEPS: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str], str | None]] = [
    (pattern, _FIRST_GROUP if replacement == r"\1" else replacement, needle)
    for (pattern, replacement), needle in zip(_COMPILED_RULES, _RULE_NEEDLES, strict=True)
]


@lru_cache(maxsize=200_000)
def skeleton(latin: str) -> str:
    """Reduce a Latin spelling to the key that transliteration schemes agree on (cached: the
    schemes mostly agree, and words recur)."""
    out = strip_accents(latin.lower())  # BGN/PCGN writes ё as ë: Pëtr is Petr, not "ptr"
    # The first rule drops all but a-z: nothing to drop when the text is a-z only.
    letters_only = out.isascii() and out.isalpha() and out.islower()
    for pattern, replacement, needle in _SKELETON_STEPS[1:] if letters_only else _SKELETON_STEPS:
        if needle is None or needle in out:
            out = pattern.sub(replacement, out)
    return out.lower()


# A name already in Latin letters was spelled under some scheme we cannot see: х is kh (ICAO),
# h (English), x (GOST 7.79 B) or ch (German), and anyascii writes Greek ου as oy. A Latin word
# gets the skeletons of these readings too, so Suchowskij, Suxovskij and Sukhovskij meet.
_LATIN_READINGS = [
    (re.compile(r"(?<![st])ch"), "kh"),
    (re.compile(r"x"), "kh"),
    (re.compile(r"oy"), "ou"),
]


def latin_readings(spelling: str) -> set[str]:
    """The spelling and its readings under the schemes that disagree on х and ου."""
    out = {spelling.lower()}
    for pattern, replacement in _LATIN_READINGS:
        out |= {pattern.sub(replacement, s) for s in out}
    return out


@lru_cache(maxsize=200_000)
def _part_skeletons(part: str) -> frozenset[str]:
    """All skeletons of one name part, across the transliteration schemes of its script."""
    return _skeletons_of(transliterations(part))


def _skeletons_of(spellings: dict[str, str]) -> frozenset[str]:
    """All skeletons of a part's spellings (`translit.transliterations`)."""
    latin = spellings.get("latin")
    values = set(spellings.values()) | (latin_readings(latin) if latin else set())
    return frozenset(s for s in (skeleton(v) for v in values) if s)


def _main_skeleton(spellings: dict[str, str]) -> str:
    """The skeleton most schemes give a part (a Latin part: its own spelling's), ties shortest.

    The primary key must come out the same whichever script a name arrived in. The shortest of
    all skeletons did not: a lossy scheme (ISO 9 folds ш and щ to s, French writes ш as ch) made
    Шевченко "cevcenko" and Юлия "ula" while Shevchenko and Yuliya are "sevcenko" and "ulia".
    """
    written = [spellings["latin"]] if "latin" in spellings else list(spellings.values())
    votes = Counter(s for s in (skeleton(v) for v in written) if s)
    if not votes:
        return ""
    return min(votes, key=lambda s: (-votes[s], len(s), s))


def _build_group_index(
    groups: dict[str, tuple[str, ...]], prefix: str = ""
) -> dict[str, frozenset[str]]:
    """Map every skeleton of every given-name group member to the group names it belongs to."""
    index: dict[str, set[str]] = {}
    for group, members in groups.items():
        for member in members:
            for key in _part_skeletons(member):
                index.setdefault(key, set()).add(prefix + group)
    return {key: frozenset(found) for key, found in index.items()}


# The project's groups name a part's primary key; the dictionary's add keys (`given_names`).
_GROUP_INDEX = _build_group_index(GIVEN_NAME_GROUPS)


@lru_cache(maxsize=1)
def _dictionary_index() -> dict[str, frozenset[str]]:
    """The dictionary's groups by skeleton, built on the first name analysed, not at import."""
    return _build_group_index(dictionary_groups(), "d.")


@lru_cache(maxsize=1)
def _unisex_keys() -> frozenset[str]:
    """Skeletons of the names the dictionary gives to both sexes, built on first use."""
    return frozenset(
        key for name in unisex_names() if name.isalpha() for key in _part_skeletons(name)
    )


@dataclass(frozen=True)
class NamePart:
    """One word of a name with its spellings reduced to comparison keys."""

    text: str
    skeletons: frozenset[str]
    groups: frozenset[str]
    patronymic: bool
    initial: bool
    primary: str  # one stable key: the given-name group, else the skeleton most schemes give
    unisex: bool = False  # a given name borne by both sexes (Саша, Женя)


@dataclass(frozen=True)
class NameComparison:
    """How alike two names are (0..1) and why, part by part."""

    score: float
    explanation: list[str]


def split_name(name: str, *, location: str = "name") -> list[str]:
    """Split a full name into words on spaces, commas, hyphens and dots."""
    if not name or not name.strip():
        raise InvalidInput("empty name", location=location)
    words = [w.strip(".'’-") for w in _SPLIT.split(name.strip())]
    return [w for w in words if w]


# Feminine endings of East Slavic surnames and the masculine form each stands beside (as
# skeletons): Иванова/Иванов, Ковальова/Ковальов, Пушкина/Пушкин, Достоевская/Достоевский. A
# woman's surname written in the masculine form (a clerk, a foreign form) is still her surname,
# and a brother and sister share it.
_FEMININE_ENDINGS = (("ova", "ov"), ("eva", "ev"), ("ina", "in"), ("ska", "ski"), ("cka", "cki"))
MIN_FEMININE_STEM = 3


def _masculine_forms(skeletons: frozenset[str]) -> frozenset[str]:
    """The masculine skeleton of each feminine-ending surname skeleton (a stem of at least
    `MIN_FEMININE_STEM` letters: Нина is not a surname "Nin")."""
    return frozenset(
        key[: -len(ending)] + base
        for key in skeletons
        for ending, base in _FEMININE_ENDINGS
        if key.endswith(ending) and len(key) - len(ending) >= MIN_FEMININE_STEM
    )


@lru_cache(maxsize=200_000)
def name_part(word: str, location: str = "name") -> NamePart:
    """Analyse one word of a name into its comparison keys (its spellings are worked out
    once, for its skeletons and its main skeleton both)."""
    spellings = transliterations(word)
    skeletons = _skeletons_of(spellings)
    if not skeletons:
        raise InvalidInput(f"{word!r} has no usable letters", location=location)
    own: set[str] = set()
    listed: set[str] = set()
    dictionary = _dictionary_index()
    for key in skeletons:
        own |= _GROUP_INDEX.get(key, frozenset())
        listed |= dictionary.get(key, frozenset())
    if not own and not listed:
        skeletons |= _masculine_forms(skeletons)
    initial = len(word) == 1
    main = _main_skeleton(spellings) or min(skeletons, key=lambda s: (len(s), s))
    # The project's group names the primary key (stable whatever the spelling); a name only
    # the dictionary knows is named by its dictionary group.
    primary = "g:" + min(own or listed) if own or listed else main
    male_and_female = any(g + "a" in own for g in own)
    return NamePart(
        text=word,
        skeletons=skeletons,
        groups=frozenset(own | listed),
        patronymic=is_patronymic(word),
        initial=initial,
        primary=primary,
        unisex=male_and_female or bool(skeletons & _unisex_keys()),
    )


def parse_name(name: str, *, location: str = "name") -> list[NamePart]:
    """Turn a full name into its analysed parts."""
    return list(_parse_name(name, location))


@lru_cache(maxsize=200_000)
def _parse_name(name: str, location: str) -> tuple[NamePart, ...]:
    """Cached body of parse_name."""
    words = split_name(name, location=location)
    if not words:
        raise InvalidInput("name has no words", location=location)
    parts = [name_part(w, location) for w in words]
    if len(parts) < 3:
        # With two words, an -ovich word is a surname (Карпович), not a patronymic.
        parts = [replace(p, patronymic=False) if p.patronymic else p for p in parts]
    return tuple(parts)


def name_keys(name: str) -> set[str]:
    """The canonical comparison keys of a name: part skeletons and given-name groups."""
    return _name_keys(_parse_name(name, "name"))


def _name_keys(parsed: Sequence[NamePart]) -> set[str]:
    """`name_keys` of a parsed name."""
    keys: set[str] = set()
    for part in parsed:
        if part.initial or part.patronymic:  # patronymics have their own comparison
            continue
        keys |= part.skeletons
        keys |= {"g:" + g for g in part.groups}
    return keys


def _primary_parts(parsed: Sequence[NamePart]) -> Sequence[NamePart]:
    """The parts the primary key is made of: patronymics and initials left out (unless that
    leaves nothing)."""
    parts = _core_parts(parsed)
    return parts or parsed


def _core_parts(parsed: Sequence[NamePart]) -> list[NamePart]:
    """The parts that are neither patronymics nor initials."""
    return [p for p in parsed if not p.patronymic and not p.initial]


def primary_name_key(name: str) -> str:
    """One order-free key for a whole name (parts' primary keys, patronymics left out, sorted)."""
    return _primary_name_key(_parse_name(name, "name"))


def _primary_name_key(parsed: Sequence[NamePart]) -> str:
    """`primary_name_key` of a parsed name."""
    return " ".join(sorted(p.primary for p in _primary_parts(parsed)))


def name_part_keys(name: str) -> list[str]:
    """Each part of the primary key with all its keys, "primary,key,key…" (primary first): so a
    comparison can tell which parts of a name the other record holds under any spelling, even
    where the two records' primary keys for that part differ (Gororuschkin / Gororouchkin)."""
    return _name_part_keys(_parse_name(name, "name"))


def _name_part_keys(parsed: Sequence[NamePart]) -> list[str]:
    """`name_part_keys` of a parsed name."""
    return sorted(
        ",".join([p.primary, *sorted(_part_keys(p) - {p.primary})]) for p in _primary_parts(parsed)
    )


def name_pair_keys(name: str) -> set[str]:
    """Keys for every pair of name parts, so two records sharing two parts meet on one key."""
    return _name_pair_keys(_core_parts(_parse_name(name, "name")))


def _name_pair_keys(parts: Sequence[NamePart]) -> set[str]:
    """`name_pair_keys` of a name's parts that are neither patronymics nor initials."""
    part_keys = [_part_keys(p) for p in parts]
    keys: set[str] = set()
    for i, left in enumerate(part_keys):
        for right in part_keys[i + 1 :]:
            for a in left:
                for b in right:
                    keys.add(f"{a} {b}" if a <= b else f"{b} {a}")
    return keys


# Shorter keys are not fuzzed: one deletion from a four-letter skeleton already turns one
# given name into another (tana, from Tanya, loses its t and becomes ana, from Anya).
MIN_FUZZY_KEY_LENGTH = 5


@lru_cache(maxsize=32_768)
def _deletions(key: str) -> frozenset[str]:
    """The key and every form of it with one letter deleted (two keys one typo apart share one;
    cached for the keys that recur: at most 32,768 sets, each of a key's length + 1 strings)."""
    if len(key) < MIN_FUZZY_KEY_LENGTH or key.startswith("g:"):
        return frozenset((key,))
    return frozenset({key} | {key[:i] + key[i + 1 :] for i in range(len(key))})


def name_fuzzy_pair_keys(name: str) -> set[str]:
    """Pair keys allowing a typo in one part: one part's primary key with the other's deletions."""
    return _name_fuzzy_pair_keys(_core_parts(_parse_name(name, "name")))


def _name_fuzzy_pair_keys(parts: Sequence[NamePart]) -> set[str]:
    """`name_fuzzy_pair_keys` of a name's parts that are neither patronymics nor initials."""
    keys: set[str] = set()
    for i, left in enumerate(parts):
        for right in parts[i + 1 :]:
            for exact, fuzzy in ((left, right), (right, left)):
                primary = exact.primary
                for skeleton_key in fuzzy.skeletons:
                    for deleted in _deletions(skeleton_key):
                        keys.add(
                            f"{primary} {deleted}~"
                            if primary <= deleted
                            else f"{deleted} {primary}~"
                        )
    return keys


def surname_keys(name: str) -> set[str]:
    """Skeletons of the parts that are not given names, patronymics or initials."""
    return _surname_keys(_parse_name(name, "name"))


def _surname_keys(parsed: Sequence[NamePart]) -> set[str]:
    """`surname_keys` of a parsed name."""
    return {
        key
        for part in parsed
        if not part.groups and not part.patronymic and not part.initial
        for key in part.skeletons
    }


@dataclass(frozen=True)
class NameAnalysis:
    """Every key of one full name that the linkage model compares or blocks on."""

    primary: str
    keys: tuple[str, ...]
    pair_keys: tuple[str, ...]
    fuzzy_keys: tuple[str, ...]
    patronymics: tuple[str, ...]
    surname_keys: tuple[str, ...]
    part_keys: tuple[str, ...] = ()
    # The name's blocking keys: "p|" + each pair key, "f|" + each fuzzy pair key.
    block_keys: tuple[str, ...] = ()
    unisex: bool = False  # a given name of it is borne by both sexes


def _interned(values: Iterable[str]) -> tuple[str, ...]:
    """A sorted tuple of interned strings: the many records whose names share a key share one
    string (interned once per distinct name, not once per record)."""
    return tuple(sorted(map(sys.intern, values)))


@lru_cache(maxsize=500_000)
def analyse_name(name: str) -> NameAnalysis:
    """All comparison and blocking keys of a name (cached: names repeat across records)."""
    parsed = _parse_name(name, "name")
    core = _core_parts(parsed)
    pairs = _name_pair_keys(core)
    fuzzy = _name_fuzzy_pair_keys(core)
    pair_keys = _interned(pairs)
    fuzzy_keys = _interned(fuzzy)
    return NameAnalysis(
        primary=sys.intern(_primary_name_key(parsed)),
        keys=_interned(_name_keys(parsed)),
        pair_keys=pair_keys,
        fuzzy_keys=fuzzy_keys,
        patronymics=_interned(_patronymic_keys(parsed)),
        surname_keys=_interned(_surname_keys(parsed)),
        part_keys=tuple(map(sys.intern, _name_part_keys(parsed))),
        # Sorted as one list: every "f|" key sorts before every "p|" key.
        block_keys=(
            *(sys.intern(f"f|{k}") for k in fuzzy_keys),
            *(sys.intern(f"p|{k}") for k in pair_keys),
        ),
        unisex=any(p.unisex for p in parsed if p.groups and not p.patronymic),
    )


def patronymic_keys(name: str) -> set[str]:
    """Skeletons of the name's patronymic, if it has one."""
    return _patronymic_keys(_parse_name(name, "name"))


def _patronymic_keys(parsed: Sequence[NamePart]) -> set[str]:
    """`patronymic_keys` of a parsed name."""
    for part in parsed:
        if part.patronymic:
            return set(part.skeletons)
    return set()


def _part_keys(part: NamePart) -> set[str]:
    """Skeletons and group keys of one part."""
    return set(part.skeletons) | {"g:" + g for g in part.groups}


def part_similarity(a: NamePart, b: NamePart) -> tuple[float, str]:
    """Similarity of two name parts with the reason, from shared keys down to typos."""
    if a.initial or b.initial:
        letters_a = {s[0] for s in a.skeletons}
        letters_b = {s[0] for s in b.skeletons}
        if letters_a & letters_b:
            return 0.8, "initial agrees"
        return 0.0, "initial differs"
    shared = a.skeletons & b.skeletons
    if shared:
        how = "identical" if a.text.lower() == b.text.lower() else "same under transliteration"
        return 1.0, f"{how} ({min(shared)})"
    groups = a.groups & b.groups
    if groups:
        return 0.95, f"same given name, variant or diminutive ({min(groups)})"
    best = max(jaro_winkler(x, y) for x in a.skeletons for y in b.skeletons)
    if best >= 0.85:
        return best, f"similar spelling, likely typo (Jaro-Winkler {best:.2f})"
    return 0.0, f"different (Jaro-Winkler {best:.2f})"


def _best_alignment(
    left: list[NamePart], right: list[NamePart]
) -> list[tuple[NamePart, NamePart, float, str]]:
    """Pair the parts of two names in the order that maximises total similarity."""
    if len(left) > len(right):
        swapped = _best_alignment(right, left)
        return [(a, b, s, why) for (b, a, s, why) in swapped]
    if not left:
        return []
    sims = {(i, j): part_similarity(a, b) for i, a in enumerate(left) for j, b in enumerate(right)}
    best: tuple[float, tuple[int, ...]] = (-1.0, ())
    for perm in permutations(range(len(right)), len(left)):
        total = sum(sims[(i, j)][0] for i, j in enumerate(perm))
        if total > best[0]:
            best = (total, perm)
    return [(left[i], right[j], sims[(i, j)][0], sims[(i, j)][1]) for i, j in enumerate(best[1])]


def compare_names(a: str, b: str) -> NameComparison:
    """Score two full names 0..1 across scripts, part order, diminutives, patronymics and typos."""
    parts_a = parse_name(a, location="left")
    parts_b = parse_name(b, location="right")
    core_a = [p for p in parts_a if not p.patronymic][:6]
    core_b = [p for p in parts_b if not p.patronymic][:6]
    pat_a = [p for p in parts_a if p.patronymic]
    pat_b = [p for p in parts_b if p.patronymic]
    explanation: list[str] = []
    aligned = _best_alignment(core_a, core_b)
    total = 0.0
    for left, right, sim, why in aligned:
        total += sim
        explanation.append(f"{left.text} ~ {right.text}: {why}")
    size: float = max(len(core_a), len(core_b))
    if len(core_a) != len(core_b):
        explanation.append(f"{abs(len(core_a) - len(core_b))} name part(s) on one side only")
        # An extra middle name costs less than a disagreeing part.
        size = min(len(core_a), len(core_b)) + 0.5 * abs(len(core_a) - len(core_b))
    if pat_a and pat_b:
        sim, why = part_similarity(pat_a[0], pat_b[0])
        total += sim
        size += 1
        explanation.append(f"patronymic {pat_a[0].text} ~ {pat_b[0].text}: {why}")
    elif pat_a or pat_b:
        only = (pat_a or pat_b)[0]
        explanation.append(f"patronymic {only.text} on one side only (not counted)")
    score = total / size if size else 0.0
    if aligned and min(sim for _, _, sim, _ in aligned) == 0.0:
        score = min(score, 0.5)
    return NameComparison(score=round(min(score, 1.0), 4), explanation=explanation)
