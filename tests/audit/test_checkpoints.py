"""Signed audit checkpoints: a chain rewritten to hold again passes the plain check but not
a checkpoint taken before; an altered checkpoint or another instance's key is refused."""

from __future__ import annotations

import dataclasses
import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from Crypto.PublicKey import ECC
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from tests.conftest import DatabaseFactory
from wayhome.audit import checkpoints
from wayhome.audit import services as audit
from wayhome.audit.chain import GENESIS_HASH, entry_digest
from wayhome.audit.models import AuditEntry, AuditHead
from wayhome.cli.main import app as cli
from wayhome.db.dialect import suspend_append_only_ddl
from wayhome.db.engine import make_session_factory, session_scope
from wayhome.errors import WayhomeError
from wayhome.settings import get_settings

AT = "2026-01-02T03:04:05+00:00"


# -- pure: signing and the file format -------------------------------------------------------------
@pytest.fixture(scope="module")
def key() -> ECC.EccKey:
    return ECC.generate(curve="Ed25519")


def test_a_signed_checkpoint_holds_and_reads_back(key: ECC.EccKey) -> None:
    made = checkpoints.sign(key, 7, "ab" * 32, AT)
    again = checkpoints.parse(made.to_json(), "cp.json")
    assert again == made
    assert checkpoints.signature_problem(again, key) is None
    assert made.instance == checkpoints.instance_of(key.public_key())


@pytest.mark.parametrize(
    "change",
    [{"seq": 8}, {"head_hash": "cd" * 32}, {"at": "2027-01-01T00:00:00+00:00"}],
    ids=["seq", "head", "time"],
)
def test_a_changed_field_breaks_the_signature(key: ECC.EccKey, change: dict[str, object]) -> None:
    forged = dataclasses.replace(checkpoints.sign(key, 7, "ab" * 32, AT), **change)
    assert "altered" in (checkpoints.signature_problem(forged, key) or "")


def test_a_tampered_signature_or_another_key_is_refused(key: ECC.EccKey) -> None:
    made = checkpoints.sign(key, 7, "ab" * 32, AT)
    flipped = ("A" if made.signature[0] != "A" else "B") + made.signature[1:]
    assert "altered" in (
        checkpoints.signature_problem(dataclasses.replace(made, signature=flipped), key) or ""
    )
    assert "altered" in (
        checkpoints.signature_problem(dataclasses.replace(made, signature="not base64!"), key) or ""
    )
    other = ECC.generate(curve="Ed25519")
    assert "another instance" in (checkpoints.signature_problem(made, other) or "")


@pytest.mark.parametrize(
    ("text", "location", "message"),
    [
        ("{", "cp.json", "not JSON"),
        ("[]", "cp.json", "JSON object"),
        ('{"seq": 1}', "cp.json.kind", "missing"),
        ('{"extra": 1}', "cp.json.extra", "unknown field"),
    ],
)
def test_a_malformed_checkpoint_names_the_file_and_field(
    text: str, location: str, message: str
) -> None:
    with pytest.raises(WayhomeError) as caught:
        checkpoints.parse(text, "cp.json")
    assert caught.value.location == location and message in caught.value.detail


def test_a_wrong_typed_field_is_named(key: ECC.EccKey) -> None:
    fields = json.loads(checkpoints.sign(key, 7, "ab" * 32, AT).to_json())
    fields["seq"] = "7"
    with pytest.raises(WayhomeError) as caught:
        checkpoints.parse(json.dumps(fields), "cp.json")
    assert caught.value.location == "cp.json.seq"


