"""The async client: the one source of the client code; `_sync/` is generated from it (scripts/generate.py)."""
