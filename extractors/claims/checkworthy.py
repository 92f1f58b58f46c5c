"""Is a clause check-worthy?  Decided from the clause's structure.

A clause is read with the dependency parse: its main verb and the verbs
coordinated with it (the *core*), their subjects and objects, modal
auxiliaries, the clause type (question, imperative, conditional) and a
copular predicate.  The rules, first match wins:

1. too short: fewer than three content words and no number or date;
2. question: the clause or its sentence ends with "?", or the clause opens
   with an auxiliary before its subject ("Does X ...", "Will the council ...");
3. first or second person: a core verb's subject is "I"/"we" ("I wrote
   that", "we think") or "you"; a first-person object ("tells us"); a stance
   phrase with a first-person possessive ("in my view");
4. imperative: a bare verb without subject or auxiliary ("Follow the money");
5. a clause that itself reports a statement (a reporting verb with its own,
   not first-person subject, a speech tag, "according to") is checkable as
   a report: stop here;
5a. the author's answer to their own question: a clause after the author's
   question in one paragraph, naming no source, no one, no measure, date or
   quote;
6. no finite verb (a noun phrase), unless it is a description of a named
   person, a reduced passive ("Deal signed in May") or carries a number/date;
7. evaluative: a copular predicate ("is", "remains", "seems" ...) that is a
   word of the general evaluative lexicon, a comparison without a measure
   ("is sharper", "more X than anyone can read", "the faster ..., the ..."),
   a contrastive reframing ("not A but B", "not just A"), an evaluative
   adverb on the core verb; a modal with the author's certainty adverb
   ("will almost certainly") unless the clause's own sentence names a source.

A clause the article *reports* (attributed to a source: explicit cue,
reference marker, paragraph label, or a paragraph/section that names the
source) stops here: a modal verb inside a reported fact ("the rule would
require ...") and a vague subject ("the firm could not pay") do not make it
opinion.  Otherwise, for the author's own voice:

8. conditional: an "if"/"unless" clause hangs on the core;
9. modal: a modal auxiliary on a core verb marks a prediction or
   hypothetical (``would``, ``could``, ``might`` ...) or a normative judgement
   (``should``, ``must``).  Exceptions: a negated past ability ("could not
   pay"), and a measure described by what it does ("the levy would cost":
   a provision verb whose subject is not a person);
10. nothing specific: a subject that only points back (a pronoun, "that
    risk", "the blueprint") and no named entity, proper noun, number, date or
    quote in the clause core (fronted adjuncts left out unless they date the
    main verb: "In March 2025, ..."); or indefinite subjects ("a marketplace
    giant", "two small bodies", "governments") and none of those outside them.

The word lists (modal classes, copulas, provision verbs, evaluative words,
reporting verbs, determiners, adverbs) are general English and live in
``claim_cues.toml``.
"""
from __future__ import annotations

import re
from typing import Any

SUBJ = ("nsubj", "nsubjpass", "csubj", "csubjpass", "expl")
ENTITY_LABELS = {"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC", "PRODUCT", "EVENT", "LAW", "WORK_OF_ART"}
NUMERIC_LABELS = {"DATE", "PERCENT", "MONEY", "QUANTITY", "CARDINAL", "TIME"}


def _root(doc: Any) -> Any | None:
    roots = [t for t in doc if t.dep_ == "ROOT"]
    if not roots:
        return None
    # a clause parsed as several sentences: the longest one carries it
    return max(roots, key=lambda r: len(list(r.subtree)))


def _subject(v: Any) -> Any | None:
    for c in v.children:
        if c.dep_ in SUBJ:
            return c
    return None


def _core(root: Any) -> list[Any]:
    verbs = [root]
    for c in root.conjuncts:
        if c.pos_ in ("VERB", "AUX") or c.dep_ == "conj" and c.tag_.startswith("VB"):
            verbs.append(c)
    return verbs


