"""CyberTipline-style XML: the sample, unknown elements, and every kind of bad input."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.intake.samples_path import sample, sample_values
from wayhome.access.markings import Marking
from wayhome.errors import InvalidInput
from wayhome.intake.formats.cybertip import parse_cybertip


def test_sample_report() -> None:
    [report] = parse_cybertip(sample("cybertip_report.xml"), region="GB")
    values = sample_values()
    assert report.title == "CyberTipline report: Online Enticement of Children for Sexual Acts"
    assert report.source == "cybertip:Whisper Chat Ltd"
    assert report.marking is Marking.AMBER
    assert report.observed_at == datetime(2024, 3, 2, 14, 22, 10, tzinfo=UTC)
    assert report.extra["escalateToHighPriority"] is True
    pairs = {(i.selector.type.value, i.selector.value) for i in report.items}
    assert {
        # An ESP outside the platform list is `forum` (docs/intake-accounts.md).
        ("handle", "forum:nightowl_22"),
        ("handle", "forum:annasun_2011"),
        ("handle", "telegram:night_owl_22"),
        ("email", "night.owl22@example-mail.org"),
        ("phone", "+447400123456"),
        ("ipv4", "203.0.113.45"),
        ("ipv6", "2001:db8::7"),
        ("btc", values["btc"]),
        ("messenger_id", "session:" + values["session"]),
        ("url", "https://whisper.example/u/nightowl_22"),
    } <= pairs
    login = next(i for i in report.items if i.selector.value == "203.0.113.45")
    assert login.observed_at == datetime(2024, 3, 2, 14, 1, tzinfo=UTC)
    assert login.context == "Login; port 51234"
    assert "line 4" in login.origin and "ipCaptureEvent/ipAddress" in login.origin
    proxy = next(i for i in report.items if i.selector.value == "2001:db8::7")
    assert proxy.context is not None and "possible proxy" in proxy.context
    suspect, victim = report.persons
    assert (suspect.name, suspect.script, suspect.date_of_birth, suspect.sex) == (
        "Marek Novák",
        "Latn",
        date(1988, 7, 14),
        "male",
    )
    assert suspect.nationalities == ["CZ"]
    assert (victim.name, victim.script, victim.role) == ("Анна Соколова", "Cyrl", "victim")
    persona = report.personas[0]
    assert (persona.platform, persona.handle, persona.display_name) == (
        "forum",
        "nightowl_22",
        "Night Owl",
    )
    [place] = report.locations
    assert (place.place_name, place.country, place.kind) == (
        "Brno, South Moravian",
        "CZ",
        "estimated",
    )
    assert {(h.algorithm, h.file_name) for h in report.file_hashes} == {
        ("sha256", "chat_export.txt"),
        ("md5", "chat_export.txt"),
    }
    assert report.extra["report/customVendorBlock/ticket"] == ["WS-2024-0042"]
    assert report.extra["report/personOrUserReported/deviceId/idValue"] == ["356938035643809"]
    assert "btc" in report.body


def _report(inner: str, prolog: str = '<?xml version="1.0" encoding="UTF-8"?>\n') -> bytes:
    return (
        f"{prolog}<report><incidentSummary><incidentType>Test</incidentType></incidentSummary>"
        f"{inner}</report>"
    ).encode()


def test_external_entities_are_refused() -> None:
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        b"<report><incidentSummary/><additionalInfo>&x;</additionalInfo></report>"
    )
    with pytest.raises(InvalidInput) as refused:
        parse_cybertip(data)
    assert "DTD" in refused.value.detail and refused.value.location is not None


def test_entity_expansion_is_refused() -> None:
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b"<report><incidentSummary/><additionalInfo>&b;</additionalInfo></report>"
    )
    with pytest.raises(InvalidInput):
        parse_cybertip(data)


def test_truncated_xml_names_line_and_column() -> None:
    data = sample("cybertip_report.xml")[:900]
    with pytest.raises(InvalidInput) as truncated:
        parse_cybertip(data)
    assert truncated.value.location is not None and truncated.value.location.startswith("line ")


def test_bad_value_is_kept_naming_element_path_and_line() -> None:
    data = _report(
        "\n<personOrUserReported>\n<ipCaptureEvent>\n<ipAddress>999.1.1.1</ipAddress>"
        "</ipCaptureEvent></personOrUserReported>"
    )
    [report] = parse_cybertip(data)
    where = "report/personOrUserReported/ipCaptureEvent/ipAddress (line 5)"
    assert report.items == []
    assert report.extra["unnormalised"] == [
        {"type": "IP address", "value": "999.1.1.1", "at": where}
    ]
    assert report.warnings == [f"{where}: '999.1.1.1' is not a valid IP address; kept as written"]


def test_bad_date_names_the_element() -> None:
    data = _report(
        "<victim><victimPerson><firstName>A</firstName><dateOfBirth>14/07/1988"
        "</dateOfBirth></victimPerson></victim>"
    )
    with pytest.raises(InvalidInput) as bad:
        parse_cybertip(data)
    assert bad.value.location is not None and "dateOfBirth" in bad.value.location


def test_declared_single_byte_encoding_is_decoded() -> None:
    data = _report(
        "<additionalInfo>Caf\xe9 owner, mail caf\xe9@example.org</additionalInfo>",
        prolog='<?xml version="1.0" encoding="windows-1252"?>\n',
    )
    data = data.decode("utf-8").encode("cp1252")
    [report] = parse_cybertip(data)
    assert report.body == "Café owner, mail café@example.org"


def test_undeclared_non_utf8_names_the_byte() -> None:
    data = _report("<additionalInfo>Caf\xe9</additionalInfo>", prolog="")
    data = data.decode("utf-8").encode("latin-1")
    with pytest.raises(InvalidInput) as bad:
        parse_cybertip(data)
    assert bad.value.location == f"byte {data.index(0xE9)}"


def test_xml_that_is_not_a_report() -> None:
    with pytest.raises(InvalidInput) as bad:
        parse_cybertip(b"<catalog><book/></catalog>")
    assert "incidentSummary" in bad.value.detail


def test_several_reports_in_one_file() -> None:
    one = "<report><incidentSummary><incidentType>A</incidentType></incidentSummary></report>"
    two = "<report><incidentSummary><incidentType>B</incidentType></incidentSummary></report>"
    reports = parse_cybertip(f"<reports>{one}{two}</reports>".encode())
    assert [r.title for r in reports] == ["CyberTipline report: A", "CyberTipline report: B"]


_PHONES = b"""<report>
  <incidentSummary><incidentType>Online Enticement</incidentType></incidentSummary>
  <personOrUserReported>
    <person>
      <fullName>Ivan Testov</fullName>
      <phone countryCallingCode="7">9215561804</phone>
    </person>
    <phone>+44 7400 123456</phone>
    <phoneNumber>0612345678</phoneNumber>
    <phone countryCallingCode="7">12</phone>
  </personOrUserReported>
</report>"""


def test_phones_use_the_stated_country_and_a_bad_one_costs_only_itself() -> None:
    [report] = parse_cybertip(_PHONES, region="US")
    phones = [i.selector for i in report.items if i.selector.type.value == "phone"]
    # countryCallingCode first, then a written `+`; the agency's region (US) for the rest.
    assert [p.value for p in phones] == ["+79215561804", "+447400123456"]
    assert phones[0].original == "9215561804"
    kept = report.extra["unnormalised"]
    assert [(k["type"], k["value"]) for k in kept] == [("phone", "0612345678"), ("phone", "12")]
    assert "personOrUserReported/phoneNumber (line 9)" in kept[0]["at"]
    assert len(report.warnings) == 2
    assert "personOrUserReported/phone (line 10)" in report.warnings[1]
    assert "'12' is not a valid phone" in report.warnings[1]


def test_broken_xml_is_still_refused_whole() -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_cybertip(_PHONES[:-20], region="US")
    assert raised.value.location is not None and "line" in raised.value.location
