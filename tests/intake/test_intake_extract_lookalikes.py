"""Free-text look-alikes the independent answer-key set showed (issue 17), and the true
positives next to them that each narrow rule must keep."""

from __future__ import annotations

import pytest

from wayhome.intake.selectors.extract import extract_selectors
from wayhome.intake.selectors.phone import normalise_phone
from wayhome.intake.selectors.types import Selector

GOOD_ONION = "hpw3raztukr2b6vtltg7ykqvotk7nokpk4zyqozlcaztms5erfpecvyd.onion"
BAD_ONION = "3ivtmlxqtss2g2abeqmmu6crbmnie3hegusfncd62pif6m4b7fbqaaad.onion"
DIGITS = "51bee25742207aac1d1a3108d3166d9e7100e809"


def _pairs(found: list[Selector]) -> set[tuple[str, str]]:
    return {(s.type.value, s.value) for s in found}


@pytest.mark.parametrize(
    "text",
    [
        "Whisperline version 10.2.3.4 released",
        "Version: 10.2.3.4",
        "ver. 10.2.3.4",
        "v 10.2.3.4",
        "build #10.2.3.4",
        "firmware 10.2.3.4",
        "release 10.2.3.4",
        "вышла версия 10.2.3.4",
        "сборка 10.2.3.4",
    ],
)
def test_a_dotted_quad_after_a_version_word_is_a_version(text: str) -> None:
    assert _pairs(extract_selectors(text)) == set()


@pytest.mark.parametrize(
    "text",
    [
        "login from 10.2.3.4",
        "version check from 10.2.3.4",
        "version 2 server at 10.2.3.4",
        "IP: 10.2.3.4",
        "version\n10.2.3.4",
        "http://10.2.3.4/admin",
    ],
)
def test_an_address_not_right_after_a_version_word_is_kept(text: str) -> None:
    assert ("ipv4", "10.2.3.4") in _pairs(extract_selectors(text))


def test_a_bare_markdown_or_rust_file_name_is_not_a_domain() -> None:
    assert _pairs(extract_selectors("Read readme.md in the archive first.")) == set()
    assert _pairs(extract_selectors("see src/main.rs and lib.rs")) == set()
    # the code-only extensions stay skipped as before
    assert _pairs(extract_selectors("run setup.py or install.sh")) == set()


def test_a_domain_with_a_subdomain_or_another_tld_is_kept() -> None:
    found = _pairs(
        extract_selectors("mirror on files.example-host.net and static.shop.md, mail.host.rs")
    )
    assert found == {
        ("domain", "files.example-host.net"),
        ("domain", "static.shop.md"),
        ("domain", "mail.host.rs"),
    }
    assert ("domain", "notes.pl") in _pairs(extract_selectors("site notes.pl"))
    assert ("url", "https://readme.md/") in _pairs(extract_selectors("https://readme.md"))
    assert ("email", "ivan@shop.md") in _pairs(extract_selectors("ivan@shop.md"))


@pytest.mark.parametrize(
    "text",
    [
        f"The fix is commit {DIGITS} on their repo.",
        f"git commit: {DIGITS}",
        f"commit id {DIGITS}",
        f"см. коммит {DIGITS}",
        f"rev. {DIGITS}",
        f"revision {DIGITS}",
        f"changeset {DIGITS}",
    ],
)
def test_a_hex_run_labelled_commit_is_no_hash_or_key(text: str) -> None:
    assert _pairs(extract_selectors(text)) == set()


@pytest.mark.parametrize(
    "text",
    [
        f"sha1: {DIGITS}",
        f"hashes:\n{DIGITS}\n",
        f"I will commit the file, sha1 {DIGITS}",
        f"commit\n{DIGITS}",
        f"file {DIGITS}",
    ],
)
def test_a_hex_run_not_labelled_commit_is_still_a_sha1(text: str) -> None:
    assert _pairs(extract_selectors(text)) == {("sha1", DIGITS)}


