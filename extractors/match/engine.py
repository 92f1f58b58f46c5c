"""The verdict engine: one claim against one evidence passage.

Three steps, the same for ``claimcheck run`` (each candidate passage of a
source) and ``claimcheck judge`` (each claim-evidence pair):

1. **Frames** (``extractors.nlp.frames``) of the claim and of every evidence
   sentence: predicate, actors with roles, measures, dated events,
   polarity, modality, quotes.
2. **Alignment and exact checks** -> :class:`Features`: the claim's content
   lemmas found in the evidence as the same lemma or through WordNet
   (derivation, synonym, hypernym: ``extractors.match.lexicon``); the
   predicate's relation; sentence similarity from the embedding model
   (``extractors.match.embed``); numbers with units, dates of the same
   event, quoted words, roles (who did it to whom), negation and modality.
3. **Verdict**: the logistic-regression model in ``models/verdict-*.json``
   (``extractors.match.verdict_model``) turns the features into calibrated
   probabilities of supported / contradicted / not_found.  An exact check that
   fails in an aligned sentence is a contradiction whatever the model says;
   a supported claim some of whose parts are missing or weaker in the
   evidence is ``partly_supported``.  The reasons name the deciding features.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

from extractors.claims.quantities import dates_agree, find_dates
from extractors.match.compare import LIGHT_VERBS
from extractors.match.units import Measure, compare_measures, find_measures, table_sentences
from extractors.match.verdict_model import SUPPORT_BLOCKERS
from extractors.nlp.frames import Frame, _lemma, frames, load_cues
from extractors.textnorm import fold_str

_POS_WEIGHT = {"PROPN": 2.0, "NOUN": 1.0, "VERB": 1.5, "ADJ": 0.7, "ADV": 0.3, "NUM": 0.0, "X": 0.5}
_GENERIC = {"say", "state", "report", "according", "include", "also", "year", "time", "new", "make", "take", "use",
            "claim", "show", "find", "suggest", "have", "do", "be", "get"}
_ALIGNED = 0.5  # share of claim content found (same or related lemma) for a sentence to count as aligned
_MANY_FIGURES = 3  # this many of a claim's figures found exactly make a passage speak to it


@dataclass
class Parsed:
    """A text parsed once: its spaCy doc, frames and content lemmas."""

    text: str
    doc: Any
    frames: list[Frame]
    measures: list[Measure]
    lemmas: list[tuple[str, str, str]]  # (lemma, POS, surface lowercased)
    ents: list[str]


def parse_text(nlp: Any, text: str, doc: Any = None) -> Parsed:
    doc = doc if doc is not None else nlp(text)
    fr = frames(doc)
    lem = []
    for t in doc:
        if t.is_stop or t.is_punct or t.like_num or not re.search(r"[A-Za-z]", t.text) or re.search(r"\d", t.text):
            continue  # numbers, "€3bn" included, are the measure check's
        if t.pos_ not in _POS_WEIGHT:
            continue
        lem.append((fold_str(_lemma(t)), t.pos_ if not t.ent_type_ or t.pos_ == "VERB" else "PROPN", fold_str(t.lower_)))
    ents = [e.text for e in doc.ents if e.label_ in ("PERSON", "ORG", "GPE", "NORP", "FAC", "LOC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART")
            and not re.search(r"\d", e.text)]
    seen: set[tuple[int, int]] = set()
    measures = []
    for f in fr:
        for m in f.measures:
            if (m.start, m.end) not in seen:
                seen.add((m.start, m.end))
                measures.append(m)
    return Parsed(text, doc, fr, measures, lem, ents)


def evidence_text(text: str, kind: str = "body") -> str:
    """A table passage is read as one sentence per numeric cell with its row
    and column headers; any other passage as written."""
    if kind == "table" or (text.count(" | ") >= 2 and "\n" in text):
        rows = table_sentences(text)
        if rows:
            return ". ".join(rows) + "."
    return text


@dataclass
class Features:
    values: dict[str, float]
    notes: dict[str, str] = field(default_factory=dict)  # feature -> reason in words
    exact_mismatch: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)
    sentence: tuple[int, int] = (0, 0)  # best evidence sentence (offsets in the evidence text)
    modality: tuple[str, str] = ("asserted", "asserted")  # (claim, evidence)


@lru_cache(maxsize=1)
def _lexicon() -> Any:
    from extractors.match import lexicon

    return lexicon


@lru_cache(maxsize=200_000)
def _relation(a: str, b: str, pos: str | None) -> str | None:
    if a == b:
        return "same"
    try:
        return _lexicon().relation(a, b, pos)
    except Exception:  # noqa: BLE001 - a word the lexicon cannot read is unrelated
        return None


def _wn_pos(pos: str) -> str | None:
    return {"NOUN": "n", "PROPN": None, "VERB": "v", "ADJ": "a", "ADV": "r"}.get(pos)


def _name_found(name: str, words: list[str]) -> bool:
    toks = [t for t in re.findall(r"[a-z0-9]+", fold_str(name.lower())) if len(t) > 1 and t not in ("the", "of", "and")]
    if not toks:
        return True
    return all(any(w == t or (len(t) >= 5 and fuzz.ratio(t, w) >= 85) for w in words) for t in toks)


@lru_cache(maxsize=1)
def _demand_force() -> dict[str, int]:
    """Demand verb -> force of the call, from relation_verbs.toml's [demand_force]."""
    import tomllib
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "corpus" / "gazetteer" / "relation_verbs.toml"
    return {k.lower(): int(v) for k, v in tomllib.loads(path.read_text(encoding="utf-8")).get("demand_force", {}).items()}


@lru_cache(maxsize=1)
def _phrasal() -> dict[tuple[str, str], str]:
    """(verb, particle) -> relation class, from relation_verbs.toml's [phrasal] ("call for" -> call_on)."""
    import tomllib
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "corpus" / "gazetteer" / "relation_verbs.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {tuple(k.lower().split(None, 1)): v for k, v in data.get("phrasal", {}).items() if v and " " in k}  # type: ignore[misc]


