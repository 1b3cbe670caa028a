"""Fellegi–Sunter person linkage on Splink: m/u trained by EM, blocked pairs scored and explained.

DuckDB (embedded) is the default backend; pass a Spark session to run the same model definition
on a cluster for national-scale batches. The trained parameters are also kept as plain numbers
so `incremental` can score one new record without any database.
"""

from __future__ import annotations

import copy
import functools
import gc
import logging
import math
import random
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, Literal, ParamSpec, TypeVar

from wayhome.errors import InvalidInput
from wayhome.linking.comparisons import PERSON_COMPARISONS, ComparisonSpec
from wayhome.linking.records import (
    PersonFeatures,
    PersonRecord,
    RejectedRecord,
    person_features,
    screen_features,
)

LinkType = Literal["dedupe_only", "link_only", "link_and_dedupe"]
_P = ParamSpec("_P")
_T = TypeVar("_T")


@dataclass(frozen=True)
class LevelWeight:
    """The trained weight of one comparison level: log2(m/u), with m and u."""

    label: str
    m: float
    u: float
    is_null: bool
    tf_column: str | None

    @property
    def match_weight(self) -> float:
        """log2 of the Bayes factor m/u (0 for the null level)."""
        if self.is_null or self.m <= 0 or self.u <= 0:
            return 0.0
        return math.log2(self.m / self.u)


@dataclass(frozen=True)
class LinkageModel:
    """A trained person-linkage model: Splink settings plus the same parameters as plain numbers."""

    settings: dict[str, Any]
    prior: float
    levels: dict[str, tuple[LevelWeight, ...]]
    name_frequencies: dict[str, float] = field(default_factory=dict)

    @property
    def prior_weight(self) -> float:
        """log2 prior odds that two random records are the same person."""
        return math.log2(self.prior / (1.0 - self.prior))


@dataclass(frozen=True)
class Contribution:
    """How one comparison moved a pair's match weight, in bits."""

    comparison: str
    level: str
    match_weight: float


@dataclass(frozen=True)
class ScoredPair:
    """Two records, their match weight and probability, and why."""

    left_id: str
    right_id: str
    match_weight: float
    match_probability: float
    contributions: tuple[Contribution, ...]


def probability_from_weight(weight: float) -> float:
    """Turn a match weight (log2 odds) into a probability."""
    if weight > 60:
        return 1.0
    if weight < -60:
        return 0.0
    odds: float = 2.0**weight
    return odds / (1.0 + odds)


def _collector_paused_during(function: Callable[_P, _T]) -> Callable[_P, _T]:
    """Run a linkage job with the collector paused (see `_collector_paused`); the job's own
    objects are freed as it returns, before the collector restarts."""

    @functools.wraps(function)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        with _collector_paused():
            return function(*args, **kwargs)

    return run


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one linkage job, restarted after it if it
    was running. The job makes hundreds of thousands of small acyclic objects (features,
    columns, scored pairs) that refcounting frees when it ends; the collector would walk them,
    and the whole heap, again and again and find nothing to free (0.35 of 3.4 s of CPU time on
    FEBRL4's 10,000 records; what it leaves for later: ~40,000 cyclic objects, +12 MiB)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _prepared(
    records: Sequence[PersonRecord],
    link_type: LinkType,
    rejected: list[RejectedRecord] | None = None,
) -> tuple[list[PersonFeatures], list[Frame]]:
    """The readable records' features, and their columns for the backend's tables; each record
    left out is logged with its id and reason, and added to `rejected` when one is given."""
    features, kept, refused = screen_features(records)
    for bad in refused:
        _LOG.warning("person record %s left out: %s: %s", bad.record_id, bad.location, bad.reason)
    if rejected is not None:
        rejected.extend(refused)
    if len(features) < 2:
        raise InvalidInput(
            f"fewer than two readable records ({len(refused)} left out)", location="records"
        )
    return features, _frames(kept, features, link_type)


def features_of(records: Iterable[PersonRecord]) -> list[PersonFeatures]:
    """Check every record and compute its features; any bad record (duplicate ids included)
    is refused, naming it (the jobs below screen instead: `records.screen_features`)."""
    seen: set[str] = set()
    out = []
    for record in records:
        if record.record_id in seen:
            raise InvalidInput("duplicate record id", location=f"{record.record_id}.record_id")
        seen.add(record.record_id)
        out.append(person_features(record))
    return out


