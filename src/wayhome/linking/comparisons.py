"""The person comparisons of the linkage model, written once for Splink (SQL) and once in Python.

Each level carries a Splink level creator (so the same model runs on DuckDB and Spark) and the
equivalent Python test (so a single new record can be scored against stored ones without a
database). Levels are listed from the strongest agreement down to "else", as Splink expects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rigour.text.distance import jaro_winkler, levenshtein

from wayhome.linking.records import PersonFeatures

Test = Callable[[PersonFeatures, PersonFeatures], bool]


@dataclass(frozen=True)
class LevelSpec:
    """One comparison level: its label, its Splink creator and its Python twin."""

    label: str
    splink: Callable[[], Any]
    test: Test
    is_null: bool = False
    tf_column: str | None = None


@dataclass(frozen=True)
class ComparisonSpec:
    """One comparison (name, birth, ...) as an ordered list of levels."""

    name: str
    description: str
    levels: tuple[LevelSpec, ...]

    def level_of(self, left: PersonFeatures, right: PersonFeatures) -> int:
        """Index of the first level whose test the pair passes (the last is always 'else')."""
        for index, level in enumerate(self.levels):
            if level.test(left, right):
                return index
        return len(self.levels) - 1


def _value(record: PersonFeatures, column: str) -> Any:
    """Read one feature by column name."""
    return getattr(record, column)


def _present(a: PersonFeatures, b: PersonFeatures, column: str) -> bool:
    """Both sides have a value (SQL compares nothing with NULL)."""
    return bool(_value(a, column)) and bool(_value(b, column))


def _null(column: str) -> LevelSpec:
    """Either side missing: no evidence either way."""
    from splink import comparison_level_library as cll

    return LevelSpec(
        label=f"{column} missing",
        splink=lambda: cll.NullLevel(column),
        test=lambda a, b: not _value(a, column) or not _value(b, column),
        is_null=True,
    )


def _else() -> LevelSpec:
    """Anything else: disagreement."""
    from splink import comparison_level_library as cll

    return LevelSpec(label="different", splink=cll.ElseLevel, test=lambda a, b: True)


def _exact(column: str, label: str, *, tf: bool = False) -> LevelSpec:
    """Same value on both sides."""
    from splink import comparison_level_library as cll

    return LevelSpec(
        label=label,
        splink=lambda: cll.ExactMatchLevel(column, term_frequency_adjustments=tf),
        test=lambda a, b: _present(a, b, column) and _value(a, column) == _value(b, column),
        tf_column=column if tf else None,
    )


def _in_common(column: str) -> Any:
    """Splink's "at least one value in common" level; on DuckDB as `list_has_any`, which builds
    no intersection list per pair (much cheaper on the random pairs that estimate u)."""
    from splink import comparison_level_library as cll

    class InCommonLevel(cll.ArrayIntersectLevel):
        """`ArrayIntersectLevel(column, 1)`, written with `list_has_any` on DuckDB."""

        def create_sql(self, sql_dialect: Any) -> str:
            """The level's SQL in the backend's dialect."""
            if sql_dialect.sql_dialect_str != "duckdb":
                return str(super().create_sql(sql_dialect))
            self.col_expression.sql_dialect = sql_dialect
            return f"list_has_any({self.col_expression.name_l}, {self.col_expression.name_r})"

    return InCommonLevel(column, 1)


def _shared(column: str, label: str, at_least: int = 1) -> LevelSpec:
    """At least `at_least` values in common between two lists."""
    from splink import comparison_level_library as cll

    return LevelSpec(
        label=label,
        splink=lambda: (
            _in_common(column) if at_least == 1 else cll.ArrayIntersectLevel(column, at_least)
        ),
        test=lambda a, b: len(set(_value(a, column)) & set(_value(b, column))) >= at_least,
    )


def _shared_after(guard: str, column: str, label: str, *, tf: str | None = None) -> LevelSpec:
    """A value in common in `column`, tested only where `guard` (a cheaper, implied list) meets.

    With `tf`, the level's weight is adjusted by how common the names are (Splink uses the more
    common of the two values' frequencies for a non-exact level).
    """
    from splink import comparison_level_library as cll

    def level() -> Any:
        both = cll.And(_in_common(guard), _in_common(column))
        return both.configure(tf_adjustment_column=tf) if tf else both

    return LevelSpec(
        label=label,
        splink=level,
        test=lambda a, b: (
            bool(set(_value(a, guard)) & set(_value(b, guard)))
            and bool(set(_value(a, column)) & set(_value(b, column)))
        ),
        tf_column=tf,
    )


def _jaro_winkler(column: str, threshold: float, label: str) -> LevelSpec:
    """Jaro–Winkler similarity at or above a threshold."""
    from splink import comparison_level_library as cll

    return LevelSpec(
        label=label,
        splink=lambda: cll.JaroWinklerLevel(column, threshold),
        test=lambda a, b: (
            _present(a, b, column)
            and jaro_winkler(_value(a, column), _value(b, column)) >= threshold
        ),
    )


# The parts of a pair's primary name keys that the other record holds under none of their keys
# (each part is "primary,key,key…", see `names.name_part_keys`), as their primary keys; a "g:"
# group marker is dropped before the parts are compared (DuckDB and Spark).
_REST = {
    "duckdb": (
        "list_transform(list_filter(name_parts_{a}, "
        "lambda x: NOT list_has_any(string_split(x, ','), name_keys_{b})), "
        "lambda x: string_split(x, ',')[1])"
    ),
    "spark": (
        "transform(filter(name_parts_{a}, x -> NOT arrays_overlap(split(x, ','), name_keys_{b})), "
        "x -> split(x, ',')[0])"
    ),
}
# The best Jaro–Winkler of one part against the spellings (not "g:" groups) of record `a`'s
# names that record `b` does not hold (0 when there are none).
_BEST_SPELLING = {
    "duckdb": (
        "coalesce(list_max(list_transform(list_filter(name_keys_{a}, lambda k: "
        "NOT list_contains(name_keys_{b}, k) AND k NOT LIKE 'g:%'), "
        "lambda k: {jw}({part}, k))), 0)"
    ),
    "spark": (
        "coalesce(array_max(transform(filter(name_keys_{a}, k -> "
        "NOT array_contains(name_keys_{b}, k) AND k NOT LIKE 'g:%'), "
        "k -> {jw}({part}, k))), 0.0)"
    ),
}


def _rest(a: PersonFeatures, b: PersonFeatures) -> list[str]:
    """The primary keys of the parts of `a`'s name that `b` holds under none of their keys."""
    held = set(b.name_keys)
    return [keys[0] for keys in (part.split(",") for part in a.name_parts) if not held & set(keys)]