def test_the_key_file_is_made_private_once_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "audit.key"
    made = checkpoints.signing_key(path, create=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert checkpoints.public_pem(checkpoints.signing_key(path, create=True)) == (
        checkpoints.public_pem(made)
    )
    with pytest.raises(WayhomeError, match="no key file"):
        checkpoints.signing_key(tmp_path / "absent.key", create=False)
    public = tmp_path / "public.pem"
    public.write_text(checkpoints.public_pem(made))
    with pytest.raises(WayhomeError, match="public key"):
        checkpoints.signing_key(public, create=False)
    (tmp_path / "junk.key").write_text("hello")
    with pytest.raises(WayhomeError, match="not a PEM key"):
        checkpoints.signing_key(tmp_path / "junk.key", create=False)


# -- against a database, through the CLI -----------------------------------------------------------
class Instance:
    """A committed database with ten audit entries and the CLI pointed at it and a key file."""

    def __init__(self, url: str, engine: Engine, folder: Path) -> None:
        self.url, self.engine, self.folder = url, engine, folder

    def wayhome(self, *args: str) -> Result:
        """Run `wayhome ARGS` against this instance."""
        get_settings.cache_clear()
        try:
            return CliRunner().invoke(cli, list(args))
        finally:
            get_settings.cache_clear()

    def checkpoint(self, name: str) -> Path:
        """A checkpoint of the current head, written to FOLDER/NAME."""
        out = self.folder / name
        result = self.wayhome("audit", "checkpoint", "--out", str(out))
        assert result.exit_code == 0, result.output
        return out

    def append(self, count: int) -> None:
        """Add COUNT entries the way the application does."""
        with session_scope(make_session_factory(self.engine)) as session:
            for i in range(count):
                audit.record(session, audit.SYSTEM, "read", "case", f"more-{i}")

    def rewrite_from(self, seq: int, keep: int | None = None) -> None:
        """What a database owner could do: change entry SEQ (and drop entries after KEEP),
        then recompute every later hash and the head so that the chain holds again."""
        with Session(self.engine) as session:
            entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
            session.expunge_all()
        if keep is not None:
            entries = entries[:keep]
        prev = GENESIS_HASH
        for entry in entries:
            if entry.seq == seq:
                entry.object_id = "case-forged"
            if entry.seq >= seq:
                entry.prev_hash = prev
                entry.entry_hash = entry_digest(prev, audit._fields(entry))
            prev = entry.entry_hash
        table = AuditEntry.__table__
        with self.engine.begin() as connection:
            for ddl in suspend_append_only_ddl(self.engine.dialect.name, "audit_entries"):
                connection.exec_driver_sql(ddl)
            if keep is not None:
                connection.execute(delete(table).where(table.c.seq > keep))
            for entry in entries[seq - 1 :]:
                connection.execute(
                    update(table)
                    .where(table.c.seq == entry.seq)
                    .values(
                        object_id=entry.object_id,
                        prev_hash=entry.prev_hash,
                        entry_hash=entry.entry_hash,
                    )
                )
            head = AuditHead.__table__
            connection.execute(
                update(head).where(head.c.id == 1).values(seq=len(entries), last_hash=prev)
            )


@pytest.fixture
def instance(
    databases: DatabaseFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Instance]:
    with databases.migrated() as (url, engine):
        monkeypatch.setenv("WAYHOME_DATABASE_URL", url)
        monkeypatch.setenv("WAYHOME_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
        made = Instance(url, engine, tmp_path)
        made.append(10)
        yield made


def test_a_whole_chain_rewrite_passes_plain_verify_but_not_the_checkpoint(
    instance: Instance,
) -> None:
    early = instance.checkpoint("at-10.json")
    instance.append(5)
    late = instance.checkpoint("at-15.json")
    matching = instance.wayhome("audit", "verify", "--checkpoint", str(early), "-c", str(late))
    assert matching.exit_code == 0, matching.output
    assert "2 checkpoint(s) match, the newest at entry #15" in matching.output

    instance.rewrite_from(12)
    plain = instance.wayhome("audit", "verify")
    assert plain.exit_code == 0 and "intact: 15 entries" in plain.output
    checked = instance.wayhome("audit", "verify", "--checkpoint", str(early), "-c", str(late))
    assert checked.exit_code == 1
    # The checkpoint at #10 still holds; the one at #15 is the first that no longer matches.
    assert f"checkpoint {late} (entry #15" in checked.output
    assert "rewritten at or before it" in checked.output
    assert str(early) not in checked.output

    instance.rewrite_from(3)
    earlier = instance.wayhome("audit", "verify", "-c", str(late), "-c", str(early))
    assert earlier.exit_code == 1 and f"checkpoint {early} (entry #10" in earlier.output


def test_a_chain_cut_short_and_rewritten_is_caught(instance: Instance) -> None:
    cp = instance.checkpoint("at-10.json")
    instance.rewrite_from(5, keep=8)
    assert instance.wayhome("audit", "verify").exit_code == 0
    checked = instance.wayhome("audit", "verify", "--checkpoint", str(cp))
    assert checked.exit_code == 1 and "entry #10 is no longer in the chain" in checked.output


def test_a_tampered_checkpoint_file_fails(instance: Instance) -> None:
    cp = instance.checkpoint("at-10.json")
    fields = json.loads(cp.read_text())
    fields["signature"] = ("A" if fields["signature"][0] != "A" else "B") + fields["signature"][1:]
    cp.write_text(json.dumps(fields))
    checked = instance.wayhome("audit", "verify", "--checkpoint", str(cp))
    assert checked.exit_code == 1
    assert "NO LONGER MATCHES" in checked.output and "altered" in checked.output


def test_checkpoints_verify_with_the_public_key_alone(
    instance: Instance, monkeypatch: pytest.MonkeyPatch
) -> None:
    cp = instance.checkpoint("at-10.json")
    printed = instance.wayhome("audit", "public-key")
    assert printed.exit_code == 0 and printed.output.startswith("-----BEGIN PUBLIC KEY-----")
    public = instance.folder / "public.pem"
    public.write_text(printed.output)
    monkeypatch.setenv("WAYHOME_AUDIT_KEY_FILE", str(instance.folder / "elsewhere.key"))
    without = instance.wayhome("audit", "verify", "--checkpoint", str(cp))
    assert without.exit_code == 2 and "no key file" in without.output
    assert not (instance.folder / "elsewhere.key").exists()  # verifying never makes a key
    checked = instance.wayhome("audit", "verify", "-c", str(cp), "--public-key", str(public))
    assert checked.exit_code == 0, checked.output


def test_a_broken_chain_is_not_signed(instance: Instance) -> None:
    with instance.engine.begin() as connection:
        for ddl in suspend_append_only_ddl(instance.engine.dialect.name, "audit_entries"):
            connection.exec_driver_sql(ddl)
        table = AuditEntry.__table__
        connection.execute(update(table).where(table.c.seq == 4).values(object_id="case-x"))
    out = instance.folder / "cp.json"
    result = instance.wayhome("audit", "checkpoint", "--out", str(out))
    assert result.exit_code == 1 and "BROKEN at entry #4" in result.output
    assert "no checkpoint signed" in result.output and not out.exists()


def test_checkpoint_prints_json_and_refuses_to_overwrite(instance: Instance) -> None:
    printed = instance.wayhome("audit", "checkpoint")
    assert printed.exit_code == 0
    made = checkpoints.parse(printed.output, "stdout")
    assert made.seq == 10
    cp = instance.checkpoint("cp.json")
    before = cp.read_text()
    again = instance.wayhome("audit", "checkpoint", "--out", str(cp))
    assert again.exit_code == 2 and "already exists" in again.output
    assert cp.read_text() == before
