"""Entity pages: a person, a register record, a persona (an online account), as one viewer may
see them — the record's details, its names in both scripts, where it appears, its links to
other persons and accounts with their state and evidence in words, the agencies that hold more
(hit/no-hit, from the link graph), and the history of decisions on its links.

Also resolves what a user types where the link graph wants an entity (a name, a selector, a
case reference) to the entity it most plausibly means.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from sqlalchemy import or_, select

from wayhome.access.records import Records
from wayhome.agencies.models import Agency
from wayhome.cases.models import Case, Person
from wayhome.cases.vocabularies import N_
from wayhome.errors import InvalidInput, NotFound
from wayhome.intake.models import Persona, Report, Selector, SelectorValue
from wayhome.intake.search import recognise_selectors
from wayhome.leads.search import search
from wayhome.linking import services as linking
from wayhome.linking.graph import ENTITY_KINDS
from wayhome.linking.models import IdentityAssertion, LinkDecision
from wayhome.linking.reading import ends_visible
from wayhome.linking.wording import NameReading, node_words, read_name, step_words
from wayhome.locate.models import RegisterPersonRecord

PAGES = {
    "person": "/persons/",
    "register_person": "/register-persons/",
    "persona": "/personas/",
    "case": "/cases/",
    "report": "/reports/",
}


def entity_url(node: dict[str, Any]) -> str | None:
    """Where a graph node's page is (None for a hidden node)."""
    if node.get("hidden"):
        return None
    kind, _, key = str(node.get("id", "")).partition(":")
    if kind in PAGES:
        return PAGES[kind] + key
    if kind == "selector":
        selector_kind, _, value = str(node.get("label", "")).partition(" ")
        return f"/selectors/{selector_kind}/{quote(value, safe='')}" if value else None
    return None


@dataclass(frozen=True)
class LinkLine:
    """One link of the entity to another: the other end, its page, the link in words."""

    other: dict[str, Any]
    url: str | None
    kind: str
    state: str | None
    words: str
    hidden: bool


@dataclass(frozen=True)
class HistoryLine:
    """One decision on one of the entity's links."""

    at: Any
    agency: str
    decision: str
    reason: str
    other: str


@dataclass
class EntityPage:
    """Everything an entity page shows."""

    ref: str
    kind: str
    title: str
    record: Any
    agency: str | None
    names: list[NameReading] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)
    appears_in: list[tuple[str, str, str]] = field(default_factory=list)  # kind, title, url
    links: list[LinkLine] = field(default_factory=list)
    holders: list[str] = field(default_factory=list)
    history: list[HistoryLine] = field(default_factory=list)


def _code(records: Records, agency_id: uuid.UUID | None) -> str | None:
    if agency_id is None:
        return None
    agency = records.session.get(Agency, agency_id)
    return agency.code if agency else None


def _surroundings(records: Records, page: EntityPage) -> None:
    """Links, places of appearance and the holders of what the viewer may not see, from the
    entity's neighbourhood in the link graph (judged there by the disclosure rule)."""
    found = linking.neighbourhood(records, page.ref, 1)
    nodes = {n["id"]: n for n in found["nodes"]}
    root = nodes.get(page.ref, {"id": page.ref, "label": page.title, "kind": page.kind})
    holders: set[str] = set()
    seen_appearances = {url for _, _, url in page.appears_in}
    for edge in found["edges"]:
        if page.ref not in (edge["source"], edge["target"]):
            continue
        other_id = edge["target"] if edge["source"] == page.ref else edge["source"]
        other = nodes.get(other_id, {"id": other_id, "label": other_id, "kind": "hidden"})
        if edge["hidden"] or other.get("hidden"):
            holders.update(h for h in (other.get("holders") or [edge.get("agency")]) if h)
        url = entity_url(other)
        if other.get("kind") in ("report", "case") and not other.get("hidden"):
            if url and url not in seen_appearances:
                page.appears_in.append((str(other["kind"]), str(other["label"]), url))
                seen_appearances.add(url)
            continue
        words = step_words({"from": root, "to": other, "edge": edge})
        page.links.append(
            LinkLine(
                {**other, "label": node_words(other)},
                url,
                str(edge["kind"]),
                edge.get("state"),
                words,
                bool(edge["hidden"] or other.get("hidden")),
            )
        )
    page.links.sort(key=lambda line: (line.hidden, line.kind != "assertion", line.words))
    page.holders = sorted(h for code in holders for h in str(code).split(", ") if h)


