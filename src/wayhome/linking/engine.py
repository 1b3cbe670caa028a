"""Fellegi–Sunter person linkage on Splink: m/u trained by EM, blocked pairs scored and explained.

DuckDB (embedded) is the default backend; pass a Spark session to run the same model definition
on a cluster for national-scale batches. The trained parameters are also kept as plain numbers
so `incremental` can score one new record without any database.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from wayhome.errors import InvalidInput
from wayhome.linking.comparisons import PERSON_COMPARISONS, ComparisonSpec
from wayhome.linking.records import PersonFeatures, PersonRecord, person_features

LinkType = Literal["dedupe_only", "link_only", "link_and_dedupe"]


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


def features_of(records: Iterable[PersonRecord]) -> list[PersonFeatures]:
    """Check every record and compute its features; duplicate ids are refused."""
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
    """The Splink settings (comparisons and blocking) shared by every backend."""
    from splink import SettingsCreator, block_on
    from splink import comparison_library as cl

    comparisons = [_splink_comparison(spec, cl) for spec in PERSON_COMPARISONS]
    creator = SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        comparisons=comparisons,
        # The primary name key travels inside blocking_keys ("n|…") so that a giant block is
        # split by birth year like every other key (see `_rows`).
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


# A blocking key held by more records than this is split by birth year. Records with the same
# common name ("Олена Бондар") share every one of their ~100 name keys, so without the split
# the pairs to score grow with the square of the population (50 million at 200,000 generated
# records, 10 million with the split); records with no known birth year drop such a key.
MAX_BLOCK_RECORDS = 50


def _block_keys(feature: PersonFeatures) -> list[str]:
    """Every blocking key of a record, the primary name key included."""
    return ["n|" + feature.name_primary, *feature.blocking_keys]


_COLUMNS = tuple(PersonFeatures.__dataclass_fields__)


def _rows(
    features: Sequence[PersonFeatures], sizes: Counter[str] | None = None
) -> list[dict[str, Any]]:
    """Rows for a data frame (as `PersonFeatures.as_row`, lists kept in their order: SQL treats
    them as sets), blocking keys of oversized blocks split by birth year."""
    rows = []
    for feature in features:
        values = feature.__dict__
        row: dict[str, Any] = {}
        for column in _COLUMNS:
            value = values[column]
            if isinstance(value, tuple):
                row[column] = list(value) if value else None
            else:
                row[column] = None if value == "" else value
        year = feature.birth_year_min if feature.birth_year_min == feature.birth_year_max else None
        keys = set()
        for key in _block_keys(feature):
            if sizes is None or sizes[key] <= MAX_BLOCK_RECORDS:
                keys.add(key)
            elif year is not None:
                keys.add(f"{key}|{year}")
        row["blocking_keys"] = sorted(keys) or None
        rows.append(row)
    return rows


def block_sizes(features: Sequence[PersonFeatures]) -> Counter[str]:
    """How many records hold each blocking key."""
    sizes: Counter[str] = Counter()
    for feature in features:
        sizes.update(_block_keys(feature))
    return sizes


def blocked_pair_incidences(features: Sequence[PersonFeatures]) -> int:
    """Pairs the prediction blocking puts to scoring, counted once per shared key (an upper
    bound: Splink scores a pair that shares several keys once)."""
    sizes: Counter[str] = Counter()
    for row in _rows(features, block_sizes(features)):
        sizes.update(row["blocking_keys"] or ())
    sizes.update(f.identifier_text for f in features if f.identifier_text)
    return sum(n * (n - 1) // 2 for n in sizes.values())


def _frames(
    records: Sequence[PersonRecord], features: Sequence[PersonFeatures], link_type: LinkType
) -> list[list[dict[str, Any]]]:
    """Rows for one table in a dedupe job, one table per source agency in link jobs."""
    sizes = block_sizes(features)
    if link_type == "dedupe_only":
        return [_rows(features, sizes)]
    by_source: dict[str, list[PersonFeatures]] = {}
    for record, feature in zip(records, features, strict=True):
        by_source.setdefault(record.source or "", []).append(feature)
    if len(by_source) < 2:
        raise InvalidInput("a link job needs records from at least two sources", location="source")
    return [_rows(group, sizes) for _, group in sorted(by_source.items())]


def _linker(
    frames: list[list[dict[str, Any]]],
    settings: dict[str, Any],
    spark: Any | None,
    connection: Any | None = None,
) -> Any:
    """A Splink linker over the tables, on DuckDB unless a Spark session is given."""
    return _linker_on(_tables(frames, spark, connection), settings)


def _tables(
    frames: list[list[dict[str, Any]]], spark: Any | None, connection: Any | None = None
) -> list[Any]:
    """The feature rows registered with the backend, one table per frame."""
    import pandas as pd
    from splink import DuckDBAPI, SparkAPI

    if spark is None:
        db_api: Any = DuckDBAPI(connection=connection if connection is not None else ":memory:")
        return [db_api.register(pd.DataFrame(rows)) for rows in frames]
    db_api = SparkAPI(spark_session=spark)  # type: ignore[no-untyped-call]
    schema = _spark_schema()
    return [db_api.register(spark.createDataFrame(rows, schema=schema)) for rows in frames]


def _linker_on(tables: list[Any], settings: dict[str, Any]) -> Any:
    """A Splink linker over already registered tables."""
    from splink import Linker

    return Linker(tables if len(tables) > 1 else tables[0], settings, log_level=logging.WARNING)


def spark_jar_path() -> str:
    """Path of Splink's string-similarity jar; a Spark session needs it in `spark.jars`."""
    from splink.backends.spark import similarity_jar_location

    return str(similarity_jar_location())