def subj_is_mine(v: Any) -> bool:
    """The subject of *v* has a first-person possessive ("my bet", "our view")."""
    subj = _subject(v)
    return subj is not None and any(c.dep_ == "poss" and _first_person(c) for c in subj.children)


def _first_person(tok: Any) -> bool:
    return tok.pos_ == "PRON" and "1" in tok.morph.get("Person")


def _body_start(doc: Any, root: Any) -> int:
    """Index of the first token after a leading "Label:" before the main verb."""
    start = 0
    for t in doc:
        if t.i >= root.i:
            break
        if t.text == ":":
            start = t.i + 1
    return start


def _lemmas(words: list[str]) -> set[str]:
    return {w.lower() for w in words}


def is_reporting(root: Any, cues: dict[str, Any]) -> bool:
    """The clause reports what someone else states: a reporting verb with
    its own (not first-person) subject, or an "according to" phrase."""
    ck = cues["checkworthy"]
    reporting = _lemmas(ck["reporting_verbs"])
    evidential = _lemmas(ck.get("evidential_verbs", []))
    for v in _core(root):
        subj = _subject(v) or _subject(root)
        if v.lemma_.lower() in reporting and subj is not None and not _first_person(subj):
            # "Three small ports show how ...": examples the author draws on,
            # not a source that states something
            if v.lemma_.lower() in evidential and _indefinite(subj, ck):
                continue
            # a report has something reported: a clause, an object or a
            # quote ("governments ruled by decree" reports nothing)
            if not any(c.dep_ in ("ccomp", "xcomp", "dobj", "parataxis", "oprd", "attr", "dative")
                       for c in v.children):
                continue
            return True
    # a speech tag on the clause: "Bills will rise, the chief executive said"
    for c in root.children:
        subj = _subject(c)
        if c.dep_ in ("parataxis", "advcl") and c.lemma_.lower() in reporting and subj is not None \
                and not _first_person(subj):
            return True
    doc = root.doc
    return any(t.lower_ == "according" and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "to" for t in doc)