def _history(records: Records, page: EntityPage) -> None:
    """Decisions on the entity's links the viewer may see, newest first: a link shows only
    where he may see it and both its ends (reading.ends_visible), as everywhere else; one to
    an end he may not see is named by the links' holders alone (`_surroundings`)."""
    both = ends_visible(records)
    stmt = (
        select(LinkDecision, IdentityAssertion, Agency.code)
        .join(IdentityAssertion, IdentityAssertion.id == LinkDecision.assertion_id)
        .join(Agency, Agency.id == LinkDecision.agency_id)
        .where(
            or_(IdentityAssertion.left_ref == page.ref, IdentityAssertion.right_ref == page.ref),
            records.visibility.clause(IdentityAssertion),
            both,
        )
        .order_by(LinkDecision.at.desc())
        .limit(50)
    )
    for decision, assertion, code in records.session.execute(stmt):
        other = assertion.right_ref if assertion.left_ref == page.ref else assertion.left_ref
        page.history.append(
            HistoryLine(decision.at, code, decision.decision, decision.reason, other)
        )
    # Each link as it was raised (by the engine or an analyst), then its decisions.
    raised = (
        select(IdentityAssertion, Agency.code)
        .join(Agency, Agency.id == IdentityAssertion.agency_id)
        .where(
            or_(IdentityAssertion.left_ref == page.ref, IdentityAssertion.right_ref == page.ref),
            records.visibility.clause(IdentityAssertion),
            both,
        )
        .order_by(IdentityAssertion.created_at.desc())
        .limit(50)
    )
    for assertion, code in records.session.execute(raised):
        other = assertion.right_ref if assertion.left_ref == page.ref else assertion.left_ref
        maker = assertion.made_by.partition(":")[0]
        made = {"model": "the matcher raised", "report": "a report raised"}.get(maker, "raised")
        kind = assertion.link_kind.replace("_", "–")
        said = f"{made} a {kind} link, now {assertion.state.value}"
        page.history.append(HistoryLine(assertion.created_at, code, said, "", other))
    page.history.sort(key=lambda line: line.at, reverse=True)


def _visible_title(records: Records, model: Any, record_id: uuid.UUID | None) -> Any:
    if record_id is None or not records.visible_ids(model, [record_id]):
        return None
    return records.session.get(model, record_id)


def _page(
    records: Records, kind: str, record: Any, title: str, names: list[NameReading]
) -> EntityPage:
    """The page of a record already read through the gate, before its details."""
    return EntityPage(
        f"{kind}:{record.id}", kind, title, record, _code(records, record.agency_id), names
    )


def _finish(
    records: Records,
    page: EntityPage,
    details: list[tuple[str, str | None]],
    case_id: uuid.UUID | None = None,
    report_id: uuid.UUID | None = None,
) -> EntityPage:
    """The details given, the case and report the record is in (where the viewer may see
    them), then its links, holders and history."""
    page.details = [(label, value) for label, value in details if value]
    case = _visible_title(records, Case, case_id)
    if case is not None:
        page.appears_in.append(("case", f"{case.reference} · {case.title}", f"/cases/{case.id}"))
    report = _visible_title(records, Report, report_id)
    if report is not None:
        page.appears_in.append(("report", report.title, f"/reports/{report.id}"))
    _surroundings(records, page)
    _history(records, page)
    return page


