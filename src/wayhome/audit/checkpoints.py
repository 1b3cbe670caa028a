"""Signed audit checkpoints: the chain's head signed with the instance's Ed25519 key.

A hash chain shows an edited entry, but a database owner can rewrite the whole chain and its
head so that it holds again. A checkpoint pins one (sequence number, head hash) under a
signature made with a key kept outside the database, and is itself kept elsewhere (another
system, a paper log); a rewrite of any entry up to a checkpoint's changes that entry's hash,
and forging a new checkpoint needs the key. This module holds the key file, signing, checking
and the checkpoint file's format, and never touches the database; `services.py` reads the chain.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from Crypto.PublicKey import ECC
from Crypto.PublicKey.ECC import EccKey
from Crypto.Signature import eddsa

from wayhome.errors import InvalidInput, WayhomeError
from wayhome.settings import Settings

KIND = "wayhome-audit-checkpoint"
KEY_FILE_NAME = "audit-signing.key"
_FIELDS = {"kind": str, "instance": str, "seq": int, "head_hash": str, "at": str, "signature": str}


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement that entry `seq` of this instance's chain had hash `head_hash`."""

    instance: str
    seq: int
    head_hash: str
    at: str
    signature: str
    kind: str = KIND

    def statement(self) -> bytes:
        """The signed bytes: every field but the signature, as canonical JSON."""
        fields = asdict(self)
        del fields["signature"]
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()

    def to_json(self) -> str:
        """The checkpoint file's text."""
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"


def key_file(settings: Settings) -> Path:
    """Where the signing key lives: WAYHOME_AUDIT_KEY_FILE, else in the data folder."""
    return (
        Path(settings.audit_key_file)
        if settings.audit_key_file
        else (settings.data_dir / KEY_FILE_NAME)
    )


def signing_key(path: Path, *, create: bool) -> EccKey:
    """The instance's private key from PATH; with `create`, a new one (mode 0600) when absent."""
    if create and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = ECC.generate(curve="Ed25519")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            return signing_key(path, create=False)
        with os.fdopen(fd, "w") as stream:
            stream.write(key.export_key(format="PEM"))
        return key
    key = _read_key(path, "WAYHOME_AUDIT_KEY_FILE")
    if not key.has_private():
        raise WayhomeError(
            f"{path} holds a public key; the signing key must be private",
            location="WAYHOME_AUDIT_KEY_FILE",
        )
    return key


def public_key(path: Path, location: str) -> EccKey:
    """An Ed25519 public key from a PEM file (a private key file gives its public half)."""
    return _read_key(path, location).public_key()


def _read_key(path: Path, location: str) -> EccKey:
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise WayhomeError(f"no key file at {path}", location=location) from None
    except (OSError, UnicodeDecodeError) as error:
        raise WayhomeError(f"cannot read {path}: {error}", location=location) from None
    try:
        key = ECC.import_key(text)
    except ValueError:
        raise WayhomeError(f"{path} is not a PEM key", location=location) from None
    if key.curve != "Ed25519":
        raise WayhomeError(f"{path} holds a {key.curve} key, not Ed25519", location=location)
    return key


def public_pem(key: EccKey) -> str:
    """The key's public half as PEM."""
    pem: str = key.public_key().export_key(format="PEM")
    return pem + "\n"


def instance_of(key: EccKey) -> str:
    """The instance's name in a checkpoint: the SHA-256 of its raw public key."""
    raw: bytes = key.public_key().export_key(format="raw")
    return "ed25519:" + hashlib.sha256(raw).hexdigest()


def sign(key: EccKey, seq: int, head_hash: str, at: str) -> Checkpoint:
    """A checkpoint of (seq, head_hash) at time `at`, signed with the private KEY."""
    unsigned = Checkpoint(instance_of(key), seq, head_hash, at, signature="")
    signature = eddsa.new(key, "rfc8032").sign(unsigned.statement())
    return Checkpoint(
        unsigned.instance, seq, head_hash, at, base64.b64encode(signature).decode("ascii")
    )


def signature_problem(checkpoint: Checkpoint, key: EccKey) -> str | None:
    """Why the checkpoint's signature does not hold for KEY's public half, or None."""
    if checkpoint.instance != instance_of(key):
        return f"signed by another instance ({checkpoint.instance}), not {instance_of(key)}"
    try:
        signature = base64.b64decode(checkpoint.signature, validate=True)
        eddsa.new(key.public_key(), "rfc8032").verify(checkpoint.statement(), signature)
    except (ValueError, binascii.Error):
        return "the signature does not match its contents (the checkpoint was altered)"
    return None


def read(path: Path) -> Checkpoint:
    """A checkpoint from its file; errors name the file and the field."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"cannot read the checkpoint: {error}", location=str(path)) from None
    return parse(text, str(path))


def parse(text: str, source: str) -> Checkpoint:
    """A checkpoint from its file's text; errors name the file and the field."""
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            f"not JSON: {error.msg} (line {error.lineno}, column {error.colno})", location=source
        ) from None
    if not isinstance(data, dict):
        raise InvalidInput("a checkpoint is a JSON object", location=source)
    for name in data:
        if name not in _FIELDS:
            raise InvalidInput(
                "unknown field (it would not be signed)", location=f"{source}.{name}"
            )
    for name, kind in _FIELDS.items():
        value = data.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise InvalidInput(f"missing or not a {kind.__name__}", location=f"{source}.{name}")
    if data["kind"] != KIND:
        raise InvalidInput(f"expected {KIND!r}", location=f"{source}.kind")
    return Checkpoint(
        data["instance"], data["seq"], data["head_hash"], data["at"], data["signature"]
    )
