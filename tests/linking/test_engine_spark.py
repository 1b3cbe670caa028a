"""The same person model runs on local Spark and gives the same scores as on DuckDB."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from wayhome.linking.engine import predict, spark_jar_path, train_model
from wayhome.linking.synthetic import cross_script_dataset

# py4j leaves its gateway sockets to the garbage collector; that is Spark's, not ours.
pytestmark = [
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("wayhome-linking-test")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", "2g")
        .config("spark.jars", spark_jar_path())
        .config("spark.sql.warehouse.dir", str(tmp_path_factory.mktemp("spark-warehouse")))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(str(tmp_path_factory.mktemp("spark-checkpoints")))
    yield session
    session.stop()


@pytest.mark.slow
def test_model_trained_on_duckdb_scores_the_same_on_spark(spark: Any) -> None:
    records, truth = cross_script_dataset(150, seed=5)
    model = train_model(records, max_pairs_for_u=1e5)
    on_duckdb = {frozenset((p.left_id, p.right_id)): p for p in predict(model, records)}
    on_spark = {frozenset((p.left_id, p.right_id)): p for p in predict(model, records, spark=spark)}
    assert on_duckdb.keys() == on_spark.keys()
    for key, pair in on_duckdb.items():
        assert on_spark[key].match_weight == pytest.approx(pair.match_weight, abs=1e-6)
    assert sum(truth[p.left_id] == truth[p.right_id] for p in on_spark.values()) > 0


@pytest.mark.slow
def test_training_runs_on_spark(spark: Any) -> None:
    records, _ = cross_script_dataset(150, seed=6)
    model = train_model(records, spark=spark, max_pairs_for_u=1e5)
    weights = {level.label: level.match_weight for level in model.levels["name"]}
    assert weights["same name after transliteration"] > weights["different"]
    # Every pair fits in the u sample on both backends, so u must be the same level by level.
    on_duckdb = train_model(records, max_pairs_for_u=1e5)
    for name, levels in model.levels.items():
        for level, reference in zip(levels, on_duckdb.levels[name], strict=True):
            assert level.u == pytest.approx(reference.u, rel=1e-6), (name, level.label)
