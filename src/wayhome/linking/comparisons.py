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
    # Labels of earlier levels whose sampled pairs count toward this level's u as well: where an
    # earlier level takes some of the pairs that agree (the family's patronymic takes those whose
    # given names differ), the later level's u must still be the rate at which two strangers
    # agree at all, or it counts the name comparison's evidence a second time.
    u_also_counts: tuple[str, ...] = ()


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

    def u_counted(self, index: int) -> tuple[int, ...]:
        """The levels whose sampled pairs count toward level `index`'s u: the level itself and
        those its `LevelSpec.u_also_counts` names."""
        position = {level.label: i for i, level in enumerate(self.levels)}
        return (index, *(position[label] for label in self.levels[index].u_also_counts))


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


def _exact(
    column: str, label: str, *, tf: bool = False, u_also_counts: tuple[str, ...] = ()
) -> LevelSpec:
    """Same value on both sides."""
    from splink import comparison_level_library as cll

    return LevelSpec(
        label=label,
        u_also_counts=u_also_counts,
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


def _in_dialect(sql: dict[str, str], dialect: str) -> str:
    """A level's SQL for the backend's dialect (DuckDB's where the table has none for it)."""
    return sql.get(dialect, sql["duckdb"])


def _dialect_level(label: str, sql_of: Callable[[str], str]) -> Any:
    """A Splink level whose SQL depends on the backend's dialect ("duckdb", "spark")."""
    from splink.internals.comparison_level_creator import ComparisonLevelCreator

    class DialectLevel(ComparisonLevelCreator):
        """A level written for each dialect."""

        def create_sql(self, sql_dialect: Any) -> str:
            """The level's SQL in the backend's dialect."""
            return sql_of(sql_dialect.sql_dialect_str)

        def create_label_for_charts(self) -> str:
            """The level's label."""
            return label

    return DialectLevel()


def _shared(
    column: str, label: str, at_least: int = 1, *, u_also_counts: tuple[str, ...] = ()
) -> LevelSpec:
    """At least `at_least` values in common between two lists."""
    from splink import comparison_level_library as cll

    return LevelSpec(
        label=label,
        u_also_counts=u_also_counts,
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


# The parts of a pair's primary name keys that the other record holds under none of their keys,
# each as its list of keys ("primary,key,key…" split, see `names.name_part_keys`; DuckDB and
# Spark).
_REST = {
    "duckdb": (
        "list_transform(list_filter(name_parts_{a}, "
        "lambda x: NOT list_has_any(string_split(x, ','), name_keys_{b})), "
        "lambda x: string_split(x, ','))"
    ),
    "spark": (
        "transform(filter(name_parts_{a}, x -> NOT arrays_overlap(split(x, ','), name_keys_{b})), "
        "x -> split(x, ','))"
    ),
}

# The best likeness of one part's label against the spellings (not "g:" groups) of the other
# unmatched part (0 when there are none).
_BEST_SPELLING = {
    "duckdb": (
        "coalesce(list_max(list_transform(list_filter({keys}, lambda k: k NOT LIKE 'g:%'), "
        "lambda k: {likeness})), 0)"
    ),
    "spark": (
        "coalesce(array_max(transform(filter({keys}, k -> k NOT LIKE 'g:%'), "
        "k -> {likeness})), 0.0)"
    ),
}


def _rest(a: PersonFeatures, b: PersonFeatures) -> list[list[str]]:
    """The parts of `a`'s name that `b` holds under none of their keys, each as its keys
    (primary first)."""
    held = set(b.name_keys)
    return [keys for keys in (part.split(",") for part in a.name_parts) if not held & set(keys)]


def _other_part_likeness(a: PersonFeatures, b: PersonFeatures) -> float | None:
    """With one name part agreeing and exactly one part left on each side, how alike the two
    left parts are: the best Jaro–Winkler within a typo's reach (`_typo_likeness`) of the two
    parts' labels, or of either label against the other part's spellings (a typo'd given name
    against the spelling the other record uses, not its group's label: "ЮрЮй" is "urui",
    Юрій is "uri", its group is "yuri"); None otherwise. Only the unmatched parts are compared:
    Δημητρίου is not a typo of the Dimitris both records share."""
    if not set(a.name_keys) & set(b.name_keys):
        return None
    left, right = _rest(a, b), _rest(b, a)
    if len(left) != 1 or len(right) != 1:
        return None
    if _sister_names(left[0][0], right[0][0]):
        return 0.0
    x, y = _label(left[0][0]), _label(right[0][0])
    scores = [_typo_likeness(x, y)]
    scores += [_typo_likeness(x, k) for k in right[0] if not k.startswith("g:")]
    scores += [_typo_likeness(y, k) for k in left[0] if not k.startswith("g:")]
    return max(scores)


# Two name parts more edits apart than this are not one name mistyped, however alike their
# letters (Марченко and Ткаченко share -ченко: Jaro–Winkler 0.83, three edits); three edits
# pass when the letters are this alike (a swap costs two: Bonadr and Бндар, 0.89).
TYPO_EDITS = 2
TYPO_EDITS_ALIKE = 0.85


def _sister_names(x: str, y: str) -> bool:
    """Two known given names that are a name and its feminine form (Александр and Александра,
    Евгений and Евгения, Валентин and Валентина, as group keys): a brother and a sister, not a
    typo, however alike the letters."""
    return x.startswith("g:") and y.startswith("g:") and (x + "a" == y or y + "a" == x)


def _label(primary: str) -> str:
    """A part's primary key as letters: a group's name without its "g:" and "d." markers."""
    return primary.replace("g:", "").replace("d.", "")


def _typo_likeness(x: str, y: str) -> float:
    """Jaro–Winkler of two spellings within `TYPO_EDITS` edits of each other, else 0."""
    edits = levenshtein(x, y)
    similarity = jaro_winkler(x, y)
    close = edits <= TYPO_EDITS or (edits == TYPO_EDITS + 1 and similarity >= TYPO_EDITS_ALIKE)
    return similarity if close else 0.0


def _typo_likeness_sql(x: str, y: str, jw: str) -> str:
    """`_typo_likeness` in SQL (DuckDB and Spark), with the dialect's Jaro–Winkler function."""
    return (
        f"CASE WHEN levenshtein({x}, {y}) <= {TYPO_EDITS} OR (levenshtein({x}, {y}) = "
        f"{TYPO_EDITS + 1} AND {jw}({x}, {y}) >= {TYPO_EDITS_ALIKE}) THEN {jw}({x}, {y}) "
        "ELSE 0 END"
    )


def _other_part_similar(a: PersonFeatures, b: PersonFeatures, threshold: float) -> bool:
    """One name part agrees and the one part left on each side is `threshold` alike (JW): the
    two parts' keys, or one part's key and any spelling of the other record's names (a typo'd
    given name against the spelling the other record uses, not its group's label: "ЮрЮй" is
    "urui", Юрій is "uri", its group is "yuri")."""
    likeness = _other_part_likeness(a, b)
    return likeness is not None and likeness >= threshold


def _other_part_different(a: PersonFeatures, b: PersonFeatures, threshold: float) -> bool:
    """One name part agrees and the one part left on each side is less than `threshold` alike."""
    likeness = _other_part_likeness(a, b)
    return likeness is not None and likeness < threshold


# The records share a known given name (a "g:" group key; DuckDB, Spark).
_SHARED_GIVEN_NAME = {
    "duckdb": "list_has_any(list_filter(name_keys_l, lambda k: k LIKE 'g:%'), name_keys_r)",
    "spark": "arrays_overlap(filter(name_keys_l, k -> k LIKE 'g:%'), name_keys_r)",
}


def _shared_given_name(a: PersonFeatures, b: PersonFeatures) -> bool:
    """The records share a known given name (a "g:" group key)."""
    held = set(b.name_keys)
    return any(k.startswith("g:") and k in held for k in a.name_keys)


def _one_part_other_similar(
    threshold: float,
    label: str,
    *,
    below: bool = False,
    fixed_m: float | None = None,
    given_name_agrees: bool = False,
) -> LevelSpec:
    """One name part agrees and the other is similar (Jaro–Winkler at the threshold): a typo on
    top of another scheme ("Tarulunova" vs "Тарууунова", "Ekaterna" vs "Екатерина"). With
    `below`, the other part is *less* alike than the threshold: a clearly different name."""
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

            def likeness(px: str, py: str, first: int) -> str:
                """The best JW of the two parts' labels, or of either against the other's
                spellings; `px`, `py` are the parts' key lists, `first` the first index."""
                x = f"replace(replace({px}[{first}], 'g:', ''), 'd.', '')"
                y = f"replace(replace({py}[{first}], 'g:', ''), 'd.', '')"
                of_x = _typo_likeness_sql(x, "k", similarity)
                of_y = _typo_likeness_sql(y, "k", similarity)
                return (
                    f"CASE WHEN {px}[{first}] LIKE 'g:%' AND {py}[{first}] LIKE 'g:%' "
                    f"AND ({px}[{first}] || 'a' = {py}[{first}] "
                    f"OR {py}[{first}] || 'a' = {px}[{first}]) THEN 0 "
                    f"ELSE greatest({_typo_likeness_sql(x, y, similarity)}, "
                    f"{best.format(keys=py, likeness=of_x)}, "
                    f"{best.format(keys=px, likeness=of_y)}) END"
                )

            if dialect == "duckdb":
                # Each side's unmatched parts computed once and bound to a lambda parameter
                # (DuckDB repeats a repeated expression: written out, the lists were filtered
                # six times a pair, and this level cost two thirds of the scoring).
                score = likeness("rl[1]", "rr[1]", 1)
                # Not one part left on each side: never passes, whichever way the test goes.
                never = 2 if below else 0
                return (
                    f"list_transform([{left}], lambda rl: list_transform([{right}], "
                    f"lambda rr: CASE WHEN len(rl) = 1 AND len(rr) = 1 THEN {score} "
                    f"ELSE {never} END)[1])[1] {compare} {threshold}"
                )
            # Spark: the same written out (its arrays count from 0).
            score = likeness(f"{left}[0]", f"{right}[0]", 0)
            return f"size({left}) = 1 AND size({right}) = 1 AND {score} {compare} {threshold}"

        def create_label_for_charts(self) -> str:
            """The level's label."""
            return label

    compare = "<" if below else ">="

    def level() -> Any:
        shared = (
            _dialect_level(
                "a given name in common", lambda dialect: _in_dialect(_SHARED_GIVEN_NAME, dialect)
            )
            if given_name_agrees
            else _in_common("name_keys")
        )
        created = cll.And(shared, OtherPartSimilarLevel()).configure(label_for_charts=label)
        if fixed_m is None:
            return created
        return created.configure(m_probability=fixed_m, fix_m_probability=True)

    def alike(a: PersonFeatures, b: PersonFeatures) -> bool:
        """The Python twin of the level."""
        if given_name_agrees and not _shared_given_name(a, b):
            return False
        if below:
            return _other_part_different(a, b, threshold)
        return _other_part_similar(a, b, threshold)

    return LevelSpec(label=label, splink=level, test=alike)


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


def _partial(a: PersonFeatures, b: PersonFeatures) -> bool:
    """At least one side knows less than the full date."""
    return not a.dob or not b.dob


def _same_month_partial(a: PersonFeatures, b: PersonFeatures) -> bool:
    """One date is a year and month only, and the other is in that month."""
    return _partial(a, b) and a.birth_month is not None and a.birth_month == b.birth_month


def _same_year_partial(a: PersonFeatures, b: PersonFeatures) -> bool:
    """Both known to the year, the same year, and one side knows no more than the year."""
    return _partial(a, b) and _same_year(a, b)


def _year_digit_typo(a: PersonFeatures, b: PersonFeatures) -> bool:
    """Both known to the year, the years one digit or one swap of neighbours apart (1970/1979,
    1985/1958), and the days (where both are known) the same."""
    if a.birth_year_min != a.birth_year_max or b.birth_year_min != b.birth_year_max:
        return False
    if a.birth_year_min is None or b.birth_year_min is None:
        return False
    x, y = f"{a.birth_year_min:04d}", f"{b.birth_year_min:04d}"
    swapped = x[:2] == y[:2] and x[2] == y[3] and x[3] == y[2] and x != y
    if not (levenshtein(x, y) == 1 or swapped):
        return False
    return _partial(a, b) or a.dob[5:] == b.dob[5:]  # type: ignore[index]


_YEAR_L, _YEAR_R = "CAST(birth_year_min_l AS STRING)", "CAST(birth_year_min_r AS STRING)"
_YEAR_DIGIT_TYPO_SQL = (
    "(birth_year_min_l = birth_year_max_l AND birth_year_min_r = birth_year_max_r "
    f"AND (levenshtein({_YEAR_L}, {_YEAR_R}) = 1 OR (substr({_YEAR_L}, 1, 2) = "
    f"substr({_YEAR_R}, 1, 2) AND substr({_YEAR_L}, 3, 1) = substr({_YEAR_R}, 4, 1) "
    f"AND substr({_YEAR_L}, 4, 1) = substr({_YEAR_R}, 3, 1) "
    "AND birth_year_min_l <> birth_year_min_r)) "
    "AND (dob_l IS NULL OR dob_r IS NULL OR substr(dob_l, 6, 5) = substr(dob_r, 6, 5)))"
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


# Sex written differently: one record in 10,000 of the same person (a clerical slip), so a
# disagreement outweighs a shared birth date (Yelena Savchuk, F, is not Иван Савчук, M). A
# given name borne by both sexes on both records (Саша and Женя) keeps a trained level of its
# own; where one record writes a name of one sex (Александр), a "Саша, f" beside it is his
# sister Александра, not a slip: twins of opposite sex are kept apart.
SEX_CONFLICT_M = 1e-4

# One name part agrees and the other is less alike than this (best Jaro–Winkler over its
# spellings, within a typo's reach; a typo on top of another scheme stays above it): where the
# part that agrees is not a known given name (see `OTHER_SURNAME_M` for that), a brother, sister
# or twin: the surname agrees and the given names are two names. Its m is stated, not trained
# (EM took the same-date decoys of its date-of-birth block for matches, +1.9 bits): one record
# in 100,000. Twins share a surname, birth date, patronymic, town and address, so none of
# those may outweigh two different given names; at 1 in 1,000 (the level's u, once strangers
# sharing a given name went to their own level, fell to the share of strangers sharing a
# surname, and the level to -1.1 bits) twins of `synthetic.identity_decoy_dataset`'s training
# seeds were linked at 0.88. FEBRL4 replaces a given name in about one true pair in a hundred;
# those are linked on their identifier (a document number twins do not share) and address.
OTHER_PART_DIFFERENT = 0.8
OTHER_PART_DIFFERENT_LABEL = "one name part agrees, the other clearly different"
OTHER_PART_DIFFERENT_M = 1e-3

# The same, where the part that agrees is a known given name (the surname is the one that
# differs): a stranger who shares a given name. One record in 10,000 of the same person names
# another family: a child is not married, and a surname written in the other sex's form, in
# another script or with a typo is not "clearly different". Stated apart from the level above
# because the two differ in u as well as in m (two strangers share a given name far more often
# than a surname); at 1 in 1,000 strangers sharing a given name, patronymic and birth date
# were linked on the training seeds of `synthetic.identity_decoy_dataset`.
OTHER_SURNAME_LABEL = "a given name agrees, the other name part clearly different"
OTHER_SURNAME_M = 1e-4

# Two full dates of birth in the same year, or within `FAR_APART_YEARS`, that are neither a
# typo nor a swap of day and month: one record in 200 of the same person (EM, floored at
# `engine.MIN_M_PROBABILITY`, made it -0.5 and -3.6 bits, and namesakes born years apart linked).
OTHER_DAY_M = 0.005


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

    def agreeing_sql(dialect: str) -> str:
        """Count of places with a near-identical place on the other side."""
        template = _in_dialect(_PLACE_AGREES, dialect)
        return f"{template.format(cond=_PLACE_CONDITION)} >= {at_least}"

    return LevelSpec(
        label=label,
        splink=lambda: _dialect_level(label, agreeing_sql),
        test=lambda a, b: (
            bool(set(a.places) & set(b.places)) and _agreeing_places(a, b) >= at_least
        ),
    )


# Both records name a known given name (a "g:" group key) and share none of them (DuckDB, Spark).
_OTHER_GIVEN_NAME = {
    "duckdb": (
        "len(list_filter(name_keys_l, lambda k: k LIKE 'g:%')) > 0 "
        "AND len(list_filter(name_keys_r, lambda k: k LIKE 'g:%')) > 0 "
        "AND NOT list_has_any(list_filter(name_keys_l, lambda k: k LIKE 'g:%'), "
        "list_filter(name_keys_r, lambda k: k LIKE 'g:%'))"
    ),
    "spark": (
        "size(filter(name_keys_l, k -> k LIKE 'g:%')) > 0 "
        "AND size(filter(name_keys_r, k -> k LIKE 'g:%')) > 0 "
        "AND NOT arrays_overlap(filter(name_keys_l, k -> k LIKE 'g:%'), "
        "filter(name_keys_r, k -> k LIKE 'g:%'))"
    ),
}


def _other_given_name(a: PersonFeatures, b: PersonFeatures) -> bool:
    """Both records name a known given name, and none is the same (Анастасия, Екатерина)."""
    left = {k for k in a.name_keys if k.startswith("g:")}
    right = {k for k in b.name_keys if k.startswith("g:")}
    return bool(left) and bool(right) and not left & right


_FAMILY_LABEL = "same patronymic, another given name (a family's)"


def _family_patronymic() -> LevelSpec:
    """The same patronymic where the given names differ: brothers and sisters share it, so it
    says nothing for or against (m = u, 0 bits: the surname, birth date and town a family also
    shares must not be joined by it to link twins)."""
    from splink import comparison_level_library as cll

    def level() -> Any:
        other = _dialect_level(
            "another given name", lambda dialect: _in_dialect(_OTHER_GIVEN_NAME, dialect)
        )
        both = cll.And(_in_common("patronymics"), other)
        return both.configure(
            label_for_charts=_FAMILY_LABEL,
            m_probability=0.5,
            u_probability=0.5,
            fix_m_probability=True,
            fix_u_probability=True,
        )

    return LevelSpec(
        label=_FAMILY_LABEL,
        splink=level,
        test=lambda a, b: bool(set(a.patronymics) & set(b.patronymics)) and _other_given_name(a, b),
    )


_TWIN_LABEL = "same date of birth, another given name (a twin's)"

# At least one record carries no document identifier (an empty list is NULL): where both do,
# the identifier comparison tells twins apart (two numbers: -4.5 bits on FEBRL4).
_NO_IDENTIFIERS = "(identifiers_l IS NULL OR identifiers_r IS NULL)"


def _twin_birth_date() -> LevelSpec:
    """The same date of birth where both records name known given names and share none, and
    one of them carries no document identifier: twins share the date (and their surname,
    patronymic, town and address), so it says nothing for or against (m = u, 0 bits), as the
    family's patronymic. Counted, two different given names (-1 bit once strangers sharing a
    given name have their own level) did not outweigh it, and twins were linked at 0.88 on the
    training seeds. Where both records carry identifiers, those tell twins apart and the date
    keeps its weight: FEBRL4 replaces a given name and the identifier of some true pairs
    (Michael / Benjamin Goldsworthy, same date and address) and links them on the rest."""

    def twin_sql(dialect: str) -> str:
        """Same full date, known given names on both sides and none shared, an identifier
        missing."""
        return f"dob_l = dob_r AND {_NO_IDENTIFIERS} AND {_in_dialect(_OTHER_GIVEN_NAME, dialect)}"

    def level() -> Any:
        return _dialect_level(_TWIN_LABEL, twin_sql).configure(
            m_probability=0.5,
            u_probability=0.5,
            fix_m_probability=True,
            fix_u_probability=True,
        )

    return LevelSpec(
        label=_TWIN_LABEL,
        splink=level,
        test=lambda a, b: (
            bool(a.dob)
            and a.dob == b.dob
            and (not a.identifiers or not b.identifiers)
            and _other_given_name(a, b)
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
            _one_part_other_similar(
                OTHER_PART_DIFFERENT,
                OTHER_SURNAME_LABEL,
                below=True,
                fixed_m=OTHER_SURNAME_M,
                given_name_agrees=True,
            ),
            _one_part_other_similar(
                OTHER_PART_DIFFERENT,
                OTHER_PART_DIFFERENT_LABEL,
                below=True,
                fixed_m=OTHER_PART_DIFFERENT_M,
            ),
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
            _family_patronymic(),
            # Its u is the share of strangers with one patronymic whatever their given names:
            # counted only where the given names do not differ, it was the chance of sharing
            # both (+8.8 bits where the patronymic alone is worth about +5), and strangers
            # sharing a given name, patronymic and birth date were linked.
            _shared("patronymics", "same patronymic", u_also_counts=(_FAMILY_LABEL,)),
            _else(),
        ),
    ),
    ComparisonSpec(
        "birth",
        "Date of birth, birth year or age range",
        (
            _birth_null(),
            _twin_birth_date(),
            # Its u is the share of strangers born the same day whatever their given names.
            _exact("dob", "same date of birth", u_also_counts=(_TWIN_LABEL,)),
            _custom(
                "(substr(dob_l, 1, 4) = substr(dob_r, 1, 4) "
                "AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2) "
                "AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2))",
                "day and month swapped",
                _day_month_swapped,
            ),
            _edits("dob", 1, "date of birth one typo apart"),
            _custom(
                "((dob_l IS NULL OR dob_r IS NULL) AND birth_month_l = birth_month_r)",
                "same year and month (a partial date)",
                _same_month_partial,
            ),
            _custom(
                "((dob_l IS NULL OR dob_r IS NULL) "
                "AND birth_year_min_l = birth_year_max_l AND birth_year_min_r = birth_year_max_r "
                "AND birth_year_min_l = birth_year_min_r)",
                "same birth year (a partial date)",
                _same_year_partial,
            ),
            _custom(
                "(birth_year_min_l = birth_year_max_l AND birth_year_min_r = birth_year_max_r "
                "AND birth_year_min_l = birth_year_min_r)",
                "same birth year, different days",
                _same_year,
                fixed_m=OTHER_DAY_M,
            ),
            _custom(_YEAR_DIGIT_TYPO_SQL, "birth year one digit apart", _year_digit_typo),
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
            _custom("TRUE", "different dates", lambda a, b: True, fixed_m=OTHER_DAY_M),
        ),
    ),
    ComparisonSpec(
        "sex",
        "Sex",
        (
            _null("sex"),
            _exact("sex", "same sex"),
            _custom(
                "(unisex_name_l = 1 AND unisex_name_r = 1)",
                "different sex, a given name borne by both",
                lambda a, b: bool(a.unisex_name and b.unisex_name),
            ),
            _custom(
                "TRUE",
                "different sex",
                lambda a, b: True,
                fixed_m=SEX_CONFLICT_M,
            ),
        ),
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
