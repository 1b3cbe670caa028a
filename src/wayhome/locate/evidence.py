"""A case's clues: from the intelligence the caller may see, and as an investigator states them.

The case's intelligence is read only through `Records`, so a hidden report can never move the
caller's answer. Every clue carries an id (to switch it off), a label and its source.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field

from sqlalchemy import or_, select

from wayhome.access.records import Records
from wayhome.agencies.models import Agency
from wayhome.cases.models import Case
from wayhome.errors import InvalidInput
from wayhome.intake.models import Location, Report, Selector, SelectorValue
from wayhome.locate import clues as lc
from wayhome.locate import schemas
from wayhome.locate.gazetteer import Gazetteer
from wayhome.locate.ipdata import PackagedCountryDatabase

# A case's intelligence read for clues is bounded: enough for any real case, fast always.
MAX_REPORTS = 500
MAX_SELECTORS = 2_000
IP_KINDS = ("ipv4", "ipv6")

_ip_database = PackagedCountryDatabase()


@dataclass
class CaseClue:
    """A clue with its id, where it came from, and whether the caller switched it off."""

    id: str
    label: str
    kind: str
    source: str
    agency: str | None
    clue: lc.Clue | None
    enabled: bool = True
    notes: list[str] = field(default_factory=list)


def agency_codes(records: Records, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Codes of the given agencies."""
    if not ids:
        return {}
    rows = records.session.execute(select(Agency.id, Agency.code).where(Agency.id.in_(ids)))
    return {row.id: row.code for row in rows}


def _derived(
    clue_id: str, label: str, kind: str, source: str, agency: str | None, build: object
) -> CaseClue:
    """Make a clue from the case's intelligence; one that cannot be made is kept with a note."""
    try:
        made = build() if callable(build) else None
    except InvalidInput as error:
        return CaseClue(clue_id, label, kind, source, agency, None, False, [error.detail])
    return CaseClue(clue_id, label, kind, source, agency, made)


def case_clues(records: Records, case: Case) -> list[CaseClue]:
    """Return the clues the case's visible intelligence gives: sites, places, IPs, phones, texts."""
    reports = records.find(
        Report, Report.case_id == case.id, order_by=[Report.received_at], limit=MAX_REPORTS
    ).items
    report_ids = [report.id for report in reports]
    by_report = {report.id: report for report in reports}
    locations = records.find(
        Location,
        or_(Location.case_id == case.id, Location.report_id.in_(report_ids)),
        order_by=[Location.observed_at],
        limit=MAX_SELECTORS,
    ).items
    wanted_values = select(SelectorValue.id).where(SelectorValue.kind.in_((*IP_KINDS, "phone")))
    selectors = (
        records.find(
            Selector,
            Selector.report_id.in_(report_ids),
            Selector.value_id.in_(wanted_values),
            order_by=[Selector.id],
            limit=MAX_SELECTORS,
        ).items
        if report_ids
        else []
    )
    codes = agency_codes(
        records,
        {case.agency_id} | {r.agency_id for r in reports} | {loc.agency_id for loc in locations},
    )

    def source_of(report_id: uuid.UUID | None) -> str:
        report = by_report.get(report_id) if report_id else None
        return f"report '{report.title}'" if report else f"case {case.reference}"

    found: list[CaseClue] = []
    sites = [loc for loc in locations if loc.latitude is not None and loc.longitude is not None]
    if sites:
        agencies = sorted({codes.get(loc.agency_id, "?") for loc in sites})
        found.append(
            _derived(
                "sites",
                f"known sites ({len(sites)})",
                "sites",
                "; ".join(sorted({source_of(loc.report_id) for loc in sites})),
                ", ".join(agencies),
                lambda: lc.KnownSitesClue(
                    label="sites",
                    sites=[
                        lc.Site(float(loc.latitude or 0.0), float(loc.longitude or 0.0), loc.kind)
                        for loc in sites
                    ],
                ),
            )
        )
    for loc in locations:
        if loc.place_name and (loc.latitude is None or loc.longitude is None):
            clue_id = f"place-{loc.id.hex[:8]}"
            name = loc.place_name
            found.append(
                _derived(
                    clue_id,
                    f"place named: {name}",
                    "place_name",
                    source_of(loc.report_id),
                    codes.get(loc.agency_id),
                    lambda clue_id=clue_id, name=name: lc.PlaceNameClue(label=clue_id, name=name),
                )
            )
    seen: dict[str, CaseClue] = {}
    for selector in selectors:
        kind, value = selector.value.kind, selector.value.canonical
        report = by_report.get(selector.report_id)
        source = source_of(selector.report_id)
        agency = codes.get(report.agency_id) if report else None
        if kind in IP_KINDS:
            clue_id = f"ip-{value}"
            context = (selector.context or "").lower()
            made = _derived(
                clue_id,
                f"IP {value}",
                "ip",
                source,
                agency,
                lambda clue_id=clue_id, value=value, context=context: lc.IpClue(
                    label=clue_id,
                    ip=value,
                    vpn="vpn" in context,
                    proxy="proxy" in context,
                    tor="tor" in context.split(),
                ),
            )
        else:
            clue_id = f"phone-{value}"
            made = _derived(
                clue_id,
                f"phone {value}",
                "phone",
                source,
                agency,
                lambda clue_id=clue_id, value=value: lc.PhoneClue(label=clue_id, number=value),
            )
        if clue_id in seen:
            if source not in seen[clue_id].source:
                seen[clue_id].source += f"; {source}"
            continue
        seen[clue_id] = made
        found.append(made)
    moments = sorted(
        selector.observed_at
        for selector in selectors
        if selector.observed_at is not None and selector.observed_at.tzinfo is not None
    )
    if len(moments) >= 3:
        found.append(
            _derived(
                "posting-times",
                f"activity times ({len(moments)})",
                "posting_times",
                "selector observation times",
                None,
                lambda: lc.PostingTimesClue(label="posting-times", timestamps=moments),
            )
        )
    for report in reports:
        if report.body.strip():
            clue_id = f"text-{report.id.hex[:8]}"
            body = report.body
            found.append(
                _derived(
                    clue_id,
                    f"text of '{report.title}'",
                    "text",
                    f"report '{report.title}'",
                    codes.get(report.agency_id),
                    lambda clue_id=clue_id, body=body: lc.TextClue(label=clue_id, text=body),
                )
            )
    return found


