"""The `wayhome` command line: a thin shell over the domain services."""
