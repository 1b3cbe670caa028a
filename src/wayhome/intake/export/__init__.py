"""Exports of parsed reports to STIX 2.1 and MISP, for sharing with partners' tools."""
