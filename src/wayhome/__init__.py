"""Wayhome: joins what police agencies of many countries hold about missing children."""

__version__ = "0.1.0"
