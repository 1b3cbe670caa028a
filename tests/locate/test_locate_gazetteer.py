"""The embedded gazetteer, its cache, the GeoNames dump loader and name look-ups."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from wayhome.errors import InvalidInput
from wayhome.locate.gazetteer import Gazetteer, PlaceRecord, build_gazetteer, subset
from wayhome.locate.sources import (
    load_default_gazetteer,
    load_geonames_dump,
    read_cache,
    write_cache,
)


def _dump_line(
    geonameid: int,
    name: str,
    alternates: str,
    lat: float,
    lon: float,
    pop: int,
    feature_class: str = "P",
    admin1: str = "77",
) -> str:
    columns = [
        str(geonameid),
        name,
        name,
        alternates,
        str(lat),
        str(lon),
        feature_class,
        "PPL",
        "RU",
        "",
        admin1,
        "",
        "",
        "",
        str(pop),
        "",
        "150",
        "Europe/Moscow",
        "2024-01-01",
    ]
    return "\t".join(columns)


def test_small_russian_villages_are_found_in_both_scripts_and_inflected(russia: Gazetteer) -> None:
    both = russia.find("Кузнечиха")
    assert len(both) == 2
    assert {russia.place(match.index).country for match in both} == {"RU"}
    assert [m.index for m in russia.find("Kuznechikha")] == [m.index for m in both]
    inflected = russia.find("Пивоварихе")
    assert inflected and inflected[0].inflected
    assert russia.place(inflected[0].index).name == "Pivovarikha"
    assert russia.place(inflected[0].index).population < 5000
    assert russia.place(russia.find("Нижнем Новгороде")[0].index).name == "Nizhniy Novgorod"
    assert russia.find("Nowhereville") == []


def test_places_carry_region_time_zone_and_local_name(russia: Gazetteer) -> None:
    tver = russia.place(russia.find("Тверь")[0].index)
    assert tver.region == "RU.77"
    assert tver.timezone == "Europe/Moscow"
    assert tver.local_name == "Тверь"
    assert russia.country_mask("BY").sum() > 100
    assert not russia.country_mask("ZZ").any()


def test_cache_round_trip_keeps_every_array(tiny: Gazetteer, tmp_path: Path) -> None:
    path = tmp_path / "g.npz"
    write_cache(tiny, path)
    again = read_cache(path)
    assert again.names == tiny.names
    assert again.local_names == tiny.local_names
    assert again.region_names == tiny.region_names
    assert np.array_equal(again.name_keys, tiny.name_keys)
    assert [m.index for m in again.find("Макарихе")] == [m.index for m in tiny.find("Makarikha")]


def test_default_gazetteer_is_rebuilt_when_the_cache_is_broken(tmp_path: Path) -> None:
    (tmp_path / "gazetteer-v2-BY.npz").write_bytes(b"not a numpy archive")
    belarus = load_default_gazetteer(tmp_path, countries=("BY",))
    assert len(belarus) > 100
    assert set(belarus.countries) == {"BY"}
    assert len(load_default_gazetteer(tmp_path, countries=("BY",))) == len(belarus)


def test_geonames_dump_finds_makarikha(tmp_path: Path) -> None:
    dump = tmp_path / "RU.txt"
    regions = tmp_path / "admin1CodesASCII.txt"
    dump.write_text(
        "\n".join(
            [
                _dump_line(1, "Makarikha", "Makarikha,Макариха", 57.52, 34.61, 46),
                _dump_line(2, "Tver", "Tver',Тверь,Kalinin", 56.86, 35.90, 403_726),
                _dump_line(3, "Volga", "Волга", 57.0, 35.0, 0, feature_class="H"),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    regions.write_text("RU.77\tTverskaya Oblast\tTverskaya Oblast\t480041\n", encoding="utf-8")
    gazetteer = load_geonames_dump(dump, region_names_file=regions)
    assert len(gazetteer) == 2
    match = gazetteer.find("Макарихе")
    assert [gazetteer.place(m.index).name for m in match] == ["Makarikha"]
    assert gazetteer.region_label("RU.77") == "Tverskaya Oblast"
    assert len(load_geonames_dump(dump, min_population=100)) == 1


def test_geonames_dump_errors_name_the_line(tmp_path: Path) -> None:
    dump = tmp_path / "bad.txt"
    dump.write_text(_dump_line(1, "A", "", 50.0, 30.0, 10) + "\nshort\tline\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as error:
        load_geonames_dump(dump)
    assert error.value.location == "bad.txt line 2"
    dump.write_text(_dump_line(1, "A", "", 95.0, 30.0, 10) + "\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="latitude"):
        load_geonames_dump(dump)
    with pytest.raises(InvalidInput):
        load_geonames_dump(tmp_path / "missing.txt")


def test_subset_renumbers_the_name_index(tiny: Gazetteer) -> None:
    east = subset(tiny, tiny.longitudes > 37.2)
    assert east.names == ("Beta", "Makarikha", "Gamma", "Delta")
    assert [east.names[m.index] for m in east.find("Гамма")] == ["Gamma"]
    with pytest.raises(InvalidInput):
        subset(tiny, np.zeros(len(tiny), dtype=bool))


def test_empty_gazetteer_is_refused() -> None:
    with pytest.raises(InvalidInput):
        build_gazetteer([])
    with pytest.raises(InvalidInput):
        build_gazetteer([PlaceRecord(1, "X", 10.0, 200.0, 1, "RU", "1", "UTC")])


@pytest.mark.slow
def test_the_whole_embedded_gazetteer_loads_and_finds_villages(tmp_path: Path) -> None:
    world = load_default_gazetteer(tmp_path)
    assert len(world) > 200_000
    assert len(world.countries) > 200
    assert {world.place(m.index).country for m in world.find("Кузнечихе")} == {"RU"}
    assert world.place(world.find("Москве")[0].index).country == "RU"
