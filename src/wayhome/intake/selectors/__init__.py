"""Selectors: typed identifiers (e-mail, phone, wallets, handles, ...), checked and normalised."""

from wayhome.intake.selectors.extract import extract_selectors
from wayhome.intake.selectors.normalise import canonical_value, classify_host, make_selector
from wayhome.intake.selectors.types import Selector, SelectorType

__all__ = [
    "Selector",
    "SelectorType",
    "canonical_value",
    "classify_host",
    "extract_selectors",
    "make_selector",
]