def stated_clue(clue: schemas.ClueIn) -> lc.Clue:
    """Turn a clue stated in a request into the library's clue (errors name the clue id)."""
    made = _library_clue(clue)
    if clue.error_rate is None:
        return made
    return dataclasses.replace(made, error_rate=clue.error_rate)


def _library_clue(clue: schemas.ClueIn) -> lc.Clue:
    """The library's clue for a stated one, with the kind's default error rate."""
    label = clue.id
    match clue:
        case schemas.WithinIn():
            return lc.WithinClue(
                label=label,
                km=clue.km,
                latitude=clue.latitude,
                longitude=clue.longitude,
                place=clue.place,
            )
        case schemas.InRegionIn():
            return lc.InRegionClue(label=label, country=clue.country.upper(), region=clue.region)
        case schemas.ExcludedIn():
            return lc.ExcludedClue(
                label=label,
                geonameids=tuple(clue.geonameids),
                place_names=tuple(clue.place_names),
                circles=tuple(
                    lc.Circle(c.latitude, c.longitude, c.radius_km) for c in clue.circles
                ),
            )
        case schemas.PlaceNameIn():
            return lc.PlaceNameClue(label=label, name=clue.name, spread_km=clue.spread_km)
        case schemas.TextIn():
            return lc.TextClue(label=label, text=clue.text)
        case schemas.IpIn():
            return lc.IpClue(label=label, ip=clue.ip, vpn=clue.vpn, proxy=clue.proxy, tor=clue.tor)
        case schemas.PhoneIn():
            return lc.PhoneClue(
                label=label, number=clue.number, default_country=clue.default_country
            )
        case schemas.SitesIn():
            return lc.KnownSitesClue(
                label=label,
                sites=[lc.Site(s.latitude, s.longitude, s.kind) for s in clue.sites],
                buffer_km=clue.buffer_km,
            )
        case schemas.PostingTimesIn():
            return lc.PostingTimesClue(label=label, timestamps=clue.timestamps)
        case schemas.SubscriberAddressIn():
            return lc.SubscriberAddressClue(
                label=label,
                latitude=clue.latitude,
                longitude=clue.longitude,
                accuracy_km=clue.accuracy_km,
            )
    raise InvalidInput(f"unknown clue kind {clue.kind!r}", location=clue.id)


def located(clue: lc.Clue) -> lc.Clue:
    """Resolve an IP clue's country from the packaged table, refusing it if unknown there."""
    if isinstance(clue, lc.IpClue) and clue.located is None:
        found = _ip_database.locate(clue.ip)
        if found is None:
            return clue
        return lc.IpClue(
            label=clue.label,
            ip=clue.ip,
            vpn=clue.vpn,
            proxy=clue.proxy,
            tor=clue.tor,
            located=found,
            error_rate=clue.error_rate,
        )
    return clue


def check_places(clue: lc.Clue, places: Gazetteer, location: str) -> None:
    """Refuse a stated place name that no gazetteer place answers to."""
    names: list[str] = []
    if isinstance(clue, lc.PlaceNameClue):
        names = [clue.name]
    elif isinstance(clue, lc.WithinClue) and clue.place is not None:
        names = [clue.place]
    elif isinstance(clue, lc.ExcludedClue):
        names = list(clue.place_names)
    for name in names:
        if not places.find(name):
            raise InvalidInput(f"no place called {name!r} in the gazetteer", location=location)