def person_page(records: Records, person_id: uuid.UUID) -> EntityPage:
    """A case's or a report's person (404 when hidden or absent)."""
    person = records.get(Person, person_id)
    names = [read_name(n.full_name) for n in person.names]
    title = " / ".join(n.full_name for n in person.names) or "unnamed person"
    page = _page(records, "person", person, title, names)
    born = person.date_of_birth.isoformat() if person.date_of_birth else None
    ages = f"{person.age_min}–{person.age_max}" if person.age_min or person.age_max else None
    places = [str(p.get("name") or p.get("place") or "") for p in person.places or []]
    details = [
        (N_("Role"), person.role.value.replace("_", " ")),
        (N_("Born"), born),
        (N_("Age"), ages),
        (N_("Sex"), person.sex.value if person.sex.value != "unknown" else None),
        (N_("Nationalities"), ", ".join(person.nationalities) or None),
        (N_("Languages"), ", ".join(person.languages) or None),
        (N_("Height"), f"{person.height_cm} cm" if person.height_cm else None),
        (N_("Identifiers"), ", ".join(person.identifiers) or None),
        (N_("Description"), person.description or None),
        (N_("Distinguishing marks"), person.distinguishing_marks or None),
        (N_("Places"), ", ".join(p for p in places if p) or None),
    ]
    return _finish(records, page, details, person.case_id, person.report_id)


def register_person_page(records: Records, record_id: uuid.UUID) -> EntityPage:
    """A register record (404 when hidden or absent)."""
    row = records.get(RegisterPersonRecord, record_id)
    page = _page(records, "register_person", row, row.full_name, [read_name(row.full_name)])
    details = [
        (N_("Born"), row.birth_date.isoformat()),
        (N_("Sex"), {"m": "male", "f": "female"}.get(row.sex.lower(), row.sex)),
        (N_("Registered in"), row.residence),
        (N_("Identifiers"), ", ".join(row.identifiers or []) or None),
        (N_("Register reference"), row.person_ref),
    ]
    return _finish(records, page, details)


def persona_page(records: Records, persona_id: uuid.UUID) -> EntityPage:
    """An online account (404 when hidden or absent)."""
    persona = records.get(Persona, persona_id)
    names = [read_name(persona.display_name)] if persona.display_name else []
    page = _page(records, "persona", persona, f"{persona.platform}:{persona.handle}", names)
    details = [
        (N_("Platform"), persona.platform),
        (N_("Handle"), persona.handle),
        (N_("Display name"), persona.display_name),
    ]
    return _finish(records, page, details, report_id=persona.report_id)


# -- what a user types where an entity is wanted -------------------------------------------------
def resolve_entity(records: Records, text: str, location: str) -> str:
    """An entity reference from what the user typed: `kind:id` as it is, else a selector value
    (`kind:value` or a value the search recognises), a case reference, or a name — the first
    visible match. Nothing visible matches: InvalidInput naming the field."""
    text = " ".join(text.split())
    if not text:
        raise InvalidInput("type a name, a case reference or a selector", location=location)
    kind, sep, key = text.partition(":")
    if sep and kind in ENTITY_KINDS:
        try:
            uuid.UUID(key) if kind != "selector" else int(key)
        except ValueError:
            pass
        else:
            return text
    for selector in recognise_selectors(text):
        # Only a value the viewer sees an occurrence of: one held only where he may not see
        # it (silent or RED included) must read as one nobody holds, not as a different 404.
        value_id = records.session.scalar(
            select(SelectorValue.id)
            .join(Selector, Selector.value_id == SelectorValue.id)
            .where(
                SelectorValue.kind == selector.type.value,
                SelectorValue.canonical == selector.value,
                records.visibility.clause(Selector),
            )
            .limit(1)
        )
        if value_id is not None:
            return f"selector:{value_id}"
    found = search(records, text)
    for group in ("cases", "register", "persons", "personas"):
        hits = found.group(group)
        if hits and hits.items:
            return hits.items[0].ref
    raise NotFound(f"nothing you may see matches {text!r}; try the search")