def _dialect(spark: Any | None) -> str:
    """The SQL dialect of the backend: DuckDB unless a Spark session is given."""
    return "duckdb" if spark is None else "spark"


def _settings(link_type: LinkType, dialect: str = "duckdb") -> dict[str, Any]:
    """The Splink settings (comparisons and blocking) shared by every backend: a fresh copy
    (Splink parses the comparisons' SQL to build them, so they are built once per process)."""
    key = (link_type, dialect)
    if key not in _SETTINGS:
        _SETTINGS[key] = _new_settings(link_type, dialect)
    return copy.deepcopy(_SETTINGS[key])


_SETTINGS: dict[tuple[str, str], dict[str, Any]] = {}
_LOG = logging.getLogger(__name__)


def _new_settings(link_type: LinkType, dialect: str) -> dict[str, Any]:
    """Build the Splink settings for a link type and SQL dialect."""
    from splink import SettingsCreator, block_on
    from splink import comparison_library as cl

    comparisons = [_splink_comparison(spec, cl) for spec in PERSON_COMPARISONS]
    creator = SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        comparisons=comparisons,
        # The primary name key travels inside blocking_keys ("n|…") so that a giant block is
        # split like every other oversized key (see `block_keys`).
        blocking_rules_to_generate_predictions=[
            block_on("identifier_text"),
            block_on("blocking_keys", arrays_to_explode=["blocking_keys"]),
        ],
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=False,
        additional_columns_to_retain=[],
    )
    settings: dict[str, Any] = creator.get_settings(dialect).as_dict()  # type: ignore[no-untyped-call]
    return settings


def _splink_comparison(spec: ComparisonSpec, cl: Any) -> Any:
    """Build one Splink comparison from its spec."""
    return cl.CustomComparison(
        comparison_levels=[level.splink() for level in spec.levels],
        output_column_name=spec.name,
        comparison_description=spec.description,
    )


# A blocking key held by more records than this is split: by birth year, and a key-and-year still
# held by more is split by sex as well; a key still oversized then is dropped (as is a split key
# for a record with no known birth year or sex). Records with the same common name ("Олена
# Бондар") share every one of their name keys, so without the split the pairs to score grow with
# the square of the population (50 million at 200,000 generated records); a surname and a birth
# year ("s|" keys) alone reached 464 records a block at 1M records. Capped, the pairs grow with
# the records.
MAX_BLOCK_RECORDS = 50


def _block_keys(feature: PersonFeatures) -> list[str]:
    """Every blocking key of a record, the primary name key included."""
    return ["n|" + feature.name_primary, *feature.blocking_keys]


_COLUMNS = tuple(PersonFeatures.__dataclass_fields__)
_LIST_COLUMNS = frozenset(
    name for name, kind in PersonFeatures.__annotations__.items() if "tuple" in kind
)

# One table's feature columns: column name → one value per record (a list for a list column;
# empty values as None, so SQL counts them as missing).
Frame = dict[str, list[Any]]


def _columns(
    features: Sequence[PersonFeatures],
    keys: Sequence[list[str] | None],
    rare: Sequence[str | None] | None = None,
) -> Frame:
    """The features as columns (as `PersonFeatures.as_row`, lists kept as tuples in their order:
    SQL treats them as sets), with each record's blocking keys as `block_keys` gave them and
    its `name_rare` (see `_rare_names`)."""
    frame: Frame = {}
    # One pass over the records (a dataclass keeps its fields in declaration order).
    transposed = list(zip(*(feature.__dict__.values() for feature in features), strict=True))
    for column, values in zip(_COLUMNS, transposed or [()] * len(_COLUMNS), strict=True):
        if column in _LIST_COLUMNS:
            frame[column] = [value or None for value in values]
        else:
            frame[column] = [None if value == "" else value for value in values]
    frame["blocking_keys"] = list(keys)
    frame["name_rare"] = list(rare) if rare is not None else [None] * len(features)
    return frame


# A primary name held by at most this many records: two records sharing such a name are most
# likely one person. EM learns the other comparisons' m from pairs that share a rare name; on
# every shared name, at scale most pairs in that block are strangers with the same common name,
# and EM then took "different date of birth" for what matches look like (m 0.93 on a
# 100,000-record sample: people born decades apart were linked).
RARE_NAME_RECORDS = 3
# Columns of the tables beyond the features' own fields: `_rare_names`' names.
_EXTRA_COLUMNS = ("name_rare",)


