"""Extraction never crashes, and what it returns is always consistent with its input."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from wayhome.intake import synthetic
from wayhome.intake.selectors.extract import extract_selectors
from wayhome.intake.selectors.normalise import canonical_value

_NOISE = st.text(
    alphabet=st.sampled_from(list("abcdefxyz0123456789 .:@/+-_#=\n\t[](){}'\"İß0xXbc1€")),
    max_size=200,
)


def _check(text: str) -> None:
    for selector in extract_selectors(text, region="GB"):
        assert selector.start is not None and selector.end is not None
        assert 0 <= selector.start < selector.end <= len(text)
        assert text[selector.start : selector.end] == selector.original


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_strings(text: str) -> None:
    _check(text)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_decoded_leniently(data: bytes) -> None:
    _check(data.decode("utf-8", errors="replace"))


@settings(max_examples=300, deadline=None)
@given(_NOISE)
def test_selector_shaped_noise(text: str) -> None:
    _check(text)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), _NOISE, _NOISE)
def test_planted_selectors_are_found_and_canonical(seed: int, before: str, after: str) -> None:
    rng = random.Random(seed)
    kind, value = rng.choice(
        [
            ("btc", synthetic.btc_p2pkh(rng)),
            ("btc", synthetic.btc_segwit(rng)),
            ("eth", synthetic.eth_address(rng)),
            ("xmr", synthetic.xmr_address(rng)),
            ("onion", synthetic.onion_address(rng)),
            ("ipv4", synthetic.ipv4_address(rng)),
            ("ipv6", synthetic.ipv6_address(rng)),
            ("phone", synthetic.phone_number(rng, "GB")),
        ]
    )
    text = f"{before} {value} {after}"
    canonical = canonical_value(kind, value)
    found = {(s.type.value, s.value) for s in extract_selectors(text)}
    assert (kind, canonical) in found
    _check(text)


def test_pathological_inputs_stay_fast() -> None:
    for text in [
        "a" * 200_000,
        "@" * 50_000,
        ".a" * 50_000,
        "1:" * 50_000,
        "0" * 100_000,
        ("x." * 300 + " ") * 100,
        "+1 " * 30_000,
        "telegram: " * 20_000,
    ]:
        _check(text)
