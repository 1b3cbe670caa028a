"""The demo: fictional agencies, users of every role and one missing-child case."""