def _rare_names(features: Sequence[PersonFeatures]) -> list[str | None]:
    """Each record's primary name when it is rare (`RARE_NAME_RECORDS`), else None."""
    counts = Counter(feature.name_primary for feature in features)
    return [
        feature.name_primary if counts[feature.name_primary] <= RARE_NAME_RECORDS else None
        for feature in features
    ]


def _birth_year(feature: PersonFeatures) -> int | None:
    """The record's birth year when it is known to the year."""
    year = feature.birth_year_min
    return year if year is not None and year == feature.birth_year_max else None


def block_keys(features: Sequence[PersonFeatures]) -> list[list[str] | None]:
    """Each record's blocking keys with oversized blocks split (see `MAX_BLOCK_RECORDS`): by
    birth year, then by sex, then dropped; None for a record left with no key."""
    keys_of = [_block_keys(feature) for feature in features]
    final: list[set[str]] = [set(keys) for keys in keys_of]
    # Each step splits the keys the step before left oversized by one more attribute.
    oversized = _oversized(chain.from_iterable(keys_of))
    steps: tuple[Callable[[PersonFeatures], object], ...] = (_birth_year, lambda f: f.sex)
    for attribute in steps:
        if not oversized:
            break
        split: list[list[str]] = []
        for feature, keys in zip(features, final, strict=True):
            over = keys & oversized
            if not over:
                split.append([])
                continue
            keys -= over
            value = attribute(feature)
            split.append([] if value is None else [f"{key}|{value}" for key in over])
        for keys, more in zip(final, split, strict=True):
            keys.update(more)
        oversized = _oversized(chain.from_iterable(split))
    return [sorted(keys - oversized) or None for keys in final]


def _oversized(keys: Iterable[str]) -> set[str]:
    """The keys held by more than `MAX_BLOCK_RECORDS` records."""
    return {key for key, n in Counter(keys).items() if n > MAX_BLOCK_RECORDS}


def _rows(frame: Frame) -> list[dict[str, Any]]:
    """A frame's columns as one dict per record."""
    names = list(frame)
    return [dict(zip(names, values, strict=True)) for values in zip(*frame.values(), strict=True)]


def _take(frame: Frame, indices: Sequence[int]) -> Frame:
    """The given records of a frame, in that order."""
    return {column: [values[i] for i in indices] for column, values in frame.items()}


