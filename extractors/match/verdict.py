"""The verdict of one claim against one source, with its reasons.

The verdict itself comes from the engine (extractors/match/engine.py: frames,
alignment, exact checks and the learned model) or, for a sanctions list, from
the listing check in extractors/match/__init__.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Decision:
    verdict: str
    score: float
    reasons: list[str] = field(default_factory=list)
    weak: bool = False  # not_found only because this passage is off-topic
