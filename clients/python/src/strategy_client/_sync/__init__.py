# Generated from _async/__init__.py by clients/python/scripts/generate.py (make clients): do not edit.
"""The async client: the one source of the client code; `_sync/` is generated from it (scripts/generate.py)."""