def _find_lemma(lem: str, pos: str, surf: str, ev: Parsed, ev_words: set[str]) -> tuple[str | None, str]:
    """How a claim lemma is found in the evidence: ("same"|relation, evidence word) or (None, "")."""
    classes = load_cues().verb_classes
    ev_lemmas = {x[0] for x in ev.lemmas}
    if lem in ev_lemmas or surf in ev_words:
        return "same", lem
    if pos == "PROPN":
        if any(len(lem) >= 5 and fuzz.ratio(lem, w) >= 85 for w in ev_words):
            return "same", lem
        return None, ""
    wp = _wn_pos(pos)
    for el, epos, _ in ev.lemmas:
        if epos == "PROPN":
            continue
        # a phrasal verb of the same relation class, whatever the tagger made
        # of its verb ("urged" / "Calls for ..." at the head of a resolution item)
        if wp == "v" and classes.get(lem):
            for (verb, part), cls in _phrasal().items():
                if cls == classes[lem] and verb == el and re.search(rf"\b{re.escape(el)}\w*\s+{re.escape(part)}\b", ev.text, re.I):
                    return "synonym", f"{el} {part}"
        if _wn_pos(epos) == wp:
            if wp == "v" and classes.get(lem) and classes.get(lem) == classes.get(el):
                return "synonym", el  # one relation class in relation_verbs.toml ("urge" / "call")
            r = _relation(lem, el, wp)
            if r in ("synonym", "hypernym", "hyponym", "derivation"):
                return r, el
        else:
            r = _relation(lem, el, None)
            if r in ("same", "derivation", "synonym"):  # killed / the killing; extradite / extradition; value / worth
                return ("derivation" if r == "same" else r), el
    return None, ""


def _event_frame(cf: Frame, ef: Frame, ev: Parsed, fallback: bool = True) -> Frame | None:
    """The evidence frame whose verb is the claim's (the same word or a
    related one): *ef* itself, else one in its sentence, else anywhere in the
    evidence.  When the claim's verb is nowhere in the evidence, *ef* (the
    sentence aligned through related words), or None without *fallback*.  A
    claim without a predicate compares with *ef*."""
    if not cf.predicate:
        return ef

    def mine(f: Frame, relations: tuple[str, ...]) -> bool:
        return bool(f.predicate) and (f.predicate == cf.predicate or _relation(cf.predicate, f.predicate, None) in relations)

    if mine(ef, _SAME_EVENT):
        return ef
    # another frame only for the same verb or a close one: WordNet's broader
    # and narrower senses relate "place" to "take"
    close = ("same", "synonym", "derivation")
    other = next((f for f in ev.frames if f.start == ef.start and mine(f, close)), None)
    if other is not None:
        return other
    # the claim's verb inside *ef*'s sentence but no frame's head ("a deal to
    # sell cloud services"): that word's own polarity
    word = _word_polarity(cf.predicate, ef, ev, ef.start, ef.end)
    if word is not None:
        return word
    found = next((f for f in ev.frames if mine(f, close)), None) or _word_polarity(cf.predicate, ef, ev, 0, len(ev.text))
    return found if found is not None or not fallback else ef


def _complement_polarity(claim: Parsed, cf: Frame, ef: Frame, ev: Parsed) -> str:
    """A reason when the clause a claim's verb introduces ("held that the
    Compact pre-empts ...") has the opposite polarity in the evidence ("does
    not pre-empt")."""
    doc = claim.doc
    if doc is None or not hasattr(doc, "sents") or not cf.predicate:
        return ""
    for t in doc:
        if t.dep_ != "ccomp" or fold_str(_lemma(t.head)) != cf.predicate or t.pos_ not in ("VERB", "AUX"):
            continue
        lem = fold_str(_lemma(t))
        if lem == cf.predicate:
            continue  # "'... do not add up,' she added": the evidence's "added" is the other verb
        neg = any(c.dep_ == "neg" for c in t.children)
        other = _event_frame(replace(cf, predicate=lem), ef, ev, fallback=False)
        if other is not None and other.predicate and (other.polarity == "negative") != neg and other.polarity != "partial":
            said = f"evidence says '{other.negation}'" if other.polarity == "negative" else f"claim says 'not {t.text}', evidence states it"
            return f"negation differs in what '{t.head.text}' introduces: {said}"
    return ""


def _word_polarity(lemma: str, ef: Frame, ev: Parsed, start: int, end: int) -> Frame | None:
    """*ef* with the polarity of the first word *lemma* between *start* and
    *end* of the evidence: negated by its own "not" or by a negating verb it
    complements ("stopped selling"); None when the word is not there."""
    doc = ev.doc
    if doc is None or not hasattr(doc, "char_span"):
        return None
    negating = load_cues().negating_verbs
    for t in doc:
        if start <= t.idx < end and fold_str(_lemma(t)) == lemma:
            neg = next((c for c in t.children if c.dep_ == "neg"), None)
            if neg is not None:
                return replace(ef, polarity="negative", negation=f"{neg.text} {t.text}")
            if t.head is not t and t.dep_ in ("xcomp", "ccomp") and fold_str(_lemma(t.head)) in negating:
                return replace(ef, polarity="negative", negation=f"{t.head.text} {t.text}")
            return replace(ef, polarity="positive", negation="")
    return None


def _roles_check(cf: Frame, ef: Frame, pred_rel: str | None) -> tuple[str, str]:
    """match | swapped | none, with a reason.  Two actors of the claim that
    stand in the evidence in each other's roles (buyer for seller) are a
    swap; with a converse predicate (bought from ~ sold to) a swap is the
    same fact."""
    def names(f: Frame, roles: tuple[str, ...]) -> list[str]:
        return [fold_str(a.text.lower()) for a in f.actors if a.role in roles]

    agent_roles = ("agent",)
    other_roles = ("source", "recipient", "patient", "target")
    ca, co = names(cf, agent_roles), names(cf, other_roles)
    ea, eo = names(ef, agent_roles), names(ef, other_roles)
    if not ca or not co or not ea or not eo:
        return "none", ""

    def same(x: str, y: str) -> bool:
        xs, ys = set(re.findall(r"\w+", x)) - {"the", "a", "an"}, set(re.findall(r"\w+", y)) - {"the", "a", "an"}
        return bool(xs) and bool(ys) and (xs <= ys or ys <= xs)

    straight = any(same(a, b) for a in ca for b in ea) and any(same(a, b) for a in co for b in eo)
    crossed = any(same(a, b) for a in ca for b in eo) and any(same(a, b) for a in co for b in ea)
    if pred_rel == "antonym":  # converse verbs: "X bought from Y" = "Y sold to X"
        straight, crossed = crossed, straight
    cag, eag = (cf.role("agent") or [None])[0], (ef.role("agent") or [None])[0]
    if crossed and not straight:
        return "swapped", f"roles swapped: the claim's {cf.predicate_text} has {cag.text if cag else '?'} as agent, the evidence has {eag.text if eag else '?'}"
    if straight:
        return "match", f"roles agree: {cag.text if cag else '?'} {cf.predicate_text}"
    return "none", ""


_NAMED = ("PERSON", "ORG", "GPE", "NORP")


