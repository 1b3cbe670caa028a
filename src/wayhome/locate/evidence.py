"""A case's clues: from the intelligence the caller may see, and as an investigator states them.

The case's intelligence is read only through `Records`, so a hidden report can never move the
caller's answer. Every clue carries an id (to switch it off), a label and its source.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import or_, select

from wayhome.access.records import Records
from wayhome.agencies.models import Agency
from wayhome.cases.models import Case
from wayhome.errors import InvalidInput
from wayhome.intake.models import Location, Report, Selector, SelectorValue
from wayhome.locate import clues as lc
from wayhome.locate import schemas
from wayhome.locate.posttimes import post_times
from wayhome.locate.stated import CaseClue as CaseClue
from wayhome.locate.stated import check_places as check_places
from wayhome.locate.stated import library_clue
from wayhome.locate.stated import located as located

# A case's intelligence read for clues is bounded: enough for any real case, fast always.
MAX_REPORTS = 500
MAX_SELECTORS = 2_000
IP_KINDS = ("ipv4", "ipv6")
# Location kinds the intake gives an IP capture known by where it was located (a CyberTip
# ipCaptureEvent without its address, a CSV row `ip,RU`), with the anonymiser it went through.
IP_LOCATION_KINDS = {"ip": {}, "ip-proxy": {"proxy": True}, "ip-vpn": {"vpn": True}}
IP_LOCATION_KINDS["ip-tor"] = {"tor": True}
# An ESP's estimated location given only as a country: an IP geolocation at second hand.
ESTIMATED_KIND = "estimated"
ESTIMATED_ERROR_RATE = 0.3
# Fewer zoned moments than this say nothing about a time zone.
MIN_POSTING_TIMES = 3


def agency_codes(records: Records, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Codes of the given agencies."""
    if not ids:
        return {}
    rows = records.session.execute(select(Agency.id, Agency.code).where(Agency.id.in_(ids)))
    return {row.id: row.code for row in rows}


def _derived(
    clue_id: str,
    label: str,
    kind: str,
    source: str,
    agency: str | None,
    build: Callable[..., lc.Clue],
) -> CaseClue:
    """Make a clue from the case's intelligence; one that cannot be made is kept with a note."""
    try:
        made = build()
    except InvalidInput as error:
        return CaseClue(clue_id, label, kind, source, agency, None, False, [error.detail])
    return CaseClue(clue_id, label, kind, source, agency, made)


def case_country(records: Records, case: Case) -> str | None:
    """The country of the agency owning the case: where its national phone numbers are dialled."""
    return records.session.scalar(select(Agency.country).where(Agency.id == case.agency_id))


def _report_selectors(
    records: Records, report_ids: list[uuid.UUID], condition: Any, *, order_by: Any
) -> list[Selector]:
    """The visible selectors of these reports that meet the condition, up to MAX_SELECTORS."""
    if not report_ids:
        return []
    return records.find(
        Selector,
        Selector.report_id.in_(report_ids),
        condition,
        order_by=[order_by],
        limit=MAX_SELECTORS,
    ).items


def case_clues(records: Records, case: Case) -> list[CaseClue]:
    """Return the clues the case's visible intelligence gives: sites, places, IPs (an address,
    or only the country it was located in), phones, activity times and texts."""
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
    selectors = _report_selectors(
        records, report_ids, Selector.value_id.in_(wanted_values), order_by=Selector.id
    )
    # Every selector observed at a stated time says when the persona was active: a CSV row's
    # time, a STIX observed-data's first_observed, an IP capture's, a message's.
    timed = _report_selectors(
        records, report_ids, Selector.observed_at.is_not(None), order_by=Selector.observed_at
    )
    codes = agency_codes(
        records,
        {case.agency_id} | {r.agency_id for r in reports} | {loc.agency_id for loc in locations},
    )
    # A national phone number ("8 (8362) …") is read as dialled in the case agency's country.
    home_country = case_country(records, case)

    def source_of(report_id: uuid.UUID | None) -> str:
        report = by_report.get(report_id) if report_id else None
        return f"report '{report.title}'" if report else f"case {case.reference}"

    found: list[CaseClue] = []
    ip_rows = [loc for loc in locations if _is_ip_location(loc)]
    sites = [
        loc
        for loc in locations
        if loc.latitude is not None and loc.longitude is not None and not _is_ip_location(loc)
    ]
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
    found.extend(_located_ips(ip_rows, source_of, codes))
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
                lambda clue_id=clue_id, value=value: lc.PhoneClue(
                    label=clue_id, number=value, default_country=home_country
                ),
            )
        if clue_id in seen:
            if source not in seen[clue_id].source:
                seen[clue_id].source += f"; {source}"
            continue
        seen[clue_id] = made
        found.append(made)
    activity = _activity_times(reports, timed, ip_rows)
    if activity is not None:
        found.append(activity)
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


