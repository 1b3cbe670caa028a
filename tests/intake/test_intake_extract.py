"""Free-text extraction: what is found, where, and what look-alikes are left alone."""

from __future__ import annotations

import random

import pytest

from tests.intake.samples_path import sample, sample_values
from wayhome.intake import synthetic
from wayhome.intake.selectors.extract import extract_selectors
from wayhome.intake.selectors.types import Selector, SelectorType


def _pairs(found: list[Selector]) -> set[tuple[str, str]]:
    return {(s.type.value, s.value) for s in found}


def test_chat_log_sample() -> None:
    text = sample("chat_log.txt").decode("utf-8")
    values = sample_values()
    found = extract_selectors(text, region="GB")
    for selector in found:
        assert selector.start is not None and selector.end is not None
        assert text[selector.start : selector.end] == selector.original
    expected = {
        ("handle", "telegram:night_owl_22"),
        ("handle", "telegram:owl_backup"),
        ("email", "night.owl22@example-mail.org"),
        ("phone", "+447400123456"),
        ("btc", values["btc"]),
        ("btc", values["btc32"]),
        ("eth", values["eth"].lower()),
        ("xmr", values["xmr"]),
        ("onion", values["onion"]),
        ("url", f"http://{values['onion']}/board"),
        ("messenger_id", "session:" + values["session"]),
        ("messenger_id", "tox:" + values["tox"].lower()),
        ("pgp_fingerprint", values["fingerprint"]),
        ("ipv4", "203.0.113.45"),
        ("ipv6", "2001:db8::7"),
        ("sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("handle", "forum:shadowrider"),
        ("handle", "reddit:owl_throwaway"),
    }
    assert _pairs(found) == expected


def test_bad_checksums_are_not_selectors() -> None:
    rng = random.Random(5)
    btc = synthetic.btc_p2pkh(rng)
    eth = synthetic.eth_address(rng)
    broken_btc = btc[:-1] + ("A" if btc[-1] != "A" else "B")
    broken_eth = eth[:2] + eth[2:].swapcase()
    onion = synthetic.onion_address(rng)
    broken_onion = ("b" if onion[0] != "b" else "c") + onion[1:]
    text = f"pay {broken_btc} or {broken_eth}, see {broken_onion} and {btc}"
    assert _pairs(extract_selectors(text)) == {("btc", btc)}


def test_spans_point_at_the_written_text() -> None:
    text = "Mail: Anna.K@Example.org; ip=198.51.100.23."
    found = extract_selectors(text)
    assert [(s.type, s.original, s.start, s.end) for s in found] == [
        (SelectorType.EMAIL, "Anna.K@Example.org", 6, 24),
        (SelectorType.IPV4, "198.51.100.23", 29, 42),
    ]


def test_forty_hex_digits_depend_on_context() -> None:
    digits = "0123456789abcdef0123456789abcdef01234567"
    assert _pairs(extract_selectors(f"file {digits}")) == {("sha1", digits)}
    assert _pairs(extract_selectors(f"gpg fingerprint {digits}")) == {
        ("pgp_fingerprint", digits.upper())
    }
    assert _pairs(extract_selectors(f"wallet 0x{digits}")) == {("eth", "0x" + digits)}
    assert _pairs(extract_selectors("key 0x0123456789ABCDEF")) == {
        ("pgp_key_id", "0123456789ABCDEF")
    }


def test_gnupg_style_spaced_fingerprint() -> None:
    text = "      Key fingerprint = 0123 4567 89AB CDEF 0123  4567 89ab cdef 0123 4567\n"
    [found] = extract_selectors(text)
    assert (found.type, found.value) == (
        SelectorType.PGP_FINGERPRINT,
        "0123456789ABCDEF0123456789ABCDEF01234567",
    )
    assert found.original == "0123 4567 89AB CDEF 0123  4567 89ab cdef 0123 4567"


def test_national_phone_numbers_need_a_phone_word_and_region() -> None:
    assert _pairs(extract_selectors("tel: 06 12 34 56 78", region="FR")) == {
        ("phone", "+33612345678")
    }
    assert extract_selectors("tel: 06 12 34 56 78") == []
    assert extract_selectors("room 06 12 34 56 78", region="FR") == []
    assert extract_selectors("at 2024-03-02 14:22:10 in room 17") == []


def test_domains_inside_urls_and_emails_are_not_repeated() -> None:
    text = "see https://board.example.net/x and mail a@mail.example.org or evil-shop.net"
    assert _pairs(extract_selectors(text)) == {
        ("url", "https://board.example.net/x"),
        ("email", "a@mail.example.org"),
        ("domain", "evil-shop.net"),
    }
    assert extract_selectors("run script.py then notes.txt") == []


def test_handles_need_a_platform() -> None:
    text = "ping @someone; insta: @Sun.Girl, github.com/OctoCat, nick = Raven"
    assert _pairs(extract_selectors(text, forum_platform="dark-board")) == {
        ("handle", "instagram:sun.girl"),
        ("handle", "github:octocat"),
        ("handle", "forum:raven"),  # a site outside the platform list is `forum`
    }
    assert _pairs(extract_selectors("nick = Raven", forum_platform="t.me")) == {
        ("handle", "telegram:raven")
    }


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Posted by Korsak_77 on 2024-09-01", "forum:korsak_77"),
        ("Geplaatst door korsak_77: hallo allemaal", "forum:korsak_77"),
        ("user korsak_77 on Nightfall said", "forum:korsak_77"),
        ("user korsak_77 on Telegram", "telegram:korsak_77"),
        ("Auteur: korsak_77 | bericht", "forum:korsak_77"),
        ("gebruiker: @Korsak_77", "forum:korsak_77"),
        ("автор: korsak_77", "forum:korsak_77"),
        ("Posted by: Korsak_77", "forum:korsak_77"),
        ("Bericht van korsak_77 op 2 september", "forum:korsak_77"),
        ("[2026-09-01 22:10] korsak_77 schreef: ik kom", "forum:korsak_77"),
        ("korsak_77 wrote:\n> see you", "forum:korsak_77"),
    ],
)
def test_forum_handles_in_scrapes(text: str, found: str) -> None:
    assert _pairs(extract_selectors(text)) == {("handle", found)}


