"""Schemathesis over Wayhome's OpenAPI document against a server on loopback.

Every operation is called with a read token and with a write token, with data that fits the
document (positive) and data that breaks it (negative), with generated path ids and with ids of
records that exist. Each answer goes through Schemathesis' checks: no server error (5xx), a
status code the operation documents, a content type documented for that status. CI's
`tests/web/test_api_fuzz.py` runs it derandomized on a small budget; `bench/api_fuzz.py` runs
10,000 requests and more.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance
from sqlalchemy.orm import Session

from wayhome.access import services as access
from wayhome.access.markings import Marking, Scope
from wayhome.access.records import Records
from wayhome.audit import services as audit
from wayhome.cases import services as cases
from wayhome.cases.schemas import CaseIn, EventIn, NameIn, PersonIn
from wayhome.hashing import services as hashing
from wayhome.intake import services as intake
from wayhome.intake.schemas import ReportIn

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance]
FUZZ_PASSWORD = "fuzzing is not a password"


@dataclass(frozen=True)
class FuzzWorld:
    """The tokens the fuzzer calls with, and path parameters naming records that exist."""

    tokens: dict[str, str]
    known: dict[str, str]


def build_world(session: Session) -> FuzzWorld:
    """Two agencies; a supervisor of the first with a read and a write token; a case with a
    person and a timeline entry, a report with selectors filed to it, and a hash bank."""
    home = access.create_agency(session, audit.SYSTEM, "fz-home", "Fuzz home", "NL", "police_unit")
    other = access.create_agency(
        session, audit.SYSTEM, "fz-other", "Fuzz other", "DE", "police_unit"
    )
    supervisor = access.create_user(
        session, audit.SYSTEM, home, "fz.supervisor", "Fuzz supervisor", "supervisor", FUZZ_PASSWORD
    )
    colleague = access.create_user(
        session, audit.SYSTEM, home, "fz.analyst", "Fuzz analyst", "analyst", FUZZ_PASSWORD
    )
    access.create_user(
        session, audit.SYSTEM, other, "fz.other", "Fuzz other", "investigator", FUZZ_PASSWORD
    )
    read = access.issue_token(session, audit.SYSTEM, supervisor, "fuzz read", ["read"])
    write = access.issue_token(session, audit.SYSTEM, supervisor, "fuzz write", ["read", "write"])
    records = Records(session, access.viewer_of(supervisor))
    case = cases.open_case(
        records,
        CaseIn(
            title="Fuzzed case",
            summary="A case for the API fuzzer.",
            kind="missing_child",
            marking=Marking.AMBER,
            scope=Scope.ALL,
        ),
    )
    person = cases.add_person(
        records,
        case.id,
        PersonIn(
            role="suspect",
            names=[NameIn(full_name="Иван Петров")],
            marking=Marking.AMBER,
            scope=Scope.ALL,
        ),
    )
    cases.add_event(
        records, case.id, EventIn(summary="Seen near the station.", marking=Marking.AMBER)
    )
    report, _ = intake.submit_report(
        records,
        ReportIn(
            title="Tip",
            source="fuzz",
            body="Contact fuzz.persona@example.org or +31 20 555 0100.",
            case_id=case.id,
            marking=Marking.AMBER,
            scope=Scope.ALL,
        ),
    )
    bank = hashing.create_bank(records, hashing.NewBank(name="Fuzz bank", marking=Marking.AMBER))
    session.flush()
    return FuzzWorld(
        tokens={"read": read.secret, "write": write.secret},
        known={
            "case_id": str(case.id),
            "person_id": str(person.id),
            "report_id": str(report.id),
            "bank_id": str(bank.id),
            "user_id": str(colleague.id),
            "type": "email",
            "value": "fuzz.persona@example.org",
        },
    )


@dataclass(frozen=True)
class Finding:
    """One kind of failure on one operation (the first example of it)."""

    check: str
    operation: str
    status: int
    token: str
    detail: str


@dataclass
class FuzzResult:
    """What a run sent and what the checks found."""

    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)  # check name → failing requests
    findings: dict[tuple[str, str, int], Finding] = field(default_factory=dict)

    @property
    def server_errors(self) -> int:
        """Requests answered with a 5xx."""
        return sum(n for status, n in self.statuses.items() if status >= 500)

    @property
    def undocumented_statuses(self) -> int:
        """Requests answered with a status the operation does not document."""
        return self.failures["status_code_conformance"]

    def merge(self, other: FuzzResult) -> None:
        """Add another run's figures to these."""
        self.requests += other.requests
        self.statuses.update(other.statuses)
        self.failures.update(other.failures)
        for key, finding in other.findings.items():
            self.findings.setdefault(key, finding)

    def summary(self) -> dict[str, Any]:
        """The figures as one JSON-able dict."""
        return {
            "requests": self.requests,
            "server_errors": self.server_errors,
            "undocumented_statuses": self.undocumented_statuses,
            "undocumented_content_types": self.failures["content_type_conformance"],
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "findings": [
                f"{f.check} {f.operation} -> {f.status} ({f.token}): {f.detail}"
                for f in self.findings.values()
            ],
        }


