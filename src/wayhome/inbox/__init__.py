"""Messages to an agency: hits on its silent records, alerts and other notices."""
