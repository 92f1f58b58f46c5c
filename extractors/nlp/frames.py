"""Claim frames: who did what to whom, how much, when, with what force.

One extractor, used for article claims, evidence sentences and the relations
table.  ``frames(span)`` gives a :class:`Frame` per main predicate of a spaCy
sentence or span (the root and the verbs coordinated with it or reported by
it); ``main_frame(span)`` the first one.

A frame holds

* ``actors``: noun phrases with a role: ``agent`` (subject, or the ``by``
  phrase of a passive), ``patient`` (direct object, passive subject),
  ``recipient`` (indirect object, ``to``-phrase), ``source`` (``from``-phrase:
  the seller of "bought from"), ``target`` (``against``/``on``-phrase);
* ``predicate``: the lemma (a light verb's complement when the verb says
  little: "is in detention" -> "detention") and its ``sense``, the class
  from ``relation_verbs.toml`` when the verb is listed there, else the lemma;
* ``measures``: numbers with units (``extractors.match.units``) and what
  they count; ``dates``: each date with the predicate it dates (the head
  verb or event noun it hangs from, so "indicted in 2024 for the 2023
  attack" keeps the two events apart);
* ``polarity``: ``positive``, ``negative`` (a negation of the predicate itself
  or a negating governor such as "refused to"), or ``partial`` ("met some but
  not all of its targets", "not every"): a partial negation does not deny
  the predicate;
* ``modality``: ``asserted``, ``demanded`` ("should", the complement of
  "calls on"), ``reported`` ("reportedly", "according to", the complement of
  a reporting verb) or ``hypothetical`` ("would", "could", an ``if`` clause,
  a question); with ``attribution``, the speaker of a reported statement;
* ``quotes``: words between quotation marks.

The cue words come from ``relation_verbs.toml`` (modality, negation); no word
of a particular article is in the code.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, Span, Token

from extractors.textnorm import fold_str

FRAMES_VERSION = "frames.v6"

_ROOT = Path(__file__).resolve().parents[2]
_LIGHT = {"be", "have", "do", "make", "take", "get", "give", "become", "remain", "keep", "seem", "appear"}
_QUOTE_RE = re.compile(r"[\"\u201c\u201e\u00ab]([^\"\u201c\u201d\u201e\u00ab\u00bb]{2,300})[\"\u201d\u00bb]")
_PARTIAL = re.compile(r"\b(?:some|many|most|several|part)\b[^.;]{0,40}\bbut not (?:all|every|each)\b|\bnot (?:all|every|each|entirely|fully|completely|always)\b|\bnot the only\b", re.I)
_ROLE_PREPS = {"to": "recipient", "from": "source", "against": "target", "on": "target", "with": "partner"}


@dataclass(frozen=True)
class Actor:
    text: str  # the phrase as written
    head: str  # head lemma, lowercased and folded
    role: str  # agent | patient | recipient | source | target | partner | place
    entity: str  # spaCy entity label of the head, "" when none
    start: int  # character offsets in the span's doc
    end: int


@dataclass(frozen=True)
class DatedEvent:
    iso: str
    precision: str  # year | month | day | range
    surface: str
    event: str  # lemma of the verb or event noun the date hangs from


@dataclass
class Frame:
    text: str
    predicate: str  # lemma
    predicate_text: str
    sense: str  # relation class when the verb is listed, else the lemma
    actors: list[Actor] = field(default_factory=list)
    object: str = ""  # head lemma of the object/complement
    measures: list[Any] = field(default_factory=list)  # extractors.match.units.Measure
    dates: list[DatedEvent] = field(default_factory=list)
    polarity: str = "positive"  # positive | negative | partial
    negation: str = ""  # the words that negate ("not", "refused to", "some but not all")
    modality: str = "asserted"  # asserted | demanded | reported | hypothetical
    modal_word: str = ""
    attribution: str = ""  # speaker of a reported statement
    attribution_named: bool = False  # the speaker is a name (a proper noun or a named entity), not "he", "data"
    quotes: list[str] = field(default_factory=list)
    lemmas: list[tuple[str, str]] = field(default_factory=list)  # (lemma, coarse POS) of content words
    universal: bool = False  # "all the defendants", "every member"
    demanded_lemmas: frozenset[str] = frozenset()  # words inside a demand ("calls on X to *cooperate*")
    start: int = 0
    end: int = 0

    def role(self, role: str) -> list[Actor]:
        return [a for a in self.actors if a.role == role]


@dataclass(frozen=True)
class Cues:
    demand_verbs: frozenset[str]
    demand_modals: frozenset[str]
    reported_adverbs: frozenset[str]
    reported_phrases: tuple[str, ...]
    reporting_verbs: frozenset[str]
    hyp_modals: frozenset[str]
    hyp_marks: frozenset[str]
    negating_verbs: frozenset[str]
    verb_classes: dict[str, str]
    calendar_nouns: frozenset[str] = frozenset()
    stative_verbs: frozenset[str] = frozenset()


@lru_cache(maxsize=4)
def load_cues(directory: str | None = None) -> Cues:
    """Modality and negation cues and verb classes from relation_verbs.toml."""
    import tomllib

    path = Path(directory) if directory else _ROOT / "corpus" / "gazetteer"
    data = tomllib.loads((path / "relation_verbs.toml").read_text(encoding="utf-8"))
    mod, neg = data.get("modality", {}), data.get("negation", {})
    f = lambda xs: frozenset(fold_str(x.lower()) for x in xs)  # noqa: E731
    return Cues(
        demand_verbs=f(mod.get("demand_verbs", [])), demand_modals=f(mod.get("demand_modals", [])),
        reported_adverbs=f(mod.get("reported_adverbs", [])),
        reported_phrases=tuple(fold_str(p.lower()) for p in mod.get("reported_phrases", [])),
        reporting_verbs=f(mod.get("reporting_verbs", []) + ["announce", "confirm", "warn", "argue", "note", "find", "conclude", "estimate", "show", "suggest", "indicate"]),
        hyp_modals=f(mod.get("hypothetical_modals", [])), hyp_marks=f(mod.get("hypothetical_marks", [])),
        negating_verbs=f(neg.get("negating_verbs", [])),
        verb_classes={k.lower(): v for k, v in data.get("verbs", {}).items()},
        calendar_nouns=f(data.get("dates", {}).get("calendar_nouns", [])),
        stative_verbs=f(data.get("dates", {}).get("stative_verbs", [])),
    )


def _lemma(t: Token) -> str:
    """The lowercased lemma; a capitalised verb the lemmatiser left inflected
    ("Urges" at the start of a resolution item) loses its -s."""
    lem = t.lemma_.lower()
    if lem == t.lower_ and t.pos_ in ("VERB", "AUX") and lem.endswith("s") and not lem.endswith("ss") and len(lem) > 4:
        return lem[:-2] if lem.endswith(("ches", "shes", "sses", "xes")) else lem[:-1]
    return lem


def _phrase(tok: Token) -> tuple[str, int, int]:
    """The noun phrase of *tok* without its prepositional phrases and clauses."""
    left = tok.left_edge.i
    right = tok.i
    for c in tok.rights:
        if c.dep_ in ("compound", "amod", "nummod", "poss", "flat", "case", "nmod"):
            right = max(right, c.right_edge.i)
        else:
            break
    span = tok.doc[left:right + 1]
    return span.text, span.start_char, span.end_char


def _actor(tok: Token, role: str) -> list[Actor]:
    out = []
    for t in [tok] + [c for c in tok.conjuncts]:
        if t.pos_ in ("PRON",) and t.lower_ in ("it", "that", "which", "this", "there", "what"):
            continue
        text, a, b = _phrase(t)
        out.append(Actor(text, fold_str(t.lemma_.lower()), role, t.ent_type_, a, b))
    return out


def _content(span: Span | Doc) -> list[tuple[str, str]]:
    out = []
    for t in span:
        if t.is_stop or t.is_punct or t.like_num or not re.search(r"[A-Za-z]", t.text):
            continue
        if t.pos_ not in ("NOUN", "PROPN", "VERB", "ADJ", "ADV", "NUM", "X"):
            continue
        out.append((fold_str(t.lemma_.lower()), t.pos_))
    return out


def _predicate_heads(sent: Span) -> list[Token]:
    root = sent.root
    heads = [root]
    for t in sent:
        if t is root:
            continue
        if t.dep_ == "conj" and t.head in heads and t.pos_ in ("VERB", "AUX"):
            heads.append(t)
    return heads


def _effective(head: Token, cues: Cues) -> tuple[Token, list[Token]]:
    """The verb that carries the claim: a reporting or demand verb hands over
    to its clausal complement ("said that X bought"), a negating or light
    governor to its infinitive ("refused to extradite", "continued to
    reject").  Returns (carrier, chain of governors passed)."""
    chain: list[Token] = []
    cur = head
    for _ in range(4):
        lem = _lemma(cur)
        comp = [c for c in cur.children if c.dep_ in ("ccomp", "xcomp") and c.pos_ in ("VERB", "AUX", "ADJ", "NOUN")]
        if not comp:
            break
        if lem in cues.reporting_verbs or lem in cues.demand_verbs or lem in cues.negating_verbs or lem in _LIGHT \
                or lem in ("continue", "begin", "start", "try", "seek", "plan", "agree", "decide", "manage", "want", "hope", "expect", "intend", "need", "call", "use", "help"):
            chain.append(cur)
            cur = comp[0]
            continue
        break
    return cur, chain


def _light_complement(v: Token) -> Token | None:
    if v.lemma_.lower() not in _LIGHT:
        return None
    for c in v.children:
        if c.dep_ in ("attr", "acomp", "oprd") and c.pos_ != "PRON":
            return c
    for c in v.children:
        if c.dep_ == "dobj" and c.pos_ in ("NOUN",):
            return c
    for c in v.children:
        if c.dep_ == "prep":
            for g in c.children:
                if g.dep_ == "pobj" and g.pos_ == "NOUN":
                    return g
    return None


def _roles(v: Token) -> list[Actor]:
    actors: list[Actor] = []
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in v.children)
    subj = [c for c in v.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")]
    if not subj and v.dep_ in ("xcomp", "conj", "ccomp") and v.head is not v:
        # "refused to extradite": the controller; "X bought and sold": the first subject
        subj = [c for c in v.head.children if c.dep_ in ("nsubj", "nsubjpass")]
        if v.dep_ == "xcomp":
            objs = [c for c in v.head.children if c.dep_ == "dobj"]
            if objs:  # "urged Serbia to extradite": the object does it
                subj = objs
        passive = passive or (v.dep_ == "conj" and any(c.dep_ == "nsubjpass" for c in v.head.children))
    if v.dep_ == "relcl" and not subj:
        subj = [v.head]
    for s in subj:
        actors += _actor(s, "patient" if s.dep_ == "nsubjpass" or (passive and s.dep_ != "dobj") else "agent")
    for c in v.children:
        if c.dep_ == "dobj":
            actors += _actor(c, "patient")
        elif c.dep_ == "dative":
            # "gave Serbia jets", or the parser's dative preposition: "sold jets to Serbia"
            heads = [g for g in c.children if g.dep_ == "pobj"] if c.pos_ == "ADP" else [c]
            for g in heads:
                actors += _actor(g, "recipient")
        elif c.dep_ == "agent":
            for g in c.children:
                if g.dep_ == "pobj":
                    actors += _actor(g, "agent")
        elif c.dep_ == "prep" and c.lower_ in _ROLE_PREPS:
            for g in c.children:
                # "from 2010", "to June": a time, not a party
                if g.dep_ == "pobj" and not _is_time(g):
                    actors += _actor(g, _ROLE_PREPS[c.lower_])
        elif c.dep_ == "prep" and c.lower_ in ("in", "at"):
            for g in c.children:
                if g.dep_ == "pobj" and g.ent_type_ in ("GPE", "LOC", "FAC"):
                    actors += _actor(g, "place")
    # a preposition on the object: "bought 12 jets from Serbia", also on a
    # noun the object governs through "of" ("took delivery of the jets from
    # France"), where the parser hangs it on the nearest noun; there only a
    # name is taken
    for o in [c for c in v.children if c.dep_ == "dobj"]:
        for depth, n in _of_chain(o):
            for p in n.children:
                if p.dep_ == "prep" and p.lower_ in ("from", "to"):
                    for g in p.children:
                        if g.dep_ == "pobj" and not _is_time(g) \
                                and (depth == 0 or g.pos_ == "PROPN" or g.ent_type_ in _PARTY_LABELS):
                            actors += _actor(g, _ROLE_PREPS[p.lower_])
    return actors


_PARTY_LABELS = {"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"}


def _is_time(tok: Token) -> bool:
    return tok.like_num or tok.ent_type_ in ("DATE", "TIME")


def _of_chain(noun: Token, depth: int = 0) -> list[tuple[int, Token]]:
    """The noun and the nouns it governs through "of" (at most three deep)."""
    out = [(depth, noun)]
    if depth < 3:
        for p in noun.children:
            if p.dep_ == "prep" and p.lower_ == "of":
                for g in p.children:
                    if g.dep_ == "pobj":
                        out += _of_chain(g, depth + 1)
    return out


def _polarity(v: Token, chain: list[Token], sent: Span, cues: Cues) -> tuple[str, str]:
    m = _PARTIAL.search(sent.text)
    if m:
        return "partial", m.group(0)
    for t in [v] + chain:
        for c in t.children:
            if c.dep_ == "neg" or c.lower_ in ("never",):
                # "did not only X but also Y" is no negation
                if c.i + 1 < len(c.doc) and c.doc[c.i + 1].lower_ in ("only", "just", "merely"):
                    continue
                return "negative", f"{c.text} {t.text}"
    for t in chain:
        if _lemma(t) in cues.negating_verbs:
            return "negative", f"{t.text} to"
    for c in v.children:
        if c.dep_ in ("dobj", "nsubjpass", "nsubj", "attr"):
            for d in c.children:
                if d.dep_ == "det" and d.lower_ in ("no", "neither"):
                    return "negative", f"{d.text} {c.text}"
            if c.lower_ in ("nothing", "none", "nobody", "noone"):
                return "negative", c.text
    return "positive", ""


def _modality(v: Token, chain: list[Token], sent: Span, cues: Cues) -> tuple[str, str, str]:
    low = " " + fold_str(sent.text.lower()) + " "
    speaker = ""
    for t in chain:
        lem = t.lemma_.lower()
        if lem in cues.demand_verbs and (any(c.dep_ in ("dobj", "dative") for c in t.children)
                                         or any(c.dep_ == "prep" and c.lower_ in ("on", "upon", "for") for c in t.children)
                                         or any(c.dep_ == "ccomp" for c in t.children)):
            # someone calls on, urges or requires someone else; "expects to
            # sign" (no one else to act) is the subject's own intention
            return "demanded", t.text, ""
        if lem in cues.reporting_verbs:
            subj = [c for c in t.children if c.dep_ == "nsubj"]
            speaker = _phrase(subj[0])[0] if subj else ""
            # "The board's chairman, Javier Betancourt, said": the name in apposition
            appos = [c for c in subj[0].children if c.dep_ == "appos"] if subj else []
            if appos:
                speaker = f"{speaker}, {_phrase(appos[0])[0]}"
    for t in [v] + chain:
        for c in t.children:
            if c.dep_ == "aux" and c.lower_ in cues.demand_modals:
                return "demanded", c.text, speaker
            if c.dep_ == "aux" and c.lower_ in cues.hyp_modals:
                return "hypothetical", c.text, speaker
            if c.dep_ == "mark" and c.lower_ in cues.hyp_marks and t is v:
                return "hypothetical", c.text, speaker
    if any(c.dep_ == "advcl" and any(m.lower_ in ("if", "unless") for m in c.children) for c in v.children):
        pass  # a condition on the main clause's consequence: "if X, Y would"; the modal decides
    if sent.text.rstrip().endswith("?"):
        return "hypothetical", "?", speaker
    for a in cues.reported_adverbs:
        if f" {a} " in low:
            return "reported", a, speaker
    for p in cues.reported_phrases:
        if f" {p} " in low:
            if p == "according to":
                m = re.search(r"according to ([^,.;]+)", sent.text, re.I)
                speaker = speaker or (m.group(1).strip() if m else "")
            return "reported", p, speaker
    if speaker:
        return "reported", chain[0].text if chain else "", speaker
    return "asserted", "", ""


def _dates(span: Span | Doc, text_offset: int) -> list[DatedEvent]:
    from extractors.claims.quantities import find_dates

    out = []
    doc = span.doc if isinstance(span, Span) else span
    # a date's own nouns ("the fall of 2006", "the first quarter") name no event
    calendar = load_cues().calendar_nouns
    for d in find_dates(span.text):
        a = text_offset + d.start
        tok = next((t for t in doc if t.idx >= a), None)
        event = ""
        cur = tok
        for _ in range(6):
            if cur is None or cur.head is cur:
                break
            cur = cur.head
            if cur.pos_ == "VERB" or (cur.pos_ == "NOUN" and cur.lemma_.lower() not in calendar):
                event = fold_str(cur.lemma_.lower())
                break
        if not event and cur is not None:
            event = fold_str(cur.lemma_.lower())
        out.append(DatedEvent(d.iso, d.precision, d.surface, event))
    return out


def _measures(sent: Span) -> list[Any]:
    """Measures of a sentence with offsets into the doc; a count's thing
    counted is the lemma of the noun the number modifies ("two men" -> man)."""
    from dataclasses import replace

    from extractors.match.units import find_measures

    out = []
    for m in find_measures(sent.text):
        a = sent.start_char + m.start
        m = replace(m, start=a, end=sent.start_char + m.end)
        if m.dimension == "count":
            tok = next((t for t in sent if t.idx >= a), None)
            if tok is not None and tok.dep_ in ("nummod", "quantmod") and tok.head.pos_ in ("NOUN", "PROPN"):
                head = tok.head
                surface = sent.doc.text[a:head.idx + len(head.text)] if head.i > tok.i and head.i - tok.i <= 4 else m.surface
                m = replace(m, counted=fold_str(head.lemma_.lower()), surface=surface)
        out.append(replace(m, context=_measure_context(sent, m.start, m.end)))
    return out


_CONTEXT_TOKENS = 15
_CONTEXT_POS = ("NOUN", "PROPN", "ADJ")


def _measure_context(sent: Span, start: int, end: int) -> tuple[str, ...]:
    """The nouns and adjectives of a number's clause, up to fifteen tokens
    either side, stopping at a comma, a semicolon or "while"/"but": what the
    figure is a figure of ("people with a disability", a table cell's row
    and column).  Verbs are left out: "rose" is shared by figures of
    different things."""
    from extractors.match.units import clause_breaks

    breaks = clause_breaks()
    toks = list(sent)
    inside = [i for i, t in enumerate(toks) if start <= t.idx < end]
    if not inside:
        return ()
    out: list[str] = []
    for step, first in ((-1, inside[0] - 1), (1, inside[-1] + 1)):
        i, seen = first, 0
        while 0 <= i < len(toks) and seen < _CONTEXT_TOKENS:
            t = toks[i]
            if t.text in (",", ";", ".", "!", "?") or t.lower_ in breaks:
                break
            seen += 1
            if t.pos_ in _CONTEXT_POS and not t.is_stop and not t.like_num and re.search(r"[a-z]", t.lower_):
                out.append(fold_str(t.lemma_.lower()))
            i += step
    return tuple(dict.fromkeys(out))


def demand_scope(sent: Span, cues: Cues) -> frozenset[str]:
    """Lemmas said only as a demand: the complement of a demand verb with
    someone to act ("calls on Serbia to cooperate", "urged the Council to
    adopt measures") or a clause with should/must."""
    out: set[str] = set()
    for t in sent:
        lem = _lemma(t)
        demanding = (lem in cues.demand_verbs and t.pos_ in ("VERB", "NOUN", "PROPN") and (
            any(c.dep_ in ("dobj", "dative", "ccomp", "xcomp") for c in t.children)
            or any(c.dep_ == "prep" and c.lower_ in ("on", "upon", "for") for c in t.children)))
        modal = t.pos_ in ("VERB", "AUX") and any(c.dep_ == "aux" and c.lower_ in cues.demand_modals for c in t.children)
        if demanding:
            out.update(fold_str(x.lemma_.lower()) for x in t.subtree if x.i > t.i)
        if modal:
            out.update(fold_str(x.lemma_.lower()) for x in t.subtree)
    return frozenset(out)


def frames(span: Span | Doc, gazetteer_dir: str | None = None) -> list[Frame]:
    """One frame per main predicate of every sentence in *span*."""
    cues = load_cues(gazetteer_dir)
    sents = list(span.sents) if (isinstance(span, Doc) or span.doc.has_annotation("SENT_START")) else [span]
    out: list[Frame] = []
    for sent in sents:
        quotes = [m.group(1) for m in _QUOTE_RE.finditer(sent.text)]
        measures = _measures(sent)
        dates = _dates(sent, sent.start_char)
        lemmas = _content(sent)
        demanded = demand_scope(sent, cues)
        universal = any(t.lower_ in ("all", "every", "each") and t.dep_ in ("det", "predet", "nsubj", "nsubjpass")
                        for t in sent)
        for head in _predicate_heads(sent):
            v, chain = _effective(head, cues)
            comp = _light_complement(v)
            if comp is not None and (comp.like_num or not comp.text[:1].isalpha()):
                # "the rate was 6.8%": the subject names what is measured
                subj = [c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")]
                comp = subj[0] if subj else None
            pred_tok = comp if comp is not None else v
            lem = fold_str(_lemma(pred_tok))
            pol, negw = _polarity(v, chain, sent, cues)
            modality, mword, speaker = _modality(v, chain, sent, cues)
            spoken = set(speaker.split())
            speaker_named = bool(speaker) and any(
                t.text in spoken and (t.ent_type_ in ("PERSON", "ORG", "NORP", "GPE")
                                      or t.pos_ == "PROPN" and t.i > sent.start)  # "Records show": a capital, no name
                for t in sent)
            obj = next((c for c in v.children if c.dep_ in ("dobj", "attr", "acomp", "nsubjpass")), None)
            fr = Frame(
                text=sent.text, predicate=lem, predicate_text=pred_tok.text,
                sense=cues.verb_classes.get(lem, lem), actors=_roles(v),
                object=fold_str(obj.lemma_.lower()) if obj is not None else "",
                measures=measures, dates=dates, polarity=pol, negation=negw, modality=modality,
                modal_word=mword, attribution=speaker, attribution_named=speaker_named, quotes=quotes, lemmas=lemmas,
                start=sent.start_char, end=sent.end_char, universal=universal, demanded_lemmas=demanded,
            )
            out.append(fr)
    return out


def main_frame(span: Span | Doc, gazetteer_dir: str | None = None) -> Frame:
    fs = frames(span, gazetteer_dir)
    if fs:
        return fs[0]
    return Frame(text=span.text, predicate="", predicate_text="", sense="")
