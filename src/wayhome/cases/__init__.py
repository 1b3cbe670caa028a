"""Missing-child and exploitation cases, the persons in them, and their timelines."""

# Importing the timeline registers its signal subscriber, so every process that loads the
# case tables (the app, the CLI, workers) writes timeline entries from engines' signals.
from wayhome.cases import timeline as timeline