def _agent_differs(cf: Frame, ef: Frame, sentence: str, same_entity: Any = None) -> str:
    """The evidence states the claim's act with another named doer: "the WHO
    declared ..." against "the health department declared ...".  Only when
    both doers are names and the claim's doer is nowhere in that sentence."""
    def named(f: Frame) -> list[Any]:
        return [a for a in f.actors if a.role == "agent" and a.entity in _NAMED]

    ca, ea = named(cf), named(ef)
    if not ca or not ea:
        return ""
    words = set(re.findall(r"\w+", fold_str(sentence.lower())))
    for a in ca:
        toks = set(re.findall(r"\w+", fold_str(a.text.lower()))) - {"the", "a", "an", "of"}
        initials = "".join(w[0] for w in a.text.split() if w[:1].isupper() and w.lower() not in ("the", "of", "and")).lower()
        if not toks or toks <= words or (len(initials) >= 2 and initials in words) \
                or (same_entity is not None and same_entity(a.text, sentence)):
            return ""  # there, written out, as its initials ("EU") or under an alias
        if any(toks & set(re.findall(r"\w+", fold_str(e.text.lower()))) for e in ea):
            return ""  # a partial name ("Mills" / "Governor Janet Mills")
    return f"another actor: the evidence's '{ef.predicate_text}' has {ea[0].text} as its doer, not {ca[0].text}"


_NOT_NAMES = {"the", "a", "an"}


def _speaker_differs(cf: Frame, ef: Frame, sentence: str, same_entity: Any = None) -> str:
    """The evidence reports the claim's statement from another named speaker:
    "Prosecutor X told the court that ..." against "Y, defending, said ...".
    Only when both speakers are names and the claim's is nowhere in that
    sentence, written out, in part or under an alias."""
    def name_words(s: str) -> set[str]:
        return {w for w in re.findall(r"[\w'-]+", s) if w[:1].isupper() and w.lower() not in _NOT_NAMES}

    cs, es = cf.attribution.strip(), ef.attribution.strip()
    if not cs or not es or not cf.attribution_named or not ef.attribution_named:
        return ""
    words = set(re.findall(r"\w+", fold_str(sentence.lower())))
    ctoks = {fold_str(w.lower()) for w in name_words(cs)}
    if ctoks & words or ctoks & {fold_str(w.lower()) for w in name_words(es)} \
            or (same_entity is not None and same_entity(cs, sentence)):
        return ""
    return f"another speaker: the evidence has {es} saying it, not {cs}"


def _quote_speaker_differs(claim: Parsed, cf: Frame, ev: Parsed, same_entity: Any = None) -> str:
    """The claim's quoted words are in the evidence, but the sentence that
    holds them names another person and not the claim's speaker ("X said
    'A'" against "'A,' Y said")."""
    if not cf.attribution or not cf.attribution_named or ev.doc is None or not hasattr(ev.doc, "sents"):
        return ""
    from extractors.claims.quantities import find_quotes, norm_typography

    speaker = {fold_str(w.lower()) for w in re.findall(r"[\w'-]+", cf.attribution) if w[:1].isupper() and w.lower() not in _NOT_NAMES}
    if not speaker:
        return ""
    for q, _, _ in find_quotes(claim.text):
        probe = fold_str(norm_typography(q).lower())[:30]
        if len(probe) < 12:
            continue
        for sent in ev.doc.sents:
            if probe not in fold_str(norm_typography(sent.text).lower()):
                continue
            words = {fold_str(w.lower()) for w in re.findall(r"[\w'-]+", sent.text)}
            people = [e.text for e in sent.ents if e.label_ == "PERSON"]
            if people and not speaker & words and not (same_entity is not None and same_entity(cf.attribution, sent.text)):
                return f"another speaker: the evidence has {people[0]} saying the quoted words, not {cf.attribution}"
            return ""
    return ""


def _place_check(cf: Frame, ef: Frame, ev: Parsed) -> str:
    """"signed in Paris" against "signed in Belgrade": the claim's place of
    the event is absent from the evidence, which names another place for it."""
    cp, ep = cf.role("place"), ef.role("place")
    if not cp or not ep:
        return ""
    low = fold_str(ev.text.lower())
    for c in cp:
        if fold_str(c.text.lower()) in low:
            return ""
    return f"place differs: claim says '{cp[0].text}', evidence says '{ep[0].text}'"


# "on Friday", "yesterday": a dated report's own date stands for the event's
_RELATIVE_DAY = re.compile(r"\b(on|last|this)\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|\b(yesterday|today|this week|this month)\b", re.I)


_SAME_EVENT = ("same", "derivation", "synonym", "hypernym", "hyponym")


_PRECISION = {"year": 1, "month": 2, "day": 3}


def _event_relation(claim_event: str, evidence_event: str) -> str | None:
    """How an evidence sentence's dated event relates to the claim's, for
    comparing their dates: an evidence date on a light verb ("had 310
    moorings in 2021": "have", "be", "make", "take" ...) dates another event
    unless the claim uses the same word; WordNet relates those verbs to
    almost any other.  The claim's own light verb ("took place", "got its
    name") still names its event, but a claim's state ("had been the
    leading cause since 1921") is no event another verb can date."""
    if claim_event != evidence_event and (evidence_event in LIGHT_VERBS or claim_event in load_cues().stative_verbs):
        return None
    return _relation(claim_event, evidence_event, None)


