"""Checksummed encodings: published test vectors, generated values and single-character edits."""

from __future__ import annotations

import hashlib
import random

import pytest

from wayhome.intake import synthetic
from wayhome.intake.selectors.codecs import (
    BECH32_CONST,
    BECH32M_CONST,
    bech32_encode,
    convert_bits,
    keccak256,
)
from wayhome.intake.selectors.crypto import (
    normalise_btc,
    normalise_eth,
    normalise_onion,
    normalise_xmr,
)
from wayhome.intake.selectors.handles import normalise_messenger_id


def _mutate(value: str, rng: random.Random, alphabet: str) -> str:
    index = rng.randrange(len(value))
    replacement = rng.choice([c for c in alphabet if c != value[index]])
    return value[:index] + replacement + value[index + 1 :]


def test_keccak_is_not_nist_sha3() -> None:
    assert keccak256(b"").hex() == (
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    )
    assert keccak256(b"").hex() != hashlib.sha3_256(b"").hexdigest()


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"),
        ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"),
        (
            "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
            "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
        ),
        (
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
            "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
        ),
        (
            "bitcoin:1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2?amount=1",
            "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
        ),
    ],
)
def test_bitcoin_published_vectors(written: str, canonical: str) -> None:
    assert normalise_btc(written) == canonical


@pytest.mark.parametrize(
    "bad",
    [
        "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3",  # one character changed
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",  # Bech32 checksum broken
        "bc1qW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",  # mixed case
        "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN",
    ],
)
def test_bitcoin_look_alikes_are_refused(bad: str) -> None:
    assert normalise_btc(bad) is None


def test_segwit_version_must_match_checksum_kind() -> None:
    program = bytes(range(20))
    data = [0, *(convert_bits(list(program), 8, 5, pad=True) or [])]
    assert normalise_btc(bech32_encode("bc", data, BECH32_CONST)) is not None
    assert normalise_btc(bech32_encode("bc", data, BECH32M_CONST)) is None
    taproot = [1, *(convert_bits(list(bytes(32)), 8, 5, pad=True) or [])]
    assert normalise_btc(bech32_encode("bc", taproot, BECH32M_CONST)) is not None
    assert normalise_btc(bech32_encode("bc", taproot, BECH32_CONST)) is None


@pytest.mark.parametrize(
    "address",
    [
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ],
)
def test_eip55_published_vectors(address: str) -> None:
    assert normalise_eth(address) == address.lower()
    swapped = address[:2] + address[2:].swapcase()
    assert normalise_eth(swapped) is None
    assert normalise_eth(address.lower()) == address.lower()
    assert normalise_eth("0x" + address[2:].upper()) == address.lower()


def test_monero_donation_address_and_a_typo() -> None:
    address = (
        "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNb"
        "r2VBBEt7f2wfn3RVGQBEP3A"
    )
    assert normalise_xmr(address) == address
    assert normalise_xmr(address[:-1] + "B") is None


def test_onion_v3_published_address() -> None:
    onion = "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion"
    assert normalise_onion("https://" + onion.upper() + "/search") == onion
    assert normalise_onion(onion.replace("duck", "dusk", 1)) is None
    assert normalise_onion("expyuzz4wqqyqhjn.onion") is None  # v2 is obsolete


@pytest.mark.parametrize("seed", range(5))
def test_generated_values_pass_and_single_edits_fail(seed: int) -> None:
    rng = random.Random(seed)
    base58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    for make, check, alphabet in [
        (synthetic.btc_p2pkh, normalise_btc, base58),
        (synthetic.btc_p2sh, normalise_btc, base58),
        (synthetic.btc_segwit, normalise_btc, "qpzry9x8gf2tvdw0s3jn54khce6mua7l"),
        (lambda r: synthetic.btc_segwit(r, 1), normalise_btc, "qpzry9x8gf2tvdw0s3jn54khce6mua7l"),
        (synthetic.xmr_address, normalise_xmr, base58),
        (lambda r: synthetic.xmr_address(r, True), normalise_xmr, base58),
    ]:
        value = make(rng)
        assert check(value) is not None, value
        assert check(_mutate(value, rng, alphabet)) is None
    onion = synthetic.onion_address(rng)
    assert normalise_onion(onion) == onion
    assert (
        normalise_onion(_mutate(onion[:56], rng, "abcdefghijklmnopqrstuvwxyz234567") + ".onion")
        is None
    )
    tox = synthetic.tox_id(rng)
    assert normalise_messenger_id(tox) == "tox:" + tox.lower()
    assert normalise_messenger_id(_mutate(tox, rng, "0123456789ABCDEF"), "tox") is None
    eth = synthetic.eth_address(rng)
    assert normalise_eth(eth) == eth.lower()
