"""One canonical value per selector type, however the identifier was written."""

from __future__ import annotations

import pytest

from tests.intake.samples_path import sample
from wayhome.errors import InvalidInput
from wayhome.intake.formats.submission import parse_submission
from wayhome.intake.selectors.normalise import canonical_value, classify_host, make_selector
from wayhome.intake.selectors.types import SelectorType


@pytest.mark.parametrize(
    ("kind", "writings", "canonical"),
    [
        (
            "email",
            [
                "John.Doe@Example.ORG",
                "<john.doe@example.org>",
                "mailto:JOHN.DOE@example.org",
                "john.doe[@]example[.]org",
            ],
            "john.doe@example.org",
        ),
        ("email", ["anna@bücher.example"], "anna@xn--bcher-kva.example"),
        (
            "phone",
            ["+44 7400 123456", "+44 (0)7400 123456", "0044 7400 123456", "tel:+447400123456"],
            "+447400123456",
        ),
        ("ipv4", ["192.0.2.10", " 192.0.2[.]10 "], "192.0.2.10"),
        ("ipv6", ["2001:DB8:0:0:0:0:0:1", "[2001:db8::1]", "2001:db8:0::1"], "2001:db8::1"),
        ("domain", ["Board.Example.NET.", "board[.]example[.]net"], "board.example.net"),
        ("domain", ["bücher.example"], "xn--bcher-kva.example"),
        (
            "url",
            ["HTTPS://Board.Example.net:443/a%2fb?x=1#frag", "https://board.example.net/a%2Fb?x=1"],
            "https://board.example.net/a%2Fb?x=1",
        ),
        (
            "url",
            ["hxxp://board[.]example[.]net", "http://Board.Example.net"],
            "http://board.example.net/",
        ),
        (
            "url",
            ["www.board.example.net", "http://WWW.board.example.net:80"],
            "http://www.board.example.net/",
        ),
        ("url", ["http://board.example.net:8080/x"], "http://board.example.net:8080/x"),
        (
            "pgp_fingerprint",
            [
                "0123 4567 89ab CDEF 0123  4567 89AB CDEF 0123 4567",
                "0x0123456789abcdef0123456789ABCDEF01234567",
            ],
            "0123456789ABCDEF0123456789ABCDEF01234567",
        ),
        ("pgp_key_id", ["0x89abcdef01234567", "89ABCDEF01234567"], "89ABCDEF01234567"),
        ("md5", ["D41D8CD98F00B204E9800998ECF8427E"], "d41d8cd98f00b204e9800998ecf8427e"),
        ("handle", ["telegram:@Blue_Fox", "tg: blue_fox", "t.me:Blue_Fox"], "telegram:blue_fox"),
        ("handle", ["reddit:u/Owl_22", "reddit:/u/owl_22"], "reddit:owl_22"),
        ("handle", ["x:@Bird", "Twitter:bird"], "twitter:bird"),
        (
            "handle",
            ["Dark Board:ShadowRider", "unknown:shadowrider", "user:@SHADOWRIDER"],
            "forum:shadowrider",
        ),
        ("handle", ["Instagram Direct:Owl.22", "www.instagram.com:owl.22"], "instagram:owl.22"),
        (
            "handle",
            ["forum:https://t.me/Blue_Fox", "Telegram Messenger:@blue_fox"],
            "telegram:blue_fox",
        ),
        (
            "messenger_id",
            ["xmpp:Owl@Chat.Example.org/phone", "jabber:owl@chat.example.org"],
            "xmpp:owl@chat.example.org",
        ),
        ("messenger_id", ["threema:abcd1234"], "threema:ABCD1234"),
        ("messenger_id", ["@Owl:Matrix.Example.org"], "matrix:@owl:matrix.example.org"),
    ],
)
def test_writings_share_one_canonical_value(kind: str, writings: list[str], canonical: str) -> None:
    for written in writings:
        assert canonical_value(kind, written) == canonical, written


def test_national_phone_needs_a_region() -> None:
    assert canonical_value("phone", "06 12 34 56 78") is None
    assert canonical_value("phone", "06 12 34 56 78", region="FR") == "+33612345678"
    assert canonical_value("phone", "07400 123456", region="gb") == "+447400123456"
    assert canonical_value("phone", "+44 7400", region="GB") is None


@pytest.mark.parametrize(
    ("kind", "bad"),
    [
        ("email", "no-at-sign.example.org"),
        ("email", "a..b@example.org"),
        ("ipv4", "192.168.010.1"),
        ("ipv4", "256.1.1.1"),
        ("ipv6", "fe80::1%eth0"),
        ("domain", "-bad-.example"),
        ("domain", "localhost"),
        ("domain", "x.123"),
        ("url", "not a url"),
        ("url", "/relative/path"),
        ("sha256", "abc"),
        ("handle", "no-platform"),
        ("messenger_id", "session:06" + "a" * 64),
        ("messenger_id", "unknown-service:abc"),
    ],
)
def test_invalid_values_have_no_canonical_form(kind: str, bad: str) -> None:
    assert canonical_value(kind, bad) is None


def test_session_id_is_detected_without_a_prefix() -> None:
    session = "05" + "ab" * 32
    assert canonical_value("messenger_id", session.upper()) == "session:" + session


def test_onion_domains_are_not_plain_domains() -> None:
    onion = "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion"
    assert canonical_value("domain", onion) is None
    host = classify_host(onion)
    assert host is not None and host.type is SelectorType.ONION
    assert classify_host("198.51.100.7") is not None
    assert classify_host("not a host") is None


def test_make_selector_names_the_location() -> None:
    selector = make_selector("email", "A@Example.org", location="row 3")
    assert (selector.type, selector.value, selector.original) == (
        SelectorType.EMAIL,
        "a@example.org",
        "A@Example.org",
    )
    with pytest.raises(InvalidInput) as bad:
        make_selector("btc", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", location="line 7")
    assert bad.value.location == "line 7"
    with pytest.raises(InvalidInput) as unknown:
        make_selector("fax", "123", location="line 8")
    assert "fax" in unknown.value.detail


def test_canonical_values_are_fixed_points() -> None:
    seen = 0
    for name in ["chat_log.txt", "selectors.csv", "cybertip_report.xml", "misp_event.json",
                 "stix_bundle.json"]:  # fmt: skip
        for report in parse_submission(sample(name), region="GB").reports:
            for selector in report.selectors:
                again = canonical_value(selector.type, selector.value, region="GB")
                assert again == selector.value, selector
                seen += 1
    assert seen > 60
