"""Reasons -> verdict + score.

Order of the rules (first that applies wins):
1. source unavailable / claim not checkworthy;
2. relevance below the partial floor, or the claim's main predicate missing
   with nothing exact to hold on to -> not_found;
3. the source only *demands* what the claim states as a fact -> not_found;
4. an incompatible number, date or polarity in a relevant passage ->
   contradicted;
5. everything the claim says found and agreeing -> supported;
6. otherwise partly_supported (approximate number, number broken down,
   altered quote, weaker demand, missing part).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from extractors.claims.cues import load_cues
from extractors.match.compare import ClaimView, Coverage, DateCheck, NumberCheck, QuoteCheck, StanceCheck


@dataclass
class Decision:
    verdict: str
    score: float
    reasons: list[str] = field(default_factory=list)
    weak: bool = False  # not_found only because this passage is off-topic: try the next one


def decide(view: ClaimView, cov: Coverage, numbers: NumberCheck, dates: DateCheck, quotes: QuoteCheck,
           claim_stance: StanceCheck, source_stance: StanceCheck, actors_missing: list[str],
           reasons: list[str]) -> Decision:
    cfg = load_cues()["match"]
    sup, part = float(cfg["support_coverage"]), float(cfg["partial_coverage"])
    r = list(reasons)
    c = cov.score
    r.append(f"claim terms found: {c:.0%}" + (f" (missing: {', '.join(cov.missing[:6])})" if cov.missing else ""))
    exact_anchor = numbers.status == "match" or quotes.status == "found"
    # 2. nothing relevant
    if c < part and not (exact_anchor and c >= part * 0.75):
        return Decision("not_found", round(c, 3), r + ["no passage on the claim"], weak=True)
    if not cov.predicate_found and not exact_anchor:
        return Decision("not_found", round(c * 0.5, 3), r + [f"predicate '{', '.join(cov.missing_predicates)}' not found in the source"], weak=True)
    # 3. demand vs fact
    if source_stance.demand_force and not claim_stance.demand_force:
        return Decision("not_found", round(c * 0.5, 3), r + [f"the source only calls for it ('{source_stance.demand_word}'); it does not state it happened"])
    relevant = c >= sup or (c >= part and exact_anchor)
    # 4. contradictions
    if relevant and numbers.status == "mismatch":
        return Decision("contradicted", round(c, 3), r)
    if relevant and dates.status == "mismatch" and numbers.status in ("none", "match", "absent"):
        return Decision("contradicted", round(c, 3), r)
    if relevant and cov.predicate_found and claim_stance.negated != source_stance.negated and not source_stance.demand_force:
        what = f"source says '{source_stance.neg_word}'" if source_stance.negated else "source states it without negation"
        return Decision("contradicted", round(c, 3), r + [f"negation differs: claim is {'negative' if claim_stance.negated else 'positive'}, {what}"])
    # a partial match must hold the claim's anchor: its number, its actors
    if c < sup and (numbers.status == "absent" or actors_missing):
        why = "its number is not there" if numbers.status == "absent" else f"{', '.join(actors_missing)} not there"
        return Decision("not_found", round(c * 0.5, 3), r + [f"passage shares some words but {why}"], weak=True)
    # 5/6.
    partial_reasons = []
    if numbers.status in ("close", "breakdown", "absent", "partial"):
        partial_reasons.append("number only partly agrees")
    if dates.status in ("absent", "partial", "mismatch"):
        partial_reasons.append("date not confirmed")
    if quotes.status in ("altered", "absent"):
        partial_reasons.append("quoted words not found verbatim")
    if claim_stance.demand_force and source_stance.demand_force and source_stance.demand_force < claim_stance.demand_force:
        partial_reasons.append(f"weaker force in the source: '{source_stance.demand_word}' vs '{claim_stance.demand_word}'")
    if claim_stance.demand_force and not source_stance.demand_force:
        partial_reasons.append("the claim reports a demand; the source states it without one")
    if actors_missing:
        partial_reasons.append("actor(s) not found: " + ", ".join(actors_missing))
    if c < sup:
        partial_reasons.append("only part of the claim is in the passage")
    else:
        # a supported claim may not leave out a content word that matters
        heavy = [t for t in cov.missing if view.terms.get(t, 0) >= 1.0]
        if heavy and c < 0.85:
            partial_reasons.append("not in the passage: " + ", ".join(heavy))
    if partial_reasons:
        return Decision("partly_supported", round(min(c, 0.79), 3), r + partial_reasons)
    return Decision("supported", round(min(1.0, 0.5 + c / 2), 3), r)
