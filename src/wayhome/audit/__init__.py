"""The tamper-evident audit log: every write and every read of marked intelligence."""