def _spellings(a: PersonFeatures, b: PersonFeatures) -> list[str]:
    """`a`'s name keys that are spellings (not given-name groups) and that `b` does not hold."""
    return [k for k in a.name_keys if k not in b.name_keys and not k.startswith("g:")]


def _other_part_similar(a: PersonFeatures, b: PersonFeatures, threshold: float) -> bool:
    """One name part agrees and the one part left on each side is `threshold` alike (JW): the
    two parts' keys, or one part's key and any spelling of the other record's names (a typo'd
    given name against the spelling the other record uses, not its group's label: "ЮрЮй" is
    "urui", Юрій is "uri", its group is "yuri")."""
    if not set(a.name_keys) & set(b.name_keys):
        return False
    left, right = _rest(a, b), _rest(b, a)
    if len(left) != 1 or len(right) != 1:
        return False
    x, y = left[0].replace("g:", ""), right[0].replace("g:", "")
    scores = [jaro_winkler(x, y)]
    scores += [jaro_winkler(x, k) for k in _spellings(b, a)]
    scores += [jaro_winkler(y, k) for k in _spellings(a, b)]
    return max(scores) >= threshold


def _one_part_other_similar(threshold: float, label: str) -> LevelSpec:
    """One name part agrees and the other is similar (Jaro–Winkler at the threshold): a typo on
    top of another scheme ("Tarulunova" vs "Тарууунова", "Ekaterna" vs "Екатерина")."""
    from splink import comparison_level_library as cll
    from splink.internals.comparison_level_creator import ComparisonLevelCreator

    class OtherPartSimilarLevel(ComparisonLevelCreator):
        """The one unmatched part on each side, compared by Jaro–Winkler (DuckDB and Spark)."""

        def create_sql(self, sql_dialect: Any) -> str:
            """The level's SQL in the backend's dialect."""
            dialect = sql_dialect.sql_dialect_str
            rest = _REST.get(dialect, _REST["duckdb"])
            left, right = rest.format(a="l", b="r"), rest.format(a="r", b="l")
            similarity = sql_dialect.jaro_winkler_function_name
            best = _BEST_SPELLING.get(dialect, _BEST_SPELLING["duckdb"])

            def likeness(x: str, y: str) -> str:
                """The best JW of the two parts, or of either against the other's spellings."""
                return (
                    f"greatest({similarity}({x}, {y}), "
                    f"{best.format(part=x, a='r', b='l', jw=similarity)}, "
                    f"{best.format(part=y, a='l', b='r', jw=similarity)})"
                )

            if dialect == "duckdb":
                # Each side's unmatched parts computed once and bound to a lambda parameter
                # (DuckDB repeats a repeated expression: written out, the lists were filtered
                # six times a pair, and this level cost two thirds of the scoring).
                score = likeness("replace(rl[1], 'g:', '')", "replace(rr[1], 'g:', '')")
                return (
                    f"list_transform([{left}], lambda rl: list_transform([{right}], "
                    f"lambda rr: CASE WHEN len(rl) = 1 AND len(rr) = 1 THEN {score} ELSE 0 END"
                    f")[1])[1] >= {threshold}"
                )
            # Spark: the same written out (its arrays count from 0).
            score = likeness(f"replace({left}[0], 'g:', '')", f"replace({right}[0], 'g:', '')")
            return f"size({left}) = 1 AND size({right}) = 1 AND {score} >= {threshold}"

        def create_label_for_charts(self) -> str:
            """The level's label."""
            return label

    return LevelSpec(
        label=label,
        splink=lambda: cll.And(_in_common("name_keys"), OtherPartSimilarLevel()),
        test=lambda a, b: _other_part_similar(a, b, threshold),
    )