def blocked_pair_incidences(features: Sequence[PersonFeatures]) -> int:
    """Pairs the prediction blocking puts to scoring, counted once per shared key (an upper
    bound: Splink scores a pair that shares several keys once)."""
    sizes = Counter(chain.from_iterable(keys or () for keys in block_keys(features)))
    sizes.update(f.identifier_text for f in features if f.identifier_text)
    return sum(n * (n - 1) // 2 for n in sizes.values())


def _frames(
    records: Sequence[PersonRecord], features: Sequence[PersonFeatures], link_type: LinkType
) -> list[Frame]:
    """Columns for one table in a dedupe job, one table per source agency in link jobs."""
    frame = _columns(features, block_keys(features), _rare_names(features))
    if link_type == "dedupe_only":
        return [frame]
    by_source: dict[str, list[int]] = {}
    for index, record in enumerate(records):
        by_source.setdefault(record.source or "", []).append(index)
    if len(by_source) < 2:
        raise InvalidInput("a link job needs records from at least two sources", location="source")
    return [_take(frame, indices) for _, indices in sorted(by_source.items())]


def _tables(frames: list[Frame], spark: Any | None, connection: Any | None = None) -> list[Any]:
    """The feature rows registered with the backend, one table per frame.

    On DuckDB each frame is copied once into a native table (from Arrow columns): a registered
    pandas frame would be re-read from Python objects by every query Splink runs on it.
    """
    if spark is None:
        from splink import DuckDBAPI

        db_api: Any = DuckDBAPI(connection=connection if connection is not None else ":memory:")
        con = db_api.duckdb_con
        tables = []
        for frame in frames:
            name = f"__wayhome_input_{uuid.uuid4().hex}"
            con.register(f"{name}_arrow", _arrow_table(frame))
            con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")  # noqa: S608
            con.unregister(f"{name}_arrow")
            tables.append(db_api.register(name))
        return tables
    from splink import SparkAPI  # imports pyspark: only for a Spark session

    db_api = SparkAPI(spark_session=spark)  # type: ignore[no-untyped-call]
    schema = _spark_schema()
    return [db_api.register(spark.createDataFrame(_rows(frame), schema=schema)) for frame in frames]


def _arrow_table(frame: Frame, schema: Any = None) -> Any:
    """Feature columns as an Arrow table with the columns' types (a column may be all null)."""
    import pyarrow as pa  # type: ignore[import-untyped]

    return pa.Table.from_pydict(frame, schema=schema or _arrow_schema())


def _column_kinds() -> list[tuple[str, str]]:
    """Each table column and its kind ("list" of strings, "int" or "str"): the features in the
    order of `PersonFeatures`, then `_EXTRA_COLUMNS`."""
    kinds = [
        (name, "list" if "tuple" in kind else "int" if "int" in kind else "str")
        for name, kind in PersonFeatures.__annotations__.items()
    ]
    return kinds + [(name, "str") for name in _EXTRA_COLUMNS]


def _arrow_schema() -> Any:
    """The Arrow schema of the table columns (`_column_kinds`)."""
    import pyarrow as pa

    types = {"list": pa.list_(pa.string()), "int": pa.int64(), "str": pa.string()}
    return pa.schema([pa.field(name, types[kind]) for name, kind in _column_kinds()])


def _drop_tables(tables: list[Any], spark: Any | None) -> None:
    """Drop the input tables `_tables` created in a DuckDB connection (Spark views are kept)."""
    if spark is not None:
        return
    for table in tables:
        table.db_api.duckdb_con.execute(f"DROP TABLE IF EXISTS {table.physical_name}")


def _linker_on(tables: list[Any], settings: dict[str, Any]) -> Any:
    """A Splink linker over already registered tables."""
    from splink import Linker

    return Linker(tables if len(tables) > 1 else tables[0], settings, log_level=logging.WARNING)


def spark_jar_path() -> str:
    """Path of Splink's string-similarity jar; a Spark session needs it in `spark.jars`."""
    from splink.backends.spark import similarity_jar_location

    return str(similarity_jar_location())


def _spark_schema() -> Any:
    """The Spark schema of the table columns (inference fails on columns that are all null)."""
    from pyspark.sql import types as t

    types = {"list": t.ArrayType(t.StringType()), "int": t.LongType(), "str": t.StringType()}
    return t.StructType([t.StructField(name, types[kind], True) for name, kind in _column_kinds()])


def name_frequencies(features: Sequence[PersonFeatures]) -> dict[str, float]:
    """Share of records carrying each primary name key (for term-frequency adjustment)."""
    counts = Counter(f.name_primary for f in features)
    total = max(len(features), 1)
    return {key: count / total for key, count in counts.items()}


def name_tf_lookup(features: Sequence[PersonFeatures]) -> dict[str, float]:
    """How common each primary name key is among the records *other than the pair* compared:
    max(count − 2, ½) / N.

    u is the chance that two different persons share the name, so its frequency must come from
    the rest of the population: Splink's own table counts both records of the pair (count / N),
    which makes a name that only these two records hold look as common as any name held twice.
    A name nobody else holds counts half a record (the add-½ estimate), not zero.
    """
    counts = Counter(f.name_primary for f in features)
    total = max(len(features), 1)
    return {key: max(count - 2, 0.5) / total for key, count in counts.items()}


def _register_name_tf(linker: Any, features: Sequence[PersonFeatures], spark: Any | None) -> None:
    """Give the linker the leave-one-out name frequencies for its term-frequency adjustment."""
    rows = [
        {"name_primary": key, "tf_name_primary": share}
        for key, share in name_tf_lookup(features).items()
    ]
    if spark is None:
        import pandas as pd

        frame: Any = pd.DataFrame(rows)
    else:
        frame = spark.createDataFrame(rows, schema="name_primary string, tf_name_primary double")
    table = linker._db_api.register(frame)
    linker.table_management.register_term_frequency_lookup(table, "name_primary")


# Random pairs compared to estimate u. Counting every comparison in one pass (`estimate_u`)
# made each pair cheaper; 2·10⁵ pairs gave the same F1 as 3·10⁵ on FEBRL4 and on the
# cross-script set for seeds 1–8 (1·10⁵ dropped FEBRL4 to F1 0.9990 for seed 5).
U_SAMPLE_PAIRS = 2e5


@_collector_paused_during
def train_model(
    records: Sequence[PersonRecord],
    *,
    link_type: LinkType = "dedupe_only",
    spark: Any | None = None,
    connection: Any | None = None,
    max_pairs_for_u: float = U_SAMPLE_PAIRS,
    recall_of_exact_rules: float = 0.5,
    seed: int = 7,
    rejected: list[RejectedRecord] | None = None,
) -> LinkageModel:
    """Train the person model on the records: prior from exact rules, u by sampling, m by EM
    (unreadable records left out, as `link_records` does)."""
    if len(records) < 2:
        raise InvalidInput("training needs at least two records", location="records")
    features, frames = _prepared(records, link_type, rejected)
    tables = _tables(frames, spark, connection)
    try:
        linker = _train(
            tables, frames, link_type, spark, max_pairs_for_u, recall_of_exact_rules, seed
        )
        return _model_of(linker, features)
    finally:
        _drop_tables(tables, spark)


def _train(
    tables: list[Any],
    frames: list[Frame],
    link_type: LinkType,
    spark: Any | None,
    max_pairs_for_u: float,
    recall_of_exact_rules: float,
    seed: int,
    name_tf_of: Sequence[PersonFeatures] | None = None,
) -> Any:
    """A linker on the registered tables, trained: u by sampling, prior, m by EM. With
    `name_tf_of`, it also holds those records' name frequencies, ready to score."""
    from splink import block_on

    settings = _settings(link_type, _dialect(spark))
    connection = tables[0].db_api.duckdb_con if spark is None else None
    estimate_u(settings, frames, link_type, spark, connection, max_pairs=max_pairs_for_u, seed=seed)
    try:
        return _fit(tables, copy.deepcopy(settings), spark, name_tf_of, recall_of_exact_rules)
    except ValueError as error:
        # Where the rare names are shared by matches alone, EM drives an m (of "different
        # date of birth", say) to zero, and Splink refuses an m of 0.0 — at small scale, where
        # the plain name block holds few strangers anyway: train on it instead.
        if "m_probability" not in str(error):
            raise
        _LOG.info("EM on rare names drove an m to zero; training on every shared name")
    try:
        return _fit(
            tables,
            copy.deepcopy(settings),
            spark,
            name_tf_of,
            recall_of_exact_rules,
            block_on("name_primary"),
        )
    except ValueError as error:
        # Small sets where every name block holds matches alone: the date-of-birth block only.
        if "m_probability" not in str(error):
            raise
        _LOG.info("EM on every shared name drove an m to zero; training on birth dates only")
        return _fit(tables, settings, spark, name_tf_of, recall_of_exact_rules, None)


# The name block of EM: rare names only (`RARE_NAME_RECORDS`). It names name_primary, so the
# name comparison is not estimated there (Splink leaves out a blocking rule's columns).
RARE_NAME_RULE = "l.name_primary = r.name_primary AND l.name_rare IS NOT NULL"


def _fit(
    tables: list[Any],
    settings: dict[str, Any],
    spark: Any | None,
    name_tf_of: Sequence[PersonFeatures] | None,
    recall_of_exact_rules: float,
    name_rule: Any = RARE_NAME_RULE,
) -> Any:
    """A linker on the settings (u already estimated): prior from exact rules, then m by EM on
    a date-of-birth block and on `name_rule`."""
    from splink import block_on

    linker = _linker_on(tables, settings)
    if name_tf_of is not None:
        # Registered before any step, so no cached table can hold Splink's own frequencies.
        _register_name_tf(linker, name_tf_of, spark)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("name_primary", "dob"), block_on("identifier_text")],
        recall=recall_of_exact_rules,
    )
    for rule in (block_on("dob"), name_rule):
        if rule is None:
            continue
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    return linker


