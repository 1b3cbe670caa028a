"""Every API route × every role × every marking × own/other agency, generated from the route table.

A route that does not declare its access class fails `test_every_route_declares_access`,
and an intelligence route whose record kind has no builder here fails its matrix test: a new
route cannot slip through without a rule.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import World
from wayhome.access import services as access
from wayhome.access.markings import Marking, Scope
from wayhome.access.models import Role, User
from wayhome.access.records import Records
from wayhome.agencies.models import Agency
from wayhome.cases import services as cases
from wayhome.cases import workflow as case_workflow
from wayhome.cases.models import CaseKind, PersonRole
from wayhome.cases.schemas import CaseIn, EventIn, NameIn, PersonIn, TaskIn
from wayhome.hashing import services as hashing
from wayhome.intake import services as intake
from wayhome.intake.schemas import ReportIn
from wayhome.linking import services as linking
from wayhome.locate import services as locating
from wayhome.locate.models import RegisterPersonRecord
from wayhome.web.app import API_PREFIX, create_app
from wayhome.web.deps import ACCESS_CLASSES, ACCESS_KEY

INTEL_KINDS = {"case", "person", "event", "report", "selector", "hash_bank", "register_person"}
INTEL_KINDS.add("assertion")  # identity links (linking/): visible with both their ends
RELATIONS = ("own", "all", "named_me", "named_other", "other_owner_only")


def expected_visible(role: Role, marking: Marking, relation: str) -> bool:
    """The policy, restated independently of the implementation."""
    if role is Role.ADMIN:
        return False
    if relation in ("named_other", "other_owner_only"):
        return False
    return not (marking is Marking.RED and role is Role.ANALYST)


@dataclass(frozen=True)
class ApiRoute:
    """One operation of the published OpenAPI document."""

    method: str
    path: str
    access: str | None
    query: frozenset[str]


def api_routes() -> list[ApiRoute]:
    """Every operation under the API prefix, read from the application's OpenAPI document."""
    document = create_app().openapi()
    found = []
    for path, operations in document["paths"].items():
        if not path.startswith(API_PREFIX):
            continue
        for method, operation in operations.items():
            value = operation.get(ACCESS_KEY)
            query = frozenset(
                p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"
            )
            found.append(
                ApiRoute(method.upper(), path, value if isinstance(value, str) else None, query)
            )
    return found


def route_id(route: ApiRoute) -> str:
    return f"{route.method} {route.path}"


def access_of(route: ApiRoute) -> str | None:
    return route.access


ROUTES = api_routes()
INTEL_READS = [r for r in ROUTES if r.access in INTEL_KINDS and r.method == "GET"]
INTEL_WRITES = [r for r in ROUTES if r.access in INTEL_KINDS and r.method == "POST"]
OTHER_ROUTES = [r for r in ROUTES if r.access not in INTEL_KINDS]


def test_every_route_declares_access() -> None:
    assert ROUTES, "no API routes found"
    for route in ROUTES:
        declared = access_of(route)
        assert declared is not None, f"{route_id(route)} declares no {ACCESS_KEY}"
        assert declared in INTEL_KINDS | ACCESS_CLASSES, f"{route_id(route)}: unknown {declared!r}"


@dataclass
class Cast:
    """The agencies and users of one matrix run."""

    viewer_agency: Agency
    owner_agency: Agency
    third_agency: Agency
    viewers: dict[Role, dict[str, str]]
    owner: User


@pytest.fixture
def cast(world: World) -> Cast:
    viewer_agency = world.agency("viewer", "NL")
    owner_agency = world.agency("owner", "RU")
    third = world.agency("third", "GB")
    viewers = {role: world.headers(world.user(viewer_agency, role)) for role in Role}
    owner = world.user(owner_agency, Role.SUPERVISOR)
    return Cast(viewer_agency, owner_agency, third, viewers, owner)