def _edits(column: str, edits: int, label: str) -> LevelSpec:
    """Values at most `edits` typos apart (Levenshtein: much faster than Damerau in DuckDB)."""
    from splink import comparison_level_library as cll

    return LevelSpec(
        label=label,
        splink=lambda: cll.LevenshteinLevel(column, edits),
        test=lambda a, b: (
            _present(a, b, column) and levenshtein(_value(a, column), _value(b, column)) <= edits
        ),
    )


def _custom(sql: str, label: str, test: Test, *, fixed_m: float | None = None) -> LevelSpec:
    """A level written as plain SQL that DuckDB and Spark both accept, with its Python twin.

    `fixed_m`: the level's m is set, not trained (EM would drive the m of a level that matches
    almost never show to zero, which Splink refuses).
    """
    from splink import comparison_level_library as cll

    def level() -> Any:
        created = cll.CustomLevel(sql, label)
        if fixed_m is None:
            return created
        return created.configure(m_probability=fixed_m, fix_m_probability=True)

    return LevelSpec(label=label, splink=level, test=test)


def _day_month_swapped(a: PersonFeatures, b: PersonFeatures) -> bool:
    """Same year, with day and month exchanged (a common slip between date formats)."""
    if not a.dob or not b.dob:
        return False
    return a.dob[:4] == b.dob[:4] and a.dob[5:7] == b.dob[8:10] and a.dob[8:10] == b.dob[5:7]


