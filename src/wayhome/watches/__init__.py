"""Watches: a user follows a selector, persona, person, bank series or case and is alerted."""