def test_a_commit_word_does_not_hide_a_pgp_fingerprint_elsewhere() -> None:
    upper = DIGITS.upper()
    assert _pairs(extract_selectors(f"pgp fingerprint {upper} (after commit)")) == {
        ("pgp_fingerprint", upper)
    }


def test_a_url_on_an_invalid_onion_is_not_taken() -> None:
    assert _pairs(extract_selectors(f'the "mirror" http://{BAD_ONION}/ is a phishing copy')) == (
        set()
    )
    assert _pairs(extract_selectors(f"http://{GOOD_ONION}/board/")) == {
        ("url", f"http://{GOOD_ONION}/board/"),
        ("onion", GOOD_ONION),
    }
    # a clear-web URL is untouched
    assert ("url", "https://files.example-host.net/a") in _pairs(
        extract_selectors("https://files.example-host.net/a")
    )


@pytest.mark.parametrize(
    "text",
    [
        "Tracking number 4957701234 for the parcel",
        "Order number: 4957701234",
        "invoice number 4957701234",
        "account number 4957701234",
        "трек-номер 4957701234",
        "номер заказа 4957701234",
        "Tracking-Nummer 4957701234",
    ],
)
def test_a_tracking_or_order_number_is_not_a_phone(text: str) -> None:
    assert _pairs(extract_selectors(text, region="RU")) == set()


@pytest.mark.parametrize(
    "text",
    [
        "number: 4957701234",
        "my number 4957701234",
        "мой номер 4957701234",
        "номер телефона 4957701234",
        "tel 4957701234",
        "order placed; number 4957701234",
    ],
)
def test_a_number_without_a_tracking_word_is_still_a_phone(text: str) -> None:
    assert _pairs(extract_selectors(text, region="RU")) == {("phone", "+74957701234")}


@pytest.mark.parametrize(
    "text",
    [
        "Тел. 8 (916) 555-12-34, звонить после 20:00",
        "телефон 8 916 555 12 34",
        "моб. 8-916-555-12-34",
        "сот. 89165551234",
        "вотсап 8 916 555 12 34",
        "звоните: 8 (916) 555-12-34",
    ],
)
def test_russian_phone_words(text: str) -> None:
    assert _pairs(extract_selectors(text, region="RU")) == {("phone", "+79165551234")}


def test_a_russian_phone_word_needs_digits_that_validate() -> None:
    assert _pairs(extract_selectors("звонить после 20:00, не раньше 20.11.2026", region="RU")) == (
        set()
    )
    assert _pairs(extract_selectors("тело 8 916 555 12 34", region="RU")) == set()


@pytest.mark.parametrize("region", ["RU", "US", "GB", "NL", None])
def test_00_and_a_country_code_is_international_in_every_region(region: str | None) -> None:
    found = _pairs(extract_selectors("UK number 0044 7723 481906.", region=region))
    assert found == {("phone", "+447723481906")}
    assert normalise_phone("0044 7723 481906", region) == "+447723481906"


def test_a_region_reading_stays_first() -> None:
    # Russia's own prefix 810 and a national number are read as before
    assert normalise_phone("810 44 7723 481906", "RU") == "+447723481906"
    assert normalise_phone("8 916 555-12-34", "RU") == "+79165551234"
    # 00 followed by no valid international number is still nothing
    assert normalise_phone("0099 1234", "RU") is None


@pytest.mark.parametrize(
    "address",
    [
        "your.name@example.com",
        "yourname@example.org",
        "your_email@example.net",
        "name@example.com",
        "user@mail.example",
        "email@site.test",
        "username@sub.example.com",
    ],
)
def test_a_placeholder_at_an_example_domain_is_not_taken(address: str) -> None:
    assert _pairs(extract_selectors(f"«Напишите на {address}, тема: инвайт»")) == set()


@pytest.mark.parametrize(
    "address",
    [
        "korsak.77@example.com",
        "alice@example.org",
        "your.name@example-mail.org",
        "name@gmail.com",
    ],
)
def test_a_real_looking_address_at_an_example_domain_is_kept(address: str) -> None:
    assert ("email", address) in _pairs(extract_selectors(f"write to {address}"))