def _same_year(a: PersonFeatures, b: PersonFeatures) -> bool:
    """Both known to the year, and the same year."""
    return (
        a.birth_year_min == a.birth_year_max == b.birth_year_min == b.birth_year_max
        and a.birth_year_min is not None
    )


def _overlap(a: PersonFeatures, b: PersonFeatures) -> bool:
    """The possible birth years of both records overlap."""
    if None in (a.birth_year_min, a.birth_year_max, b.birth_year_min, b.birth_year_max):
        return False
    return a.birth_year_min <= b.birth_year_max and b.birth_year_min <= a.birth_year_max  # type: ignore[operator]


# Birth-year ranges further apart than this are "born years apart": a mistyped year, or two
# people. Its m is fixed (`FAR_APART_M`): one record in a hundred of the same person.
FAR_APART_YEARS = 5
FAR_APART_M = 0.01


def _far_apart(a: PersonFeatures, b: PersonFeatures) -> bool:
    """Both records' possible birth years known, and more than `FAR_APART_YEARS` apart."""
    if None in (a.birth_year_min, a.birth_year_max, b.birth_year_min, b.birth_year_max):
        return False
    return (
        a.birth_year_min > b.birth_year_max + FAR_APART_YEARS  # type: ignore[operator]
        or b.birth_year_min > a.birth_year_max + FAR_APART_YEARS  # type: ignore[operator]
    )


def _birth_null() -> LevelSpec:
    """No birth information on one side."""
    from splink import comparison_level_library as cll

    return LevelSpec(
        label="birth unknown",
        splink=lambda: cll.CustomLevel(
            "birth_year_min_l IS NULL OR birth_year_min_r IS NULL", "birth unknown"
        ).configure(is_null_level=True),
        test=lambda a, b: a.birth_year_min is None or b.birth_year_min is None,
        is_null=True,
    )


def _typo_budget(left: str, right: str) -> int:
    """Edits two free-text values may differ by and still agree: 0 below 4 letters, 1, 2 from 8."""
    shorter = min(len(left), len(right))
    return 0 if shorter < 4 else (1 if shorter < 8 else 2)


def _agreeing_places(a: PersonFeatures, b: PersonFeatures) -> int:
    """How many of one record's places appear in the other's, a typo or two allowed."""
    return sum(
        1
        for x in a.places
        if any(x == y or levenshtein(x, y) <= _typo_budget(x, y) for y in b.places)
    )


# The exact test first: the typo-tolerant count runs only for the few pairs sharing a place
# (both engines evaluate AND left to right on selected rows), so random pairs stay cheap.
_PLACE_AGREES = {
    "duckdb": (
        "list_has_any(places_l, places_r) AND "
        "len(list_filter(places_l, lambda x: len(list_filter(places_r, lambda y: {cond})) > 0))"
    ),
    "spark": (
        "arrays_overlap(places_l, places_r) AND "
        "size(filter(places_l, x -> exists(places_r, y -> {cond})))"
    ),
}
_PLACE_CONDITION = (
    "levenshtein(x, y) <= CASE WHEN least(length(x), length(y)) >= 8 THEN 2 "
    "WHEN least(length(x), length(y)) >= 4 THEN 1 ELSE 0 END"
)


def _places_agree(at_least: int, label: str) -> LevelSpec:
    """At least `at_least` places of one record found in the other, one exactly, others typos."""
    from splink.internals.comparison_level_creator import ComparisonLevelCreator

    class PlacesAgreeLevel(ComparisonLevelCreator):
        """Count of places with a near-identical place on the other side (DuckDB and Spark)."""

        def create_sql(self, sql_dialect: Any) -> str:
            """The level's SQL in the backend's dialect."""
            template = _PLACE_AGREES.get(sql_dialect.sql_dialect_str, _PLACE_AGREES["duckdb"])
            return f"{template.format(cond=_PLACE_CONDITION)} >= {at_least}"

        def create_label_for_charts(self) -> str:
            """The level's label."""
            return label

    return LevelSpec(
        label=label,
        splink=PlacesAgreeLevel,
        test=lambda a, b: (
            bool(set(a.places) & set(b.places)) and _agreeing_places(a, b) >= at_least
        ),
    )


