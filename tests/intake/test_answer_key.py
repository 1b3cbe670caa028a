"""The independent answer-key set (issue 17) scored through the product's HTTP API.

Six files about one fictional subject (tests/intake/answer_key/, written from the formats'
public specifications by a generator that imports nothing from wayhome) are imported, each
by its own member agency, then read back and looked up. Targets: every must-find selector
found, no look-alike reported, every recurring selector correlated across all the agencies
that hold it, every file imported whichever member agency imports it. A known product gap
is its own strict xfail naming the gap, so the suite stays green and the gap stays visible.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import World
from tests.intake.answer_key import generate
from tests.intake.answer_key.product import Product, agencies, files, import_as, score_set
from tests.intake.answer_key.scoring import FileScore, LinkScore, load_key

pytestmark = pytest.mark.slow

KEY = load_key()

STIX, MISP, CYBERTIP, FORUM, CSV = (
    "uk_unit_bundle.stix.json",
    "de_unit_event.misp.json",
    "us_esp_report.cybertip.xml",
    "ru_forum_scrape.txt",
    "nl_unit_selectors.csv",
)
_ANSWER = load_key()["files"]
FORUM_PLATFORM = (
    "free text: a post header '— user korsak_77' under 'Forum: Polar Night' yields "
    "forum:korsak_77 (the product's one key for sites outside its platform table, so that "
    "sources naming a small forum differently still correlate), not polar-night:korsak_77"
)

# (file, type, value) -> the product gap that makes the key's expectation fail today.
MUST_FIND_GAPS: dict[tuple[str, str, str], str] = {
    (FORUM, "account", "polar-night:korsak_77"): FORUM_PLATFORM,
    (FORUM, "account", "polar-night:nord_wind"): FORUM_PLATFORM,
}
# (file, type, text) -> the product gap.
LOOKALIKE_GAPS: dict[tuple[str, str, str], str] = {}
# (type, value) -> the product gap.
LINK_GAPS: dict[tuple[str, str], str] = {}
# (file, agency) -> the product gap.
IMPORT_GAPS: dict[tuple[str, str], str] = {}
# file -> the product gap.
REFUSAL_GAPS: dict[str, str] = {}


def _gap(reason: str | None) -> Any:
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []


def _product(world: World, client: Any) -> Product:
    headers, codes = {}, {}
    for agency, about in agencies().items():
        code = f"key-{agency}"
        made = world.agency(code, country=about["country"], kind=about["kind"])
        headers[agency] = world.headers(world.user(made))
        codes[agency] = code
    return Product(client, headers, codes)


_RESULTS: dict[str, tuple[dict[str, FileScore], dict[tuple[str, str], LinkScore]]] = {}


@pytest.fixture
def results(
    request: pytest.FixtureRequest,
) -> tuple[dict[str, FileScore], dict[tuple[str, str], LinkScore]]:
    """The whole set imported and scored once per test process (plain data, kept after the
    first test's transaction is rolled back)."""
    if "run" not in _RESULTS:
        product = _product(request.getfixturevalue("world"), request.getfixturevalue("client"))
        scores, links = score_set(product)
        _RESULTS["run"] = (
            {s.name: s for s in scores},
            {(link.kind, link.value): link for link in links},
        )
    return _RESULTS["run"]


def _must_find() -> list[Any]:
    return [
        pytest.param(
            name,
            item["type"],
            item["value"],
            id=f"{name}:{item['type']}:{item['value'][:24]}",
            marks=_gap(MUST_FIND_GAPS.get((name, item["type"], item["value"]))),
        )
        for name, entry in KEY["files"].items()
        for item in entry["must_find"]
    ]


def _lookalikes() -> list[Any]:
    return [
        pytest.param(
            name,
            item["type"],
            item["text"],
            id=f"{name}:{item['type']}:{item['text'][:24]}",
            marks=_gap(LOOKALIKE_GAPS.get((name, item["type"], item["text"]))),
        )
        for name, entry in KEY["files"].items()
        for item in entry["must_not_find"]
    ]


def _links() -> list[Any]:
    return [
        pytest.param(
            link["type"],
            link["value"],
            id=f"{link['type']}:{link['value'][:24]}",
            marks=_gap(LINK_GAPS.get((link["type"], link["value"]))),
        )
        for link in KEY["cross_file"]
    ]


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=_gap(REFUSAL_GAPS.get(n))) for n in files()]
)
def test_file_is_imported_by_its_agency(results: Any, name: str) -> None:
    assert results[0][name].refused is None


@pytest.mark.parametrize(("name", "kind", "value"), _must_find())
def test_must_find_selector_is_held(results: Any, name: str, kind: str, value: str) -> None:
    score = results[0][name]
    assert {"type": kind, "value": value} in [
        {"type": f["type"], "value": f["value"]} for f in score.found
    ], f"{name}: {kind} {value} not held; held: {[(h.kind, h.value) for h in score.extras]}"


@pytest.mark.parametrize(("name", "kind", "text"), _lookalikes())
def test_lookalike_is_not_reported(results: Any, name: str, kind: str, text: str) -> None:
    reported = [
        held
        for entry, held in results[0][name].lookalikes
        if entry["type"] == kind and entry["text"] == text
    ]
    assert not reported, f"{name}: look-alike {text!r} reported as {reported}"


@pytest.mark.parametrize(("kind", "value"), _links())
def test_recurring_selector_is_correlated_across_its_holders(
    results: Any, kind: str, value: str
) -> None:
    link = results[1][(kind, value)]
    assert link.correlated, f"{kind} {value}: holder -> holders it does not see: {link.missing}"


@pytest.mark.parametrize(
    ("name", "agency"),
    [
        pytest.param(n, a, id=f"{n}:{a}", marks=_gap(IMPORT_GAPS.get((n, a))))
        for n in files()
        for a in agencies()
    ],
)
def test_file_is_imported_whichever_agency_imports_it(
    world: World, client: Any, name: str, agency: str
) -> None:
    refused, _ = import_as(_product(world, client), agency, name)
    assert refused is None


def test_the_set_is_what_its_generator_writes(tmp_path: Path) -> None:
    """The committed files and key.json are the generator's output (edit generate.py)."""
    generate.main(tmp_path)
    for written in sorted(tmp_path.iterdir()):
        assert written.read_bytes() == (generate.HERE / written.name).read_bytes(), written.name


def test_the_keys_checksummed_values_hold() -> None:
    """The subject's values pass their checksums and the look-alikes fail them (key's own code)."""
    assert generate.base58check_holds(generate.BTC)
    assert not generate.base58check_holds(generate.BAD_BTC)
    assert generate.bech32_holds(generate.SEGWIT)
    assert not generate.bech32_holds(generate.BAD_SEGWIT)
    assert generate.ONION != generate.BAD_ONION
