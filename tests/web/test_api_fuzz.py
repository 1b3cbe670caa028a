"""CI's Schemathesis run: every API operation with a read and a write token, derandomized, on a
server on loopback over a small world; any server error, undocumented status code or
undocumented content type fails. The 10,000-request run is bench/api_fuzz.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.apifuzz import build_world, fuzz
from tests.conftest import DatabaseFactory
from tests.serving import serving
from wayhome.db.engine import make_session_factory, session_scope
from wayhome.settings import Environment, Settings
from wayhome.web.app import create_app


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_and_no_undocumented_answer(
    databases: DatabaseFactory, tmp_path: Path
) -> None:
    with databases.migrated() as (url, engine):
        with session_scope(make_session_factory(engine)) as session:
            world = build_world(session)
        settings = Settings(environment=Environment.TEST, database_url=url, data_dir=tmp_path)
        app = create_app(settings, make_session_factory(engine))
        with serving(app) as base_url:
            result = fuzz(app.openapi(), base_url, world, examples=4)
    summary = result.summary()
    print(summary)  # shown with -s, and in the report of a failure
    assert result.server_errors == 0, summary
    assert result.undocumented_statuses == 0, summary
    assert result.findings == {}, summary
    # The run reached the routes' work, not only their refusals: both tokens were accepted
    # and records were written (a wrong token would give nothing but 401s).
    assert result.requests >= 1000, summary
    assert result.statuses[200] > 50 and result.statuses[201] > 10, summary
    assert result.statuses[401] == 0, summary