_CHECK_OF = {
    "ServerError": "not_a_server_error",
    "UndefinedStatusCode": "status_code_conformance",
    "UndefinedContentType": "content_type_conformance",
    "MissingContentType": "content_type_conformance",
}


def fuzz(
    spec: dict[str, Any],
    base_url: str,
    world: FuzzWorld,
    examples: int,
    run_seed: int | None = None,
) -> FuzzResult:
    """Call every operation of `spec` at `base_url` up to `examples` times per token, mode and
    id source; derandomized when `run_seed` is None, so CI sends the same requests every run."""
    schema = schemathesis.openapi.from_dict(spec)
    result = FuzzResult()
    http = requests.Session()
    for found in schema.get_all_operations():
        operation = found.ok()
        path_names = {p.name for p in operation.path_parameters}
        known = {k: v for k, v in world.known.items() if k in path_names}
        id_sources: list[dict[str, str] | None] = [None, known] if known else [None]
        barren: set[tuple[GenerationMode, bool]] = set()  # nothing to negate: skip next time
        for token_name, token in world.tokens.items():
            headers = {"Authorization": f"Bearer {token}"}
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                for fixed in id_sources:
                    if (mode, fixed is None) in barren:
                        continue
                    strategy = operation.as_strategy(mode, path_parameters=fixed)
                    sent = _run(
                        strategy, http, base_url, headers, token_name, examples, run_seed, result
                    )
                    if not sent:
                        barren.add((mode, fixed is None))
    http.close()
    return result


def _run(
    strategy: Any,
    http: requests.Session,
    base_url: str,
    headers: dict[str, str],
    token_name: str,
    examples: int,
    run_seed: int | None,
    result: FuzzResult,
) -> bool:
    """Run one strategy's examples; False when it has none (e.g. negative data for an
    operation whose only parameters are free strings)."""

    @settings(
        max_examples=examples,
        derandomize=run_seed is None,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def call(case: schemathesis.Case) -> None:
        response = case.call(base_url=base_url, session=http, headers=headers, timeout=30)
        result.requests += 1
        result.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:
            for failure in group.exceptions:
                name = _CHECK_OF.get(type(failure).__name__, type(failure).__name__)
                result.failures[name] += 1
                key = (name, case.operation.label, response.status_code)
                if key not in result.findings:
                    detail = f"{case.method} {case.formatted_path} {response.text[:200]!r}"
                    result.findings[key] = Finding(
                        name, case.operation.label, response.status_code, token_name, detail
                    )

    if run_seed is not None:
        call = seed(run_seed)(call)
    try:
        call()
    except Unsatisfiable:
        return False
    return True