def _model_of(linker: Any, features: Sequence[PersonFeatures]) -> LinkageModel:
    """The settled model of a trained linker."""
    trained: dict[str, Any] = linker.misc.save_model_to_json()
    return model_from_settings(settle_parameters(trained), name_frequencies(features))


def _use_parameters(linker: Any, model: LinkageModel) -> None:
    """Give a trained linker the model's settled parameters (m floored, untrained levels made
    neutral), so that it scores as a fresh linker on `settings_for(model)` would."""
    settings = linker._settings_obj
    settings._probability_two_random_records_match = model.prior
    for comparison, trained in zip(
        settings.comparisons, model.settings["comparisons"], strict=True
    ):
        for level, values in zip(
            comparison.comparison_levels, trained["comparison_levels"], strict=True
        ):
            if not level.is_null_level:
                level.m_probability = values["m_probability"]
                level.u_probability = values["u_probability"]


def _level_case(comparison: dict[str, Any]) -> str:
    """A comparison's levels as one SQL CASE giving each pair its level's index."""
    whens = []
    has_else = False
    for index, level in enumerate(comparison["comparison_levels"]):
        condition = str(level["sql_condition"]).strip()
        if condition.upper() == "ELSE":
            whens.append(f"ELSE {index}")
            has_else = True
        else:
            whens.append(f"WHEN {condition} THEN {index}")
    return "CASE " + " ".join(whens) + ("" if has_else else " ELSE -1") + " END"