def assess(doc: Any, *, reported: bool = False, explicit: bool = False, in_question: bool = False,
           answers_question: bool = False, has_numbers: bool = False, has_dates: bool = False,
           has_quotes: bool = False, described: bool = False, cues: dict[str, Any]) -> str | None:
    """The reason a clause is not check-worthy, or ``None`` when it is.

    *described*: the clause is the description of a named person or body
    ("X: the former head of ..."), a fact without a verb of its own.
    *answers_question*: an earlier sentence of the clause's paragraph is the
    author's own question."""
    ck = cues["checkworthy"]
    root = _root(doc)
    text = doc.text.strip()
    content = [t for t in doc if t.is_alpha and not t.is_stop and t.pos_ not in ("AUX", "PRON", "DET")]
    if len(content) < 3 and not (has_numbers or has_dates):
        return "too short to check (an elliptical clause)"
    if root is None:
        return None
    core = _core(root)
    start = _body_start(doc, root)
    body = [t for t in doc if t.i >= start]
    # --- question
    if text.endswith("?") or in_question:
        return "question"
    first = next((t for t in body if not t.is_punct), None)
    if first is not None and first.i < root.i and first.tag_ in ("MD", "VBZ", "VBP", "VBD") \
            and first.dep_ in ("aux", "auxpass", "ROOT") and (first.head == root or first == root):
        subj = _subject(root)
        if subj is not None and subj.i > first.i:
            return "question"
    # --- first and second person
    for v in core:
        subj = _subject(v)
        if subj is not None and _first_person(subj):
            return f"first-person statement ('{subj.text} {v.text}')"
        if subj is not None and subj.pos_ == "PRON" and "2" in subj.morph.get("Person"):
            return f"addressed to the reader ('{subj.text} {v.text}')"
    for v in core:
        # "My bet is that ...", "Our reading is that ...": a first-person
        # possessive subject whose verb takes a clause states the author's stance
        if subj_is_mine(v) and any(c.dep_ in ("ccomp", "xcomp") for c in v.children):
            return f"first-person stance ('{doc[_subject(v).left_edge.i:v.i + 1].text}')"
    for v in core:
        obj = next((c for c in v.children if c.dep_ in ("dobj", "dative", "iobj") and _first_person(c)), None)
        if obj is not None:
            return f"first-person perspective ('{v.text} {obj.text}')"
    for v in core:
        for c in v.children:
            if c.dep_ in ("prep", "advmod", "npadvmod") and any(
                    t.dep_ == "poss" and _first_person(t) for t in c.subtree):
                return f"first-person stance ('{doc[c.left_edge.i:c.right_edge.i + 1].text}')"
    # --- imperative
    if root.tag_ == "VB" and _subject(root) is None and not any(
            c.dep_ in ("aux", "auxpass") for c in root.children):
        return "imperative"
    # a clause that itself reports a statement is checkable as a report
    if is_reporting(root, cues):
        return None
    # the author's answer to a question of their own ("Who checks the rule
    # makers? Governments deserved latitude, ..."): the author's view, unless
    # it names a source, someone or something, or a measure or date
    if answers_question and not explicit and not (has_numbers or has_dates or has_quotes) and not any(
            t.ent_type_ in ENTITY_LABELS or t.pos_ == "PROPN" or t.text[:1].isdigit() for t in doc):
        return "the author's answer to their own question"
    # --- a phrase without a verb
    misread = _lemmas(ck.get("misread_verbs", []))
    finite = any(t.tag_ in ("VBD", "VBZ", "VBP", "MD") or t.tag_ == "NNS" and t.lower_[:-1] in misread
                 and t.i + 1 < len(doc) and doc[t.i + 1].pos_ in ("PROPN", "DET", "NOUN", "PRON") for t in body)
    # no finite verb: a noun phrase, or a verb the parser could only read as
    # bare ("a leap ..., expanding strike reach"); a reduced passive ("Deal
    # signed in May") states something
    if not finite and root.tag_ != "VBN" and not (described or has_numbers or has_dates):
        return "a phrase without a verb (nothing is stated)"
    # --- evaluative predicate
    if (why := _evaluative(doc, root, core, body, ck)) is not None:
        return why
    # a modal with the author's stance adverb ("will almost certainly",
    # "will probably") is the author's prediction whatever the context
    epistemic = _lemmas(ck["epistemic_adverbs"])
    for v in core:
        md = next((c for c in v.children if c.dep_ == "aux" and c.tag_ == "MD"), None)
        adv = next((c for c in v.children if c.dep_ == "advmod" and c.lower_ in epistemic), None)
        if md is not None and adv is not None and not explicit:
            return f"prediction ('{md.text} {adv.text}')"
    # --- a generalisation: a bare noun in the present tense with an adverb
    # of how things tend to go ("Courts rarely settle ...", "Oversight only
    # works when ..."), naming nothing and no one; the author's voice even in
    # a paragraph that carries a source, unless its own sentence names one
    if not explicit and (why := _generalisation(doc, root, core, ck)) is not None:
        return why
    if reported:
        return None
    # --- conditional
    for v in core:
        for c in v.children:
            if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in _lemmas(ck["conditional_marks"])
                                         for m in c.children):
                return "conditional (hypothetical)"
    # --- modality
    prediction, normative = _lemmas(ck["prediction_modals"]), _lemmas(ck["normative_modals"])
    provision = _lemmas(ck["provision_verbs"])
    for v in core:
        for c in v.children:
            if c.dep_ != "aux" or c.tag_ != "MD":
                continue
            m = c.lower_.replace("\u2019", "'")
            negated = any(x.dep_ == "neg" for x in v.children)
            if m in normative:
                return f"normative judgement ('{c.text}')"
            if m.startswith("could") and negated:
                continue  # "could not pay": a past inability is a fact
            subj = _subject(v) or _subject(root)
            if v.lemma_.lower() in provision and subj is not None and subj.ent_type_ != "PERSON" \
                    and (subj.pos_ != "PRON" or subj.lower_ in ("it", "they", "this", "that")):
                continue  # what a measure does: "the rule would require ..."
            if m in prediction:
                return f"prediction or hypothetical ('{c.text}')"
    # --- nothing specific
    subj = _subject(root)
    if subj is not None:
        # the core: the clause without adjuncts fronted before the subject
        lead = subj.left_edge.i
        kept = [t for t in body if t.i >= lead or _top(t, root).dep_ not in ("prep", "npadvmod", "advcl", "advmod")
                or _dates_main_verb(_top(t, root))]
        specific = any(_specific(t) for t in kept)
        # a pronoun, or a noun phrase pointing back ("the blueprint", "that
        # risk"); a bare generic noun ("carbon dioxide") names its subject
        det = next((c.lower_ for c in subj.children if c.dep_ == "det"), None)
        vague = subj.pos_ in ("PRON", "DET") or (subj.pos_ == "NOUN" and det in _lemmas(ck["anaphoric_determiners"])
                                                 and not any(t.ent_type_ in ENTITY_LABELS or t.pos_ == "PROPN"
                                                             for t in subj.subtree))
        # "the X" with an object or complement states something about it
        # ("the decline came from electricity generation"); only an
        # intransitive or agentless passive ("the blueprint has been
        # refined") says nothing checkable by itself
        if vague and det == "the" and any(c.dep_ in ("dobj", "dative", "attr", "oprd", "prep", "agent", "ccomp", "xcomp")
                                          and c.i > subj.i for v in core for c in v.children):
            vague = False
        if not specific and vague:
            return "nothing specific to check (no name, number, date or quote)"
        # indefinite subjects that withhold who is meant ("A marketplace giant
        # and a gas fitter learned ...", "Two small bodies show ...",
        # "governments ruled by decree"): names inside them only describe
        # ("a Texas agency"); with nothing specific elsewhere in the clause
        # the author speaks in general terms
        subjects = [x for v in core for x in [_subject(v)] if x is not None]
        if subjects and all(_indefinite(x, ck) for x in subjects):
            inside = {t.i for x in subjects for h in _heads(x) for t in h.subtree if _describes(t, h)}
            elsewhere = any(_specific(t) for t in kept if t.i not in inside)
            if not elsewhere and not (has_dates or has_quotes):
                return "nothing specific to check (indefinite subject, no name, number, date or quote)"
    return None


