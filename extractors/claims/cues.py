"""Load the cue-word data files (claim_cues.toml, units.toml) once."""
from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

GAZETTEER_DIR = Path(__file__).resolve().parents[2] / "corpus" / "gazetteer"


@lru_cache(maxsize=4)
def load_cues(path: str | None = None) -> dict[str, Any]:
    p = Path(path) if path else GAZETTEER_DIR / "claim_cues.toml"
    with p.open("rb") as fh:
        return tomllib.load(fh)


@lru_cache(maxsize=4)
def load_units(path: str | None = None) -> dict[str, Any]:
    p = Path(path) if path else GAZETTEER_DIR / "units.toml"
    with p.open("rb") as fh:
        return tomllib.load(fh)
