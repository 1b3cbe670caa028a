"""The gazetteer every request uses: loaded once per process, replaced after an import."""

from __future__ import annotations

import threading
from pathlib import Path

from wayhome.errors import InvalidInput
from wayhome.locate.gazetteer import Gazetteer
from wayhome.locate.sources import (
    default_cache_dir,
    load_default_gazetteer,
    load_geonames_dump,
    read_cache,
    write_cache,
)

IMPORTED_GAZETTEER = "gazetteer-imported.npz"

_lock = threading.Lock()
_gazetteer: Gazetteer | None = None


def gazetteer() -> Gazetteer:
    """Return the gazetteer, loaded once per process: an imported GeoNames dump if there is one."""
    global _gazetteer
    with _lock:
        if _gazetteer is None:
            imported = default_cache_dir() / IMPORTED_GAZETTEER
            _gazetteer = read_cache(imported) if imported.exists() else load_default_gazetteer()
        return _gazetteer


def use_gazetteer(value: Gazetteer | None) -> None:
    """Replace the process-wide gazetteer (tests, or after an import); None reloads on next use."""
    global _gazetteer
    with _lock:
        _gazetteer = value


def import_gazetteer(path: Path, min_population: int = 0, regions: Path | None = None) -> int:
    """Build a gazetteer from a GeoNames dump, store it as this installation's, return its size."""
    built = load_geonames_dump(path, min_population=min_population, region_names_file=regions)
    if len(built) == 0:
        raise InvalidInput("the dump holds no populated place", location=str(path))
    folder = default_cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    write_cache(built, folder / IMPORTED_GAZETTEER)
    use_gazetteer(built)
    return len(built)
