"""Write the independent answer-key set: six files about one fictional subject, and key.json.

    python tests/intake/answer_key/generate.py        (rewrites the files in this folder)

Written for issue 17 by a helper that did not read the parsers' logic: the formats follow
their public specifications (STIX 2.1, MISP core format, NCMEC's CyberTipline reporting
XML, VICS 2.0), and every checksummed value (Base58Check and Bech32 Bitcoin addresses, v3
onion addresses from an ed25519 key) is computed here from its specification. This module
imports nothing from wayhome, so the set shares no code with the product it measures.

Everything is fictional: the subject "Viktor Korsak", his handles and phone numbers (random
valid-format numbers), the example-* domains, documentation IP ranges (RFC 5737/3849), hashes
of short made-up texts (no imagery), and a PGP key made for this set by GnuPG
(subject_pgp_key.asc).
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
NAMESPACE = uuid.UUID("6f0d7c4e-6a53-4f0e-9a59-17a2b5e0c417")

# -- checksummed values, from their specifications ------------------------------------------
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58check(version: int, payload: bytes) -> str:
    """Base58Check (Bitcoin wiki): version byte, payload, first 4 bytes of double SHA-256."""
    raw = bytes([version]) + payload
    raw += hashlib.sha256(hashlib.sha256(raw).digest()).digest()[:4]
    number = int.from_bytes(raw, "big")
    text = ""
    while number:
        number, digit = divmod(number, 58)
        text = B58[digit] + text
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + text


def base58check_holds(text: str) -> bool:
    """Whether a Base58Check string's checksum holds."""
    number = 0
    for char in text:
        number = number * 58 + B58.index(char)
    raw = number.to_bytes(25, "big")
    return hashlib.sha256(hashlib.sha256(raw[:-4]).digest()).digest()[:4] == raw[-4:]


BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _polymod(values: list[int]) -> int:
    generator = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    check = 1
    for value in values:
        top = check >> 25
        check = (check & 0x1FFFFFF) << 5 ^ value
        for bit in range(5):
            check ^= generator[bit] if (top >> bit) & 1 else 0
    return check


def _expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def segwit_v0(hrp: str, program: bytes) -> str:
    """A BIP-173 Bech32 witness-v0 address."""
    bits = "".join(f"{byte:08b}" for byte in program)
    bits += "0" * (-len(bits) % 5)
    data = [0] + [int(bits[i : i + 5], 2) for i in range(0, len(bits), 5)]
    polymod = _polymod(_expand(hrp) + data + [0] * 6) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32[d] for d in data + checksum)


def bech32_holds(address: str) -> bool:
    """Whether a Bech32 (witness v0) string's checksum holds."""
    hrp, _, data = address.lower().rpartition("1")
    return _polymod(_expand(hrp) + [BECH32.index(c) for c in data]) == 1