def _text_null(column: str) -> LevelSpec:
    """Either side empty for a joined-text column."""
    return _null(column)


PERSON_COMPARISONS: tuple[ComparisonSpec, ...] = (
    ComparisonSpec(
        "name",
        "Names across scripts, order, diminutives and typos",
        (
            _null("name_primary"),
            _exact("name_primary", "same name after transliteration", tf=True),
            # Both pair levels imply that one part agrees exactly, so the long key lists are
            # intersected only for pairs whose short part-key lists meet.
            _shared_after("name_keys", "name_pair_keys", "two name parts agree", tf="name_primary"),
            _shared_after(
                "name_keys",
                "name_fuzzy_keys",
                "two name parts agree, one with a typo",
                tf="name_primary",
            ),
            _one_part_other_similar(0.9, "one name part agrees, the other similar"),
            _one_part_other_similar(0.8, "one name part agrees, the other alike"),
            _shared("name_keys", "one name part agrees"),
            _jaro_winkler("name_primary", 0.9, "names similar (typos in every part)"),
            _else(),
        ),
    ),
    ComparisonSpec(
        "patronymic",
        "Patronymic (East Slavic middle name)",
        (
            _null("patronymics"),
            _shared("patronymics", "same patronymic"),
            _else(),
        ),
    ),
    ComparisonSpec(
        "birth",
        "Date of birth, birth year or age range",
        (
            _birth_null(),
            _exact("dob", "same date of birth"),
            _custom(
                "(substr(dob_l, 1, 4) = substr(dob_r, 1, 4) "
                "AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2) "
                "AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2))",
                "day and month swapped",
                _day_month_swapped,
            ),
            _edits("dob", 1, "date of birth one typo apart"),
            _custom(
                "(birth_year_min_l = birth_year_max_l AND birth_year_min_r = birth_year_max_r "
                "AND birth_year_min_l = birth_year_min_r)",
                "same birth year",
                _same_year,
            ),
            _custom(
                "(birth_year_min_l <= birth_year_max_r AND birth_year_min_r <= birth_year_max_l)",
                "birth years overlap",
                _overlap,
            ),
            _custom(
                f"(birth_year_min_l > birth_year_max_r + {FAR_APART_YEARS} "
                f"OR birth_year_min_r > birth_year_max_l + {FAR_APART_YEARS})",
                f"born more than {FAR_APART_YEARS} years apart",
                _far_apart,
                fixed_m=FAR_APART_M,
            ),
            _else(),
        ),
    ),
    ComparisonSpec(
        "sex",
        "Sex",
        (_null("sex"), _exact("sex", "same sex"), _else()),
    ),
    ComparisonSpec(
        "nationalities",
        "Nationalities",
        (_null("nationalities"), _shared("nationalities", "a nationality in common"), _else()),
    ),
    ComparisonSpec(
        "places",
        "Places (addresses, towns)",
        (
            _text_null("places_text"),
            _places_agree(3, "three or more places agree (one exactly, others with typos)"),
            _places_agree(2, "two places agree (one exactly, the other with typos)"),
            _shared("places", "a place in common"),
            _jaro_winkler("places_text", 0.88, "places written almost the same"),
            _else(),
        ),
    ),
    ComparisonSpec(
        "identifiers",
        "Document and registry identifiers",
        (
            _text_null("identifier_text"),
            _shared("identifiers", "an identifier in common"),
            _edits("identifier_text", 1, "identifier one typo apart"),
            _edits("identifier_text", 2, "identifier two typos apart"),
            _else(),
        ),
    ),
    ComparisonSpec(
        "selectors",
        "Shared selectors (e-mail, phone, handle, key)",
        (_null("selectors"), _shared("selectors", "a selector in common"), _else()),
    ),
)
