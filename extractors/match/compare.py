"""Comparison functions: terms, numbers, dates, quotes, actors, negation and
modality.  Each returns a status and short reasons a person can check."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz
from spacy.lang.en.stop_words import STOP_WORDS

from extractors.claims.cues import load_cues
from extractors.claims.quantities import DateVal, Quantity, dates_agree, find_dates, find_quantities, norm_typography, plain_typography
from extractors.textnorm import fold, fold_str, span_to_original

# ----------------------------------------------------------------- terms

import calendar as _cal

_MONTHS = {m.lower() for m in list(_cal.month_name)[1:] + list(_cal.month_abbr)[1:]} | {"sept"}
_STOP = set(STOP_WORDS) | {"s", "t", "also", "still", "explicitly", "publicly", "repeatedly", "long", "new", "e.g"} | _MONTHS


def _pre(text: str) -> str:
    t = norm_typography(text)
    t = re.sub(r"\bU\.S\.(?=\W|$)|\bUS\b", "usa", t)
    t = re.sub(r"\bU\.K\.(?=\W|$)", "uk", t)
    return fold_str(t)


_SUFFIXES = ("ations", "ation", "ments", "ment", "ings", "ing", "edly", "ied", "ed", "es", "s")


def stem(tok: str) -> str:
    """Crude, consistent stem: one common suffix off, then the first five letters."""
    tok = _irregular().get(tok, tok)
    for suf in _SUFFIXES:
        if tok.endswith(suf) and len(tok) - len(suf) >= 3 and not (suf == "s" and tok.endswith("ss")):
            tok = tok[: -len(suf)]
            break
    if len(tok) > 3 and tok[-1] in "ey":  # file/filed, issue/issued, carry/carried
        tok = tok[:-1]
    return tok[:5]


@lru_cache(maxsize=1)
def _irregular() -> dict[str, str]:
    out: dict[str, str] = {}
    for base, forms in load_cues().get("irregular_verbs", {}).items():
        for f in forms:
            out[f] = base
    return out


def tokens(text: str) -> list[str]:
    out: list[str] = []
    for m in re.finditer(r"[a-z0-9]+(?:-[a-z0-9]+)*", _pre(text)):
        w = m.group(0)
        parts = [w] + (w.split("-") if "-" in w else [])
        for p in parts:
            if p in _STOP or p[0].isdigit() or len(p) < 2:
                continue
            out.append(p)
    return out


def stems(text: str) -> list[str]:
    return [stem(t) for t in tokens(text)]


def term_found(term: str, passage_stems: set[str], passage_folded: str) -> str | None:
    """*term* (a stem) when the passage holds it, else None.  Paraphrase is the
    engine's business (WordNet relations, embeddings); this is retrieval's
    cheap ranking signal."""
    return term if term in passage_stems else None


# ----------------------------------------------------------------- claim view

@dataclass
class ClaimView:
    """What the comparison needs from a claim, computed once."""

    text: str
    body: str  # text without the bracketed pronoun resolutions
    terms: dict[str, float]  # stem -> weight
    predicates: list[str]  # stems of the main verbs (not reporting/light verbs)
    predicate_words: list[str]
    actors: list[str]  # names as written (incl. resolved pronouns)
    resolutions: list[str]  # "pronoun 'him' resolved to Milan Radoicic"
    quantities: list[Quantity]
    dates: list[DateVal]
    quotes: list[str]
    negated: bool
    demand_force: int  # 0 = asserted
    demand_word: str | None
    universal: bool  # "all the defendants"


LIGHT_VERBS = {"be", "have", "do", "appear", "label", "call", "say", "keep", "list", "use", "take", "make", "get",
               "state", "write", "report", "describe", "name", "note", "feature", "stand", "remain", "continue"}


def demand_force(lemma: str, next_word: str | None) -> int:
    d = load_cues()["modality"]["demand"]
    if lemma not in d:
        for cand in (lemma[:-1] if lemma.endswith("s") else "", lemma[:-2] if lemma.endswith("ed") else "",
                     lemma[:-1] if lemma.endswith("ed") else "", lemma[:-2] if lemma.endswith("es") else ""):
            if cand in d:
                lemma = cand
                break
        else:
            return 0
    if lemma == "call" and next_word not in set(load_cues()["modality"]["demand_particles"]):
        return 0
    return int(d[lemma])


def _masked(text: str, phrases: list[str]) -> str:
    """*text* with source names blanked ("Kosovo Report 2024": its 2024 is
    not a date the source must state)."""
    folded, index = fold(text)
    out = list(text)
    for ph in sorted({p for p in phrases if p}, key=len, reverse=True):
        f = fold_str(ph).replace("\u2019", "'")
        for m in re.finditer(re.escape(f), folded.replace("\u2019", "'")):
            a, b = span_to_original(index, m.start(), m.end())
            for i in range(a, b):
                out[i] = " "
    return "".join(out)


def view_claim(nlp: Any, text: str, mask: list[str] | None = None) -> ClaimView:
    cues = load_cues()
    body = re.sub(r"\s*\[[^\]]+\]", "", text)
    numeric_body = _masked(body, mask) if mask else body
    # "he [Henderson]": a pronoun and the name it stands for; "[2]" is a
    # footnote marker, not a name
    resolved = [(w, n) for w, n in re.findall(r"\b(\w+) \[([^\]]+)\]", text) if re.search(r"[^\W\d_]", n)]
    # the label before ": " of item paragraphs is context; the clause follows it
    doc = nlp(body)
    lab = re.match(r"^([^:]{3,90}):\s", body)
    label_end = lab.end() if lab else 0  # an item label ("FK-3 (...) (China): ...") is context
    terms: dict[str, float] = {}
    preds: list[str] = []
    pwords: list[str] = []
    actors: list[str] = []
    for e in doc.ents:
        if e.label_ in ("PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"):
            actors.append(e.text)
    for _, name in resolved:
        actors.append(name)
    neg_words = set(cues["negation"]["words"])
    ignore = set(cues["match"].get("ignore_terms", []))
    reporting = set(cues["checkworthy"]["reporting_verbs"])
    negated = False
    force, dword = 0, None
    universal = False
    skip: set[int] = set()
    for ph in cues["match"].get("ignore_phrases", []):
        for m in re.finditer(r"\b" + re.escape(ph) + r"\b", body.lower()):
            skip.update(t.i for t in doc if m.start() <= t.idx < m.end())
    for t in doc:
        low = fold_str(t.text.lower())
        if t.dep_ == "neg" or low in neg_words or (t.lower_ == "no" and t.dep_ == "det"):
            negated = True
        if t.i in skip:
            continue
        if t.pos_ in ("VERB", "AUX", "NOUN", "PROPN") or t.dep_ == "ROOT":
            nxt = t.nbor(1).lower_ if t.i + 1 < len(doc) else None
            f = max(demand_force(t.lemma_.lower(), nxt), demand_force(t.lower_, nxt)) if t.pos_ in ("VERB", "AUX") or t.dep_ == "ROOT" or t.i == 0 or t.is_title else 0
            if f and f > force:
                force, dword = f, t.text
        if t.lower_ in ("all", "every", "each") and t.dep_ in ("det", "predet", "nsubj", "amod"):
            universal = True
        if t.is_stop or t.is_punct or t.like_num or not re.search(r"[A-Za-z]", t.text) or t.lower_ in ignore:
            continue
        for tok in tokens(t.text):
            st = stem(tok)
            w = 1.0
            lem = t.lemma_.lower()
            if len(tok) <= 2:
                w = 0.5
            elif t.pos_ in ("PROPN",) or t.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
                w = 2.0
            elif t.pos_ in ("ADV", "ADJ"):
                w = 0.5
            elif t.pos_ == "VERB" and (lem in LIGHT_VERBS or demand_force(lem, "on") or lem in reporting):
                w = 0.5
            elif t.pos_ == "VERB":
                w = 1.5
            if t.idx < label_end and w < 2.0:
                w = 0.5
            terms[st] = max(terms.get(st, 0.0), w)
        if t.pos_ == "VERB" and t.dep_ in ("ROOT", "conj", "xcomp", "ccomp", "pcomp", "advcl") \
                and not demand_force(t.lemma_.lower(), t.nbor(1).lower_ if t.i + 1 < len(doc) else None) and t.tag_ != "VBG":
            if t.lemma_.lower() not in LIGHT_VERBS:
                preds.append(stem(fold_str(t.lemma_.lower())))
                pwords.append(t.text)
            else:  # "kept secret", "keeps him on the list": the complement carries it
                for c in t.children:
                    if c.dep_ in ("acomp", "oprd", "dobj") and c.lower_ not in ignore and c.pos_ != "PRON":
                        preds.append(stem(fold_str(c.lemma_.lower())))
                        pwords.append(c.text)
    if not preds:
        # copula or light verb: the complement ("are in detention") or the
        # subject noun ("integration continued") carries the claim
        root = next((t for t in doc if t.dep_ == "ROOT"), None)
        if root is not None:
            comp = [c for c in root.children if c.dep_ in ("attr", "acomp")]
            comp += [g for c in root.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
            if root.lemma_ == "be":
                cands = comp[:1]
            else:
                cands = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ == "NOUN"]
            for c in cands:
                if c.pos_ in ("NOUN", "ADJ", "VERB") and c.lower_ not in ignore:
                    preds.append(stem(fold_str(c.lemma_.lower())))
                    pwords.append(c.text)
    # a name resolved from a pronoun is part of the claim
    for _, name in resolved:
        for tok in tokens(name):
            terms[stem(tok)] = 2.0
    # "U.S." -> "usa" is a term too
    for tok in tokens(body):
        st = stem(tok)
        if st not in terms and tok in ("usa", "uk"):
            terms[st] = 2.0
    return ClaimView(
        text=text,
        body=body,
        terms=terms,
        predicates=preds,
        predicate_words=pwords,
        actors=actors,
        resolutions=[f"pronoun '{p}' resolved to {n}" for p, n in resolved],
        quantities=[q for q in find_quantities(numeric_body)],
        dates=find_dates(numeric_body),
        quotes=[q for q in _quotes(body)],
        negated=negated,
        demand_force=force,
        demand_word=dword,
        universal=universal,
    )


def _quotes(text: str) -> list[str]:
    from extractors.claims.quantities import find_quotes

    return [q for q, _, _ in find_quotes(text)]


# ----------------------------------------------------------------- coverage

@dataclass
class Coverage:
    score: float
    found: dict[str, str] = field(default_factory=dict)  # term -> how found
    missing: list[str] = field(default_factory=list)
    predicate_found: bool = True
    missing_predicates: list[str] = field(default_factory=list)


def coverage(view: ClaimView, passage_text: str, context_text: str = "", own: set[str] | None = None) -> Coverage:
    """Weighted share of claim terms present in the passage; terms present
    only in the document context (title, byline) count half."""
    ps = set(stems(passage_text))
    pf = _pre(passage_text)
    cs = set(stems(context_text))
    cf = _pre(context_text)
    own = own or set()
    total = sum(w for t, w in view.terms.items() if t not in own) or 1.0
    got = 0.0
    cov = Coverage(0.0)
    for t, w in view.terms.items():
        if t in own:  # the claim naming the source itself ("the State Department's reports")
            if term_found(t, ps, pf) is not None or term_found(t, cs, cf) is not None:
                cov.found[t] = "(source name)"
            continue
        how = term_found(t, ps, pf)
        if how is not None:
            got += w
            cov.found[t] = how
        elif context_text and term_found(t, cs, cf) is not None:
            got += w * 0.5
            cov.found[t] = "(document context)"
        else:
            cov.missing.append(t)
    cov.score = got / total
    for p in view.predicates:
        if term_found(p, ps, pf) is None and (not context_text or term_found(p, cs, cf) is None):
            cov.missing_predicates.append(p)
    cov.predicate_found = not cov.missing_predicates or len(cov.missing_predicates) < len(view.predicates)
    return cov


# ----------------------------------------------------------------- quotes

@dataclass
class QuoteCheck:
    status: str  # none | found | altered | absent
    reasons: list[str]
    location: tuple[int, int] | None = None  # in the source text


def _in_source(source_text: str, src: str, window: str, at: tuple[int, int]) -> tuple[int, int]:
    """*at* (offsets into the normalised *src*) as offsets into *source_text*:
    normalising folds runs of whitespace, so the window's words are looked up
    in the source with any whitespace between them."""
    if len(src) == len(source_text):
        return at
    words = window.split()[:6]
    if words:
        rx = re.compile(r"\s+".join(re.escape(w) for w in words), re.IGNORECASE)
        m = rx.search(plain_typography(source_text))
        if m is not None:
            return (m.start(), m.start() + (at[1] - at[0]))
    return at


def compare_quotes(view: ClaimView, source_text: str) -> QuoteCheck:
    cfg = load_cues()["match"]
    found_thr, alt_thr = float(cfg["quote_found"]), float(cfg["quote_altered"])
    src = _pre(source_text)
    reasons: list[str] = []
    statuses: list[str] = []
    loc = None
    for q in view.quotes:
        qn = _pre(q)
        if len(qn.split()) < 2 and len(qn) < 8:
            continue  # one-word scare quotes: not a quotation to verify
        al = fuzz.partial_ratio_alignment(qn, src)
        if al is None:
            statuses.append("absent")
            reasons.append(f"quoted words '{q}' not found")
            continue
        base = source_text if len(src) == len(source_text) else src
        ws, we = al.dest_start, al.dest_end
        while we > ws and base[we - 1].isspace():
            we -= 1
        while ws > 0 and not base[ws - 1].isspace():
            ws -= 1
        while we < len(base) and not base[we].isspace():
            we += 1
        while len(base[ws:we].split()) < len(qn.split()) and ws > 0:
            ws -= 1
            while ws > 0 and not base[ws - 1].isspace():
                ws -= 1
        window = base[ws:we].strip().rstrip(".,;:")
        if al.score >= found_thr:
            statuses.append("found")
            reasons.append(f"quoted words '{q}' found")
            loc = loc or _in_source(source_text, src, window, (al.dest_start, al.dest_end))
        elif al.score >= alt_thr:
            statuses.append("altered")
            reasons.append(f"quoted words '{q}' not found verbatim; closest source wording '{window.strip()}' ({al.score:.0f}%)")
            loc = loc or _in_source(source_text, src, window, (al.dest_start, al.dest_end))
        else:
            statuses.append("absent")
            reasons.append(f"quoted words '{q}' not found")
    if not statuses:
        return QuoteCheck("none", [])
    for st in ("absent", "altered"):
        if st in statuses:
            return QuoteCheck(st, reasons, loc)
    return QuoteCheck("found", reasons, loc)


# ----------------------------------------------------------------- actors

def _actor_by_gazetteer(name: str, passage_text: str, gazetteer: Any) -> str | None:
    """A span of the passage (1-4 words) with the same gazetteer id as *name*."""
    if gazetteer is None:
        return None
    gid = gazetteer.lookup(name)
    if not gid or not gid.startswith(("person:", "org:")):
        return None  # places: a capital stands for its country in the gazetteer (Paris ~ France)
    words = list(re.finditer(r"[^\W_][\w'\u2019-]*", passage_text))
    for n in (4, 3, 2, 1):
        for i in range(len(words) - n + 1):
            a, b = words[i].start(), words[i + n - 1].end()
            if gazetteer.lookup(passage_text[a:b]) == gid:
                return passage_text[a:b]
    return None


def actor_found(name: str, passage_text: str, gazetteer: Any = None) -> str | None:
    """The surface under which *name* appears in the passage, or None.
    Names are folded (diacritics, case) and each name token must match a
    passage token at rapidfuzz ratio >= 85 (Radoicic ~ Radojičić ~ RADOJCIC)."""
    ntoks = [t for t in re.findall(r"[a-z0-9]+", fold_str(name)) if t not in _STOP and len(t) > 1]
    if not ntoks:
        return None
    hit = _actor_by_gazetteer(name, passage_text, gazetteer)
    if hit:
        return hit
    words = list(re.finditer(r"[^\W_]+", passage_text))
    folded = [fold_str(w.group(0)) for w in words]
    hits: list[str] = []
    for nt in ntoks:
        best = None
        for w, f in zip(words, folded):
            if f == nt or stem(f) == stem(nt) or (len(nt) >= 5 and fuzz.ratio(nt, f) >= 85):
                best = w.group(0)
                break
        if best is None:
            return None
        hits.append(best)
    return " ".join(hits)