# Ed25519 public key from a seed (RFC 8032 §5.1.5), affine arithmetic: slow and simple.
_P = 2**255 - 19
_D = -121665 * pow(121666, _P - 2, _P) % _P
_I = pow(2, (_P - 1) // 4, _P)


def _x_of(y: int) -> int:
    xx = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P)
    x = pow(xx, (_P + 3) // 8, _P)
    if (x * x - xx) % _P:
        x = x * _I % _P
    return _P - x if x % 2 else x


_BY = 4 * pow(5, _P - 2, _P) % _P
_B = (_x_of(_BY), _BY)


def _add(p: tuple[int, int], q: tuple[int, int]) -> tuple[int, int]:
    (x1, y1), (x2, y2) = p, q
    t = _D * x1 * x2 * y1 * y2
    return (
        (x1 * y2 + x2 * y1) * pow(1 + t, _P - 2, _P) % _P,
        (y1 * y2 + x1 * x2) * pow(1 - t, _P - 2, _P) % _P,
    )


def ed25519_public(seed: bytes) -> bytes:
    """The 32-byte ed25519 public key of a 32-byte seed."""
    digest = hashlib.sha512(seed).digest()
    scalar = int.from_bytes(digest[:32], "little") & ((1 << 254) - 8) | (1 << 254)
    point, result = _B, (0, 1)
    while scalar:
        if scalar & 1:
            result = _add(result, point)
        point, scalar = _add(point, point), scalar >> 1
    x, y = result
    return (y | (x & 1) << 255).to_bytes(32, "little")


def onion_v3(public_key: bytes, checksum: bytes | None = None) -> str:
    """Tor rend-spec-v3: base32(pubkey || checksum || version), checksum = SHA3-256(
    ".onion checksum" || pubkey || version)[:2], version 3."""
    version = b"\x03"
    if checksum is None:
        checksum = hashlib.sha3_256(b".onion checksum" + public_key + version).digest()[:2]
    return base64.b32encode(public_key + checksum + version).decode().lower() + ".onion"


def digest_of(kind: str, text: str) -> str:
    """A hash of a short made-up text: a fictional file's hash, never of an image."""
    return hashlib.new(kind, text.encode()).hexdigest()


# -- the subject's selectors ----------------------------------------------------------------
EMAIL = "korsak.77@example-mail.org"
EMAIL_2 = "v.korsak@example-post.net"
PHONE_UK = "+447723481906"  # random valid-format UK mobile of a fictional person
PHONE_RU = "+79165551234"
PHONE_NL = "+31645127788"
IPV4 = "203.0.113.77"
IPV4_HOST = "198.51.100.23"
IPV6 = "2001:db8:4a7::1e"
BTC = base58check(0x00, hashlib.sha256(b"answer-key: Korsak's wallet").digest()[:20])
SEGWIT = segwit_v0("bc", hashlib.sha256(b"answer-key: Korsak's segwit").digest()[:20])
ONION = onion_v3(ed25519_public(hashlib.sha256(b"answer-key: Polar Night board").digest()))
ONION_URL = f"http://{ONION}/board/thread/77"
DROP_HOST = "korsak-files.example-host.net"
DROP_URL = f"https://{DROP_HOST}/drop/7f3a?id=77"
MD5_A = digest_of("md5", "answer-key fictional file A")
SHA1_A = digest_of("sha1", "answer-key fictional file A")
SHA256_A = digest_of("sha256", "answer-key fictional file A")
MD5_B = digest_of("md5", "answer-key fictional file B")
SHA1_B = digest_of("sha1", "answer-key fictional file B")
SHA256_C = digest_of("sha256", "answer-key fictional file C")
PGP_BLOCK = (HERE / "subject_pgp_key.asc").read_text()
PGP_FPR = "A5842788E4B39A48B82CC375ADAAE50106D59656"  # `gpg --with-colons --fingerprint`
X_HANDLE = "twitter:korsak_77"
TG_HANDLE = "telegram:korsak_77"

# -- look-alikes ------------------------------------------------------------------------------
BAD_BTC = BTC[:-1] + ("2" if BTC[-1] != "2" else "3")
BAD_SEGWIT = SEGWIT[:-1] + ("q" if SEGWIT[-1] != "q" else "p")
_FAKE_KEY = ed25519_public(hashlib.sha256(b"answer-key: phishing mirror").digest())
BAD_ONION = onion_v3(_FAKE_KEY, checksum=b"\x00\x00")
GIT_COMMIT = digest_of("sha1", "answer-key: a git commit, not a file")
assert base58check_holds(BTC) and not base58check_holds(BAD_BTC)
assert bech32_holds(SEGWIT) and not bech32_holds(BAD_SEGWIT)
assert onion_v3(_FAKE_KEY) != BAD_ONION


def spaced(fingerprint: str) -> str:
    """A fingerprint as GnuPG prints it: ten groups of four, two spaces in the middle."""
    groups = [fingerprint[i : i + 4] for i in range(0, 40, 4)]
    return " ".join(groups[:5]) + "  " + " ".join(groups[5:])


def stix_id(kind: str, name: str) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, kind + name)}"


# -- the files --------------------------------------------------------------------------------
TLP_AMBER = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"  # STIX 2.1 §7.2.1.4
WALLET_EXT = stix_id("extension-definition", "cryptocurrency-wallet")