def _sample_sizes(counts: Sequence[int], link_type: LinkType, max_pairs: float) -> list[int]:
    """Records to draw from each frame so that about `max_pairs` pairs can be compared (as
    Splink's random sampling: the same share of every frame)."""
    total = sum(counts)
    if link_type == "link_only":
        pairs = (total * total - sum(n * n for n in counts)) / 2
    else:
        pairs = total * (total - 1) / 2
    share = min(1.0, math.sqrt(max_pairs / pairs)) if pairs > 0 else 1.0
    return [min(n, max(2, round(n * share))) for n in counts]


def estimate_u(
    settings: dict[str, Any],
    frames: list[Frame],
    link_type: LinkType,
    spark: Any | None,
    connection: Any,
    *,
    max_pairs: float,
    seed: int,
) -> None:
    """Write u (how often two random records fall in each level) into the settings.

    As Splink's `estimate_u_using_random_sampling` (every pair of a random sample of records,
    the same share of each frame, about `max_pairs` pairs), but every comparison is read from
    one pass over the pairs (Splink joins the sample once per comparison): u of a level is its
    share of the sampled pairs that are not null for the comparison, and a level no sampled
    pair falls in is marked "not observed" as Splink marks it.
    """
    from splink.internals.constants import LEVEL_NOT_OBSERVED_TEXT

    rng = random.Random(seed)
    lengths = [len(frame["unique_id"]) for frame in frames]
    parts = []
    for source, (length, size) in enumerate(
        zip(lengths, _sample_sizes(lengths, link_type, max_pairs), strict=True)
    ):
        part = _take(frames[source], sorted(rng.sample(range(length), size)))
        part["wh_src"] = [source] * size
        parts.append(part)
    sample = {column: [v for part in parts for v in part[column]] for column in parts[0]}
    sample["wh_i"] = list(range(len(sample["unique_id"])))
    pair_condition = "l.wh_src < r.wh_src" if link_type == "link_only" else "l.wh_i < r.wh_i"
    comparisons = settings["comparisons"]
    gammas = [f"g{i}" for i in range(len(comparisons))]
    columns = ", ".join(f"l.{c} AS {c}_l, r.{c} AS {c}_r" for c in _COLUMNS)
    cases = ", ".join(f"{_level_case(c)} AS {g}" for c, g in zip(comparisons, gammas, strict=True))
    name = f"wh_u_sample_{uuid.uuid4().hex}"
    # Only a generated table name and the model's own level SQL go into the query.
    sql = (
        f"SELECT {', '.join(gammas)}, count(*) AS n FROM ("  # noqa: S608
        f"SELECT {cases} FROM (SELECT {columns} FROM {name} AS l JOIN {name} AS r "
        f"ON {pair_condition}) AS pairs) AS levels GROUP BY {', '.join(gammas)}"
    )
    if spark is None:
        import pyarrow as pa

        schema = _arrow_schema().append(pa.field("wh_src", pa.int64()))
        schema = schema.append(pa.field("wh_i", pa.int64()))
        con: Any = connection
        con.register(name, _arrow_table(sample, schema))
        try:
            result = [tuple(row) for row in con.execute(sql).fetchall()]
        finally:
            con.unregister(name)
    else:
        from pyspark.sql import types as t

        spark_schema = _spark_schema().add("wh_src", t.LongType()).add("wh_i", t.LongType())
        spark.createDataFrame(_rows(sample), schema=spark_schema).createOrReplaceTempView(name)
        try:
            result = [tuple(row) for row in spark.sql(sql).collect()]
        finally:
            spark.catalog.dropTempView(name)
    specs = {spec.name: spec for spec in PERSON_COMPARISONS}
    for position, comparison in enumerate(comparisons):
        levels = comparison["comparison_levels"]
        counts = Counter[int]()
        for row in result:
            counts[row[position]] += row[-1]
        spec = specs[comparison["output_column_name"]]
        # A level with a stated u (`comparisons._family_patronymic`) keeps it.
        non_null = [i for i, level in enumerate(levels) if not level.get("is_null_level")]
        total = sum(counts[i] for i in non_null)
        for i in non_null:
            if levels[i].get("fix_u_probability"):
                continue
            seen = sum(counts[j] for j in spec.u_counted(i))
            levels[i]["u_probability"] = seen / total if seen else LEVEL_NOT_OBSERVED_TEXT


