"""Subject-predicate-object relations from the dependency parse.

For every verb whose lemma (or lemma + particle, "call on", "hand over") is
listed in ``corpus/gazetteer/relation_verbs.toml`` the extractor collects

* subjects: ``nsubj``; the ``by``-agent of a passive; the controller of an
  infinitive ("calls on *Serbia* to extradite", "*Belgrade* refused to
  extradite"); the head noun of a relative clause; the subject of the first
  verb of a coordination;
* objects: ``dobj``; the ``nsubjpass`` of a passive; the object of the
  particle/preposition of a phrasal verb; members after "including";
  for intransitive classes the object of a listed preposition;
* ``negated``: a negation child, a negating governor ("refused to"), or
  "no" on the object;
* ``modality``: ``hypothetical`` (would/could/might/may, an "if" clause),
  ``demanded`` (complement of call on/urge/demand..., should/must,
  "the need for ... to"), ``reported`` (reportedly/allegedly, "according
  to", complement of a reporting verb), else ``asserted``.

Arguments are linked to gazetteer ids through the entity they sit in
(``ent.ent_id_``), a Banjska mention, the possessor of a proxy head
("*London's* statement") or, for he/him, the last person named before.
Unlinked arguments are the head noun's phrase, lowercased, without
determiners.
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from extractors.nlp.mentions import MentionHit
from extractors.registry.gazetteer import Gazetteer
from extractors.textnorm import fold_str


@dataclass
class RelationHit:
    subject: str
    subject_type: str
    predicate: str
    object: str
    object_type: str
    negated: bool
    modality: str
    sentence: str
    start_char: int
    end_char: int
    verb: str


@dataclass(frozen=True)
class Arg:
    text: str  # canonical id when linked, else the phrase
    type: str
    token: int  # token index of the head


_SUBJ = ("nsubj",)
_REL_PRONOUNS = {"who", "which", "that", "whom"}


class RelationExtractor:
    def __init__(self, gaz: Gazetteer):
        self.gaz = gaz
        cues = gaz.relation_cues
        f = lambda xs: {fold_str(x) for x in xs}
        mod = cues.get("modality", {})
        self.demand_verbs = f(mod.get("demand_verbs", []))
        self.demand_nouns = f(mod.get("demand_nouns", []))
        self.demand_modals = f(mod.get("demand_modals", []))
        self.reported_adverbs = f(mod.get("reported_adverbs", []))
        self.reported_phrases = [fold_str(p) for p in mod.get("reported_phrases", [])]
        self.reporting_verbs = f(mod.get("reporting_verbs", []))
        self.hyp_modals = f(mod.get("hypothetical_modals", []))
        self.hyp_marks = f(mod.get("hypothetical_marks", []))
        self.question_hyp = bool(mod.get("question_is_hypothetical", True))
        self.object_control = f(mod.get("object_control_verbs", []))
        neg = cues.get("negation", {})
        self.negating_verbs = f(neg.get("negating_verbs", []))
        self.negation_words = f(neg.get("negation_words", []))
        args = cues.get("arguments", {})
        self.proxy_heads = f(args.get("proxy_heads", []))
        self.object_preps = {k: f(v) for k, v in args.get("object_preps", {}).items()}
        self.member_preps = f(args.get("member_preps", []))
        self.pronouns = f(args.get("pronouns", []))
        self.instrument_preps = {k: fold_str(v) for k, v in args.get("instrument_preps", {}).items()}
        self.compound_link_types = set(args.get("compound_link_types", []))
        self.complement_required = f(args.get("complement_required", []))
        self.verbs = gaz.verb_classes
        self.phrasal = gaz.phrasal_verbs

    # ------------------------------------------------------------ classes
    def _klass(self, tok: Token) -> tuple[str | None, Token | None]:
        """(predicate class, particle/preposition token of a phrasal verb)."""
        if tok.pos_ != "VERB":
            # tagger slips: "extradite" as ADJ in "prosecute and extradite",
            # "thanks" as NOUN in "The Parliament thanks KFOR"
            if tok.pos_ not in ("ADJ", "NOUN"):
                return None, None
            slip = (tok.dep_ == "conj" and tok.head.pos_ == "VERB") or (
                tok.dep_ == "ROOT" and any(c.dep_ == "nsubj" for c in tok.children)
                and any(c.dep_ == "dobj" for c in tok.children))
            if not slip:
                return None, None
        lemma = tok.lemma_.lower()
        for c in tok.rights:
            if c.dep_ in ("prt", "prep"):
                key = f"{lemma} {c.lower_}"
                if self.phrasal.get(key):
                    return self.phrasal[key], c
        if lemma in self.phrasal and not self.phrasal[lemma]:
            return None, None
        return self.verbs.get(lemma), None

    # ---------------------------------------------------------- arguments
    def _expand(self, tok: Token) -> list[Token]:
        out = [tok]
        for c in tok.children:
            if c.dep_ == "conj":
                out.extend(self._expand(c))
        return out

    def _controller(self, verb: Token) -> list[Token]:
        """Who does an infinitive's action: the object of an object-control
        verb ("urged Serbia to"), else the subject of the governing verb."""
        head = verb.head
        objs: list[Token] = []
        if head.lemma_.lower() in self.object_control:
            objs = [c for c in head.children if c.dep_ == "dobj"]
            for c in head.children:
                if c.dep_ in ("prep",) and c.lower_ in ("on", "upon"):
                    objs += [g for g in c.children if g.dep_ == "pobj"]
        if objs:
            return [t for o in objs for t in self._expand(o)]
        return self._subjects(head, depth=1)

    def _subjects(self, verb: Token, depth: int = 0) -> list[Token]:
        subs = [c for c in verb.children if c.dep_ in _SUBJ]
        if len(subs) > 1:  # "Trials: does Belgrade cooperate?" -> the nearest one
            subs = [min(subs, key=lambda c: abs(verb.i - c.i))]
        for c in verb.children:
            if c.dep_ == "agent":
                subs += [g for g in c.children if g.dep_ == "pobj"]
        if subs:
            return [t for s in subs for t in self._expand(s)]
        if depth > 3:
            return []
        if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
            if any(c.dep_ == "nsubjpass" for c in verb.children) or not any(
                c.dep_ == "nsubjpass" for c in verb.head.children
            ):
                return self._subjects(verb.head, depth + 1)
            return []
        if self._infinitive_complement(verb):
            return self._controller(verb)
        if verb.dep_ == "advcl" and verb.tag_ == "VBG" and verb.head.pos_ in ("VERB", "AUX"):
            return self._subjects(verb.head, depth + 1)  # "attacked the police, killing one officer"
        if verb.dep_ == "xcomp" and verb.head.pos_ == "ADJ" and verb.head.dep_ == "acomp":
            return self._subjects(verb.head.head, depth + 1)
        if verb.dep_ in ("acl", "relcl") and verb.head.pos_ in ("NOUN", "PROPN", "PRON"):
            # "the need for Serbia to extradite": the object of "for"
            fors = [g for c in verb.head.children if c.dep_ == "prep" and c.lower_ == "for"
                    for g in c.children if g.dep_ == "pobj"]
            if verb.dep_ == "acl" and fors:
                return fors
            if verb.dep_ == "relcl" and not any(c.dep_ in ("nsubjpass", "dobj") and c.lower_ in _REL_PRONOUNS for c in verb.children):
                return [verb.head]
        return []

    @staticmethod
    def _infinitive_complement(verb: Token) -> bool:
        """"to extradite" under a verb: xcomp, or an advcl with "to" and no subject."""
        if verb.head.pos_ not in ("VERB", "AUX") or verb.head is verb:
            return False
        if verb.dep_ == "xcomp":
            return True
        return verb.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)

    def _objects(self, verb: Token, klass: str, particle: Token | None) -> list[Token]:
        objs = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
        dobjs = [c for c in objs if c.dep_ == "dobj"]
        if len(dobjs) > 1:  # "thanked X for ..., an extraordinary admission": keep the nearest
            objs = [c for c in objs if c.dep_ != "dobj"] + [min(dobjs, key=lambda c: abs(c.i - verb.i))]
        inst = self.instrument_preps.get(klass)
        if inst:
            with_objs = [g for c in verb.children if c.dep_ == "prep" and c.lower_ == inst
                         for g in c.children if g.dep_ == "pobj"]
            if with_objs:
                objs = [c for c in objs if c.dep_ != "dobj"] + with_objs
        if particle is not None:
            objs += [g for g in particle.children if g.dep_ == "pobj"]
        if not objs and klass in self.object_preps:
            for c in verb.children:
                if c.dep_ == "prep" and c.lower_ in self.object_preps[klass]:
                    objs += [g for g in c.children if g.dep_ == "pobj"]
                    break
        if not objs and verb.dep_ in ("acl", "relcl") and verb.tag_ == "VBN":
            objs = [verb.head]  # "Radoičić, indicted by ...", "the officers killed in ..."
        out: list[Token] = []
        for o in objs:
            for t in self._expand(o):
                out.append(t)
                for c in t.children:  # "45 suspects, including Milan Radoičić"
                    if c.dep_ == "prep" and c.lower_ in self.member_preps:
                        for g in c.children:
                            if g.dep_ == "pobj":
                                out.extend(self._expand(g))
        return out

    def _arg(self, tok: Token, ent_of: dict[int, Span], mention_of: dict[int, MentionHit], doc: Doc,
             event_of: dict[int, MentionHit] | None = None) -> Arg:
        event_of = event_of or {}
        if tok.lower_ in _REL_PRONOUNS and tok.head.dep_ == "relcl":
            tok = tok.head.head
            # "the attack on the police in Banjskë, which killed ...": the event
            ev = event_of.get(tok.i)
            if ev is not None:
                return Arg(ev.canonical, self.gaz.type_of(ev.canonical) or "event", tok.i)
        m = mention_of.get(tok.i)
        if m is not None:
            return Arg(m.canonical, self.gaz.type_of(m.canonical) or "event", tok.i)
        ent = ent_of.get(tok.i)
        if ent is not None:
            eid = ent.ent_id_ or self.gaz.lookup(ent.text)
            if eid:
                return Arg(eid, self.gaz.type_of(eid), tok.i)
        if tok.lower_ in self.pronouns:
            for e in reversed(doc.ents):
                if e.end <= tok.i and e.label_ == "PERSON":
                    return self._arg(e.root, ent_of, mention_of, doc)
        if tok.lower_ in self.proxy_heads or tok.norm_ in self.proxy_heads:
            for c in tok.children:
                if c.dep_ == "poss":
                    a = self._arg(c, ent_of, mention_of, doc)
                    if a.type and a.type != "other":
                        return a
        if self.compound_link_types:
            for c in tok.lefts:
                if c.dep_ in ("compound", "nmod", "amod"):
                    for t in c.subtree:
                        e = ent_of.get(t.i)
                        eid = e.ent_id_ if e is not None else ""
                        if eid and self.gaz.type_of(eid) in self.compound_link_types:
                            return Arg(eid, self.gaz.type_of(eid), tok.i)
        # other entities sitting in compounds ("Kosovo Police officers") stay text
        start = tok.i
        for c in tok.lefts:
            if c.dep_ in ("det", "predet", "poss", "punct", "case"):
                continue
            start = min(start, c.left_edge.i)
        for c in tok.lefts:
            if c.dep_ in ("det", "predet", "poss") and c.right_edge.i >= start:
                start = c.right_edge.i + 1
        text = doc[start : tok.i + 1].text.lower()
        eid = self.gaz.lookup(doc[start : tok.i + 1].text)
        if eid:
            return Arg(eid, self.gaz.type_of(eid), tok.i)
        typ = ent.label_.lower() if ent is not None else "other"
        return Arg(text, typ, tok.i)

    # ------------------------------------------------------- negation/modality
    def _clause_chain(self, verb: Token) -> list[Token]:
        chain = [verb]
        t = verb
        while t.dep_ == "conj" and t.head is not t:
            t = t.head
            chain.append(t)
        return chain

    def _negated(self, verb: Token, objs: list[Token]) -> bool:
        for v in self._clause_chain(verb)[:1]:
            if any(c.dep_ == "neg" for c in v.children):
                return True
        top = self._clause_chain(verb)[-1]
        if top.dep_ == "xcomp" and top.head.lemma_.lower() in self.negating_verbs:
            return True
        if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in self.negating_verbs:
            return True
        if top.dep_ == "xcomp" and any(c.dep_ == "neg" for c in top.head.children) and \
                top.head.lemma_.lower() not in self.demand_verbs:
            return True  # "did not want to extradite"
        for o in objs:
            if any(c.dep_ == "det" and c.lower_ == "no" for c in o.children):
                return True
        return False

    def _modality(self, verb: Token, sent: Span) -> str:
        chain = self._clause_chain(verb)
        top = chain[-1]
        own = list(verb.children) + (list(top.children) if top is not verb else [])
        if any(c.dep_ in ("aux",) and c.lower_ in self.hyp_modals for c in own):
            return "hypothetical"
        if top.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in self.hyp_marks for c in top.children):
            return "hypothetical"
        if any(c.dep_ == "aux" and c.lower_ in self.demand_modals for c in own):
            return "demanded"
        # climb through infinitive complements: "calls on Serbia to stop buying"
        hops = 0
        while top.dep_ == "xcomp" and top.head.lemma_.lower() not in self.demand_verbs and hops < 3 \
                and top.head is not top:
            top = top.head
            hops += 1
            while top.dep_ == "conj" and top.head is not top:
                top = top.head
            if any(c.dep_ == "aux" and c.lower_ in self.hyp_modals for c in top.children):
                return "hypothetical"
        if top.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in self.hyp_marks for c in top.children):
            return "hypothetical"
        h = top.head
        if top.dep_ in ("xcomp", "ccomp") or self._infinitive_complement(top):
            if h.pos_ in ("VERB", "AUX") and h.lemma_.lower() in self.demand_verbs:
                return "demanded"
            if h.pos_ == "VERB" and h.lemma_.lower() in self.reporting_verbs and top.dep_ == "ccomp":
                return "reported"
        if top.dep_ in ("acl", "advcl", "relcl") and h.pos_ == "NOUN" and (
            h.lemma_.lower() in self.demand_nouns or h.lower_ in self.demand_nouns
        ):
            return "demanded"
        if self.question_hyp and sent.text.rstrip().endswith("?"):
            return "hypothetical"
        if any(c.dep_ == "advmod" and c.lower_ in self.reported_adverbs for c in own):
            return "reported"
        if any(t.lower_ in self.reported_adverbs for t in sent):
            return "reported"
        text = " " + fold_str(sent.text) + " "
        if any(f" {p} " in text for p in self.reported_phrases):
            return "reported"
        return "asserted"

    # ---------------------------------------------------------------- main
    def extract(self, doc: Doc, mentions: list[MentionHit]) -> list[RelationHit]:
        ent_of: dict[int, Span] = {}
        for e in doc.ents:
            for i in range(e.start, e.end):
                ent_of[i] = e
        mention_of: dict[int, MentionHit] = {}
        event_of: dict[int, MentionHit] = {}
        for m in mentions:
            for i in range(m.start, m.end):
                mention_of[i] = m
                if m.canonical.startswith("event:"):
                    event_of[i] = m
        out: list[RelationHit] = []
        for verb in doc:
            klass, particle = self._klass(verb)
            if not klass:
                continue
            if verb.lemma_.lower() in self.complement_required and not any(
                c.dep_ in ("xcomp", "ccomp") or (c.dep_ == "prep" and c.lower_ == "for")
                or (c.dep_ == "advcl" and any(g.lower_ == "to" for g in c.children))
                for c in verb.children
            ):
                continue
            subjects = self._subjects(verb)
            objects = self._objects(verb, klass, particle)
            if not subjects and not objects:
                continue
            negated = self._negated(verb, objects)
            sent = verb.sent
            modality = self._modality(verb, sent)
            subj_args = [self._arg(s, ent_of, mention_of, doc, event_of) for s in subjects] or [Arg("", "", verb.i)]
            obj_args = [self._arg(o, ent_of, mention_of, doc, event_of) for o in objects] or [Arg("", "", verb.i)]
            seen: set[tuple[str, str]] = set()
            for s in subj_args:
                for o in obj_args:
                    if (s.text, o.text) in seen or (s.text and s.text == o.text):
                        continue
                    seen.add((s.text, o.text))
                    toks = [verb.i, s.token, o.token]
                    lo, hi = doc[min(toks)], doc[max(toks)]
                    out.append(
                        RelationHit(
                            subject=s.text,
                            subject_type=s.type,
                            predicate=klass,
                            object=o.text,
                            object_type=o.type,
                            negated=negated,
                            modality=modality,
                            sentence=sent.text,
                            start_char=lo.idx,
                            end_char=hi.idx + len(hi.text),
                            verb=verb.text,
                        )
                    )
        return out