def stix_bundle() -> dict[str, Any]:
    """A UK unit's STIX 2.1 bundle: its identity, indicators, observed data and a note."""
    created = "2026-09-30T09:00:00.000Z"
    unit = stix_id("identity", "uk-unit")
    common = {"spec_version": "2.1", "created": created, "modified": created}
    marked = {**common, "created_by_ref": unit, "object_marking_refs": [TLP_AMBER]}

    def indicator(name: str, pattern: str) -> dict[str, Any]:
        return {
            "type": "indicator",
            "id": stix_id("indicator", name),
            **marked,
            "name": name,
            "indicator_types": ["attribution"],
            "pattern": pattern,
            "pattern_type": "stix",
            "valid_from": created,
        }

    scos: list[dict[str, Any]] = [
        {
            "type": "user-account",
            "id": stix_id("user-account", X_HANDLE),
            "spec_version": "2.1",
            "account_type": "twitter",
            "user_id": "1598334477",
            "account_login": "Korsak_77",
            "display_name": "Viktor K.",
        },
        {
            "type": "email-addr",
            "id": stix_id("email-addr", EMAIL),
            "spec_version": "2.1",
            "value": "Korsak.77@Example-Mail.org",
            "display_name": "Viktor K.",
        },
        {
            "type": "ipv4-addr",
            "id": stix_id("ipv4-addr", IPV4),
            "spec_version": "2.1",
            "value": IPV4,
        },
        {
            "type": "file",
            "id": stix_id("file", SHA256_A),
            "spec_version": "2.1",
            "name": "holiday_2026.zip",
            "hashes": {"MD5": MD5_A.upper(), "SHA-256": SHA256_A},
        },
        {
            "type": "x-cryptocurrency-wallet",
            "id": stix_id("x-cryptocurrency-wallet", BTC),
            "spec_version": "2.1",
            "currency": "BTC",
            "address": BTC,
            "extensions": {WALLET_EXT: {"extension_type": "new-sco"}},
        },
        {
            # Look-alike: a software version with four numbers (not an IP address).
            "type": "software",
            "id": stix_id("software", "chat-client"),
            "spec_version": "2.1",
            "name": "Whisperline desktop client",
            "vendor": "Whisperline",
            "version": "4.11.2.9",
        },
    ]
    return {
        "type": "bundle",
        "id": stix_id("bundle", "uk"),
        "objects": [
            {
                "type": "identity",
                "id": unit,
                **common,
                "name": "Online Child Exploitation Unit (fictional, UK)",
                "identity_class": "organization",
                "sectors": ["government-public-services"],
                "contact_information": "duty.desk@oceu.example-police.org.uk",
            },
            {
                "type": "extension-definition",
                "id": WALLET_EXT,
                **common,
                "created_by_ref": unit,
                "name": "Cryptocurrency wallet",
                "description": "A wallet address observed in an investigation.",
                "schema": "https://schemas.example-police.org.uk/stix/cryptocurrency-wallet.json",
                "version": "1.0.0",
                "extension_types": ["new-sco"],
            },
            indicator("Subject's e-mail", "[email-addr:value = 'Korsak.77@Example-Mail.org']"),
            indicator(
                "Subject's login addresses",
                f"[ipv4-addr:value = '{IPV4}'] OR "
                "[ipv6-addr:value = '2001:0db8:04a7:0:0:0:0:001e']",
            ),
            indicator(
                "Shared archive",
                f"[file:hashes.'SHA-256' = '{SHA256_A}' OR file:hashes.MD5 = '{MD5_A}']",
            ),
            indicator("Drop site", f"[url:value = '{DROP_URL}']"),
            indicator("Drop site host", f"[domain-name:value = '{DROP_HOST}']"),
            indicator("Board mirror", f"[url:value = 'http://{ONION}/board/']"),
            *scos,
            {
                "type": "observed-data",
                "id": stix_id("observed-data", "login"),
                **marked,
                "first_observed": "2026-09-27T21:03:11Z",
                "last_observed": "2026-09-29T06:40:00Z",
                "number_observed": 4,
                "object_refs": [sco["id"] for sco in scos],
            },
            {
                "type": "note",
                "id": stix_id("note", "phone"),
                **marked,
                "abstract": "Subscriber details",
                "content": "Subject's mobile: 07723 481906 (from the provider's subscriber "
                "check, 29 September). He pays into the wallet above.",
                "object_refs": [stix_id("user-account", X_HANDLE)],
            },
        ],
    }