@pytest.mark.parametrize(
    "text",
    [
        "posted by the admin",
        "the user was on holiday",
        "user account on Telegram",
        "written by him on a phone",
        "a user on the board",
        "He wrote: nothing new",
        "I called at ten and she wrote: fine",
        "De post van gisteren",
    ],
)
def test_forum_phrases_without_a_handle_are_not_handles(text: str) -> None:
    assert extract_selectors(text) == []


def test_messenger_labels() -> None:
    text = "wickr me: Owl.Backup | threema: ABCD1234 | jabber: owl@chat.example.org"
    assert _pairs(extract_selectors(text)) == {
        ("messenger_id", "wickr:owl.backup"),
        ("messenger_id", "threema:ABCD1234"),
        ("messenger_id", "xmpp:owl@chat.example.org"),
    }


def test_timestamps_and_versions_are_not_addresses() -> None:
    assert extract_selectors("at 12:30:45, v2.4.1, 3.14 and 10:15") == []


def test_non_ascii_text_keeps_spans_right() -> None:
    text = "İstanbul İİ mail ŞEREF@example.org"
    found = extract_selectors(text)
    assert [(s.value, s.original) for s in found] == [("şeref@example.org", "ŞEREF@example.org")]
    assert text[found[0].start or 0 : found[0].end or 0] == "ŞEREF@example.org"


def test_dotted_quad_after_a_plus_sign_is_an_address_not_a_phone() -> None:
    """Found by Hypothesis: '+8 198.51.100.14' was read as the phone +81985110014."""
    found = {(s.type.value, s.value) for s in extract_selectors("+8 198.51.100.14 ")}
    assert ("ipv4", "198.51.100.14") in found
    assert not any(kind == "phone" for kind, _ in found)
