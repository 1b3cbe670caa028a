"""A synthetic text that names one selector of every type the extractor knows."""

from __future__ import annotations

import random

from wayhome.intake import synthetic

EVERY_TYPE = frozenset(
    {
        "email", "phone", "ipv4", "ipv6", "domain", "url", "onion", "btc", "eth", "xmr",
        "pgp_fingerprint", "pgp_key_id", "handle", "messenger_id", "md5", "sha1", "sha256",
    }
)  # fmt: skip


def every_type_text(seed: int = 11) -> str:
    """Free text with every selector type, its generated values valid (checksums included)."""
    rng = random.Random(seed)
    return (
        f"mail a.b@example-mail.org, telegram: @blue_fox, twitter: @bird, github.com/octo, "
        f"forum user: raven, jabber: owl@chat.example.org, "
        f"session id: {synthetic.session_id(rng)}, "
        f"tox {synthetic.tox_id(rng)}, ip 198.51.100.7 and {synthetic.ipv6_address(rng)}, "
        f"call {synthetic.phone_number(rng, 'GB')}, btc {synthetic.btc_p2pkh(rng)} "
        f"{synthetic.btc_segwit(rng, 1)}, eth {synthetic.eth_address(rng)}, "
        f"xmr {synthetic.xmr_address(rng)}, {synthetic.onion_address(rng)}, "
        f"pgp fingerprint {synthetic.pgp_fingerprint(rng)}, key 0x0123456789ABCDEF, "
        f"md5 {'ab' * 16}, sha1 {'cd' * 20}, sha256 {'ef' * 32}, https://board.example.net/t/1, "
        f"evil-shop.net"
    )