def _specific(t: Any) -> bool:
    """A token that names something to check: an entity, proper noun,
    number, acronym or quote mark; a nationality adjective ("European
    costs") names nothing."""
    return bool((t.ent_type_ in ENTITY_LABELS | NUMERIC_LABELS or t.pos_ == "PROPN" or t.like_num
                 or re.match(r"^[A-Z]{2,}", t.text) or t.text in QUOTE_MARKS)
                and not (t.ent_type_ == "NORP" and t.dep_ == "amod"))


def _heads(subj: Any) -> list[Any]:
    """The heads of a coordinated subject, the parser's appositions included
    ("a giant, a fitter and an agency": giant <- appos fitter <- conj agency)."""
    out: list[Any] = []
    todo = [subj]
    while todo:
        h = todo.pop()
        if h in out:
            continue
        out.append(h)
        todo += [c for c in h.children if c.dep_ in ("conj", "appos") and c.pos_ == "NOUN"]
    return sorted(out, key=lambda t: t.i)


def _describes(tok: Any, head: Any) -> bool:
    """*tok* is a modifier of the noun phrase *head* itself ("a Texas water
    agency"), not inside a phrase attached to it ("an operator in Larne",
    "a firm that Ofwat fined"), which would say who is meant."""
    t = tok
    while t != head and t.head != t:
        if t.dep_ in ("prep", "relcl", "acl", "appos"):
            return False
        t = t.head
    return True


