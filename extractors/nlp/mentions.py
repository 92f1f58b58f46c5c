"""Mentions of the Banjska attack, village and monastery in a parsed ``Doc``.

Named mentions come from the pipeline's entities (``claimcheck_ruler`` and
``claimcheck_banjska`` have already matched every spelling, dropped
look-alikes and told the event from the village and the monastery).
Indirect mentions are attack nouns whose noun phrase ties them to the event
by date, place or victims ("the 24 September attack", "the attack on Kosovo
Police officers in Zvečan"), and definite anaphora ("the attack") in a
document that has just named the event.  All cue words are in
``corpus/gazetteer/events.toml``.

Reads: ``doc.ents`` (with ``ent_id_``), ``token.norm_`` (folded), the
dependency parse, sentence boundaries.  Writes nothing on the doc.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from extractors.registry.gazetteer import Gazetteer
from extractors.textnorm import fold_str

_YEAR = re.compile(r"^(1[89]|20)\d\d$")
_DAY = re.compile(r"^(\d{1,2})(st|nd|rd|th)?$")


@dataclass
class MentionHit:
    start: int  # token indices in the doc
    end: int
    start_char: int  # char offsets in the doc text
    end_char: int
    surface: str
    canonical: str
    kind: str  # name | variant | indirect
    sentence: str


@dataclass
class AnaphoraState:
    """What the last attack the document talked about was: ``"event"`` (the
    Banjska attack), ``"other"`` (another attack) or ``None``."""

    last_attack: str | None = None


class MentionFinder:
    def __init__(self, gaz: Gazetteer):
        self.gaz = gaz
        ev = gaz.events["event"]
        ind = gaz.events.get("indirect", {})
        f = lambda xs: {fold_str(x) for x in xs}
        self.event_id = ev["id"]
        self.place_id = ev["place"]
        self.monastery_id = ev["monastery"]
        self.canonicals = {self.event_id, self.place_id, self.monastery_id}
        place = gaz.entities[self.place_id]
        self.place_forms = {gaz.normalise_word(a, capitalised=True) for a in place.aliases if " " not in a}
        self.place_forms |= {fold_str(a) for a in place.aliases if " " not in a}
        self.name_words = {w.casefold() for n in place.names for w in n.split()}
        self.attack_nouns = f(ind.get("anaphora_nouns", ev["attack_nouns"]))
        self.anaphora_mods = f(ind.get("anaphora_modifiers", []))
        self.month = fold_str(ind.get("month", "september"))
        self.day = int(ind.get("day", 24))
        self.year = str(ind.get("year", 2023))
        self.month_aliases = {fold_str(k): fold_str(v) for k, v in ind.get("month_aliases", {}).items()}
        self.months = f(ind.get("months", []))
        self.place_ids = set(ind.get("place_ids", []))
        self.place_words = f(ind.get("place_words", []))
        self.target_ids = set(ind.get("target_ids", []))
        self.target_words = f(ind.get("target_words", []))
        self.phrase_preps = f(ind.get("phrase_preps", []))

    # ------------------------------------------------------------ named
    def _kind(self, span: Span) -> str:
        for tok in span:
            if tok.norm_ in self.place_forms:
                return "name" if tok.text.casefold() in self.name_words else "variant"
        return "name"

    # --------------------------------------------------------- indirect
    def _phrase(self, tok: Token) -> tuple[int, int]:
        """Token range of the attack noun's phrase: its left modifiers (no
        determiner or possessor) and the prepositional phrases right after it."""
        start = tok.i
        for c in tok.lefts:
            if c.dep_ in ("det", "predet", "poss", "case", "punct", "cc"):
                continue
            start = min(start, c.left_edge.i)
        # keep the phrase contiguous: drop anything left of a determiner
        for c in tok.lefts:
            if c.dep_ in ("det", "predet", "poss") and c.right_edge.i >= start:
                start = c.right_edge.i + 1
        end = tok.i + 1
        for c in tok.rights:
            if c.i == end and ((c.dep_ == "prep" and c.norm_ in self.phrase_preps) or (c.dep_ == "acl" and c.tag_ == "VBN")):
                end = self._right_edge(c) + 1
            else:
                break
        return start, end

    _STOP = ("relcl", "appos", "punct", "advcl", "parataxis")

    def _right_edge(self, tok: Token) -> int:
        """Last token of *tok*'s phrase, leaving out relative clauses,
        appositions and anything after a comma."""
        edge = tok.i
        for c in tok.rights:
            if c.dep_ in self._STOP or (c.dep_ == "prep" and c.norm_ not in self.phrase_preps):
                break
            edge = max(edge, self._right_edge(c))
        return edge

    def _cues(self, doc: Doc, start: int, end: int) -> dict[str, object]:
        months: set[str] = set()
        years: set[str] = set()
        days: set[int] = set()
        place = target = banjska = False
        for t in doc[start:end]:
            n = t.norm_
            m = self.month_aliases.get(n.rstrip("."), n.rstrip("."))
            if m in self.months and t.text[:1].isupper():
                months.add(self.month_aliases.get(m, m))
            elif _YEAR.match(t.text):
                years.add(t.text)
            elif (d := _DAY.match(t.text)) and 1 <= int(d.group(1)) <= 31:
                days.add(int(d.group(1)))
            if t.ent_id_ in self.place_ids or n in self.place_words:
                place = True
            if t.ent_id_ in self.canonicals:
                banjska = True
            if t.ent_id_ in self.target_ids or n in self.target_words:
                target = True
        return {"months": months, "years": years, "days": days, "place": place, "target": target, "banjska": banjska}

    def _judge(self, cues: dict) -> str | None:
        months, years, days = cues["months"], cues["years"], cues["days"]
        conflict = bool(months - {self.month}) or bool(years - {self.year})
        if conflict:
            return "other"
        sept = self.month in months
        if sept and (self.day in days or self.year in years):
            return "event"
        if sept and (cues["place"] or cues["target"]):
            return "event"
        if cues["place"] and cues["target"]:
            return "event"
        if cues["banjska"]:
            return "event"
        if months or years:
            return "other"
        return None

    def _is_bare_definite(self, tok: Token) -> bool:
        dets = [c for c in tok.lefts if c.dep_ in ("det", "predet")]
        others = [c for c in tok.children if c.dep_ not in ("det", "predet")]
        if any(c.dep_ != "amod" or c.norm_ not in self.anaphora_mods for c in others if c.i < tok.i):
            return False
        if any(c.dep_ == "prep" for c in tok.rights):
            return False
        if dets:
            return dets[0].norm_ in ("the", "this", "that", "these")
        if tok.dep_ == "compound":  # "the attack investigation"
            head_dets = [c for c in tok.head.lefts if c.dep_ == "det"]
            return bool(head_dets) and head_dets[0].norm_ == "the"
        return False

    # ------------------------------------------------------------- main
    def find(self, doc: Doc, state: AnaphoraState | None = None) -> list[MentionHit]:
        state = state if state is not None else AnaphoraState()
        hits: list[MentionHit] = []
        covered: set[int] = set()
        by_start: dict[int, Span] = {}
        for ent in doc.ents:
            if ent.ent_id_ in self.canonicals:
                by_start[ent.start] = ent
                covered.update(range(ent.start, ent.end))
        for tok in doc:
            ent = by_start.get(tok.i)
            if ent is not None:
                hits.append(self._hit(ent.start, ent.end, doc, ent.ent_id_, self._kind(ent)))
                if ent.ent_id_ == self.event_id:
                    state.last_attack = "event"
                continue
            if tok.i in covered or tok.norm_ not in self.attack_nouns or tok.pos_ not in ("NOUN", "PROPN"):
                continue
            start, end = self._phrase(tok)
            verdict = self._judge(self._cues(doc, start, end))
            if verdict == "event":
                hits.append(self._hit(start, end, doc, self.event_id, "indirect"))
                state.last_attack = "event"
            elif verdict == "other":
                state.last_attack = "other"
            elif self._is_bare_definite(tok):
                if state.last_attack == "event":
                    hits.append(self._hit(start, end, doc, self.event_id, "indirect"))
            elif any(c.dep_ == "prep" for c in tok.rights):
                state.last_attack = "other"  # "the attack on Ukraine": some other attack
        return hits

    def _hit(self, start: int, end: int, doc: Doc, canonical: str, kind: str) -> MentionHit:
        span = doc[start:end]
        return MentionHit(
            start=start,
            end=end,
            start_char=span.start_char,
            end_char=span.end_char,
            surface=span.text,
            canonical=canonical,
            kind=kind,
            sentence=span.sent.text if doc.has_annotation("SENT_START") else doc.text,
        )