def _dates_check(cf: Frame, claim: Parsed, ef_dates: list[Any], ev_sentence: str, doc_date: str | None,
                 self_act: bool = False) -> tuple[str, list[str]]:
    """Claim dates against evidence dates of the same event (the verb or event
    noun they hang from, same or related lemma); a date of another event is
    not compared."""
    reasons: list[str] = []
    statuses: list[str] = []
    from extractors.claims.quantities import DateVal

    def dv_of(e: Any) -> Any:
        return DateVal(e.iso, e.precision, e.surface, 0, 0)

    claim_dvs = [DateVal(d.iso, d.precision, d.surface, 0, 0) for d in cf.dates]
    # an evidence date that agrees with one of the claim's dates is not
    # another value for the claim's other dates ("from 1,219 in 2005 to 825 in 2008")
    used = {id(e) for e in ef_dates if any(dates_agree(c, dv_of(e)) for c in claim_dvs)}
    for d, dv in zip(cf.dates, claim_dvs):
        same_event = []
        for e in ef_dates:
            if id(e) in used:
                continue
            rel = _event_relation(d.event, e.event) if d.event and e.event else None
            if rel in _SAME_EVENT or not d.event or not e.event:
                same_event.append(e)
        agree = [e for e in ef_dates if dates_agree(dv, dv_of(e))]
        # the claim's event: the verb its date hangs from ("treaties concluded
        # in 1996": conclude, not the main verb), or the main verb when that
        # is a light one
        mine = (d.event,) if d.event and d.event not in LIGHT_VERBS else tuple(x for x in (d.event, cf.predicate) if x)
        # the date agrees only with another event's ("amended in 1992") while
        # the claim's own event is dated otherwise ("renamed in 1998")
        own = [e for e in ef_dates if e.event and e.precision != "range" and not dates_agree(dv, dv_of(e))
               and any(_event_relation(x, e.event) in _SAME_EVENT for x in mine)]
        own.sort(key=lambda e: min(_SAME_EVENT.index(r) for r in (_event_relation(x, e.event) for x in mine)
                                   if r in _SAME_EVENT))
        if agree and own and all(e.event and not any(_event_relation(x, e.event) in _SAME_EVENT
                                                      for x in mine) for e in agree):
            statuses.append("mismatch")
            reasons.append(f"date {d.iso} of '{cf.predicate or d.event}' differs from '{own[0].surface}' ({own[0].event}); "
                           f"'{agree[0].surface}' dates another event ({agree[0].event})")
        elif agree and all(_PRECISION.get(e.precision, 0) < _PRECISION.get(dv.precision, 0) for e in agree):
            # "11 March 2020" against "2020": the day is not confirmed
            statuses.append("partial")
            reasons.append(f"date {d.iso} only partly confirmed: the evidence gives '{agree[0].surface}'")
        elif agree:
            statuses.append("match")
            reasons.append(f"date {d.iso} matches '{agree[0].surface}'")
        elif [e for e in same_event if e.precision != "range"]:
            e = [e for e in same_event if e.precision != "range"][0]
            statuses.append("mismatch")
            reasons.append(f"date {d.iso} of '{d.event or 'the event'}' differs from '{e.surface}' ({e.event or 'same event'})")
        elif ef_dates:
            statuses.append("other_event")
            reasons.append(f"date {d.iso} ({d.event}) not compared: the evidence dates another event ({', '.join(e.event or '?' for e in ef_dates[:2])})")
        elif doc_date and (self_act or _RELATIVE_DAY.search(ev_sentence)):
            # the claim dates the publisher's own act (adopting, issuing this
            # document): the document's date is that date
            dd = find_dates(doc_date)
            if dd and dates_agree(dv, dd[0]):
                statuses.append("match")
                reasons.append(f"date {d.iso} matches the document's date {doc_date}")
            elif self_act:
                statuses.append("mismatch")
                reasons.append(f"date {d.iso} differs from the document's date {doc_date}")
            else:
                statuses.append("absent")
                reasons.append(f"date {d.iso} not in the evidence")
        else:
            statuses.append("absent")
            reasons.append(f"date {d.iso} not in the evidence")
    if not statuses:
        return "none", []
    for st in ("mismatch", "absent", "other_event"):
        if st in statuses:
            return (st if st != "absent" or "match" not in statuses else "partial"), reasons
    if "partial" in statuses:
        return "partial", reasons
    return "match", reasons