def _indefinite(subj: Any, ck: dict[str, Any]) -> bool:
    """A subject noun phrase that does not say who is meant: headed by a
    common noun with an indefinite article or quantifier, a number word, or
    a bare plural; each conjunct ("a giant, a fitter and an agency") alike."""
    indefinite = _lemmas(ck.get("indefinite_determiners", []))
    for head in _heads(subj):
        if head.pos_ != "NOUN" or head.ent_type_:
            return False
        kids = list(head.children)
        det = next((c.lower_ for c in kids if c.dep_ == "det"), None)
        if any(c.dep_ == "poss" for c in kids):
            return False
        if det is not None:
            if det not in indefinite:
                return False
        elif not (head.tag_ == "NNS" or any(c.dep_ == "nummod" and c.is_alpha for c in kids)):
            return False
        # without an article, a named modifier says whose ("Kosovo
        # authorities", "two Serbian officers"); "a Texas agency" stays vague
        if det not in ("a", "an") and any(c.dep_ in ("compound", "amod") and (c.ent_type_ or c.pos_ == "PROPN")
                                          for c in kids):
            return False
        if any(c.dep_ == "nummod" and not c.is_alpha for c in kids):
            return False
    return True


QUOTE_MARKS = {'"', "\u201c", "\u201d", "\u2018"}


def _generalisation(doc: Any, root: Any, core: list[Any], ck: dict[str, Any]) -> str | None:
    generic = _lemmas(ck.get("generic_adverbs", []))
    if not generic or any(t.ent_type_ or t.pos_ == "PROPN" or t.like_num for t in doc):
        return None
    for v in core:
        # present tense, active or passive ("are usually debated")
        if v.tag_ not in ("VBZ", "VBP") and not any(c.dep_ == "auxpass" and c.tag_ in ("VBZ", "VBP") for c in v.children):
            continue
        subj = _subject(v)
        if subj is None or subj.pos_ != "NOUN" or any(c.dep_ in ("det", "poss", "nummod") for c in subj.children):
            continue
        adv = next((t for t in v.subtree if t.dep_ in ("advmod", "neg") and t.lower_ in generic
                    and (t.head == v or t.head.head == v)), None)
        if adv is not None:
            return f"a generalisation ('{subj.text} ... {adv.text} {v.text}')"
    return None


