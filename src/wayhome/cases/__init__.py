"""Missing-child and exploitation cases, the persons in them, and their timelines."""
