"""Fetch stage: guarded HTTP, format sniffing, append-only raw store."""
from extractors.fetch.fetch import fetch_all, fetch_source
from extractors.fetch.sniff import sniff
from extractors.fetch.store import RawStore, StoredVersion

__all__ = ["RawStore", "StoredVersion", "fetch_all", "fetch_source", "sniff"]
