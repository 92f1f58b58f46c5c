"""Match claims to sources: evidence passages and verdicts with reasons.

``match_claims`` gives one SourceClaim row per (claim, source examined):

* every source the article cites for the claim (``cited = True``);
* for an *unattributed* checkworthy claim (with ``check_all``), every
  available source whose best passage passes the relevance floor
  (``[match] relevance_floor`` in claim_cues.toml), whatever its verdict;
* a non-checkworthy claim gives ``not_checkable`` rows for its cited sources,
  or one row with ``source_id = ""`` when it cites none, so that every claim
  appears in the table;
* a source whose document row is not ``ok`` gives ``source_unavailable`` with
  the documents error in the reasons (cited sources only);
* an unattributed checkworthy claim that no source speaks to gets one
  ``not_found`` row with ``source_id = ""``.
"""
from __future__ import annotations

from typing import Any


def _versions() -> str:
    from extractors.match.embed import EMBEDDER_VERSION
    from extractors.match.lexicon import LEXICON_VERSION
    from extractors.match.verdict_model import model_version

    return f"{model_version()}+{LEXICON_VERSION}+{EMBEDDER_VERSION}"


# the engine's code is hashed by the stage cache; the trained model file, the
# lexicon data and the embedding model are named here so that a retrained
# model or another embedder invalidates cached verdicts too
MATCH_VERSION = "match.v2+" + _versions()

# The engine lives in extractors.match.matcher and is imported when one of
# these is first used: keying the stage caches reads MATCH_VERSION, and a
# re-run with nothing to match should not pay for spaCy and pandas.
_ENGINE = ("match_claims", "check_claim_source", "no_source_row", "add_no_source_rows")

__all__ = ["MATCH_VERSION", *_ENGINE]


def __getattr__(name: str) -> Any:
    if name in _ENGINE:
        from extractors.match import matcher

        return getattr(matcher, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