def _placement(cast: Cast, relation: str) -> tuple[User | None, Scope, list[uuid.UUID]]:
    """Who owns the record and how it is shared, for a relation to the viewer's agency."""
    if relation == "own":
        return None, Scope.OWNER, []
    if relation == "all":
        return cast.owner, Scope.ALL, []
    if relation == "named_me":
        return cast.owner, Scope.NAMED, [cast.viewer_agency.id, cast.third_agency.id]
    if relation == "named_other":
        return cast.owner, Scope.NAMED, [cast.third_agency.id]
    return cast.owner, Scope.OWNER, []


def _records(db: Session, user: User) -> Records:
    return Records(db, access.viewer_of(user))


def build(
    db: Session,
    world: World,
    cast: Cast,
    kind: str,
    marking: Marking,
    relation: str,
    viewer_owner: User,
) -> tuple[uuid.UUID, dict[str, uuid.UUID]]:
    """Create one record of `kind` placed as `relation` says; returns its id and path params."""
    owner, scope, shared = _placement(cast, relation)
    records = _records(db, owner or viewer_owner)
    marks = {"marking": marking, "scope": scope, "shared_with": shared}
    if kind == "case":
        case = cases.open_case(
            records, CaseIn(title=f"case {marking} {relation}", kind=CaseKind.OTHER, **marks)
        )
        task = case_workflow.add_task(records, case.id, TaskIn(title="a task of the case"))
        return case.id, {"case_id": case.id, "task_id": task.id}
    if kind in ("report", "selector"):
        token = uuid.uuid4().hex
        body = f"marker {token} contact {token[:12]}@example.net"
        report, _ = intake.submit_report(
            records,
            ReportIn(title=f"report {marking} {relation}", source="test", body=body, **marks),
        )
        return report.id, {
            "report_id": report.id,
            "q": token,
            "type": "email",
            "value": f"{token[:12]}@example.net",
        }
    if kind == "hash_bank":
        bank = hashing.create_bank(
            records,
            hashing.NewBank(
                f"bank {marking} {relation} {uuid.uuid4().hex[:6]}", marking, scope, shared
            ),
        )
        return bank.id, {"bank_id": bank.id}
    if kind == "register_person":
        row = f"{uuid.uuid4().hex[:10]},Test Person,Moscow,1980-01-01,M"
        loaded = locating.import_register(
            records,
            f"person_id,full_name,residence,birth_date,sex\n{row}\n".encode(),
            "register.csv",
            marking,
            scope,
            shared,
        )
        person_id = db.scalars(
            select(RegisterPersonRecord.id).where(
                RegisterPersonRecord.import_id == loaded.import_id
            )
        ).one()
        return person_id, {"register_person_id": person_id}
    if kind == "assertion":
        # Two persons marked alike, linked by an analyst's assertion marked the same way.
        holder = cases.open_case(
            records, CaseIn(title="holder", kind=CaseKind.OTHER, marking=Marking.CLEAR,
                            scope=Scope.ALL),
        )  # fmt: skip
        ends = [
            cases.add_person(
                records,
                holder.id,
                PersonIn(role=PersonRole.SUSPECT, names=[NameIn(full_name=name)], **marks),
            )
            for name in ("Test Person", "Tset Person")
        ]
        left, right = (f"person:{p.id}" for p in ends)
        link = linking.assert_link(
            records, linking.NewAssertion(left, right, 0.8, "same photo", marking, scope,
                                          tuple(shared)),
        )  # fmt: skip
        return link.id, {"assertion_id": link.id, "ref": left, "from_ref": left, "to_ref": right}
    # Parts of a case: the case itself is CLEAR and shared with all, so only the part's own
    # marking decides.
    parent = cases.open_case(
        records, CaseIn(title="parent", kind=CaseKind.OTHER, marking=Marking.CLEAR, scope=Scope.ALL)
    )
    if kind == "person":
        person = cases.add_person(
            records,
            parent.id,
            PersonIn(role=PersonRole.SUSPECT, names=[NameIn(full_name="Test Person")], **marks),
        )
        return person.id, {"case_id": parent.id, "person_id": person.id}
    if kind == "event":
        event = cases.add_event(records, parent.id, EventIn(summary="seen", **marks))
        return event.id, {"case_id": parent.id, "event_id": event.id}
    raise AssertionError(f"no builder for intelligence kind {kind!r}: add one with its rule")


