"""Score labelled entity pairs with nomenklatura's logic-v2 (runs in a separate Python with it).

Run by bench/linking_crossscript.py: <python-with-nomenklatura> bench/linking_nomenklatura.py
pairs.json. Prints {"version": ..., "scores": [...]} in the order of the pairs.
"""

from __future__ import annotations

import json
import sys
from importlib.metadata import version

from followthemoney import model  # type: ignore[import-not-found]
from nomenklatura.matching import ScoringConfig, get_algorithm


def main() -> None:
    """Score every pair in the file."""
    with open(sys.argv[1], encoding="utf-8") as handle:
        pairs = json.load(handle)
    algorithm = get_algorithm("logic-v2")
    assert algorithm is not None
    scores = []
    for pair in pairs:
        left = model.get_proxy(pair["left"])
        right = model.get_proxy(pair["right"])
        result = algorithm.compare(left, right, ScoringConfig.defaults())
        scores.append(round(float(result.score), 4))
    print(json.dumps({"version": version("nomenklatura"), "scores": scores}))


if __name__ == "__main__":
    main()