@_collector_paused_during
def link_records(
    records: Sequence[PersonRecord],
    *,
    link_type: LinkType = "dedupe_only",
    threshold_probability: float = 0.5,
    spark: Any | None = None,
    connection: Any | None = None,
    max_pairs_for_u: float = U_SAMPLE_PAIRS,
    recall_of_exact_rules: float = 0.5,
    seed: int = 7,
    rejected: list[RejectedRecord] | None = None,
) -> tuple[LinkageModel, list[ScoredPair]]:
    """Train on the records and score them in one pass (features and tables prepared once).

    A record that cannot be read (an impossible date, no name, a duplicate id) is left out and
    named in the log and in `rejected`; the others are linked."""
    if len(records) < 2:
        raise InvalidInput("training needs at least two records", location="records")
    features, frames = _prepared(records, link_type, rejected)
    tables = _tables(frames, spark, connection)
    try:
        linker = _train(
            tables,
            frames,
            link_type,
            spark,
            max_pairs_for_u,
            recall_of_exact_rules,
            seed,
            name_tf_of=features,
        )
        model = _model_of(linker, features)
        # The trained linker scores its own tables with the settled parameters.
        _use_parameters(linker, model)
        result = linker.inference.predict(threshold_match_probability=threshold_probability)
        frame = result.as_pandas_dataframe()
    finally:
        _drop_tables(tables, spark)
    return model, _pairs_from_frame(model, frame)


# EM on clean fields drives m of "different" to ~0, which would let one clerical error
# (a wrong sex or nationality) veto an otherwise certain match; no level gets m below this.
MIN_M_PROBABILITY = 0.01


def settle_parameters(settings: dict[str, Any]) -> dict[str, Any]:
    """A copy of trained settings with m floored and untrained levels made neutral (m = u)."""
    out = dict(settings)
    comparisons = []
    for comparison in settings["comparisons"]:
        levels = []
        for level in comparison["comparison_levels"]:
            level = dict(level)
            if not level.get("is_null_level"):
                m, u = level.get("m_probability"), level.get("u_probability")
                if m is None and u is None:
                    m = u = 0.5
                elif m is None:
                    m = u
                elif u is None:
                    u = m
                # A fixed m (a level's stated rate, `comparisons._custom`) is kept as stated.
                floor = 0.0 if level.get("fix_m_probability") else MIN_M_PROBABILITY
                level["m_probability"] = max(float(m), floor)  # type: ignore[arg-type]
                level["u_probability"] = float(u)  # type: ignore[arg-type]
            levels.append(level)
        comparisons.append({**comparison, "comparison_levels": levels})
    out["comparisons"] = comparisons
    return out


def settings_for(model: LinkageModel, link_type: LinkType, dialect: str) -> dict[str, Any]:
    """The model's trained parameters written into fresh settings for a backend's SQL dialect."""
    settings = _settings(link_type, dialect)
    settings["probability_two_random_records_match"] = model.prior
    for comparison, trained in zip(
        settings["comparisons"], model.settings["comparisons"], strict=True
    ):
        for level, trained_level in zip(
            comparison["comparison_levels"], trained["comparison_levels"], strict=True
        ):
            for key in ("m_probability", "u_probability"):
                if trained_level.get(key) is not None:
                    level[key] = trained_level[key]
    return settings