def _fill(path: str, params: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in params, f"no value for path parameter {name}"
        return str(params[name])

    return re.sub(r"\{(\w+)\}", value, path)


def _seen(status: int, body: Any, record_id: uuid.UUID, params: dict[str, Any]) -> bool:
    """Whether an answer shows the record: listed, among a selector's occurrences, in an
    exported bundle, or itself."""
    if status == 404:
        return False
    assert status == 200, body
    if isinstance(body, dict) and body.get("type") == "bundle" and "q" in params:
        reports = [o for o in body["objects"] if o["type"] == "report"]
        return any(params["q"] in o.get("description", "") for o in reports)
    if isinstance(body, dict) and "occurrences" in body:
        return str(record_id) in {o["report_id"] for o in body["occurrences"]}
    if isinstance(body, dict) and isinstance(body.get("items"), list) and "total" in body:
        return str(record_id) in {item["id"] for item in body["items"]}
    return True


@pytest.mark.parametrize("route", INTEL_READS, ids=route_id)
def test_intelligence_reads(
    route: ApiRoute, client: TestClient, db: Session, world: World, cast: Cast
) -> None:
    kind = access_of(route)
    assert kind is not None
    own_user = world.user(cast.viewer_agency, Role.SUPERVISOR)
    placed = [
        (marking, relation, *build(db, world, cast, kind, marking, relation, own_user))
        for marking in Marking
        for relation in RELATIONS
        if not (marking is Marking.RED and relation == "all")
    ]
    db.commit()
    failures = []
    for role, headers in cast.viewers.items():
        for marking, relation, record_id, params in placed:
            want = expected_visible(role, marking, relation)
            query = {k: v for k, v in params.items() if k in route.query}
            if "limit" in route.query:
                query["limit"] = 200
            response = client.get(_fill(route.path, params), headers=headers, params=query)
            got = _seen(response.status_code, response.json(), record_id, params)
            if got != want:
                failures.append(f"{role.value} {marking.value} {relation}: got {got}, want {want}")
    assert not failures, "\n".join(failures)


def _report_json() -> dict[str, Any]:
    return {"title": "new report", "source": "t", "marking": "GREEN", "body": uuid.uuid4().hex}


WRITE_REQUESTS: dict[str, Any] = {
    f"{API_PREFIX}/cases": lambda: {
        "json": {"title": "new case", "kind": "other", "marking": "GREEN"}
    },
    f"{API_PREFIX}/reports": lambda: {"json": _report_json()},
    f"{API_PREFIX}/reports/bulk": lambda: {"json": {"reports": [_report_json()]}},
    f"{API_PREFIX}/imports": lambda: {
        "files": {"file": ("notes.txt", f"note {uuid.uuid4().hex} a@example.net".encode())},
        "data": {"marking": "GREEN"},
    },
    f"{API_PREFIX}/cases/{{case_id}}/persons": lambda: {
        "json": {"role": "witness", "names": [{"full_name": "W. Witness"}], "marking": "GREEN"}
    },
    f"{API_PREFIX}/cases/{{case_id}}/events": lambda: {
        "json": {"summary": "sighting", "marking": "GREEN"}
    },
    f"{API_PREFIX}/banks": lambda: {"json": {"name": uuid.uuid4().hex, "marking": "GREEN"}},
    f"{API_PREFIX}/banks/{{bank_id}}/imports": lambda: {
        "files": {"file": ("list.csv", f"md5,series\n{uuid.uuid4().hex},s1\n".encode())}
    },
    f"{API_PREFIX}/hashes/match": lambda: {"json": {"hashes": [{"md5": uuid.uuid4().hex}]}},
    f"{API_PREFIX}/cases/{{case_id}}/locate": lambda: {"json": {"top": 3}},
    f"{API_PREFIX}/register/imports": lambda: {
        "files": {
            "file": (
                "register.csv",
                f"person_id,full_name,residence,birth_date,sex\n{uuid.uuid4().hex[:10]},"
                "A. Person,Moscow,1980-01-01,M\n".encode(),
            )
        },
        "data": {"marking": "GREEN"},
    },
}


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 50), (200, 180, 160)).save(out, "PNG")
    return out.getvalue()


