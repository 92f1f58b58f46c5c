"""Link claims to the sources the article attributes them to.

Three kinds of evidence, strongest first:
1. an explicit cue in the clause itself ("London's October 2024 OSCE
   statement explicitly calls ...") or, failing that, in its sentence;
2. the paragraph's label ("European Commission Kosovo Report 2024: ...",
   "UK Government statements. ...") and the section heading;
3. the article's own source list: an entry ("Reuters & Defence News ...—Rafale
   deal; FK-3 deployment; Mi-35s") names sources and topics; a claim that
   mentions a topic is linked to the entry's source that best fits it.
Cues are each source's ``cited_as`` phrases, matched with rapidfuzz on folded
text.  When one cue fits several sources, a year written next to the cue
picks among them.
"""
from __future__ import annotations

import re
from typing import Any

from rapidfuzz import fuzz

from extractors.claims.article import Article
from extractors.claims.cues import load_cues
from extractors.model import Case, Claim
from extractors.textnorm import fold_str

_STOP = {"the", "and", "of", "for", "on", "in", "to", "a", "an", "as", "with", "by", "its", "it", "from", "at", "s"}


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[\u2019'`]", "'", fold_str(s))).strip()


def _cue_hits(case: Case, text: str, threshold: int) -> set[str]:
    t = _norm(text)
    hits: dict[str, list[str]] = {}
    for src in case.sources:
        for cue in src.cited_as:
            c = _norm(cue)
            if len(c) < 4:
                continue
            need = threshold + (6 if len(c) < 25 else 0)  # short cues must match closely
            if len(c) <= len(t):
                score = fuzz.partial_ratio(c, t)
            else:
                score = fuzz.partial_ratio(t, c) if len(t) >= 0.8 * len(c) else 0
            if score >= need:
                hits.setdefault(cue, []).append(src.id)
    out: set[str] = set()
    years_in_text = set(re.findall(r"\b(?:19|20)\d{2}\b", text))
    for cue, ids in hits.items():
        if len(ids) > 1 and years_in_text:
            keep = [i for i in ids if (case.source(i).published or "")[:4] in years_in_text]
            ids = keep or ids
        out.update(ids)
    return out


def _content_tokens(s: str) -> list[str]:
    toks = re.findall(r"[a-z0-9][a-z0-9\-]*", _norm(s))
    return [t for t in toks if t not in _STOP and len(t) >= 2]


def _stem(t: str) -> str:
    t = t.rstrip("s") if len(t) > 3 and not t.endswith("ss") else t
    return t[:5] if len(t) >= 6 else t


def is_source_cue(case: Case, text: str) -> bool:
    """True when *text* (a paragraph label) is mostly a source's name."""
    t = _norm(text)
    thr = int(load_cues()["attribution"]["fuzzy_threshold"])
    for src in case.sources:
        for cue in src.cited_as:
            c = _norm(cue)
            if len(c) >= 4 and len(c) >= 0.5 * len(t) and fuzz.partial_ratio(c, t) >= thr:
                return True
    return False


def _syn_stems() -> dict[str, set[str]]:
    groups: dict[str, set[str]] = {}
    for k, vals in load_cues().get("synonyms", {}).items():
        members = {_stem(k)} | {_stem(v) for v in vals if " " not in v}
        for m in members:
            groups.setdefault(m, set()).update(members)
    return groups


def _topic_hits(case: Case, article: Article, text: str, threshold: int, context: str = "") -> set[str]:
    out: set[str] = set()
    syn = _syn_stems()
    ctoks = {_stem(t) for t in _content_tokens(text)}
    ctoks |= {x for t in list(ctoks) for x in syn.get(t, ())}
    for entry in article.source_list:
        srcs = _cue_hits(case, entry.name, threshold)
        if not srcs:
            continue
        for topic in re.split(r"\s*;\s*|,\s+", entry.topic):
            ttoks = [_stem(t) for t in _content_tokens(re.sub(r"[\u201c\u201d\"]", "", topic))]
            ttoks = [t for t in ttoks if t not in {"banjs"}] or ttoks
            if not ttoks:
                continue
            found = sum(t in ctoks for t in ttoks)
            if found < len(ttoks) and not (len(ttoks) >= 4 and found / len(ttoks) >= 0.6):
                continue
            # the entry's source that best fits the topic
            def fit(i: str) -> float:
                spec = case.source(i)
                own = {_stem(t) for t in _content_tokens(" ".join([spec.title, spec.id.replace("-", " "), *spec.cited_as]))}
                own |= {x for t in list(own) for x in syn.get(t, ())}
                return sum(t in own for t in ttoks) / len(ttoks)
            scores = {i: fit(i) for i in srcs}
            best = max(scores, key=lambda i: scores[i])
            if len(srcs) == 1 or (scores[best] >= 0.5 and sum(v == scores[best] for v in scores.values()) == 1):
                out.add(best)
                continue
            # no single best fit: the entry's sources published in a year the
            # paragraph names ("hardened in 2025. Parliament called out ...")
            years = set(re.findall(r"\b(?:19|20)\d{2}\b", context or text))
            dated = [i for i in srcs if (case.source(i).published or "")[:4] in years]
            if 0 < len(dated) <= 3:
                out.update(dated)
    return out


def attribute(case: Case, article: Article, claims: list[Claim]) -> None:
    cfg = load_cues()["attribution"]
    thr = int(cfg["fuzzy_threshold"])
    topic_sources: dict[tuple[int, str], set[str]] = {}
    for c in claims:
        ctx = getattr(c, "_context", None)
        ids: set[str] = set()
        raw_clause = c.text
        if ctx is not None:
            para, piece, topic = ctx
            raw_clause = para.text[piece.start:piece.end]
            ids |= _cue_hits(case, raw_clause, thr)
            if not ids:
                ids |= _cue_hits(case, piece.sentence, thr)
            # a paragraph label or section heading attributes its clauses only
            # when it is (mostly) a source's name
            if topic and is_source_cue(case, topic):
                ids |= _cue_hits(case, topic, thr)
            if para.section and is_source_cue(case, para.section):
                ids |= _cue_hits(case, para.section, thr)
        else:
            ids |= _cue_hits(case, c.text, thr)
        th = _topic_hits(case, article, c.text, thr, ctx[0].text if ctx is not None else "")
        ids |= th
        c.cited_source_ids = sorted(ids)
        if ctx is not None and ctx[2] and th:
            topic_sources.setdefault((ctx[0].number, ctx[2]), set()).update(th)
    # clauses of one item paragraph ("12 Dassault Rafale ...: Deal finalised ...;
    # estimated value ~ EUR 3bn") share the sources its topic was linked to
    for c in claims:
        ctx = getattr(c, "_context", None)
        if ctx is not None and ctx[2] and (ctx[0].number, ctx[2]) in topic_sources and c.text.startswith(ctx[2]):
            c.cited_source_ids = sorted(set(c.cited_source_ids) | topic_sources[(ctx[0].number, ctx[2])])


def attribution_table(claims: list[Claim]) -> dict[str, list[str]]:
    """source id -> claim ids citing it (for reports)."""
    out: dict[str, list[str]] = {}
    for c in claims:
        for s in c.cited_source_ids:
            out.setdefault(s, []).append(c.claim_id)
    return out


__all__: list[Any] = ["attribute", "attribution_table"]
