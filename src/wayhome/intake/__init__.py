"""Intake: reports from member agencies in STIX, MISP, CyberTipline XML, CSV or free text."""