def misp_event() -> dict[str, Any]:
    """A German unit's MISP event (core format): attributes and a user-account object."""
    stamp = "1790000000"

    def attribute(kind: str, value: str, category: str, **extra: Any) -> dict[str, Any]:
        return {
            "uuid": str(uuid.uuid5(NAMESPACE, "misp" + kind + value)),
            "type": kind,
            "category": category,
            "value": value,
            "to_ids": kind not in ("text", "pgp-public-key", "phone-number"),
            "distribution": "5",
            "timestamp": stamp,
            "comment": "",
            "deleted": False,
            **extra,
        }

    return {
        "Event": {
            "uuid": str(uuid.uuid5(NAMESPACE, "misp-event")),
            "info": "Polar Night board: administrator 'korsak_77' (Beschlagnahme Server Köln)",
            "date": "2026-09-25",
            "threat_level_id": "1",
            "analysis": "2",
            "distribution": "0",
            "published": False,
            "timestamp": stamp,
            "Orgc": {
                "name": "LKA Cybercrime-Einheit (fiktiv)",
                "uuid": str(uuid.uuid5(NAMESPACE, "de")),
            },
            "Tag": [{"name": "tlp:amber"}],
            "Attribute": [
                attribute("email-src", EMAIL, "Payload delivery"),
                attribute("email-src", "V.Korsak@Example-Post.net", "Payload delivery"),
                attribute("ip-src", IPV4, "Network activity"),
                attribute(
                    "ip-dst", IPV4_HOST, "Network activity", comment="Hoster des Ablageservers"
                ),
                attribute("phone-number", "+44 7723 481906", "Person"),
                attribute("phone-number", "+7 916 555-12-34", "Person"),
                attribute("btc", BTC, "Financial fraud"),
                attribute("btc", SEGWIT.upper(), "Financial fraud"),
                attribute("url", DROP_URL, "Network activity"),
                attribute("domain", DROP_HOST, "Network activity"),
                attribute("link", ONION_URL, "External analysis"),
                attribute("pgp-public-key", PGP_BLOCK, "Person"),
                attribute("sha256", SHA256_A, "Payload delivery"),
                attribute(
                    "text",
                    "Der Verdächtige nutzt auch Telegram: @Korsak_77 (laut Chatverlauf).",
                    "Other",
                ),
                # Look-alike: an attribute its producer deleted (MISP soft delete).
                attribute(
                    "email-src", "wrong.guess@example-post.net", "Payload delivery", deleted=True
                ),
            ],
            "Object": [
                {
                    "name": "user-account",
                    "meta-category": "misc",
                    "template_uuid": "49606b06-22f0-4ac8-8eee-2f12ad46f3d3",
                    "uuid": str(uuid.uuid5(NAMESPACE, "misp-object-x")),
                    "timestamp": stamp,
                    "distribution": "5",
                    "Attribute": [
                        {
                            **attribute("text", "twitter", "Other"),
                            "object_relation": "account-type",
                        },
                        {**attribute("text", "@Korsak_77", "Other"), "object_relation": "username"},
                        {**attribute("text", "1598334477", "Other"), "object_relation": "user-id"},
                        {
                            **attribute(
                                "link", "https://twitter.com/Korsak_77", "External analysis"
                            ),
                            "object_relation": "link",
                        },
                    ],
                }
            ],
        }
    }


