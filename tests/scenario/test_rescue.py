"""The rescue scenario: a generated world loaded fragment by fragment through the ordinary
services; Wayhome must rank the offender, his home and the known series on its own. Only this
test reads truth.json (to check the answer), never the code under test."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import CliDatabase
from wayhome.access import services as access
from wayhome.access.models import User
from wayhome.access.records import Records
from wayhome.db.engine import make_engine, make_session_factory, session_scope
from wayhome.demo.replay import load_world
from wayhome.leads.services import CaseLeads, case_leads
from wayhome.locate.models import RegisterPersonRecord
from wayhome.synth import generate, write

SEED = 2026  # one fixed seed, default noise
LEADS_WITHIN_SECONDS = 2.0


@pytest.mark.slow
def test_the_generated_case_is_solved_on_the_case_page(
    cli_database: CliDatabase, tmp_path: Path
) -> None:
    world_dir = tmp_path / "world"
    write(generate(SEED), world_dir)
    truth = json.loads((world_dir / "truth.json").read_text(encoding="utf-8"))
    engine = make_engine(cli_database.url)
    committed: list[float] = []
    try:
        factory = make_session_factory(engine)
        load = load_world(
            factory, world_dir, echo=lambda _line: committed.append(time.perf_counter())
        )
        assert load.created and load.case_id is not None and len(committed) == 9
        with session_scope(factory) as session:
            user = session.scalar(select(User).where(User.username == "ru.investigator"))
            assert user is not None
            records = Records(session, access.viewer_of(user), "scenario test")
            leads = case_leads(records, load.case_id)
            elapsed = time.perf_counter() - committed[-1]
            offender = session.scalar(
                select(RegisterPersonRecord).where(
                    RegisterPersonRecord.person_ref == truth["offender"]["register_person_id"]
                )
            )
            assert offender is not None
            _check(leads, f"register_person:{offender.id}", truth)
    finally:
        engine.dispose()
    print(f"leads available {elapsed:.3f} s after the last fragment's commit")
    assert elapsed < LEADS_WITHIN_SECONDS, elapsed


def _check(leads: CaseLeads, offender_ref: str, truth: dict[str, object]) -> None:
    top = leads.suspects[0]
    assert top.ref == offender_ref, [(s.name, s.score) for s in leads.suspects[:3]]
    steps = top.path["steps"]
    assert steps[0]["from"]["id"].startswith("case:") and steps[-1]["to"]["id"] == offender_ref
    kinds = [step["to"]["kind"] for step in steps]
    assert "persona" in kinds and "person" in kinds  # the account and the Latin name
    assert all(step["edge"]["agency"] for step in steps)  # each step names its agency
    # The trail as it came in: the forum persona, its PGP key, the clearnet account, the
    # Latin name, the register record, each step naming the agency whose record supports it.
    labels = [(step["to"]["kind"], step["to"]["label"], step["edge"]["agency"]) for step in steps]
    handle, pgp = truth["offender"]["handle"], truth["offender"]["pgp"]  # type: ignore[index]
    wallet = truth["offender"]["wallet"]  # type: ignore[index]
    platform, account = truth["offender"]["clearnet"]  # type: ignore[index]
    wanted = [
        ("persona", f"forum:{handle}"),
        # the key or the wallet both accounts carry: two equally believable links
        ("selector", (f"pgp_fingerprint {pgp.upper()}", f"btc {wallet}")),
        ("persona", f"{platform}:{account}"),
        ("person", "Latin"),
        ("register_person", truth["offender"]["full_name"]),  # type: ignore[index]
    ]
    at = 0
    for kind, text in wanted:
        while at < len(labels) and not (
            labels[at][0] == kind and (text == "Latin" or labels[at][1].startswith(text))
        ):
            at += 1
        assert at < len(labels), (kind, text, labels)
        if text == "Latin":
            assert labels[at][1].isascii()  # the name as the seizing agency wrote it
        assert labels[at][2], labels[at]
        at += 1
    assert {"hub", "nl-police", "de-bka", "ru-ncb"} <= set(top.agencies)
    assert {"de-bka", "ru-ncb"} <= set(top.agencies)
    home = truth["offender"]["home_geonameid"]  # type: ignore[index]
    assert home in [place.geonameid for place in leads.places[:3]]
    assert any(s.series == truth["series"] and s.matches >= 1 for s in leads.series)
    assert leads.alerts and all(alert.notified for alert in leads.alerts)
    assert {alert.agency for alert in leads.alerts} == set(top.agencies)
