"""Case leads: what the engines (linking, locating, hashing, intake) say about one case, fused.

The package sits above the engines it combines; none of them imports it, except the register
import (`locate/suspects.py`), which tells the agencies of a new lead (see pyproject.toml's
import-linter contracts).
"""
