"""Split the article body into atomic claims.

A sentence becomes one claim per independent predicate: the root verb, its
coordinated verbs of the same form ("consummated ..., completed ..., and
folded ...") and clausal complements that carry their own subject.  Top-level
semicolons also split.  A coordinated clause without its own subject gets the
first clause's subject as a prefix ("Belgrade completed deployment ...").
Item paragraphs that open with a label ("FK-3 ... (China). System fielding
confirmed Jan 2025") prefix the label to their clauses.  Pronouns naming a
person ("him") are resolved to the last person named in the same or the
previous sentence and the name is written in brackets: "extradited him
[Milan Radoicic]".

Prefixes and resolutions make the claim's stand-alone form
(``Claim.resolved_text``); ``Claim.text`` stays the article's own characters
between ``char_start`` and ``char_end``.  Check-worthiness is decided in
:mod:`extractors.claims.checkworthy`, after attribution, because a clause the
article reports from a source is read differently from the author's own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from extractors.claims.article import Article, ArticleParagraph
from extractors.claims.checkworthy import assess, is_reporting
from extractors.claims.cues import cue_dir, load_cues
from extractors.claims.quantities import find_dates, find_quantities, find_quotes
from extractors.ids import stable_id
from extractors.model import Case, Claim

ENTITY_LABELS = {"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC", "PRODUCT", "EVENT", "LAW"}
CLAUSE_TAGS = {"VBD", "VBZ", "VBP", "MD"}


@dataclass
class Piece:
    text: str  # the claim text (with prefixes / bracketed resolutions)
    start: int  # offsets into the paragraph's repaired text
    end: int
    sent_index: int  # 1-based sentence within the paragraph
    sentence: str
    resolved: list[tuple[str, str, str]]  # (pronoun, name, where)
    kind: str = "clause"  # clause | description (of a named person or body)
    label: str | None = None  # context written before the clause as "label: "
    speech: bool = False  # the clause is what a reporting verb of its sentence reports


def _has_verb(span: Any) -> bool:
    return any(t.pos_ in ("VERB", "AUX") for t in span)


def _finite(span: Any) -> bool:
    """A clause needs a finite verb or a past participle ("Delivered in 2020").
    A verb the tagger misread as a plural noun ("A report lists Banjska as
    ...") counts when it is one of the cue verbs and stands mid-sentence."""
    if any(t.tag_ in CLAUSE_TAGS or t.tag_ == "VBN" or t.tag_ == "VB" and _subject(t) is not None for t in span):
        return True
    misread = set(load_cues()["checkworthy"].get("misread_verbs", []))
    return any(t.tag_ == "NNS" and t.lower_.endswith("s") and t.lower_[:-1] in misread and t.i > span.start + 1
               and t.i + 1 < span.end and t.nbor(1).pos_ in ("PROPN", "DET", "NOUN", "PRON") for t in span)


def _subject(v: Any) -> Any | None:
    for c in v.children:
        if c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj"):
            return c
    return None


def _clause_verbs(sent: Any) -> list[Any]:
    root = sent.root
    verbs = [root]
    closed = False
    for c in sorted(root.conjuncts, key=lambda t: t.i):
        if c.i <= root.i or c.pos_ not in ("VERB", "AUX"):
            continue
        if closed and _subject(c) is None:
            continue
        prev = c.doc[c.left_edge.i - 1] if c.left_edge.i > 0 else None
        if prev is not None and prev.dep_ == "cc":
            closed = True
        if _subject(c) is not None or c.tag_ in CLAUSE_TAGS or c.tag_ == root.tag_ and c.tag_ != "VBN":
            if c.tag_ == "VBN" and _subject(c) is None and not any(a.dep_ in ("aux", "auxpass") for a in c.children):
                continue
            verbs.append(c)
    for c in root.children:
        if c.dep_ == "ccomp" and c.i < root.i and _subject(c) is not None and c.pos_ == "VERB":
            verbs.append(c)
    return sorted(set(verbs), key=lambda t: t.i)


def _piece_start(v: Any, verbs: list[Any]) -> int:
    idx = [v.i]
    for t in v.lefts:
        if t in verbs or t.dep_ in ("punct", "cc"):
            continue
        idx.append(t.left_edge.i)
    return min(idx)


_TRIM = re.compile(r"^[\s,;:\u2014\u2013-]*(and|but|or)?\s*|[\s,;:\u2014\u2013-]*(and|but|or)?[\s,;:\u2014\u2013-]*$", re.I)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    seg = text[start:end]
    m = re.match(r"^[\s,;:\u2014\u2013\u201d\"-]*(?:(?:and|but|or)\s+)?", seg, re.I)
    s = start + (m.end() if m else 0)
    seg2 = text[s:end]
    m2 = re.search(r"(?:[\s,;:\u2014\u2013-]+(?:and|but|or))?[\s,;:\u2014\u2013-]*$", seg2, re.I)
    e = s + (m2.start() if m2 else len(seg2))
    # keep a closing quote / parenthesis that belongs to the clause
    while e < end and text[e] in "\u201d\")" and text[s:e].count("(") > text[s:e].count(")") + (0 if text[e] == ")" else 1) - 1:
        e += 1
    if e < end and text[e] in "\u201d\"" and (text[s:e].count("\u201c") > text[s:e].count("\u201d")):
        e += 1
    return s, e


def _label(sent: Any) -> tuple[str | None, int]:
    """A leading "Label: " of a sentence: (label, chars to skip)."""
    t = sent.text
    m = re.match(r"^([^:]{3,90}):\s+", t)
    if not m:
        return None, 0
    lab = m.group(1)
    span = sent.doc.char_span(sent.start_char, sent.start_char + len(lab), alignment_mode="expand")
    if span is not None and any(tok.pos_ == "VERB" and tok.tag_ in CLAUSE_TAGS for tok in span):
        return None, 0
    return lab.strip(), m.end()


def split_paragraph(nlp: Any, para: ArticleParagraph, label_is_source: Any = None) -> tuple[list[Piece], str | None]:
    """Clauses of one body paragraph; returns (pieces, paragraph label)."""
    doc = nlp(para.text)
    sents = list(doc.sents)
    pieces: list[Piece] = []
    topic: str | None = None
    persons: list[tuple[int, str]] = []  # (sentence index, name) in order
    for si, sent in enumerate(sents, start=1):
        ents = [e for e in doc.ents if e.start >= sent.start and e.end <= sent.end]
        if not _finite(sent):
            if si == 1:
                topic = sent.text.strip().rstrip(".")
            continue
        label, skip = _label(sent)
        if label and si == 1:
            topic = label
        # semicolon-separated parts are separate clauses
        parts: list[tuple[int, int]] = []
        s0 = sent.start_char + skip
        for m in re.finditer(r";\s*", doc.text[s0:sent.end_char]):
            parts.append((s0, s0 + m.start()))
            s0 = s0 + m.end()
        parts.append((s0, sent.end_char))
        for ps, pe in parts:
            span = doc.char_span(ps, pe, alignment_mode="expand")
            if span is None or not _finite(span):
                continue
            verbs = list(_clause_verbs_in(span))
            starts = sorted({max(ps, doc[_piece_start(v, verbs)].idx) for v in verbs} | {ps})
            first_subj = None
            for v in verbs:
                sj = _subject(v)
                if sj is not None:
                    first_subj = doc[sj.left_edge.i: sj.right_edge.i + 1].text
                    break
            bounds = list(zip(starts, starts[1:] + [pe]))
            for k, (a, b) in enumerate(bounds):
                a, b = _trim(doc.text, a, b)
                if b - a < 3:
                    continue
                pspan = doc.char_span(a, b, alignment_mode="expand")
                if pspan is None or not _finite(pspan):
                    continue
                text = doc.text[a:b]
                has_subj = any(t.dep_ in ("nsubj", "nsubjpass", "expl") for t in pspan)
                prefix = None
                if k > 0 and not has_subj and first_subj:
                    text = f"{first_subj} {text}"
                elif topic and not (label_is_source and label_is_source(topic)) and (si > 1 or label) and topic.lower() not in text.lower() and (not has_subj or _topic_needed(pspan, topic)):
                    text = f"{topic}: {text}"
                    prefix = topic
                text, extra = _split_appositive(doc, pspan, text, si, sent.text)
                pieces.append(Piece(text, a, b, si, sent.text, [], "clause", prefix, _reported_speech(pspan)))
                pieces.extend(extra)
        # "..., when a group killed X and mounted Y, ..." : subordinate clauses
        # with their own subject carry facts even inside an opinion sentence
        for t in sent:
            if t.dep_ in ("advcl", "relcl") and t.tag_ in CLAUSE_TAGS and _subject(t) is not None \
                    and any(w.lower_ in ("when", "after") for w in t.lefts):
                st = sorted([w for c in [t, *t.conjuncts] for w in c.subtree], key=lambda w: w.i)
                a, b = st[0].idx, st[-1].idx + len(st[-1].text)
                w0 = [w for w in t.lefts if w.lower_ in ("when", "after")][0]
                a = w0.idx + len(w0.text) + 1
                a, b = _trim(doc.text, a, b)
                if b - a > 10:
                    pieces.append(Piece(doc.text[a:b], a, b, si, sent.text, []))
        for e in ents:
            if e.label_ == "PERSON":
                persons.append((si, e.text))
    _resolve_pronouns(doc, sents, pieces)
    return pieces, topic


def _reported_speech(span: Any) -> bool:
    """""Bills will rise," the director said': the clause is the complement
    of a reporting verb (with a subject that is not the author) in its sentence."""
    r = span.root
    if r.dep_ not in ("ccomp", "parataxis") or r.head.i in range(span.start, span.end):
        return False
    head = r.head
    reporting = {w.lower() for w in load_cues()["checkworthy"]["reporting_verbs"]}
    subj = _subject(head)
    return head.lemma_.lower() in reporting and subj is not None and not (
        subj.pos_ == "PRON" and "1" in subj.morph.get("Person"))


def _split_appositive(doc: Any, span: Any, text: str, si: int, sentence: str) -> tuple[str, list[Piece]]:
    """"including Milan Radoicic, the political fixer long tied to the SNS,
    for organising the attack": the description of a named person or
    organisation is a claim of its own and leaves the main clause."""
    extra: list[Piece] = []
    for t in span:
        if t.dep_ != "appos" or t.head.ent_type_ not in ("PERSON", "ORG") or t.head.i >= t.i:
            continue
        sub = list(t.subtree)
        if len(sub) < 4 or not (span.start <= sub[0].i and sub[-1].i < span.end):
            continue
        # a descriptive noun phrase ("the political fixer ..."), not a
        # parenthesis or a figure ("(2.5 bcm/year)")
        if t.pos_ != "NOUN" or sub[0].lower_ not in ("the", "a", "an") or doc[sub[0].i - 1].text == "(":
            continue
        a, b = sub[0].idx, sub[-1].idx + len(sub[-1].text)
        desc = doc.text[a:b]
        if desc not in text:
            continue
        name = next((e.text for e in doc.ents if e.start <= t.head.i < e.end), t.head.text)
        text = re.sub(r",?\s*" + re.escape(desc) + r"\s*,?", ",", text, count=1).replace(",,", ",").strip(" ,")
        text = re.sub(r",\s*(?=[.;:]?$)", "", text)
        extra.append(Piece(f"{name}: {desc}", a, b, si, sentence, [], "description", name))
    return text, extra


def _topic_needed(span: Any, topic: str) -> bool:
    """Item paragraphs: a clause whose subject is a generic noun ("System
    fielding", "Deal") gets the item label as context."""
    subj = [t for t in span if t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "ROOT" or t.dep_ in ("nsubj", "nsubjpass") and t.head == span.root]
    if not subj:
        return False
    return all(not any(x.ent_type_ in ENTITY_LABELS for x in t.subtree) for t in subj)


def _clause_verbs_in(span: Any) -> list[Any]:
    root = span.root
    fake = type("S", (), {"root": root})
    verbs = _clause_verbs(fake)
    return [v for v in verbs if span.start <= v.i < span.end]


def _resolve_pronouns(doc: Any, sents: list[Any], pieces: list[Piece]) -> None:
    pronouns = set(load_cues()["attribution"]["pronouns"])
    people = [(e.start_char, e.text, i) for i, s in enumerate(sents, 1) for e in doc.ents if e.label_ == "PERSON" and s.start <= e.start and e.end <= s.end]
    for p in pieces:
        new = p.text
        for m in re.finditer(r"\b(" + "|".join(pronouns) + r")\b", doc.text[p.start:p.end], re.I):
            pos = p.start + m.start()
            cands = [x for x in people if x[0] < pos and x[2] >= p.sent_index - 1]
            if not cands:
                continue
            start_char, name, si = cands[-1]
            if name.lower() in p.text.lower():
                continue
            where = "same sentence" if si == p.sent_index else "previous sentence"
            word = m.group(1)
            new = re.sub(r"\b" + re.escape(word) + r"\b", f"{word} [{name}]", new, count=1)
            p.resolved.append((word, name, where))
        p.text = new


# ----------------------------------------------------------------- enrichment

def _contains_any(low: str, phrases: list[str]) -> str | None:
    for ph in phrases:
        ph_l = ph.lower()
        if re.search(r"(?<![\w])" + re.escape(ph_l) + r"(?![\w])", low):
            return ph
    return None


def analyse_claim(nlp: Any, text: str, gazetteer: Any = None, *, reported: bool = False, explicit: bool = False,
                  in_question: bool = False, answers_question: bool = False, described: bool = False,
                  label: str | None = None) -> dict[str, Any]:
    """claim_type, checkworthy (with the reason when not), entities, numbers,
    dates, quotes of one claim text.  *reported*: the article attributes the
    clause to a source (*explicit*: its own sentence names it); *in_question*: its sentence is a question;
    *answers_question*: an earlier sentence of its paragraph is the author's question; *label*:
    context prefixed as "label: " (left out when reading the clause's structure)."""
    cues = load_cues()
    doc = nlp(text)
    low = text.lower().replace("\u2019", "'")
    quotes = [q for q, _, _ in find_quotes(text)]
    qs = find_quantities(text)
    ds = find_dates(text)
    numbers = [re.sub(r"~\s+", "~", q.surface.strip()) for q in qs if q.unit_class or q.unit]
    dates = [d.iso for d in ds]
    ents: list[str] = []
    for e in doc.ents:
        if e.label_ not in ENTITY_LABELS:
            continue
        cid = None
        if gazetteer is not None:
            cid = gazetteer.lookup(e.text) or (e.ent_id_ or None)
        val = cid or e.text
        if val not in ents:
            ents.append(val)
    for m in re.finditer(r"\[([^\]\d][^\]]*)\]", text):  # resolved pronouns (not "[3]" references)
        name = m.group(1)
        cid = gazetteer.lookup(name) if gazetteer is not None else None
        if (cid or name) not in ents:
            ents.append(cid or name)
    body_at = len(label) + 2 if label and text.startswith(label + ": ") else 0
    sdoc = nlp(text[body_at:]) if body_at else doc
    reason = assess(sdoc, reported=reported, explicit=explicit, in_question=in_question,
                    answers_question=answers_question, has_numbers=any(q.start >= body_at for q in qs), has_dates=any(d.start >= body_at for d in ds),
                    has_quotes=bool(quotes), described=described, cues=cues)
    checkworthy = reason is None
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    reporting = set(cues["checkworthy"]["reporting_verbs"])
    if not checkworthy:
        ctype = "assessment"
    elif quotes and root is not None and root.lemma_ in reporting:
        ctype = "quote"
    elif any(q.unit_class for q in qs):
        ctype = "quantity"
    elif root is not None and (root.lemma_ in reporting or is_reporting(root, cues)):
        ctype = "attribution"
    elif ds and not ents:
        ctype = "date"
    elif ds and root is not None and root.lemma_ in ("finalise", "finalize", "announce", "confirm", "sign", "deliver", "happen", "take"):
        ctype = "date"
    else:
        ctype = "event"
    return {
        "claim_type": ctype,
        "checkworthy": checkworthy,
        "not_checkworthy_reason": reason,
        "entities": ents,
        "numbers": numbers,
        "dates": dates,
        "quotes": quotes,
    }


def claim_from_text(case_id: str, text: str, nlp: Any, gazetteer: Any = None, *, paragraph: int = 1, sentence: int = 1,
                    char_start: int = 0, char_end: int | None = None, cited: list[str] | None = None,
                    resolved_text: str | None = None, reported: bool = False, explicit: bool = False,
                    in_question: bool = False, answers_question: bool = False,
                    described: bool = False, label: str | None = None) -> Claim:
    """One Claim for a given claim text, without splitting (dev set, tests).

    *text* is the article's own words; *resolved_text* the stand-alone form
    (defaults to *text*).  The claim is analysed, and identified, by its
    stand-alone form."""
    full = resolved_text or text
    a = analyse_claim(nlp, full, gazetteer, reported=reported, explicit=explicit, in_question=in_question,
                      answers_question=answers_question, described=described,
                      label=label)
    return Claim(
        claim_id=stable_id("claim", case_id, full),
        case_id=case_id,
        paragraph=paragraph,
        sentence=sentence,
        char_start=char_start,
        char_end=len(text) if char_end is None else char_end,
        text=text,
        claim_type=a["claim_type"],
        checkworthy=a["checkworthy"],
        cited_source_ids=list(cited or []),
        entities=a["entities"],
        numbers=a["numbers"],
        dates=a["dates"],
        resolved_text=full,
    )


def extract_claims(case: Case, article: Article, nlp: Any, gazetteer: Any) -> list[Claim]:
    """The article's claims, attributed to the sources it cites.

    Cue files are read from the gazetteer's directory when a gazetteer is
    given (otherwise from the configured one)."""
    from extractors.claims.attribution import Draft, asks, attribute, is_source_cue

    with cue_dir(getattr(gazetteer, "directory", None)):
        drafts: list[Draft] = []
        for para in article.body:
            pieces, topic = split_paragraph(nlp, para, lambda lab: is_source_cue(case, lab))
            for p in pieces:
                drafts.append(Draft(para, p, topic))
        attribute(case, article, drafts, nlp)
        claims: list[Claim] = []
        seen: set[str] = set()
        for d in drafts:
            cs, ce = d.para.span(d.piece.start, d.piece.end)
            c = claim_from_text(case.id, article.text[cs:ce], nlp, gazetteer, paragraph=d.para.number,
                                sentence=d.piece.sent_index, char_start=cs, char_end=ce, cited=sorted(d.sources),
                                resolved_text=d.piece.text, reported=d.reported or d.piece.speech,
                                explicit=d.explicit or d.piece.speech,
                                in_question=asks(d.piece.sentence),
                                answers_question=d.after_question,
                                described=d.piece.kind == "description", label=d.piece.label)
            if c.claim_id in seen:
                continue
            seen.add(c.claim_id)
            claims.append(c)
    return claims