def _spark_schema() -> Any:
    """The Spark schema of the feature rows (inference fails on columns that are all null)."""
    from pyspark.sql import types as t

    fields = []
    for name, kind in PersonFeatures.__annotations__.items():
        if "tuple" in kind:
            spark_type: Any = t.ArrayType(t.StringType())
        elif "int" in kind:
            spark_type = t.LongType()
        else:
            spark_type = t.StringType()
        fields.append(t.StructField(name, spark_type, True))
    return t.StructType(fields)


def name_frequencies(features: Sequence[PersonFeatures]) -> dict[str, float]:
    """Share of records carrying each primary name key (for term-frequency adjustment)."""
    counts = Counter(f.name_primary for f in features)
    total = max(len(features), 1)
    return {key: count / total for key, count in counts.items()}


def name_tf_lookup(features: Sequence[PersonFeatures]) -> dict[str, float]:
    """How common each primary name key is among the *other* records: max(count − 1, 1) / N.

    Splink's own table counts the record itself (count / N), which halves the weight of a name
    held twice in a small population although a stranger shares it with neither record.
    """
    counts = Counter(f.name_primary for f in features)
    total = max(len(features), 1)
    return {key: max(count - 1, 1) / total for key, count in counts.items()}


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


def train_model(
    records: Sequence[PersonRecord],
    *,
    link_type: LinkType = "dedupe_only",
    spark: Any | None = None,
    connection: Any | None = None,
    max_pairs_for_u: float = 3e5,
    recall_of_exact_rules: float = 0.5,
    seed: int = 7,
) -> LinkageModel:
    """Train the person model on the records: prior from exact rules, u by sampling, m by EM."""
    if len(records) < 2:
        raise InvalidInput("training needs at least two records", location="records")
    features = features_of(records)
    settings = _settings(link_type, _dialect(spark))
    linker = _linker(_frames(records, features, link_type), settings, spark, connection)
    return _train(linker, features, max_pairs_for_u, recall_of_exact_rules, seed)


def _train(
    linker: Any,
    features: Sequence[PersonFeatures],
    max_pairs_for_u: float,
    recall_of_exact_rules: float,
    seed: int,
) -> LinkageModel:
    """Run the training steps on a linker and read the settled model out of it."""
    from splink import block_on

    linker.training.estimate_probability_two_random_records_match(
        [block_on("name_primary", "dob"), block_on("identifier_text")],
        recall=recall_of_exact_rules,
    )
    linker.training.estimate_u_using_random_sampling(
        max_pairs=max_pairs_for_u, seed=seed, num_chunks=1
    )
    for rule in (block_on("dob"), block_on("name_primary")):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    trained: dict[str, Any] = linker.misc.save_model_to_json()
    return model_from_settings(settle_parameters(trained), name_frequencies(features))


def link_records(
    records: Sequence[PersonRecord],
    *,
    link_type: LinkType = "dedupe_only",
    threshold_probability: float = 0.5,
    spark: Any | None = None,
    connection: Any | None = None,
    max_pairs_for_u: float = 3e5,
    recall_of_exact_rules: float = 0.5,
    seed: int = 7,
) -> tuple[LinkageModel, list[ScoredPair]]:
    """Train on the records and score them in one pass (features and tables prepared once)."""
    if len(records) < 2:
        raise InvalidInput("training needs at least two records", location="records")
    features = features_of(records)
    dialect = _dialect(spark)
    tables = _tables(_frames(records, features, link_type), spark, connection)
    linker = _linker_on(tables, _settings(link_type, dialect))
    model = _train(linker, features, max_pairs_for_u, recall_of_exact_rules, seed)
    # The same registered tables, scored with the settled parameters.
    scorer = _linker_on(tables, settings_for(model, link_type, dialect))
    _register_name_tf(scorer, features, spark)
    result = scorer.inference.predict(threshold_match_probability=threshold_probability)
    return model, _pairs_from_frame(model, result.as_pandas_dataframe())


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
                level["m_probability"] = max(float(m), MIN_M_PROBABILITY)  # type: ignore[arg-type]
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


def predict(
    model: LinkageModel,
    records: Sequence[PersonRecord],
    *,
    link_type: LinkType = "dedupe_only",
    threshold_probability: float = 0.5,
    spark: Any | None = None,
    connection: Any | None = None,
) -> list[ScoredPair]:
    """Score every blocked pair at or above the threshold, with per-comparison contributions."""
    features = features_of(records)
    settings = settings_for(model, link_type, _dialect(spark))
    linker = _linker(_frames(records, features, link_type), settings, spark, connection)
    _register_name_tf(linker, features, spark)
    result = linker.inference.predict(threshold_match_probability=threshold_probability)
    frame = result.as_pandas_dataframe()
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
    pairs = []
    for row in range(len(left)):
        contributions = []
        for name in explained:
            level_weight = level_weights[name][row]
            total = level_weight + (tf_weights[name][row] if name in tf_weights else 0.0)
            contributions.append(
                Contribution(
                    comparison=name,
                    level=namers[name](level_weight),
                    match_weight=round(total, 3),
                )
            )
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