def _whole_words(text: str, start: int, end: int, words: int) -> str:
    """The aligned window widened to whole words, and leftwards to as many
    words as the quote has, so a reader sees a phrase, not a cut word."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    while start > 0 and len(text[start:end].split()) < words:
        start -= 1
        while start > 0 and not text[start - 1].isspace():
            start -= 1
    return text[start:end].strip()


def _quotes_check(claim: Parsed, ev_text: str) -> tuple[str, list[str]]:
    from extractors.claims.quantities import norm_typography

    src = fold_str(norm_typography(ev_text).lower())
    statuses, reasons = [], []
    for fr in claim.frames[:1]:
        for q in fr.quotes:
            qn = fold_str(norm_typography(q).lower())
            if len(qn.split()) < 2 and len(qn) < 8:
                continue
            al = fuzz.partial_ratio_alignment(qn, src)
            score = al.score if al is not None else 0.0
            window = _whole_words(src, al.dest_start, al.dest_end, len(qn.split())) if al is not None else ""
            if score >= 92:
                statuses.append("found")
                reasons.append(f"quoted words '{q}' found")
            elif score >= 60:
                statuses.append("altered")
                reasons.append(f"quoted words '{q}' not verbatim in the evidence; closest wording '{window}' ({score:.0f}%)")
            else:
                statuses.append("absent")
                reasons.append(f"quoted words '{q}' not found")
    if not statuses:
        return "none", []
    for st in ("absent", "altered"):
        if st in statuses:
            return st, reasons
    return "found", reasons


FEATURES = [
    "cover_same", "cover_related", "cover_all", "entities_found", "entities_missing",
    "pred_same", "pred_related", "pred_broader", "pred_antonym", "pred_missing", "antonym_pair",
    "sim_best", "sim_doc", "sim_x_cover",
    "neg_mismatch", "partial_negation", "claim_negative", "evidence_negative",
    "num_match", "num_close", "num_mismatch", "num_absent",
    "date_match", "date_mismatch", "date_other_event",
    "quote_found", "quote_altered", "quote_missing",
    "roles_match", "roles_swapped", "agent_differs", "place_differs", "universal_partial", "all_aligned",
    "evidence_weaker", "claim_demand", "evidence_hedged",
    "evidence_len", "claim_len", "unmatched_evidence",
    "pair_sup", "pair_ref", "pair_nei",
]


def _clip(text: str, n: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "\u2026"


def features(claim: Parsed, ev: Parsed, sims: list[float] | None = None, sim_doc: float = 0.0,
             doc_date: str | None = None, vecs: tuple[Any, Any] | None = None, context: str = "",
             same_entity: Any = None, pair: tuple[float, float, float, str] | None = None) -> Features:
    """Alignment and exact-check features of *claim* against evidence *ev*;
    *sims* are the embedding similarities of the claim with each evidence
    frame's sentence (same order as ``ev.frames`` sentences).  *context* is
    the document's title and publisher: a word found only there counts half.
    *same_entity(name, text)* may find a claim's name in the evidence under
    another form (the gazetteer's aliases), returning the form found or None.
    *pair* is the pair classifier's reading of the claim with the evidence
    sentence that speaks to it most: (supports, refutes, neither, sentence)."""
    v: dict[str, float] = dict.fromkeys(FEATURES, 0.0)
    notes: dict[str, str] = {}
    if pair is not None:
        v["pair_sup"], v["pair_ref"], v["pair_nei"] = pair[0], pair[1], pair[2]
        read = f"read with the claim, the sentence \"{_clip(pair[3])}\""
        # a note for the reading the classifier favours, so a reason never
        # names a reading it gave a low probability
        key, what = max((("pair_sup", "reads as support"), ("pair_ref", "reads as stating the opposite"),
                         ("pair_nei", "reads as neither support nor opposite")), key=lambda kv: v[kv[0]])
        notes[key] = f"{read} {what} (pair classifier {v[key]:.2f})"
    ev_words = set(re.findall(r"[a-z0-9]+", fold_str(ev.text.lower())))
    ctx_words = set(re.findall(r"[a-z0-9]+", fold_str(context.lower()))) - ev_words
    ents = claim.ents
    ent_found: dict[str, str] = {}
    for e in ents:
        if _name_found(e, list(ev_words)):
            ent_found[e] = "evidence"
            form = same_entity(e, ev.text) if same_entity is not None else None
            if isinstance(form, str) and fold_str(form.lower()) not in fold_str(e.lower()):
                # found under another spelling ("Radoicic" / "Radojičić")
                notes["entities_alias"] = "; ".join(filter(None, [notes.get("entities_alias"), f"{e} found as '{form}'"]))
        elif same_entity is not None and (form := same_entity(e, ev.text)):
            ent_found[e] = "alias"
            if isinstance(form, str) and form != e:
                notes["entities_alias"] = "; ".join(filter(None, [notes.get("entities_alias"), f"{e} found as '{form}'"]))
        elif context and (_name_found(e, list(ctx_words)) or (same_entity is not None and same_entity(e, context))):
            ent_found[e] = "context"
    ent_tokens = {fold_str(w.lower()) for e in ent_found for w in re.findall(r"\w+", e)}
    total = got_same = got_rel = 0.0
    found_as: dict[str, str] = {}  # claim lemma -> the evidence lemma it was found as
    considered: set[str] = set()  # claim lemmas compared as words (not a figure's unit, not a date's)
    related_notes = []
    missing = []
    # the words of a number's unit ("bcm") are compared by the measure check
    measure_words = {fold_str(w.lower()) for m in claim.measures for w in re.findall(r"[A-Za-z]+", m.surface)}
    # and the words of its dates ("29 Aug 2024") by the date check
    date_words = {fold_str(w.lower()) for f in claim.frames for d in f.dates for w in re.findall(r"[A-Za-z]+", d.surface)}
    for lem, pos, surf in claim.lemmas:
        if lem in _GENERIC or (surf in measure_words and pos != "PROPN") or surf in date_words:
            continue
        w = _POS_WEIGHT.get(pos, 0.5)
        total += w
        considered.add(lem)
        how, el = _find_lemma(lem, pos, surf, ev, ev_words)
        if how is None and (surf in ent_tokens or lem in ent_tokens):
            how = "same"  # part of a name found under an alias or in the document's title
        elif how is None and (surf in ctx_words or lem in ctx_words):
            w = w / 2  # only in the document's title or publisher
            how = "same"
        if how == "same":
            got_same += w
            found_as[lem] = lem
        elif how:
            got_rel += w
            related_notes.append(f"'{lem}' ~ '{el}' ({how})")
            found_as[lem] = el.split()[0]
        else:
            missing.append(lem)
    total = total or 1.0
    v["cover_same"] = got_same / total
    v["cover_related"] = got_rel / total
    v["cover_all"] = (got_same + got_rel) / total
    notes["cover_all"] = f"claim words found: {v['cover_all']:.0%}" + (f" (missing: {', '.join(missing[:5])})" if missing else "")
    if related_notes:
        notes["cover_related"] = "related words: " + "; ".join(related_notes[:4])
    if ents:
        found = [e for e in ents if e in ent_found]
        v["entities_found"] = len(found) / len(ents)
        v["entities_missing"] = float(len(ents) - len(found) > 0)
        if len(found) < len(ents):
            notes["entities_missing"] = "not in the evidence: " + ", ".join(e for e in ents if e not in found)
    ev_lemma_set = {x[0] for x in ev.lemmas}
    cf = claim.frames[0] if claim.frames else None
    # best evidence frame: the sentence sharing most of the claim's words,
    # its predicate's relation to the claim's, and its embedding similarity
    best_i, best_rel, best_key = 0, None, -1.0
    sims = sims or [0.0] * len(ev.frames)
    claim_set = {x[0] for x in claim.lemmas if x[0] not in _GENERIC}
    sent_lemmas: dict[int, set[str]] = {}
    for i, ef in enumerate(ev.frames):
        if ef.start not in sent_lemmas:
            sent_lemmas[ef.start] = {x[0] for x in ef.lemmas}
        overlap = len(claim_set & sent_lemmas[ef.start]) / (len(claim_set) or 1)
        rel = _relation(cf.predicate, ef.predicate, None) if cf and cf.predicate and ef.predicate else None
        if rel is None and cf and cf.sense and cf.sense == ef.sense and cf.sense != cf.predicate:
            rel = "synonym"  # one relation class in relation_verbs.toml ("detain" / "arrest")
        key = overlap + (0.5 if rel == "same" else 0.4 if rel in ("synonym", "derivation", "antonym") else 0.2 if rel in ("hypernym", "hyponym") else 0.0) \
            + 0.5 * (sims[i] if i < len(sims) else 0.0)
        if key > best_key:
            best_i, best_rel, best_key = i, rel, key
    ef = ev.frames[best_i] if ev.frames else None
    # antonyms between claim words and the words of the sentence that speaks
    # to the claim ("increase" / "decrease"); an opposite elsewhere in the
    # passage is about something else
    if ef is not None:
        near = [x for x in ev.lemmas if x[0] in sent_lemmas.get(ef.start, ())]
        near_set = {x[0] for x in near}
        claim_all = {x[0] for x in claim.lemmas}
        for lem, pos, _ in claim.lemmas:
            if pos not in ("VERB", "ADJ", "ADV", "NOUN") or lem in near_set:
                continue  # the sentence has the claim's own word too: no opposition
            for el, epos, _ in near:
                if el != lem and el not in claim_all and epos == pos and _relation(lem, el, _wn_pos(pos)) == "antonym":
                    v["antonym_pair"] = 1.0
                    notes["antonym_pair"] = f"'{lem}' in the claim, its opposite '{el}' in the evidence"
                    break
    if cf and cf.predicate:
        if best_rel is None and cf.predicate in ev_lemma_set:
            best_rel = "same"
        if best_rel is None:
            pos = "VERB" if cf.predicate_text and cf.predicate_text[0].islower() else "NOUN"
            how, el = _find_lemma(cf.predicate, pos, cf.predicate_text.lower(), ev, ev_words)
            if how:
                best_rel = how
                ef_word = el
                # the sentence holding that word is the one compared (its negation, roles, dates)
                holder = [f for f in ev.frames if f.predicate == el.split()[0]] \
                    or [f for f in ev.frames if el.split()[0] in {x[0] for x in f.lemmas}]
                if holder and ef not in holder:
                    ef = holder[0]
            else:
                ef_word = ""
        else:
            ef_word = ef.predicate_text if ef else ""
        if best_rel == "same":
            v["pred_same"] = 1.0
            notes["pred_same"] = f"predicate '{cf.predicate_text}' found"
        elif best_rel in ("synonym", "derivation", "hyponym"):
            # a narrower word in the evidence entails the claim's ("condemned" -> "denounced")
            v["pred_related"] = 1.0
            notes["pred_related"] = f"predicate '{cf.predicate_text}' ~ '{ef_word}' ({best_rel})"
        elif best_rel == "hypernym":
            v["pred_broader"] = 1.0
            notes["pred_broader"] = f"predicate '{cf.predicate_text}' ~ '{ef_word}' ({best_rel}: {'broader' if best_rel == 'hypernym' else 'narrower'})"
        elif best_rel == "antonym":
            v["pred_antonym"] = 1.0
            notes["pred_antonym"] = f"predicate '{cf.predicate_text}' vs its opposite '{ef.predicate_text}'"
        else:
            v["pred_missing"] = 1.0
            notes["pred_missing"] = f"predicate '{cf.predicate_text}' not found"
    v["sim_best"] = max(sims) if sims else 0.0
    v["sim_doc"] = sim_doc
    v["sim_x_cover"] = v["sim_best"] * v["cover_all"]
    notes["sim_best"] = f"sentence similarity {v['sim_best']:.2f}"
    aligned = v["cover_all"] >= _ALIGNED or v["sim_best"] >= 0.75
    exact_mismatch: list[str] = []
    partial: list[str] = []
    if cf and ef:
        if ef.polarity == "partial" or cf.polarity == "partial":
            v["partial_negation"] = 1.0
            notes["partial_negation"] = f"partial negation ('{ef.negation or cf.negation}'): not a denial"
            if ef.polarity == "partial" and cf.polarity == "positive":
                partial.append(f"the evidence says only in part ('{ef.negation}')")
        v["claim_negative"] = float(cf.polarity == "negative")
        v["evidence_negative"] = float(ef.polarity == "negative")
        # the polarity compared is that of the evidence's verb for the
        # claim's event: "the pipe was not attached, leaving a gap" does not
        # deny that a gap was left
        nf = _event_frame(cf, ef, ev)
        if nf is not None and (cf.polarity == "negative") != (nf.polarity == "negative") and "partial" not in (cf.polarity, nf.polarity) \
                and best_rel in _SAME_EVENT:
            v["neg_mismatch"] = 1.0
            what = f"evidence says '{nf.negation}'" if nf.polarity == "negative" else f"claim says '{cf.negation}', evidence states it"
            notes["neg_mismatch"] = f"negation differs: {what}"
            if best_rel in ("same", "synonym", "derivation") and v["cover_all"] >= 0.8:
                exact_mismatch.append(notes["neg_mismatch"])  # the same statement, negated
        elif best_rel in ("same", "synonym", "derivation") and (inner := _complement_polarity(claim, cf, ef, ev)):
            v["neg_mismatch"] = 1.0
            notes["neg_mismatch"] = inner
            if v["cover_all"] >= 0.8:
                exact_mismatch.append(inner)
        if cf.universal and not ef.universal:
            low = " " + fold_str(ev.text.lower()) + " "
            part = re.search(r"\b(the others|the rest|remaining|the remainder|some of|several of|most of)\b", low)
            if part:
                why = f"the claim says all; the evidence speaks of a part ('{part.group(1)}')"
                v["universal_partial"] = 1.0
                notes["universal_partial"] = why
                exact_mismatch.append(why)
        place = _place_check(cf, ef, ev)
        if place and best_rel in _SAME_EVENT:
            v["place_differs"] = 1.0
            notes["place_differs"] = place
            exact_mismatch.append(place)
        rc, why = _roles_check(cf, ef, best_rel)
        if rc == "swapped" and best_rel in (*_SAME_EVENT, "antonym"):
            v["roles_swapped"] = 1.0
            notes["roles_swapped"] = why
            exact_mismatch.append(why)
        elif rc == "match":
            v["roles_match"] = 1.0
            notes["roles_match"] = why
            if best_rel == "antonym":
                # converse verbs with the parties crossed state the same fact
                # ("X bought from Y" / "Y sold to X"): no opposite
                for k in ("pred_antonym", "antonym_pair"):
                    v[k] = 0.0
                    notes.pop(k, None)
                notes["roles_match"] = f"{why} (converse: '{cf.predicate_text}' / '{ef.predicate_text}' with the parties crossed)"
        if rc != "match" and best_rel in _SAME_EVENT:
            other = _agent_differs(cf, ef, ev.text[ef.start:ef.end], same_entity)
            if other:
                v["agent_differs"] = 1.0
                notes["agent_differs"] = other
        if best_rel in _SAME_EVENT and not v["agent_differs"]:
            # the same statement from another speaker: the claim's speaker did not say it
            other = _speaker_differs(cf, ef, ev.text[ef.start:ef.end], same_entity)
            if other:
                v["agent_differs"] = 1.0
                notes["agent_differs"] = other
        strong = {"asserted": 0, "reported": 0, "demanded": 1, "hypothetical": 2}
        ev_mod = ef.modality
        if cf.predicate in load_cues().demand_verbs and cf.modality in ("asserted", "reported"):
            cf = replace(cf, modality="demanded")  # "the statement calls on X to ...": a claim about a demand
        if cf.predicate and cf.modality in ("asserted", "reported") and ev_mod in ("asserted", "reported"):
            # the claim's predicate is in the evidence only inside a demand
            # ("calls on Serbia to cooperate" for "Serbia cooperated")
            where = [f for f in ev.frames if cf.predicate in {x[0] for x in f.lemmas}]
            if where and all(cf.predicate in f.demanded_lemmas for f in where):
                ev_mod = "demanded"
        if strong[ev_mod] > strong[cf.modality]:
            v["evidence_weaker"] = 1.0
            notes["evidence_weaker"] = f"the evidence is {ev_mod} ('{ef.modal_word or 'a call for it'}'), the claim {cf.modality}"
        v["claim_demand"] = float(cf.modality == "demanded")
        force = _demand_force()
        c_force = max((force[x[0]] for x in claim.lemmas if x[0] in force), default=0)
        e_force = max((force[x[0]] for x in ev.lemmas if x[0] in force), default=0)
        if c_force and e_force and c_force > e_force:
            word = next(x[2] for x in ev.lemmas if force.get(x[0]) == e_force)
            partial.append(f"the evidence's call has weaker force ('{word}')")
        if cf.modality == "demanded" and ev_mod in ("asserted", "reported"):
            # the claim reports a call or an expectation ("X expects emissions
            # to fall"); evidence stating the event is not that call, unless the
            # calling verb (or one of its class) is there too
            callers = [(lem, pos, surf) for lem, pos, surf in claim.lemmas if lem in load_cues().demand_verbs and lem != cf.predicate]
            if callers and not any(_find_lemma(lem, pos, surf, ev, ev_words)[0] in ("same", "synonym") for lem, pos, surf in callers):
                v["demand_unstated"] = 1.0
                notes["demand_unstated"] = f"the claim reports a call or expectation ('{callers[0][2]}') the evidence does not state"
        v["evidence_hedged"] = float(ef.modality in ("hypothetical", "reported"))
    # numbers: the claim's measures against the evidence's
    if claim.measures:
        nc = compare_measures(claim.measures, ev.measures, lambda a, b: _relation(a, b, "n") in ("same", "synonym", "hypernym", "hyponym"),
                              passage=ev.text)
        key = {"match": "num_match", "close": "num_close", "mismatch": "num_mismatch", "absent": "num_absent", "partial": "num_absent"}.get(nc.status)
        if key:
            v[key] = 1.0
            notes[key] = "; ".join(nc.reasons)
        if nc.status == "match":
            # how many figures agree exactly (read by the verdict rule, not the model)
            v["num_matched"] = float(len(claim.measures))
        if nc.status == "partial":
            v["num_close"] = 1.0  # some of the claim's figures are there
        if nc.status == "mismatch" and aligned:
            exact_mismatch.append("; ".join(r for r in nc.reasons if "differs" in r))
        if nc.status in ("close", "partial"):
            partial.append("number only partly agrees")
    if cf and cf.dates and context:
        # a date inside the name of the document the claim cites ("the Kosovo
        # 2024 Report"), that name in the document's title: part of the name,
        # not a date of the event
        ctx_f = fold_str(context.lower())
        phrases = [a.text for f in claim.frames for a in f.actors]
        if claim.doc is not None and hasattr(claim.doc, "noun_chunks"):
            phrases += [nc.text for nc in claim.doc.noun_chunks]
        named = [d for d in cf.dates if any(d.surface in ph and ph.split()[-1][:1].isupper()
                                            and fold_str(ph.lower()).removeprefix("the ") in ctx_f for ph in phrases)]
        if named:
            cf = replace(cf, dates=[d for d in cf.dates if d not in named])
            notes["date_in_title"] = f"date {named[0].surface} is part of the document's name"
    if cf and cf.dates:
        ev_dates = [d for f in ev.frames for d in f.dates]
        seen, uniq = set(), []
        for d in ev_dates:
            if (d.iso, d.surface) not in seen:
                seen.add((d.iso, d.surface))
                uniq.append(d)
        ctx_low = fold_str(context.lower())
        ctx_set = set(re.findall(r"[a-z0-9]+", ctx_low))
        # the claim's agent is the document or its publisher ("the statement",
        # "the European Parliament" for its resolution)
        # (a name or a definite phrase: a bare common noun of the title, "emissions", is no publisher)
        # (a capital at the start of the sentence is no name: "Heart disease had been ...")
        self_act = bool(context) and any(a.role == "agent" and (a.entity or (a.text[:1].isupper() and a.start > 0)
                                                                or any(w[:1].isupper() for w in a.text.split()[1:])
                                                                or a.text.lower().startswith(("the ", "this ")))
                                         and (fold_str(a.text.lower()).removeprefix("the ") in ctx_low or a.head in ctx_set)
                                         for a in cf.actors) and len(cf.dates) == 1  # a period ("from June 2023 to August 2024") is no act's date
        st, rs = _dates_check(cf, claim, uniq, ev.text, doc_date, self_act)
        key = {"match": "date_match", "mismatch": "date_mismatch", "other_event": "date_other_event"}.get(st)
        if key:
            v[key] = 1.0
            notes[key] = "; ".join(rs)
        if st == "mismatch" and aligned:
            exact_mismatch.append("; ".join(r for r in rs if "differs" in r))
        if st in ("absent", "partial", "other_event"):
            partial.append(next((r for r in rs if "only partly confirmed" in r), "date not confirmed"))
            notes.setdefault("date_absent", "; ".join(rs))
    qs, qr = _quotes_check(claim, ev.text)
    if qs == "found":
        v["quote_found"] = 1.0
        notes["quote_found"] = "; ".join(qr)
        other = _quote_speaker_differs(claim, cf, ev, same_entity) if cf is not None else ""
        if other and not v["agent_differs"]:
            v["agent_differs"] = 1.0
            notes["agent_differs"] = other
        if v["agent_differs"]:
            # the quoted words, verbatim, in another named person's mouth:
            # an exact check that fails, like another figure
            exact_mismatch.append(notes["agent_differs"])
    elif qs in ("absent", "altered"):
        key = "quote_missing" if qs == "absent" else "quote_altered"
        v[key] = 1.0
        notes[key] = "; ".join(qr)
        partial.append("quoted words not found verbatim")
    unstated = _unstated_clause(claim, ev, found_as, set(ent_found), considered)
    if unstated:
        notes["clause_unstated"] = unstated
        partial.append(unstated)
    if v["entities_missing"]:
        partial.append(notes.get("entities_missing", "an actor is missing"))
    if v["evidence_weaker"]:
        partial.append(notes["evidence_weaker"])
    # everything the claim says is there and nothing disagrees
    anchored = v["num_match"] or v["num_close"] or v["quote_found"] or v["date_match"]
    # every content word there and the figure or date agreeing exactly: a
    # predicate not matched is only parsed otherwise ("took part", "its
    # resolution adopted on ...")
    exact_anchor = (v["num_match"] or v["date_match"]) and not (v["num_absent"] or v["num_close"])
    v["all_aligned"] = float((v["cover_all"] >= 0.8 or (anchored and v["cover_all"] >= 0.6))
                             and (v["pred_same"] or v["pred_related"] or (exact_anchor and v["cover_all"] >= 0.9))
                             and not v["entities_missing"]
                             and not exact_mismatch and not v["neg_mismatch"] and not v["pred_antonym"])
    v["evidence_len"] = min(len(ev.lemmas), 80) / 80.0
    v["claim_len"] = min(len(claim.lemmas), 40) / 40.0
    claim_l = {x[0] for x in claim.lemmas}
    v["unmatched_evidence"] = (sum(1 for x in ev.lemmas if x[0] not in claim_l) / len(ev.lemmas)) if ev.lemmas else 1.0
    if vecs is not None:
        # the two sentence vectors' elementwise product and distance: what the
        # model learns about meaning beyond the named checks
        cvec, evec = vecs
        for i, (a, b) in enumerate(zip(cvec, evec)):
            v[f"vec_p{i}"] = float(a * b)
            v[f"vec_d{i}"] = float(abs(a - b))
    sent = (ef.start, ef.end) if ef else (0, len(ev.text))
    mod = (cf.modality if cf else "asserted", ev_mod if (cf and ef) else "asserted")
    return Features(v, notes, exact_mismatch, partial, sent, mod)


def _clauses(doc: Any) -> list[Any]:
    """The main clause and each verb coordinated with it ("X did A, and Y
    did B", "X did A and B"), as (head verb, tokens)."""
    if doc is None or not hasattr(doc, "sents"):
        return []
    heads = []
    for sent in doc.sents:
        root = sent.root
        heads.append(root)
        # with its own subject or sharing the main one ("condemned the attack
        # and imposed sanctions")
        heads += [c for c in root.children if c.dep_ == "conj" and c.pos_ == "VERB" and root.pos_ in ("VERB", "AUX")]
    if len(heads) < 2:
        return []
    ids = {h.i for h in heads}
    out = []
    for h in heads:
        toks, stack = [], [h]
        while stack:
            t = stack.pop()
            toks.append(t)
            stack += [c for c in t.children if c.i not in ids]
        out.append((h, sorted(toks, key=lambda t: t.i)))
    return out


def _unstated_clause(claim: Parsed, ev: Parsed, found_as: dict[str, str], names_found: set[str], considered: set[str]) -> str:
    """A reason when one of the claim's coordinated clauses is stated in no
    sentence of the evidence while another is: "X did A, and Y did B" with
    only A there is partly supported.  A clause counts as stated when one
    evidence sentence holds its verb and more than half of its content words
    (the same word or the related word the alignment found)."""
    clauses = _clauses(claim.doc)
    if not clauses:
        return ""
    sentences = [{x[0] for x in f.lemmas} for f in ev.frames] or [{x[0] for x in ev.lemmas}]
    name_words = {fold_str(w.lower()) for n in names_found for w in re.findall(r"\w+", n)}
    scores = []
    for head, toks in clauses:
        words = {fold_str(_lemma(t)) for t in toks if not t.is_stop and not t.is_punct and not t.like_num
                 and t.pos_ in ("NOUN", "PROPN", "VERB", "ADJ") and re.search(r"[A-Za-z]", t.text) and not re.search(r"\d", t.text)}
        words = (words - _GENERIC) & considered
        verb = fold_str(_lemma(head))
        if len(words) < 2:
            return ""
        best = max((sum(1 for w in words if found_as.get(w) in sent or (w in name_words)) for sent in sentences
                    if verb not in words or verb in LIGHT_VERBS or found_as.get(verb) in sent), default=0)
        scores.append((best / len(words), toks))
    stated = [sc for sc, _ in scores if sc > 0.5]
    missing = [toks for sc, toks in scores if sc <= 0.5]
    if not stated or not missing:
        return ""
    part = claim.doc.text[missing[0][0].idx:missing[0][-1].idx + len(missing[0][-1].text)].strip(" ,;.")
    return f"part of the claim is stated in no sentence of the evidence: '{_clip(part, 70)}'"


# ----------------------------------------------------------------- verdicts

@dataclass
class Judgement:
    verdict: str
    score: float
    reasons: list[str]
    probabilities: dict[str, float]
    features: Features


def decide(f: Features, model: Any) -> Judgement:
    """Features -> verdict with the learned model and the exact-check rule."""
    probs, contrib = model.predict(f.values)
    top = sorted(contrib, key=lambda kv: -abs(kv[1]))
    reasons: list[str] = []
    for name, _ in top:
        if name in f.notes and f.notes[name] not in reasons:
            reasons.append(f.notes[name])
        if len(reasons) >= 4:
            break
    for k in ("num_match", "num_close", "num_mismatch", "date_match", "date_mismatch", "roles_swapped", "agent_differs", "quote_found", "quote_altered",
              "quote_missing", "pred_related", "neg_mismatch", "entities_alias"):
        if k in f.notes and f.notes[k] not in reasons and (f.values.get(k) or k == "entities_alias"):
            reasons.append(f.notes[k])
    if "cover_all" in f.notes and f.notes["cover_all"] not in reasons:
        reasons.append(f.notes["cover_all"])
    p_sup, p_con, p_nf = probs["supported"], probs["contradicted"], probs["not_found"]
    pr = f"model: supported {p_sup:.2f}, contradicted {p_con:.2f}, not_found {p_nf:.2f}"
    if f.exact_mismatch and (f.values["cover_all"] >= _ALIGNED or f.values["sim_best"] >= 0.75):
        return Judgement("contradicted", round(max(p_con, 0.8), 3), f.exact_mismatch + [r for r in reasons if r not in f.exact_mismatch] + [pr], probs, f)
    verdict = model.choose(probs, f.values)
    if verdict in ("supported", "not_found") and f.modality[1] == "demanded" and f.modality[0] in ("asserted", "reported") \
            and (f.values["pred_same"] or f.values["pred_related"]):
        return Judgement("not_found", round(p_sup * 0.5, 3), reasons + ["the evidence only calls for it; it does not state it happened", pr], probs, f)
    if verdict == "not_found" and (f.values["quote_altered"] or f.values["quote_found"]) and f.values["cover_all"] >= 0.6 \
            and not any(f.values.get(k) for k in SUPPORT_BLOCKERS):
        # the claim's quoted words are in the evidence (verbatim or nearly):
        # it speaks to the claim, whatever the rest
        verdict = "supported"
    if verdict == "not_found" and f.values["num_close"] and not (f.values["num_mismatch"] or f.values["num_absent"]) \
            and p_sup > max(p_con, p_nf) and not any(f.values.get(k) for k in SUPPORT_BLOCKERS):
        # an approximate figure that agrees with the source's within the
        # precision it was written with, the model leaning to support: partial
        # support, with the source's figure as the reason
        return Judgement("partly_supported", round(p_sup, 3), reasons + [p for p in f.partial if p not in reasons] + [pr], probs, f)
    if verdict == "not_found" and f.values.get("num_matched", 0) >= _MANY_FIGURES and f.values["cover_all"] >= _ALIGNED \
            and p_sup >= p_con and not f.exact_mismatch and not any(f.values.get(k) for k in SUPPORT_BLOCKERS):
        # three or more of the claim's figures, all found exactly, in a passage
        # holding most of its words: that many agreeing figures are no chance
        # (the model reads only whether the figures agree, not how many)
        why = f"all {int(f.values['num_matched'])} of the claim's figures are in the evidence"
        verdict = "supported"
        reasons = reasons + [why]
    if verdict == "supported" and f.values.get("demand_unstated"):
        return Judgement("not_found", round(1.0 - p_nf, 3), reasons + [f.notes["demand_unstated"], pr], probs, f)
    if verdict == "supported" and f.values["pred_missing"] and f.values["entities_missing"]:
        # neither what the claim says happened nor who it names is there
        return Judgement("not_found", round(1.0 - p_nf, 3), reasons + ["the evidence has neither the claim's predicate nor all its actors", pr], probs, f)
    if verdict == "supported" and f.values["num_absent"] and not (f.values["num_match"] or f.values["num_close"]):
        # the claim's figure is its anchor: a passage without it does not state the claim
        return Judgement("not_found", round(1.0 - p_nf, 3), reasons + ["the evidence shares the claim's words but not its number", pr], probs, f)
    if verdict == "supported":
        if f.partial:
            return Judgement("partly_supported", round(p_sup, 3), reasons + [p for p in f.partial if p not in reasons] + [pr], probs, f)
        return Judgement("supported", round(p_sup, 3), reasons + [pr], probs, f)
    if verdict == "contradicted":
        from extractors.match.verdict_model import reads_as_opposite

        if reads_as_opposite(f.values, getattr(model, "thresholds", {})) and "pair_ref" in f.notes and f.notes["pair_ref"] not in reasons:
            reasons.insert(0, f.notes["pair_ref"])
        return Judgement("contradicted", round(p_con, 3), reasons + [pr], probs, f)
    return Judgement("not_found", round(1.0 - p_nf, 3), reasons + [pr], probs, f)