def cybertip_report() -> str:
    """A US CyberTipline-style report, element names from NCMEC's reporting API schema."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<report>
  <incidentSummary>
    <incidentType>Child Pornography (possession, manufacture, and distribution)</incidentType>
    <incidentDateTime>2026-09-28T19:42:00-04:00</incidentDateTime>
  </incidentSummary>
  <internetDetails>
    <webPageIncident>
      <url>{DROP_URL}</url>
      <url>http://{ONION}/board/</url>
      <additionalInfo>Links posted in the reported user's direct messages.</additionalInfo>
    </webPageIncident>
  </internetDetails>
  <reporter>
    <reportingPerson>
      <firstName>Casey</firstName>
      <lastName>Moderator</lastName>
      <email>cyber-tips@trust.example-esp.com</email>
    </reportingPerson>
  </reporter>
  <personOrUserReported>
    <personOrUserReportedPerson>
      <firstName>Viktor</firstName>
      <lastName>Korsak</lastName>
      <phone type="Mobile" verified="true" countryCallingCode="44">7723 481906</phone>
      <email verified="true">Korsak.77@Example-Mail.org</email>
      <email>V.Korsak@example-post.net</email>
    </personOrUserReportedPerson>
    <espIdentifier>1598334477</espIdentifier>
    <espService>X</espService>
    <screenName>KORSAK_77</screenName>
    <displayName>Viktor K.</displayName>
    <profileUrl>https://x.com/Korsak_77</profileUrl>
    <ipCaptureEvent>
      <ipAddress>{IPV4}</ipAddress>
      <eventName>Login</eventName>
      <dateTime>2026-09-27T21:03:11Z</dateTime>
    </ipCaptureEvent>
    <ipCaptureEvent>
      <ipAddress>2001:DB8:4A7::1E</ipAddress>
      <eventName>Upload</eventName>
      <dateTime>2026-09-28T23:40:02Z</dateTime>
      <port>443</port>
    </ipCaptureEvent>
  </personOrUserReported>
  <fileDetails>
    <fileName>holiday_2026.zip</fileName>
    <originalFileName>holiday_2026.zip</originalFileName>
    <originalFileHash hashType="MD5">{MD5_A}</originalFileHash>
    <originalFileHash hashType="SHA1">{SHA1_A.upper()}</originalFileHash>
  </fileDetails>
</report>
"""


def forum_scrape() -> str:
    """A bilingual (Russian/English) scrape of the subject's onion forum."""
    return f"""Forum scrape — "Polar Night" (Полярная ночь), Tor board
Forum: Polar Night
Source: http://{ONION}/board/ — captured 2026-10-04 06:00 UTC by the cyber unit

[post 1041] 2026-10-01 22:14:05 +03:00 — user korsak_77
Всем привет. Новое зеркало: {ONION_URL}
Мой телеграм: @Korsak_77 — пишите туда, здесь бываю редко.
(EN) New mirror above. For invites ask user korsak_77 on Telegram.

[post 1042] 2026-10-01 23:02:41 +03:00 — user nord_wind
Whisperline version 10.2.3.4 released, it fixes the crash on start.
Read readme.md in the archive first. The fix is commit {GIT_COMMIT} on their repo.

[post 1043] 2026-10-02 08:30:00 +00:00 — user korsak_77
Оплата только в BTC: {BTC}
или segwit: {SEGWIT}
PGP fingerprint: {spaced(PGP_FPR)}
почта: korsak.77 [at] example-mail [dot] org

[post 1044] 2026-10-02 09:12:19 +02:00 — user nord_wind
Осторожно: кто-то выложил фальшивый кошелёк {BAD_BTC} — контрольная сумма не сходится.
Same for {BAD_SEGWIT}, and the "mirror" http://{BAD_ONION}/ is a phishing copy.

[post 1045] 2026-10-02 11:45:00 +03:00 — user korsak_77
Тел. 8 (916) 555-12-34, звонить после 20:00 по Москве.
WhatsApp +31 6 4512 7788 (NL), UK number 0044 7723 481906.
X: https://x.com/Korsak_77

[post 1046] 2026-10-03 17:05:12 -04:00 — user nord_wind
The server log shows 203.0.113.300, which is bogus (an octet over 255).
Tracking number 4957701234 for the parcel; it is not a phone.
Шаблон регистрации от админов, цитирую:
> «Напишите на your.name@example.com, тема: инвайт»
I will call after 20.11.2026, not before.
"""