def model_from_settings(
    settings: dict[str, Any], frequencies: dict[str, float] | None = None
) -> LinkageModel:
    """Read a trained Splink model (its JSON settings) into plain parameters."""
    levels: dict[str, tuple[LevelWeight, ...]] = {}
    specs = {spec.name: spec for spec in PERSON_COMPARISONS}
    for comparison in settings["comparisons"]:
        name = comparison["output_column_name"]
        spec = specs.get(name)
        weights = []
        for index, level in enumerate(comparison["comparison_levels"]):
            weights.append(
                LevelWeight(
                    label=spec.levels[index].label if spec else level.get("label_for_charts", ""),
                    m=float(level.get("m_probability") or 0.0),
                    u=float(level.get("u_probability") or 0.0),
                    is_null=bool(level.get("is_null_level", False)),
                    tf_column=level.get("tf_adjustment_column"),
                )
            )
        levels[name] = tuple(weights)
    return LinkageModel(
        settings=settings,
        prior=float(settings["probability_two_random_records_match"]),
        levels=levels,
        name_frequencies=frequencies or {},
    )


def _level_for_weight(levels: tuple[LevelWeight, ...], weight: float) -> str:
    """Name the level whose trained weight is nearest the one Splink applied (it omits gammas)."""
    best = min(levels, key=lambda level: abs(level.match_weight - weight))
    return best.label


def _level_namer(levels: tuple[LevelWeight, ...]) -> Any:
    """`_level_for_weight` for one comparison, remembering the few distinct weights it sees."""
    seen: dict[float, str] = {}

    def name(weight: float) -> str:
        label = seen.get(weight)
        if label is None:
            label = seen[weight] = _level_for_weight(levels, weight)
        return label

    return name


@_collector_paused_during
def predict(
    model: LinkageModel,
    records: Sequence[PersonRecord],
    *,
    link_type: LinkType = "dedupe_only",
    threshold_probability: float = 0.5,
    spark: Any | None = None,
    connection: Any | None = None,
    rejected: list[RejectedRecord] | None = None,
) -> list[ScoredPair]:
    """Score every blocked pair at or above the threshold, with per-comparison contributions
    (unreadable records left out, as `link_records` does)."""
    features, frames = _prepared(records, link_type, rejected)
    settings = settings_for(model, link_type, _dialect(spark))
    tables = _tables(frames, spark, connection)
    try:
        linker = _linker_on(tables, settings)
        _register_name_tf(linker, features, spark)
        result = linker.inference.predict(threshold_match_probability=threshold_probability)
        frame = result.as_pandas_dataframe()
    finally:
        _drop_tables(tables, spark)
    return _pairs_from_frame(model, frame)


def _pairs_from_frame(model: LinkageModel, frame: Any) -> list[ScoredPair]:
    """Turn Splink's prediction table into scored pairs with explanations."""
    columns = set(frame.columns)
    explained = [name for name in model.levels if f"mw_{name}" in columns]
    left = frame["unique_id_l"].astype(str).tolist()
    right = frame["unique_id_r"].astype(str).tolist()
    weights = frame["match_weight"].astype(float).tolist()
    probabilities = frame["match_probability"].astype(float).tolist()
    level_weights = {name: frame[f"mw_{name}"].astype(float).tolist() for name in explained}
    tf_weights = {
        name: frame[f"mw_tf_adj_{name}"].astype(float).fillna(0.0).tolist()
        for name in explained
        if f"mw_tf_adj_{name}" in columns
    }
    namers = {name: _level_namer(model.levels[name]) for name in explained}
    # Contributions are immutable and few distinct ones recur across pairs: each made once.
    made: dict[tuple[str, float, float], Contribution] = {}
    pairs = []
    for row in range(len(left)):
        contributions = []
        for name in explained:
            level_weight = level_weights[name][row]
            total = level_weight + (tf_weights[name][row] if name in tf_weights else 0.0)
            key = (name, level_weight, total)
            contribution = made.get(key)
            if contribution is None:
                contribution = made[key] = Contribution(
                    comparison=name,
                    level=namers[name](level_weight),
                    match_weight=round(total, 3),
                )
            contributions.append(contribution)
        pairs.append(
            ScoredPair(
                left_id=left[row],
                right_id=right[row],
                match_weight=weights[row],
                match_probability=probabilities[row],
                contributions=tuple(contributions),
            )
        )
    return pairs
