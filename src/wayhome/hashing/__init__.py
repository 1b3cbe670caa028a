"""Hash matching: local PDQ and cryptographic hashing, VICS/CSV hash lists, and matching banks."""
