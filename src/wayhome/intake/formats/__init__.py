"""Parsers for the file formats agencies submit: STIX 2.1, MISP, CyberTipline XML, CSV, text."""
