"""Public yellow notices in the shape of INTERPOL's public notices web service."""
