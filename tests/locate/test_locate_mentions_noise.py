"""Key material, acronyms and ordinary words after ambiguous cues are not read as places."""

from __future__ import annotations

from wayhome.locate.live import gazetteer
from wayhome.locate.mentions import find_mentions, never_a_place


def test_hex_pieces_and_acronyms_are_never_places() -> None:
    assert never_a_place("CEB3342B") and never_a_place("PGP") and never_a_place("7A01")
    assert not never_a_place("Tver") and not never_a_place("Касимов")


def test_a_forum_post_names_only_its_town() -> None:
    places = gazetteer()
    text = (
        "пишите, ключ: PGP fingerprint: B957 168E CEB3 342B 4A49 7524 E0A5 B4B7 934F 06D9\n"
        "с работы возвращаюсь поздно, отвечаю ночью\n"
        "по субботам езжу в Касимове на рынок"
    )
    found = [m.text for m in find_mentions(text, places)]
    assert found == ["Касимове"], found
    # a capitalised place after an ambiguous cue is still found
    assert [m.text for m in find_mentions("приехал с Касимова", places)] == ["Касимова"]
