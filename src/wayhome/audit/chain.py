"""The hash chain itself: canonical encoding of an entry and verification of a sequence."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64


def entry_digest(prev_hash: str, fields: Mapping[str, Any]) -> str:
    """SHA-256 over the previous hash and the entry's fields in canonical JSON."""
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{payload}".encode()).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    """The first entry where the chain does not hold, and why."""

    seq: int
    reason: str


@dataclass(frozen=True)
class ChainLink:
    """What verification needs of one stored entry."""

    seq: int
    fields: Mapping[str, Any]
    prev_hash: str
    entry_hash: str


def verify_chain(
    links: Iterable[ChainLink], head_seq: int, head_hash: str
) -> tuple[int, ChainBreak | None]:
    """Check a chain in sequence order; return the count checked and the first break, if any."""
    expected_seq = 1
    prev = GENESIS_HASH
    count = 0
    for link in links:
        count += 1
        if link.seq != expected_seq:
            if link.seq < expected_seq:
                reason = f"duplicate or reordered entry (expected #{expected_seq})"
            else:
                missing = (
                    f"#{expected_seq}"
                    if link.seq == expected_seq + 1
                    else (f"#{expected_seq}–#{link.seq - 1}")
                )
                reason = f"entries missing before it: {missing} deleted"
            return count, ChainBreak(link.seq, reason)
        if link.prev_hash != prev:
            return count, ChainBreak(link.seq, "does not point at the previous entry's hash")
        if entry_digest(link.prev_hash, link.fields) != link.entry_hash:
            return count, ChainBreak(link.seq, "contents changed after it was written")
        prev = link.entry_hash
        expected_seq += 1
    last_seq = expected_seq - 1
    if head_seq != last_seq:
        if head_seq > last_seq:
            return count, ChainBreak(
                last_seq + 1, f"entries #{last_seq + 1}–#{head_seq} deleted from the end"
            )
        return count, ChainBreak(head_seq + 1, "entry appended outside the application")
    if head_hash != prev:
        return count, ChainBreak(last_seq, "last entry does not match the chain head")
    return count, None