WRITE_REQUESTS.update(
    {
        f"{API_PREFIX}/cases/missing-child": lambda: {
            "json": {
                "child": {"names": [{"full_name": "Anna Test"}], "date_of_birth": "2016-04-01"},
                "last_seen_at": "2026-01-10T15:00:00Z",
                "last_seen_place": "Utrecht",
                "last_seen_country": "NL",
                "marking": "GREEN",
            }
        },
        f"{API_PREFIX}/cases/{{case_id}}/status": lambda: {"json": {"status": "active_search"}},
        f"{API_PREFIX}/cases/{{case_id}}/tasks": lambda: {"json": {"title": "check the station"}},
        f"{API_PREFIX}/cases/{{case_id}}/tasks/{{task_id}}": lambda: {
            "json": {"state": "in_progress"}
        },
        f"{API_PREFIX}/cases/{{case_id}}/alerts": lambda: {"json": {"agencies": ["third"]}},
        f"{API_PREFIX}/cases/{{case_id}}/notice": lambda: {"json": {"visibility": "restricted"}},
        f"{API_PREFIX}/cases/{{case_id}}/portrait": lambda: {
            "files": {"file": ("portrait.png", _png(), "image/png")}
        },
    }
)
# Writes only the agency owning the case may make: others who see it get 403.
OWNER_WRITES = {
    f"{API_PREFIX}/cases/{{case_id}}/{part}"
    for part in ("status", "tasks/{task_id}", "alerts", "notice", "portrait")
}
# Writes that answer 200 rather than 201 (a match run returns results, it creates no record).
WRITE_STATUS: dict[str, int] = {
    f"{API_PREFIX}/hashes/match": 200,
    f"{API_PREFIX}/cases/{{case_id}}/locate": 200,
    f"{API_PREFIX}/cases/{{case_id}}/status": 200,
    f"{API_PREFIX}/cases/{{case_id}}/tasks/{{task_id}}": 200,
    f"{API_PREFIX}/cases/{{case_id}}/notice": 200,
}
# The kind of record a write's path parameters name (cases by default).
WRITE_PARENT: dict[str, str] = {"hash_bank": "hash_bank"}
# Identity links: decisions and splits answer 200 and name the link in their path.
WRITE_PARENT["assertion"] = "assertion"
for _linking_write, _linking_body in (
    ("decision", {"decision": "accept", "reason": "checked"}),
    ("split", {"reason": "different people"}),
):
    WRITE_REQUESTS[f"{API_PREFIX}/links/assertions/{{assertion_id}}/{_linking_write}"] = (
        lambda body=_linking_body: {"json": body}
    )
    WRITE_STATUS[f"{API_PREFIX}/links/assertions/{{assertion_id}}/{_linking_write}"] = 200
# Writes that name their records in the body, not the path: bulk link decisions.
NAMED_IN_BODY: dict[str, Any] = {
    f"{API_PREFIX}/links/decisions": lambda params: {
        "json": {"decision": "accept", "ids": [str(params["assertion_id"])], "reason": "checked"}
    }
}
WRITE_STATUS[f"{API_PREFIX}/links/decisions"] = 200