def _is_ip_location(location: Location) -> bool:
    """Say whether a location row is where an IP capture was located, or an estimate of it."""
    if location.kind in IP_LOCATION_KINDS:
        return True
    return (
        location.kind == ESTIMATED_KIND
        and location.country is not None
        and (location.latitude is None or location.longitude is None)
        and not location.place_name
    )


def _located_ips(
    rows: list[Location],
    source_of: Callable[[uuid.UUID | None], str],
    codes: dict[uuid.UUID, str],
) -> list[CaseClue]:
    """One clue per distinct located IP capture (kind, country, point): ten captures in Russia
    are one fact about the persona, not ten."""
    found: dict[tuple[str, str, float | None, float | None], CaseClue] = {}
    counts: dict[tuple[str, str, float | None, float | None], int] = {}
    for loc in rows:
        country = (loc.country or "").upper()
        key = (loc.kind, country, loc.latitude, loc.longitude)
        counts[key] = counts.get(key, 0) + 1
        source = source_of(loc.report_id)
        if key in found:
            if source not in found[key].source:
                found[key].source += f"; {source}"
            continue
        estimated = loc.kind == ESTIMATED_KIND
        clue_id = f"{'estimated' if estimated else 'ip'}-{country.lower() or 'xx'}-{loc.id.hex[:8]}"
        flags = IP_LOCATION_KINDS.get(loc.kind, {})
        via = next(iter(flags), None)
        label = (
            f"estimated location: {country}"
            if estimated
            else f"IP located in {country}" + (f" via {via}" if via else "")
        )

        found[key] = _derived(
            clue_id,
            label,
            "estimated" if estimated else "ip",
            source,
            codes.get(loc.agency_id),
            partial(_ip_location_clue, clue_id, loc, country),
        )
    for key, clue in found.items():
        if counts[key] > 1:
            clue.label += f" ({counts[key]} captures)"
    return list(found.values())


def _ip_location_clue(clue_id: str, loc: Location, country: str) -> lc.Clue:
    """The IP clue of a located capture: its country, and its point when the row has one."""
    point = loc.latitude is not None and loc.longitude is not None
    where = lc.IpLocation(
        country=country,
        latitude=loc.latitude if point else None,
        longitude=loc.longitude if point else None,
        accuracy_km=max((loc.radius_m or 50_000.0) / 1000.0, 1.0),
    )
    made = lc.IpClue(
        label=clue_id,
        ip=None,
        located=where,
        vpn=loc.kind == "ip-vpn",
        proxy=loc.kind == "ip-proxy",
        tor=loc.kind == "ip-tor",
    )
    if loc.kind == ESTIMATED_KIND:
        return dataclasses.replace(made, error_rate=ESTIMATED_ERROR_RATE)
    return made


def _activity_times(
    reports: list[Report], timed: list[Selector], ip_rows: list[Location]
) -> CaseClue | None:
    """The persona's activity times: the zoned post times in the reports' texts, the times
    selectors were observed and IP captures made, each moment once."""
    moments: set[datetime] = set()
    sources: list[str] = []
    notes: list[str] = []
    for report in reports:
        posts = post_times(report.body)
        if posts.moments:
            moments.update(posts.moments)
            sources.append(f"post times in report '{report.title}' ({len(posts.moments)})")
        notes.extend(f"report '{report.title}': {note}" for note in posts.notes())
    observed = {
        moment
        for moment in [
            *(selector.observed_at for selector in timed),
            *(loc.observed_at for loc in ip_rows if loc.kind in IP_LOCATION_KINDS),
        ]
        if moment is not None and moment.tzinfo is not None
    }
    added = observed - moments
    if added:
        moments.update(added)
        sources.append(f"observation times of selectors and IP captures ({len(added)})")
    if len(moments) < MIN_POSTING_TIMES:
        return None
    timeline = sorted(moments)
    made = _derived(
        "posting-times",
        f"activity times ({len(timeline)})",
        "posting_times",
        "; ".join(sources),
        None,
        lambda: lc.PostingTimesClue(label="posting-times", timestamps=timeline),
    )
    made.notes.extend(notes)
    return made


def stated_clue(clue: schemas.ClueIn, *, default_country: str | None = None) -> lc.Clue:
    """Turn a clue stated in a request into the library's clue (errors name the clue id)."""
    return library_clue(clue, default_country=default_country)
