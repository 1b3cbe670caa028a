"""Deduplicate ~1M generated person records with the Wayhome model on DuckDB; time incremental.

Run: PYTHONPATH=src .venv/bin/python bench/linking_scale.py [people] [memory_limit] [mode]
(mode "incremental" skips the batch deduplication and only times single-record matching;
"dedupe" skips the incremental part.)
Prints one JSON object with stage timings, pair and cluster counts, pairwise precision/recall
against the generator's truth, peak memory, and incremental-match latency at full size.
"""

from __future__ import annotations

import gc
import json
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter

import duckdb

from wayhome.linking.clusters import cluster
from wayhome.linking.engine import (
    LinkageModel,
    blocked_pair_incidences,
    features_of,
    predict,
    train_model,
)
from wayhome.linking.incremental import build_index
from wayhome.linking.records import PersonRecord
from wayhome.linking.synthetic import cross_script_dataset


def peak_rss_gib() -> float:
    """Peak resident memory of this process so far, GiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def main() -> None:
    """Run the scale benchmark once."""
    people = int(sys.argv[1]) if len(sys.argv) > 1 else 500_000
    memory_limit = sys.argv[2] if len(sys.argv) > 2 else "6GB"
    out: dict[str, object] = {"people": people, "duckdb_memory_limit": memory_limit}

    started = time.perf_counter()
    records, truth = cross_script_dataset(people, seed=42)
    out["records"] = len(records)
    out["generate_s"] = round(time.perf_counter() - started, 1)
    print(f"generated {len(records)} records", file=sys.stderr, flush=True)

    connection = duckdb.connect()
    spill = tempfile.mkdtemp(prefix="wayhome-linking-scale-")
    connection.execute(f"SET temp_directory='{spill}'")
    connection.execute(f"SET memory_limit='{memory_limit}'")
    connection.execute("SET threads=2")
    connection.execute("SET preserve_insertion_order=false")

    mode = sys.argv[3] if len(sys.argv) > 3 else "both"
    only_incremental = mode == "incremental"
    out["load_average_at_start"] = [round(x, 2) for x in os.getloadavg()]
    dedupe_started = time.perf_counter()
    rng = random.Random(1)
    sample = rng.sample(records, min(100_000, len(records)))
    started = time.perf_counter()
    model = train_model(sample, connection=connection, max_pairs_for_u=1e6)
    out["train_on_100k_sample_s"] = round(time.perf_counter() - started, 1)
    print("trained", json.dumps(out), file=sys.stderr, flush=True)

    if not only_incremental:
        deduplicate(model, records, truth, connection, out, dedupe_started)
    connection.close()
    shutil.rmtree(spill, ignore_errors=True)
    gc.collect()
    if mode != "dedupe":
        incremental(model, records, rng, out)
    out["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(out, indent=2))


def deduplicate(
    model: LinkageModel,
    records: list[PersonRecord],
    truth: dict[str, str],
    connection: duckdb.DuckDBPyConnection,
    out: dict[str, object],
    dedupe_started: float,
) -> None:
    """Batch deduplication of all records on DuckDB, timed and scored against the truth."""
    started = time.perf_counter()
    out["blocked_pair_incidences"] = blocked_pair_incidences(features_of(records))
    out["count_pairs_s"] = round(time.perf_counter() - started, 1)
    gc.collect()
    started = time.perf_counter()
    pairs = predict(model, records, threshold_probability=0.5, connection=connection)
    out["predict_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    groups = cluster(pairs, 0.5, ids=(r.record_id for r in records))
    out["cluster_s"] = round(time.perf_counter() - started, 1)
    out["dedupe_total_s"] = round(
        time.perf_counter() - dedupe_started - float(out["count_pairs_s"]),
        1,  # type: ignore[arg-type]
    )
    out["pairs_at_0.5"] = len(pairs)
    out["clusters"] = len(groups)
    true_pairs = sum(n * (n - 1) // 2 for n in Counter(truth.values()).values())
    correct = sum(truth[p.left_id] == truth[p.right_id] for p in pairs)
    precision = correct / len(pairs) if pairs else 0.0
    recall = correct / true_pairs if true_pairs else 0.0
    out["pairwise_precision"] = round(precision, 4)
    out["pairwise_recall"] = round(recall, 4)
    out["pairwise_f1"] = round(2 * precision * recall / (precision + recall), 4) if correct else 0
    out["peak_rss_gib_after_dedupe"] = round(peak_rss_gib(), 2)
    print("deduplicated", json.dumps(out), file=sys.stderr, flush=True)


def incremental(
    model: LinkageModel, records: list[PersonRecord], rng: random.Random, out: dict[str, object]
) -> None:
    """Build the in-memory index over all records and time 1,000 single-record matches."""
    started = time.perf_counter()
    features = features_of(records)
    index = build_index(model, features)
    out["index_build_s"] = round(time.perf_counter() - started, 1)
    # Long-lived index: move it out of the cyclic collector's reach, or a full collection over
    # millions of objects lands inside one probe (seen: 7.5 s max without this line).
    gc.collect()
    gc.freeze()
    probes = rng.sample(features, 1000)
    latencies = []
    candidates = []
    for probe in probes:
        t0 = time.perf_counter()
        index.match(probe)
        latencies.append(time.perf_counter() - t0)
        candidates.append(len(index.candidates(probe)))
    latencies.sort()
    out["incremental_ms_median"] = round(statistics.median(latencies) * 1000, 2)
    out["incremental_ms_p95"] = round(latencies[int(0.95 * len(latencies))] * 1000, 2)
    out["incremental_ms_max"] = round(latencies[-1] * 1000, 2)
    out["incremental_candidates_median"] = statistics.median(candidates)
    out["incremental_candidates_max"] = max(candidates)
    out["peak_rss_gib"] = round(peak_rss_gib(), 2)


if __name__ == "__main__":
    main()
