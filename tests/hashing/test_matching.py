"""HashBank: exact and PDQ matching of records, unreliable PDQs, rotations and removal."""

from __future__ import annotations

import numpy as np
import pytest

from tests.hashing.synthetic import noise_texture, rgb, scene, transforms
from wayhome.hashing.bits import flip_bits, hex_to_words, words_to_hex
from wayhome.hashing.matching import HashBank, MatchSettings
from wayhome.hashing.pdq import Orientation, pdq_dihedral_from_rgb, pdq_from_rgb
from wayhome.hashing.records import HashKind, HashRecord

MD5 = "0123456789abcdef0123456789abcdef"


def moved(pdq: str, bits: int, seed: int = 0) -> str:
    """The hash with `bits` random bits flipped."""
    rng = np.random.default_rng(seed)
    positions = rng.choice(256, size=bits, replace=False).astype(np.int64)
    return words_to_hex(flip_bits(hex_to_words([pdq])[0], positions)[None, :])[0]


@pytest.fixture
def base_pdq() -> str:
    return pdq_from_rgb(rgb(scene(21))).hex


def test_exact_kinds_match_exactly(base_pdq: str) -> None:
    bank = HashBank()
    bank.add(
        [10, 11, 12],
        [
            HashRecord(md5=MD5),
            HashRecord(photodna="opaque-A", sha256="cd" * 32),
            HashRecord(sha1="ab" * 20),
        ],
    )
    queries = [
        HashRecord(md5=MD5),
        HashRecord(photodna="opaque-A"),
        HashRecord(photodna="opaque-a"),
        HashRecord(sha256="cd" * 32, sha1="ab" * 20),
    ]
    hits = [(h.query_index, h.bank_id, h.kind) for h in bank.match(queries)]
    assert hits == [
        (0, 10, HashKind.MD5),
        (1, 11, HashKind.PHOTODNA),
        (3, 12, HashKind.SHA1),
        (3, 11, HashKind.SHA256),
    ]


def test_pdq_matches_within_the_threshold_only(base_pdq: str) -> None:
    bank = HashBank()
    bank.add(
        [1, 2, 3],
        [
            HashRecord(pdq=moved(base_pdq, 12), pdq_quality=90),
            HashRecord(pdq=moved(base_pdq, 31, 1), pdq_quality=90),
            HashRecord(pdq=moved(base_pdq, 32, 2), pdq_quality=90),
        ],
    )
    query = [HashRecord(pdq=base_pdq, pdq_quality=95)]
    assert [(h.bank_id, h.distance) for h in bank.match(query)] == [(1, 12), (2, 31)]
    tight = bank.match(query, MatchSettings(max_distance=12))
    assert [(h.bank_id, h.distance) for h in tight] == [(1, 12)]


def test_unreliable_pdqs_are_skipped_unless_asked_for(base_pdq: str) -> None:
    bank = HashBank()
    bank.add(
        [1, 2],
        [
            HashRecord(pdq=base_pdq, pdq_quality=40),
            HashRecord(pdq=moved(base_pdq, 3), pdq_quality=80),
        ],
    )
    strong = [HashRecord(pdq=base_pdq, pdq_quality=80)]
    weak = [HashRecord(pdq=base_pdq, pdq_quality=49)]
    assert [h.bank_id for h in bank.match(strong)] == [2]
    assert bank.match(weak) == []
    everything = bank.match(weak, MatchSettings(include_unreliable=True))
    assert [(h.bank_id, h.unreliable) for h in everything] == [(1, True), (2, True)]
    flagged = bank.match(strong, MatchSettings(include_unreliable=True))
    assert [(h.bank_id, h.unreliable) for h in flagged] == [(1, True), (2, False)]


def test_rotated_copies_match_only_with_dihedral_matching() -> None:
    image = noise_texture(31, 320, 320)
    variants, quality = pdq_dihedral_from_rgb(rgb(image))
    bank = HashBank()
    bank.add([5], [HashRecord(pdq=variants[Orientation.ORIGINAL], pdq_quality=quality)])
    rotated = transforms(image)["rotate_90"]
    query_hash = pdq_from_rgb(rgb(rotated))
    query = [HashRecord(pdq=query_hash.hex, pdq_quality=query_hash.quality)]
    assert bank.match(query) == []
    [hit] = bank.match(query, MatchSettings(dihedral=True))
    assert hit.bank_id == 5
    assert hit.orientation is not Orientation.ORIGINAL
    assert hit.distance <= 31
    # With the image-derived variants at hand (local hashing), the same copy is found too.
    rotated_variants, _ = pdq_dihedral_from_rgb(rgb(rotated))
    with_variants = [
        HashRecord(
            pdq=query_hash.hex,
            pdq_quality=query_hash.quality,
            pdq_dihedral=tuple(rotated_variants[o] for o in Orientation),
        )
    ]
    [again] = bank.match(with_variants, MatchSettings(dihedral=True))
    assert again.bank_id == 5


def test_removed_and_replaced_records(base_pdq: str) -> None:
    bank = HashBank()
    bank.add([1, 2], [HashRecord(md5=MD5, pdq=base_pdq), HashRecord(md5=MD5)])
    query = [HashRecord(md5=MD5, pdq=base_pdq)]
    assert {(h.bank_id, h.kind) for h in bank.match(query)} == {
        (1, HashKind.MD5),
        (2, HashKind.MD5),
        (1, HashKind.PDQ),
    }
    bank.remove([1])
    assert {(h.bank_id, h.kind) for h in bank.match(query)} == {(2, HashKind.MD5)}
    bank.add([2], [HashRecord(sha1="ab" * 20, pdq=moved(base_pdq, 4))])
    assert len(bank) == 1
    assert {(h.bank_id, h.kind, h.distance) for h in bank.match(query)} == {(2, HashKind.PDQ, 4)}
