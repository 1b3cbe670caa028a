"""Identity resolution: cross-script person matching, record linkage and persona evidence."""