@pytest.mark.parametrize("route", INTEL_WRITES, ids=route_id)
def test_intelligence_writes(
    route: ApiRoute, client: TestClient, db: Session, world: World, cast: Cast
) -> None:
    """Writing under a record follows its visibility; admins never write intelligence."""
    bodies: dict[str, dict[str, Any]] = {
        "case": {"title": "new case", "kind": "other", "marking": "GREEN"},
        "report": {
            "title": "new report",
            "source": "t",
            "marking": "GREEN",
            "body": uuid.uuid4().hex,
        },
        "person": {"role": "witness", "names": [{"full_name": "W. Witness"}], "marking": "GREEN"},
        "event": {"summary": "sighting", "marking": "GREEN"},
        "hash_bank": {"name": "new bank", "marking": "GREEN"},
        "register_person": {},
        "assertion": {},
    }
    kind = access_of(route)
    assert kind in bodies, f"no body for {kind}"
    own_user = world.user(cast.viewer_agency, Role.SUPERVISOR)
    parent_kind = WRITE_PARENT.get(kind, "case")
    created = WRITE_STATUS.get(route.path, 201)
    parents = [
        (marking, relation, *build(db, world, cast, parent_kind, marking, relation, own_user))
        for marking in (Marking.GREEN, Marking.RED)
        for relation in RELATIONS
        if not (marking is Marking.RED and relation == "all")
    ]
    db.commit()
    failures = []
    for role, headers in cast.viewers.items():
        for marking, relation, _case_id, params in parents:
            path = _fill(route.path, params)
            named = route.path in NAMED_IN_BODY
            if "{" not in route.path and not named:
                want = created if role is not Role.ADMIN else 403
            elif role is Role.ADMIN:
                want = 403
            else:
                want = created if expected_visible(role, marking, relation) else 404
                if want == created and route.path in OWNER_WRITES and relation != "own":
                    want = 403
            request = NAMED_IN_BODY[route.path](params) if named else WRITE_REQUESTS[route.path]()
            got = client.post(path, headers=headers, **request).status_code
            if got != want:
                failures.append(f"{role.value} on {marking.value} {relation}: {got} != {want}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("route", OTHER_ROUTES, ids=route_id)
def test_account_routes(route: ApiRoute, client: TestClient, world: World, cast: Cast) -> None:
    """Account routes: nobody anonymous; admin-only and supervisor-only routes hold."""
    declared = access_of(route)
    method = route.method
    params = {"token_id": uuid.uuid4(), "alert_id": uuid.uuid4()}
    params.update(watch_id=uuid.uuid4(), endpoint_id=uuid.uuid4())  # watches
    params.update(user_id=uuid.uuid4())  # account changes and password resets
    path = _fill(route.path, params)
    bodies: dict[str, Any] = {
        "/api/v1/agencies": {
            "code": f"x{uuid.uuid4().hex[:6]}",
            "name": "New",
            "country": "FR",
            "kind": "police_unit",
        },
        "/api/v1/users": {
            "username": f"n{uuid.uuid4().hex[:6]}",
            "role": "analyst",
            "password": "long enough password",
        },
        "/api/v1/tokens": {"name": "t", "scopes": ["read"]},
        "/api/v1/users/{user_id}": {"role": "analyst"},
        # watches: the caller's own watches, his inbox, his agency's webhooks
        "/api/v1/watches": {"kind": "selector", "value": "email:watched@example.org"},
        "/api/v1/webhooks": {"url": "https://hooks.example.org/wayhome"},
        "/api/v1/inbox/read": {},
    }
    # Webhook hosts are resolved when registered; this one is an operator's named override.
    client.app.state.settings.webhook_allowed_hosts = ["hooks.example.org"]  # type: ignore[attr-defined]
    kwargs: dict[str, Any] = {"json": bodies.get(route.path)} if method in ("POST", "PATCH") else {}
    if declared != "public":
        assert client.request(method, path, **kwargs).status_code == 401
    for role, headers in cast.viewers.items():
        response = client.request(method, path, headers=headers, **kwargs)
        if declared == "admin":
            allowed = role is Role.ADMIN
        elif declared == "supervisor":
            allowed = role is Role.SUPERVISOR
        else:
            allowed = True
        if allowed:
            # An allowed caller may still get 404 (no such token) or 403 (hub-only action).
            assert response.status_code in (200, 201, 404, 403), (role, response.text)
            if route.path == "/api/v1/agencies" and method == "POST":
                assert response.status_code == 403  # the viewer agency is not the hub
        else:
            assert response.status_code == 403, (role, response.status_code, response.text)