def nl_csv() -> str:
    """A Dutch unit's selector sheet: type, value, first seen."""
    rows = [
        ("type", "value", "first_seen"),
        ("email", "Korsak.77@Example-Mail.org", "2026-09-14"),
        ("phone", "06-45127788", "2026-09-14"),
        ("phone", "+44 7723 481906", "2026-09-20"),
        ("ip", IPV4, "2026-09-21T10:15:00+02:00"),
        ("btc", BTC, "2026-09-22"),
        ("onion", ONION, "2026-09-22"),
        ("url", "https://t.me/korsak_77", "2026-09-23"),
        ("pgp", spaced(PGP_FPR), "2026-09-23"),
    ]
    return "".join(",".join(row) + "\r\n" for row in rows)


def vics_list() -> dict[str, Any]:
    """The hub's VICS 2.0 hash list (Project VIC OData `#Media` feed) of a known series."""
    return {
        "@odata.context": "http://github.com/ICMEC/ProjectVic/DataModels/2.0.xml/US/$metadata#Media",
        "value": [
            {
                "MediaID": 1,
                "Category": 1,
                "MD5": MD5_A.upper(),
                "SHA1": SHA1_A.upper(),
                "AlternativeHashes": [{"HashName": "SHA256", "HashValue": SHA256_A}],
                "MediaSize": 482113,
                "Series": "POLAR-NIGHT-01",
                "VictimIdentified": False,
                "OffenderIdentified": False,
                "IsDistributed": True,
            },
            {
                "MediaID": 2,
                "Category": 1,
                "MD5": MD5_B,
                "SHA1": SHA1_B,
                "MediaSize": 90871,
                "Series": "POLAR-NIGHT-01",
            },
            {
                "MediaID": 3,
                "Category": 2,
                "AlternativeHashes": [{"HashName": "SHA256", "HashValue": SHA256_C}],
                "MediaSize": 1204,
            },
        ],
    }


# -- the key ------------------------------------------------------------------------------------
def find(kind: str, value: str, note: str = "") -> dict[str, str]:
    return {"type": kind, "value": value, **({"note": note} if note else {})}


def reject(kind: str, text: str, reason: str, value: str = "") -> dict[str, str]:
    return {"type": kind, "text": text, "reason": reason, **({"value": value} if value else {})}


