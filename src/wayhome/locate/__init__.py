"""Locating: where does the offender behind a persona live, from many weak clues.

A pure library: an offline gazetteer, one likelihood per kind of clue, a robust fusion into a
posterior over places, Rossmo's geographic profile, a map grid layer, and ranking of register
people as candidate suspects. The web and database layers call the names exported here.
"""

from wayhome.locate.candidates import RankedCandidate, SuspectProfile, rank_candidates
from wayhome.locate.clues import (
    Circle,
    Clue,
    ExcludedClue,
    InRegionClue,
    IpClue,
    IpLocation,
    KnownSitesClue,
    PhoneClue,
    PlaceNameClue,
    PostingTimesClue,
    Site,
    SubscriberAddressClue,
    TextClue,
    WithinClue,
)
from wayhome.locate.fusion import (
    CoverageSet,
    LocateConfig,
    LocateResult,
    RankedPlace,
    locate,
    result_as_json,
)
from wayhome.locate.gazetteer import Gazetteer, Place, PlaceMatch, PlaceRecord, build_gazetteer
from wayhome.locate.grid import BoundingBox, GridLayer, grid_layer
from wayhome.locate.ipdata import IpDatabase, MmdbCityDatabase, PackagedCountryDatabase
from wayhome.locate.mentions import Mention, find_mentions
from wayhome.locate.register import RegisterPerson, parse_register
from wayhome.locate.sources import default_cache_dir, load_default_gazetteer, load_geonames_dump

__all__ = [
    "BoundingBox",
    "Circle",
    "Clue",
    "CoverageSet",
    "ExcludedClue",
    "Gazetteer",
    "GridLayer",
    "InRegionClue",
    "IpClue",
    "IpDatabase",
    "IpLocation",
    "KnownSitesClue",
    "LocateConfig",
    "LocateResult",
    "Mention",
    "MmdbCityDatabase",
    "PackagedCountryDatabase",
    "PhoneClue",
    "Place",
    "PlaceMatch",
    "PlaceNameClue",
    "PlaceRecord",
    "PostingTimesClue",
    "RankedCandidate",
    "RankedPlace",
    "RegisterPerson",
    "Site",
    "SubscriberAddressClue",
    "SuspectProfile",
    "TextClue",
    "WithinClue",
    "build_gazetteer",
    "default_cache_dir",
    "find_mentions",
    "grid_layer",
    "load_default_gazetteer",
    "load_geonames_dump",
    "locate",
    "parse_register",
    "rank_candidates",
    "result_as_json",
]