def _evaluative(doc: Any, root: Any, core: list[Any], body: list[Any], ck: dict[str, Any]) -> str | None:
    evaluative = _lemmas(ck["evaluative"])
    copulas = _lemmas(ck["copulas"])

    def is_eval(w: Any) -> bool:
        return w.lemma_.lower() in evaluative or w.lower_ in evaluative

    # "the faster ..., the clearer ...": a comparison without a measure
    lead = [t for t in body if not t.is_punct][:2]
    if len(lead) == 2 and lead[0].lower_ == "the" and lead[1].tag_ in ("JJR", "RBR"):
        return f"comparison without a measure ('{lead[0].text} {lead[1].text}')"
    # "X is not A but B", "it's not A; it's B": the author reframes, with no measure
    for r in [t for t in doc if t.dep_ == "ROOT"]:
        if r.lemma_.lower() in copulas and any(c.dep_ == "neg" for c in r.children):
            preds = [c for c in r.children if c.dep_ in ("acomp", "attr")]
            contrast = any(x.dep_ == "conj" and any(y.dep_ == "cc" and y.lower_ == "but" for y in p.children)
                           for p in preds for x in p.children)
            second = [q for q in doc if q.dep_ == "ROOT" and q.i > r.i and q.lemma_.lower() in copulas | {"be"}
                      or q.dep_ == "ROOT" and q.i > r.i and any(a.lemma_ == "be" and a.dep_ == "aux" for a in q.children)]
            if preds and (contrast or second) and not any(t.like_num for t in doc):
                return "contrastive reframing ('not ... but ...')"
            # "X is not just hardware", "it is not simply about money"
            only = next((a for a in [*r.children, *[x for p in preds for x in p.subtree]] if a.dep_ == "advmod"
                         and a.lower_ in _lemmas(ck["restrictive_adverbs"])), None)
            if only is not None and not any(t.like_num for t in doc):
                return f"contrastive reframing ('not {only.text} ...')"
    # "it's not pivoting west; it's arming everywhere": a negated progressive
    # taken back by an affirmed one about the same subject (a pronoun)
    for r in [t for t in doc if t.dep_ == "ROOT" and t.tag_ == "VBG"]:
        def progressive(v: Any) -> bool:
            return any(a.dep_ == "aux" and a.lemma_ == "be" for a in v.children)
        subj = _subject(r)
        denied = [c for c in r.children if c.dep_ in ("ccomp", "conj", "parataxis") and c.i < r.i
                  and c.tag_ == "VBG" and progressive(c) and any(x.dep_ == "neg" for x in c.children)]
        if denied and progressive(r) and not any(x.dep_ == "neg" for x in r.children) \
                and subj is not None and subj.pos_ == "PRON" and not any(t.like_num for t in doc):
            return "contrastive reframing ('not ... but ...')"
    for v in core:
        preds: list[Any] = []
        if v.lemma_.lower() in copulas:
            preds = [c for c in v.children if c.dep_ in ("acomp", "attr", "oprd")]
            preds += [x for p in list(preds) for x in p.conjuncts]
        elif v.pos_ not in ("VERB", "AUX"):
            preds = [v, *[c for c in v.children if c.dep_ == "appos"]]  # a verbless phrase is its own predicate
        for p in preds:
            words = [p, *[c for c in p.children if c.dep_ in ("amod", "advmod", "compound")]]
            hit = next((w for w in words if is_eval(w)), None)
            if hit is not None:
                return f"evaluative wording ('{hit.text}')"
            measured = any(t.like_num for t in p.subtree)
            comparative = p.tag_ in ("JJR", "RBR") or any(
                c.dep_ == "advmod" and c.lower_ in ("more", "less") for c in p.children)
            if comparative and not measured:
                return f"comparison without a measure ('{p.text}')"
        for c in v.children:
            if c.dep_ == "advmod" and is_eval(c):
                return f"evaluative wording ('{c.text}')"
        # "publishes more statistics than anyone can read", "cleaning up
        # faster than any boardroom": a comparison whose standard is no measure
        for t in v.subtree:
            if t.tag_ in ("JJR", "RBR") and t.head.i in {x.i for x in [v, *v.children]}:
                than = [x for x in v.subtree if x.lower_ == "than" and x.i > t.i]
                stop = max([than[0].i, *[y.i for y in than[0].head.subtree]]) if than else t.i
                if than and not any(x.like_num for x in doc[t.i:stop + 1]):
                    return f"comparison without a measure ('{t.text} than')"
    return None


def _dates_main_verb(adjunct: Any) -> bool:
    """"In March 2025, ...": a fronted adjunct whose object is a calendar date."""
    if adjunct.dep_ != "prep":
        return False
    return any(c.dep_ == "pobj" and c.ent_type_ == "DATE" and re.search(r"\b(1[89]|20)\d{2}\b", c.sent.text[
        c.left_edge.idx - c.sent.start_char:c.right_edge.idx + len(c.right_edge.text) - c.sent.start_char])
        for c in adjunct.children)


def _top(tok: Any, root: Any) -> Any:
    """The child of *root* whose subtree holds *tok* (or *tok* itself)."""
    t = tok
    while t.head != t and t.head != root:
        t = t.head
    return t


__all__ = ["assess", "is_reporting"]