FILES: dict[str, dict[str, Any]] = {
    "uk_unit_bundle.stix.json": {
        "format": "stix",
        "agency": "gb",
        "must_find": [
            find("email", EMAIL),
            find("ipv4", IPV4),
            find("ipv6", IPV6),
            find("md5", MD5_A),
            find("sha256", SHA256_A),
            find("url", DROP_URL),
            find("domain", DROP_HOST),
            find("url", f"http://{ONION}/board/", "url indicator of the board mirror"),
            find("onion", ONION, "host of the board mirror's url"),
            find("btc", BTC, "custom SCO x-cryptocurrency-wallet"),
            find("account", X_HANDLE, "user-account account_type twitter"),
            find("phone", PHONE_UK, "note: national UK writing, importing agency GB"),
        ],
        "may_find": [
            find("account", "twitter:1598334477", "user_id: the platform's numeric id"),
            find("email", "duty.desk@oceu.example-police.org.uk", "the sender's own contact"),
            find("domain", "oceu.example-police.org.uk"),
            find("domain", "example-mail.org"),
        ],
        "must_not_find": [
            reject("ipv4", "4.11.2.9", "a software SCO's version string", "4.11.2.9"),
        ],
    },
    "de_unit_event.misp.json": {
        "format": "misp",
        "agency": "de",
        "must_find": [
            find("email", EMAIL),
            find("email", EMAIL_2),
            find("ipv4", IPV4),
            find("ipv4", IPV4_HOST),
            find("phone", PHONE_UK),
            find("phone", PHONE_RU),
            find("btc", BTC),
            find("btc", SEGWIT, "written in upper case"),
            find("url", DROP_URL),
            find("domain", DROP_HOST),
            find("url", ONION_URL),
            find("onion", ONION, "host of the link attribute"),
            find("pgp_fingerprint", PGP_FPR, "from the pgp-public-key block"),
            find("sha256", SHA256_A),
            find("account", TG_HANDLE, "text attribute: 'Telegram: @Korsak_77'"),
            find("account", X_HANDLE, "user-account object: account-type + username"),
            find("url", "https://twitter.com/Korsak_77", "user-account object's link"),
        ],
        "may_find": [
            find("pgp_key_id", PGP_FPR[-16:]),
            find("account", "twitter:1598334477", "user-id: the platform's numeric id"),
            find("domain", "twitter.com"),
            find("domain", "example-mail.org"),
            find("domain", "example-post.net"),
        ],
        "must_not_find": [
            reject(
                "email",
                "wrong.guess@example-post.net",
                'attribute deleted by its producer (MISP soft delete, "deleted": true)',
                "wrong.guess@example-post.net",
            ),
        ],
    },
    "us_esp_report.cybertip.xml": {
        "format": "cybertip",
        "agency": "us",
        "must_find": [
            find("email", EMAIL),
            find("email", EMAIL_2),
            find("phone", PHONE_UK, "countryCallingCode=44 on the phone element"),
            find("ipv4", IPV4),
            find("ipv6", IPV6, "written upper case"),
            find("url", DROP_URL),
            find("url", f"http://{ONION}/board/"),
            find("onion", ONION, "host of a webPageIncident url"),
            find("account", X_HANDLE, "espService X + screenName KORSAK_77"),
            find("url", "https://x.com/Korsak_77"),
            find("md5", MD5_A),
            find("sha1", SHA1_A, "written upper case"),
        ],
        "may_find": [
            find("domain", DROP_HOST, "host of a url"),
            find("domain", "x.com"),
            find("domain", "example-mail.org"),
            find("domain", "example-post.net"),
            find("account", "twitter:1598334477", "espIdentifier: the platform's numeric id"),
            find("email", "cyber-tips@trust.example-esp.com", "the reporting ESP's own staff"),
            find("domain", "trust.example-esp.com"),
        ],
        "must_not_find": [],
    },
    "ru_forum_scrape.txt": {
        "format": "text",
        "agency": "ru",
        "must_find": [
            find("url", ONION_URL),
            find("url", f"http://{ONION}/board/", "the scrape's source line"),
            find("onion", ONION),
            find("account", "polar-night:korsak_77", "poster on the forum the header names"),
            find("account", "polar-night:nord_wind", "poster on the forum the header names"),
            find("account", TG_HANDLE, "'телеграм: @Korsak_77' and 'user korsak_77 on Telegram'"),
            find("account", X_HANDLE, "profile URL https://x.com/Korsak_77"),
            find("url", "https://x.com/Korsak_77"),
            find("btc", BTC),
            find("btc", SEGWIT),
            find("pgp_fingerprint", PGP_FPR, "after 'PGP fingerprint:', GnuPG's spacing"),
            find("phone", PHONE_RU, "'Тел. 8 (916) 555-12-34': Russian national writing"),
            find("phone", PHONE_NL, "'WhatsApp +31 6 4512 7788'"),
            find("phone", PHONE_UK, "'UK number 0044 7723 481906'"),
        ],
        "may_find": [
            find("email", EMAIL, "obfuscated: 'korsak.77 [at] example-mail [dot] org'"),
            find("domain", "x.com"),
            find("account", "forum:korsak_77", "the poster, forum not named"),
            find("account", "forum:nord_wind", "the poster, forum not named"),
        ],
        "must_not_find": [
            reject("ipv4", "10.2.3.4", "'version 10.2.3.4': a software version", "10.2.3.4"),
            reject(
                "domain",
                "readme.md",
                "a file name in an archive ('.md' is not meant as Moldova's TLD)",
                "readme.md",
            ),
            reject(
                "sha1",
                GIT_COMMIT,
                "labelled 'commit': a git commit id, not a file hash",
                GIT_COMMIT,
            ),
            reject("pgp_fingerprint", GIT_COMMIT, "a git commit id, not a key", GIT_COMMIT),
            reject(
                "btc", BAD_BTC, "Base58Check checksum fails (the post says it is fake)", BAD_BTC
            ),
            reject("btc", BAD_SEGWIT, "Bech32 checksum fails", BAD_SEGWIT.lower()),
            reject("onion", BAD_ONION, "v3 checksum bytes are wrong", BAD_ONION),
            reject("url", f"http://{BAD_ONION}/", "its host is not a valid v3 onion"),
            reject("ipv4", "203.0.113.300", "an octet over 255: not an address"),
            reject(
                "ipv4", "203.0.113.30", "a truncation of the invalid 203.0.113.300", "203.0.113.30"
            ),
            reject(
                "phone",
                "4957701234",
                "a parcel tracking number after the word 'number'",
                "+74957701234",
            ),
            reject("phone", "20.11.2026", "a date after the word 'call'"),
            reject(
                "email",
                "your.name@example.com",
                "placeholder in a quoted template (RFC 2606 reserved domain)",
                "your.name@example.com",
            ),
            reject("domain", "example.com", "the template placeholder's domain", "example.com"),
        ],
    },
    "nl_unit_selectors.csv": {
        "format": "csv",
        "agency": "nl",
        "must_find": [
            find("email", EMAIL),
            find("phone", PHONE_NL, "'06-45127788': Dutch national writing"),
            find("phone", PHONE_UK),
            find("ipv4", IPV4),
            find("btc", BTC),
            find("onion", ONION),
            find("url", "https://t.me/korsak_77"),
            find("account", TG_HANDLE, "the t.me link names the Telegram account"),
            find("pgp_fingerprint", PGP_FPR, "type 'pgp', GnuPG's spacing"),
        ],
        "may_find": [find("domain", "t.me"), find("domain", "example-mail.org")],
        "must_not_find": [],
    },
    "hub_series.vics.json": {
        "format": "vics",
        "agency": "hub",
        "must_find": [
            find("md5", MD5_A),
            find("sha1", SHA1_A),
            find("sha256", SHA256_A),
            find("md5", MD5_B),
            find("sha1", SHA1_B),
            find("sha256", SHA256_C),
        ],
        "may_find": [],
        "must_not_find": [],
    },
}

AGENCIES = {
    "gb": {"country": "GB", "kind": "police_unit", "name": "Online Child Exploitation Unit"},
    "de": {"country": "DE", "kind": "police_unit", "name": "LKA Cybercrime-Einheit"},
    "us": {"country": "US", "kind": "police_unit", "name": "ICAC Task Force"},
    "ru": {"country": "RU", "kind": "national_central_bureau", "name": "NCB Moscow"},
    "nl": {"country": "NL", "kind": "police_unit", "name": "Team Digitale Opsporing"},
    "hub": {"country": "FR", "kind": "hub", "name": "Crimes against Children hub"},
}


def cross_file_links() -> list[dict[str, Any]]:
    """Every must-find value held by files of two or more agencies."""
    holders: dict[tuple[str, str], list[str]] = {}
    for name, entry in FILES.items():
        for item in entry["must_find"]:
            holders.setdefault((item["type"], item["value"]), []).append(name)
    return [
        {"type": kind, "value": value, "files": files}
        for (kind, value), files in holders.items()
        if len({FILES[f]["agency"] for f in files}) > 1
    ]


def main(out: Path = HERE) -> None:
    """Write the six files and key.json into `out`."""
    writers = {
        "uk_unit_bundle.stix.json": json.dumps(stix_bundle(), indent=2, ensure_ascii=False),
        "de_unit_event.misp.json": json.dumps(misp_event(), indent=2, ensure_ascii=False),
        "us_esp_report.cybertip.xml": cybertip_report(),
        "ru_forum_scrape.txt": forum_scrape(),
        "nl_unit_selectors.csv": nl_csv(),
        "hub_series.vics.json": json.dumps(vics_list(), indent=2),
    }
    for name, text in writers.items():
        (out / name).write_text(text.rstrip("\n") + "\n", encoding="utf-8", newline="")
    key = {
        "about": "Independent answer key (issue 17): one fictional subject over six files of "
        "five agencies and a hub. Values are canonical as this key judges them (see canon.py). "
        "must_find: the product must hold each; may_find: neither required nor a mistake; "
        "must_not_find: look-alikes, matched by type and by the text as written (or value).",
        "agencies": AGENCIES,
        "files": FILES,
        "cross_file": cross_file_links(),
    }
    (out / "key.json").write_text(json.dumps(key, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
