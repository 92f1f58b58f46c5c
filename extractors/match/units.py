"""Numbers with units for exact comparison.

``find_measures(text)`` reads every number in *text* (digits with thousands
separators and decimals, number words, "3.5 million", "$2bn", "SEK 40
million", "45%", "ruled 5-4") and returns :class:`Measure` values converted
to the base unit of their dimension with the tables in ``units.toml``
(``[measures.*]``, ``[rates]``, ``[money]``, ``[currencies]``,
``[multipliers]``, ``[number_words]``).  A number with no unit keeps the noun
it counts ("12 fighters" -> counted "fighter").

``compare_measures(claim, source)`` gives, per claim measure, ``match``,
``close`` (an approximate claim within its precision), ``mismatch`` (the
source gives another value of the same dimension and thing counted) or
``absent``.

``table_sentences(text)`` turns a table passage (rows on lines, cells joined
by " | ", the first row the header) into one sentence per cell, "ROW —
COLUMN: VALUE", so that a figure in a statistics table is compared with its
row and column headers.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parents[2]
UNITS_VERSION = "units.v1"


@dataclass(frozen=True)
class Measure:
    value: float  # in the dimension's base unit, multipliers applied
    dimension: str  # percent | volume | ... | money:EUR | score | count
    unit: str  # the unit as written ("bcm", "%", "" for a count)
    rate: str  # "year" for "a year", "annually"; "" otherwise
    counted: str  # what a count counts ("fighter"), "" for units
    approx: bool
    precision: float  # relative precision the number was written with
    surface: str
    start: int
    end: int
    # content words around the number ("people with a disability", the row
    # and column of a table cell): what the figure is a figure of
    context: tuple[str, ...] = field(default=(), compare=False)

    def key(self) -> str:
        return f"{self.dimension}/{self.rate}" if self.rate else self.dimension


@lru_cache(maxsize=4)
def _tables(directory: str | None = None) -> dict[str, Any]:
    import tomllib

    path = Path(directory) if directory else _ROOT / "corpus" / "gazetteer"
    u = tomllib.loads((path / "units.toml").read_text(encoding="utf-8"))
    units: dict[str, tuple[str, float]] = {}
    for dim, table in u.get("measures", {}).items():
        for k, f in table.items():
            units[k.lower()] = (dim, float(f))
    money = {k.lower(): v for k, v in u.get("currencies", {}).items()}
    money.update({k.lower(): v for k, v in u.get("money", {}).items()})
    mult = {k.lower(): float(v) for k, v in u.get("multipliers", {}).items()}
    mult.pop("b", None)  # "5 b" is rarely a billion; "$5bn" / "5 billion" are
    words = {k.lower(): float(v) for k, v in u.get("number_words", {}).items()}
    approx = sorted((m.lower() for m in u.get("approx", {}).get("markers", [])), key=len, reverse=True)
    rates = {k.lower(): v for k, v in u.get("rates", {}).items()}
    ratios = {k.lower(): float(v) for k, v in u.get("ratios", {}).items()}
    tolerance = {k: float(v) for k, v in u.get("tolerance", {}).items()}
    clock = [m.lower() for m in u.get("clock", {}).get("markers", [])]
    # what follows a number that is a time of day: "4am", "16:30"
    clock_re = re.compile(rf"\s?(?:{_alt(clock)})(?![\w])|[:.]\d\d\b" if clock else r"[:.]\d\d\b")
    score_cues = [c.lower() for c in u.get("scores", {}).get("cues", [])]
    proportion = [c.lower() for c in u.get("proportions", {}).get("links", [])]
    identifiers = {w.lower() for w in u.get("identifiers", {}).get("words", [])}
    ages = u.get("ages", {})
    breaks = [w.lower() for w in u.get("clauses", {}).get("breaks", [])]
    clause_end = re.compile(rf"[.!?;,](?:\s|$)|\b(?:{_alt(breaks)})\b" if breaks else r"[.!?;,](?:\s|$)", re.IGNORECASE)
    age_after = re.compile(rf"\s*(?:{_alt([a.lower() for a in ages.get('after', [])])})\b" if ages.get("after") else r"(?!)")
    return {"units": units, "money": money, "mult": mult, "words": words, "approx": approx, "rates": rates, "ratios": ratios,
            "tolerance": tolerance, "clock": clock_re, "score_cues": set(score_cues), "proportion_links": proportion,
            "identifiers": identifiers, "age_words": {w.lower() for w in ages.get("before", [])}, "age_after": age_after,
            "clause_breaks": frozenset(breaks), "clause_end": clause_end}


def clause_breaks(directory: str | None = None) -> frozenset[str]:
    """Words that open a new clause, after which a figure's context ends."""
    return _tables(directory)["clause_breaks"]


def _alt(keys: Any) -> str:
    return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))


@lru_cache(maxsize=4)
def _regex(directory: str | None = None) -> re.Pattern[str]:
    t = _tables(directory)
    sym = [k for k in t["money"] if not k.isalpha()]
    return re.compile(
        rf"(?P<pre>(?:{_alt(sym)})|(?-i:\b[A-Z]{{3}}\s))?\s?"
        rf"(?P<num>(?<![\w.,/:-])\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?(?![\d])|(?<![\w.,/:-])\d+(?:\.\d+)?(?![\d.,]\d)|\b(?:{_alt(t['words'])})\b)"
        rf"(?:(?P<score>\s?[-\u2013]\s?|\s+to\s+)(?P<num2>\d{{1,2}})(?![\d%]|[.,]\d))?"
        rf"(?:[\s-]?(?P<mult>{_alt(t['mult'])})\b)?",
        re.IGNORECASE,
    )


_YEAR = re.compile(r"^(1[5-9]|20)\d{2}$")
_MONTHS = r"jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|august|september|october|november|december"


def _precision(raw: str, approx: bool) -> float:
    digits = raw.replace(",", "")
    if "." in digits:
        return 0.5 * 10 ** -len(digits.split(".")[1]) / max(float(digits), 1e-9)
    try:
        v = float(digits)
    except ValueError:
        return 0.0
    if v == 0:
        return 0.0
    if not approx:
        return 0.0
    # "~3bn" is 3 +- 0.5 at its last written digit; "about 45" at least +-5%
    trailing = len(digits) - len(digits.rstrip("0"))
    return max(0.5 * 10 ** trailing / v, 0.05)


def _lemma_noun(word: str) -> str:
    w = word.lower()
    for suf, rep in (("ies", "y"), ("ses", "s"), ("xes", "x"), ("s", "")):
        if w.endswith(suf) and len(w) - len(suf) >= 3 and not w.endswith("ss"):
            return w[: -len(suf)] + rep
    return w


_SKIP_COUNTED = {"them", "us", "these", "those", "it", "of", "the", "a", "an", "and", "or", "in", "on", "at", "to", "for", "by", "per", "than", "more", "less",
                 "out", "about", "from", "with", "that", "which", "who", "were", "was", "are", "is"}


def find_measures(text: str, directory: str | None = None) -> list[Measure]:
    t = _tables(directory)
    out: list[Measure] = []
    low = text.lower()
    rx = _regex(directory)
    pos = 0
    range_end = -1  # where the second number of a hyphenated range starts ("10-14 days")
    while (m := _search(rx, text, pos, range_end)) is not None:
        pos, range_end, pending_range = m.end(), -1, -1
        raw = m.group("num")
        if raw is None:
            continue
        start, end = m.start("num"), m.end()
        is_word = not raw[0].isdigit()
        value = t["words"][raw.lower()] if is_word else float(raw.replace(",", ""))
        tail = low[end:end + 80]
        # vote tallies and scores: "ruled 5-4", "a 6-3 decision", whole
        # numbers next to a word of voting or winning
        if m.group("num2") and not m.group("mult") and not is_word and value < 100 and "." not in raw \
                and _score_cue(low, start, m.end("num2"), t["score_cues"]):
            out.append(Measure(value * 100 + float(m.group("num2")), "score", "", "", "", False, 0.0,
                               text[start:m.end("num2")], start, m.end("num2")))
            continue
        if m.group("num2"):
            # a range ("aged 21 to 64", "from 18.6 to 18.1 percent") or a date
            # ("2010-12"): the first number here, the second read next
            end = m.end("num")
            pos = m.start("num2")
            if not m.group("score").strip().isalpha():
                pending_range = pos
            tail = low[end:end + 80]
        if not is_word and _YEAR.match(raw) and not m.group("pre") and not m.group("mult") \
                and not re.match(r"\s*(%|per ?cent|people|votes)", tail):
            continue  # a year
        word_before = re.search(r"\b([a-z]+)\.?\s*$", low[max(0, start - 16):start])
        if not m.group("pre") and word_before and (word_before.group(1) in t["identifiers"] and not is_word
                                                   or word_before.group(1) in t["age_words"]):
            pos = m.end()  # the range's second number too ("aged 21 to 64")
            continue  # a reference ("Table 324", "Section 403") or an age, not a quantity
        if not m.group("pre") and t["age_after"].match(low[m.end():m.end() + 30]):
            continue  # "65 and older", "a 40-year-old"
        if re.match(rf"\s*(?:{_MONTHS})\b", tail) or re.search(rf"\b(?:{_MONTHS})\.?\s*$", low[max(0, start - 12):start]):
            continue  # a day of a month
        if t["clock"].match(tail):
            continue  # a time of day
        mult = 1.0
        if m.group("mult"):
            mult = t["mult"][m.group("mult").lower()]
        value *= mult
        approx = False
        before = low[max(0, start - 20):start]
        pre = (m.group("pre") or "").strip()
        if pre:
            before = low[max(0, m.start() - 20):m.start()]
        for a in t["approx"]:
            if re.search(r"(?<![\w])" + re.escape(a) + r"\s*$", before):
                approx = True
                break
        dim, unit, factor, counted = "", "", 1.0, ""
        if pre:
            cur = t["money"].get(pre.lower()) or (pre.upper() if re.fullmatch(r"[A-Z]{3}", pre) and pre not in ("THE", "AND", "FOR") else None)
            if cur:
                dim, unit = f"money:{cur}", pre
                start = m.start()
        if not dim:
            # "500 metres", "500-metre-wide", "$23-million" / "1.2-billion-yuan"
            um = re.match(r"[\s-]?(" + _alt(list(t["units"]) + list(t["money"])) + r")(?![\w])", tail)
            if um:
                u = um.group(1)
                if u in t["money"]:
                    dim, unit = f"money:{t['money'][u]}", u
                else:
                    dim, factor = t["units"][u]
                    unit = u
                end += um.end()
        if not dim:
            # a count: the noun it counts, within three words ("12 Rafale fighters")
            words = re.findall(r"[a-z][a-z-]*", re.split(r"[,;:.()\[\]]", tail[:40], maxsplit=1)[0])
            run: list[str] = []
            for w in words[:4]:
                if w in _SKIP_COUNTED:
                    break
                run.append(w)
            if not run and is_word:
                continue  # "one of them" is no quantity
            counted = _lemma_noun(run[-1]) if run else ""
            if counted in t["units"]:
                dim, factor = t["units"][counted]
            dim = dim or "count"
        rate = ""
        rm = re.match(r"\s?(?:of [a-z ]{1,25}?\s)?(" + _alt(t["rates"]) + r")(?![\w])", low[end:end + 60])
        if rm:
            rate = t["rates"][rm.group(1)]
        prec = _precision(raw if not is_word else str(int(value)), approx)
        out.append(Measure(value * factor, dim, unit, rate, counted, approx, prec, text[start:end].strip(), start, end))
        range_end = pending_range  # a quantity, so its range's second number is one too
    out = _with_proportions(text, _ranges_share_units(text, out), t)
    return [replace(x, context=_context(text, x.start, x.end, t)) for x in _with_ratios(text, out, t)]


class _Shifted:
    """A match on a tail of the text, with offsets into the whole text."""

    def __init__(self, m: re.Match[str], offset: int) -> None:
        self.m, self.offset = m, offset

    def group(self, g: Any = 0) -> Any:
        return self.m.group(g)

    def start(self, g: Any = 0) -> int:
        return self.m.start(g) + self.offset

    def end(self, g: Any = 0) -> int:
        return self.m.end(g) + self.offset


def _search(rx: re.Pattern[str], text: str, pos: int, range_end: int) -> Any:
    """The next number from *pos*; at the second number of a hyphenated range
    that number itself (the pattern does not start a number after a hyphen,
    as in "F-16" or "2010-12")."""
    if range_end >= 0:
        m = rx.match(text[range_end:])
        if m is not None and m.group("num") is not None and m.start("num") == 0:
            return _Shifted(m, range_end)
    return rx.search(text, pos)


def _score_cue(low: str, start: int, end: int, cues: set[str]) -> bool:
    """A word of voting or winning within three words before or after."""
    before = re.findall(r"[a-z]+", low[max(0, start - 40):start])[-3:]
    after = re.findall(r"[a-z]+", low[end:end + 40])[:3]
    return any(w in cues for w in before + after)


def _ranges_share_units(text: str, found: list[Measure]) -> list[Measure]:
    """"from 18.6 to 18.1 percent", "between 5 and 7 bcm": the first number of
    a range takes the unit written after the second."""
    out = list(found)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if a.dimension == "count" and not a.counted and not a.unit and (b.unit or b.counted or b.dimension != "count") \
                and re.fullmatch(r"\s*(?:to|and|-|\u2013)\s*", text[a.end:b.start]):
            factor = b.value / _number(b) if _number(b) else 1.0
            out[i] = replace(a, value=a.value * factor, dimension=b.dimension, unit=b.unit, rate=b.rate, counted=b.counted)
        elif a.dimension == b.dimension and a.dimension.startswith("money") and _number(a) and _number(b) \
                and math.isclose(a.value, _number(a)) and b.value > _number(b) \
                and re.fullmatch(r"\s*(?:to|and|-|\u2013)\s*", text[a.end:b.start]):
            out[i] = replace(a, value=a.value * b.value / _number(b))  # "from $5 to $7 million"
    return out


def _number(m: Measure) -> float:
    """The number as written in *m*'s surface (before its unit's factor)."""
    g = re.search(r"\d[\d,]*(?:\.\d+)?", m.surface)
    return float(g.group(0).replace(",", "")) if g else 0.0


def _with_proportions(text: str, found: list[Measure], t: dict[str, Any]) -> list[Measure]:
    """"four in ten adults", "1-in-20", "9 out of 10": one percent measure,
    as precise as half a step of the second number ("four in ten": 38-42%)."""
    links = t["proportion_links"]
    if not links:
        return found
    num = rf"(\d+|{_alt(t['words'])})"
    rx = re.compile(rf"(?<![\w.,]){num}(?:\s+|-)(?:{_alt(links)})(?:\s+|-){num}\b", re.IGNORECASE)
    out = list(found)
    for m in rx.finditer(text):
        a, b = (float(g) if g[0].isdigit() else t["words"].get(g.lower(), 0.0) for g in (m.group(1), m.group(2)))
        if not (0 < a <= b) or (m.group(2)[0].isdigit() and _YEAR.match(m.group(2))):
            continue  # "825 in 2008" is a number and a year
        s, e = m.start(), m.end()
        out = [x for x in out if x.end <= s or x.start >= e]
        before = text[max(0, s - 20):s].lower()
        approx = any(re.search(r"(?<![\w])" + re.escape(x) + r"\s*$", before) for x in t["approx"])
        out.append(Measure(100.0 * a / b, "percent", "", "", "", approx, 0.5 / b, text[s:e], s, e))
    return sorted(out, key=lambda x: x.start)


_CONTEXT_WORDS = 8


def _context(text: str, start: int, end: int, t: dict[str, Any]) -> tuple[str, ...]:
    """Content words within eight words either side of a number, in its
    clause (up to a comma, a semicolon, "while", "but": the other figure of
    "cases rose 12 percent, while seizures rose 29 percent" is another
    clause's); a table cell's sentence is its row and column."""
    from spacy.lang.en.stop_words import STOP_WORDS

    left = t["clause_end"].split(text[max(0, start - 200):start])[-1]
    right = t["clause_end"].split(text[end:end + 200])[0]
    words = re.findall(r"[a-z][a-z'-]*", left.lower())[-_CONTEXT_WORDS:] + re.findall(r"[a-z][a-z'-]*", right.lower())[:_CONTEXT_WORDS]
    skip = set(t["units"]) | set(t["money"]) | set(t["mult"]) | set(t["words"]) | set(t["rates"])
    out = []
    for w in words:
        w = w.strip("'-")
        if len(w) < 3 or w in STOP_WORDS or w in skip or re.fullmatch(rf"(?:{_MONTHS})", w):
            continue
        out.append(_lemma_noun(w))
    return tuple(dict.fromkeys(out))


def _with_ratios(text: str, found: list[Measure], t: dict[str, Any]) -> list[Measure]:
    """Multiples and fractions of a comparison ("half as much", "a third as
    many", "twice as large"): a ``ratio`` measure replacing any number word
    read inside it."""
    if not t["ratios"]:
        return found
    rx = re.compile(rf"\b({_alt(t['ratios'])})\s+as\s+[a-z]+", re.IGNORECASE)
    out = list(found)
    for m in rx.finditer(text):
        s, e = m.start(), m.end()
        out = [x for x in out if x.end <= s or x.start >= e]
        out.append(Measure(t["ratios"][m.group(1).lower()], "ratio", "", "", "", False, 0.01, text[s:e], s, e))
    return sorted(out, key=lambda x: x.start)


def _close(a: float, b: float, tol: float) -> bool:
    return math.isclose(a, b, rel_tol=max(tol, 1e-9), abs_tol=1e-9)


def comparable(c: Measure, s: Measure) -> bool:
    if c.dimension != s.dimension:
        return False
    if c.rate and s.rate and c.rate != s.rate:
        return False
    if c.dimension == "count":
        return bool(c.counted) and c.counted == s.counted
    return True


@dataclass
class MeasureCheck:
    status: str  # none | match | close | mismatch | absent | partial
    reasons: list[str]


def compare_measures(claim: list[Measure], source: list[Measure], same_thing: Any = None,
                     directory: str | None = None, passage: str = "") -> MeasureCheck:
    """Each claim measure against the source's measures of the same dimension
    (*passage*, the evidence's text, tells whether the passage is about what a
    count's words name; see ``_same_context``)
    (and, for counts, the same thing counted; *same_thing(a, b)* may widen
    that to related nouns)."""
    t = _tables(directory)
    tolerance = t["tolerance"]
    reasons: list[str] = []
    statuses: list[str] = []
    # a source figure that states one of the claim's figures is accounted
    # for: it is no other value for the claim's other figures
    # ("US$100 million ... and US$265 million" against "US$265 million")
    stated = {id(s): c for c in claim for s in source if s.dimension == c.dimension and _close(c.value, s.value, 1e-6)}
    from extractors.match.compare import stems

    about = set(stems(passage)) if passage else set()
    for c in claim:
        same = [s for s in source if comparable(c, s) or (
            same_thing is not None and c.dimension == s.dimension == "count" and c.counted and s.counted and same_thing(c.counted, s.counted))]
        if not same and c.dimension == "count":
            same = [s for s in source if s.dimension == "count" and _close(c.value, s.value, 1e-6)]
        bare = [] if c.dimension == "count" or any(_close(c.value, s.value, 1e-6) for s in same) else \
            [s for s in source if s.dimension == "count" and _distinctive(s) and _shared_context(c, s)
             and any(_close(w, s.value, 1e-6) for w in _written(c, t))]
        if bare:
            # a table cell or list written without the unit its heading gives
            # ("China | 700,000" under "metric tons", "Monthly 308.33"), in a
            # row that shares a word with the claim's figure
            statuses.append("match")
            reasons.append(f"number {c.surface} matches '{bare[0].surface}' (written there without its unit)")
            continue
        if not same:
            statuses.append("absent")
            reasons.append(f"number '{c.surface}' not in the evidence")
            continue
        tol = max(c.precision, s_prec := 0.0)
        # the figures said in the claim's words ("people with a disability"),
        # most words shared first, are the ones it is compared with; when none is, the same value
        # still agrees, but another value says nothing against the claim
        # (the "303.9 million people" of the whole population)
        worded = [s for s in same if _same_context(c, s, same_thing, about)]
        exact = [s for s in (worded or same) if _close(c.value, s.value, 1e-6)]
        if not exact and c.dimension == "count":
            # "12 Rafale fighters" / "12 jets": the same count of a thing named
            # otherwise agrees; a different count needs the same thing to differ
            exact = [s for s in source if s.dimension == "count" and _close(c.value, s.value, 1e-6)
                     and (not worded or _same_context(c, s, same_thing, about))]
        if len(worded) > 1:
            # another value counts against the claim only from the figures
            # whose clause shares most words with the claim's
            most = max(_shared_context(c, s) for s in worded)
            worded = [s for s in worded if _shared_context(c, s) == most]
        if exact:
            x = exact[0]
            parts = [o for o in source if o is not x and o.dimension in ("count", "people") and 0 <= o.start - x.end < 80]
            if c.dimension in ("count", "people") and len(parts) >= 2 and parts[0].start - x.end <= len(x.counted) + 6 \
                    and _close(sum(o.value for o in parts[:4]), x.value, 1e-6):
                # "45 suspects: 44 individuals and one legal entity", the parts
                # right after the whole (not "15 voted against, while 6 and 9 ...")
                statuses.append("close")
                reasons.append(f"number {c.surface} matches '{x.surface}', but the evidence breaks it down: "
                               + ", ".join(f"'{o.surface}'" for o in parts[:3]))
                continue
            statuses.append("match")
            reasons.append(f"number {c.surface} matches '{x.surface}'")
            continue
        same = [s for s in worded if stated.get(id(s), c) is c]
        if not same:
            statuses.append("absent")
            why = "" if worded else " (its figures there are of something else)"
            reasons.append(f"number '{c.surface}' not in the evidence{why}")
            continue
        near = [s for s in same if _close(c.value, s.value, max(tol, s.precision, tolerance.get(c.dimension, 0.0), 0.05 if (c.approx or s.approx) else 0.0))]
        if near:
            statuses.append("close")
            reasons.append(f"number {c.surface} agrees with '{near[0].surface}' within the precision written")
            continue
        best = min(same, key=lambda s: abs(s.value - c.value))
        statuses.append("mismatch")
        what = "score" if c.dimension == "score" else "number"
        reasons.append(f"{what} {c.surface} differs from '{best.surface}'")
        del s_prec
    if not statuses:
        return MeasureCheck("none", [])
    if "mismatch" in statuses:
        return MeasureCheck("mismatch", reasons)
    if "absent" in statuses:
        return MeasureCheck("partial" if ("match" in statuses or "close" in statuses) else "absent", reasons)
    if "close" in statuses:
        return MeasureCheck("close", reasons)
    return MeasureCheck("match", reasons)


def _written(c: Measure, t: dict[str, Any]) -> set[float]:
    """The figure as written, before any unit's factor: the number, and the
    number times a multiplier word it carries ("1.19 million tons")."""
    n = _number(c)
    out = {n, c.value}
    for w in re.findall(r"[a-z]+", c.surface.lower()):
        if w in t["mult"]:
            out.add(n * t["mult"][w])
    return out


def _distinctive(s: Measure) -> bool:
    """A bare figure unlikely to equal another figure by chance: one with
    decimals ("308.33"), or a whole number of four digits or more that counts
    nothing named ("China | 700,000")."""
    digits = re.sub(r"[^\d.]", "", s.surface)
    if "." in digits.strip("."):
        return True
    return not s.counted and s.value >= 1000 and not _YEAR.match(digits)


def _shared_context(c: Measure, s: Measure) -> int:
    """Words the two figures' clauses share, besides the thing counted
    (which ``comparable`` has matched already)."""
    from extractors.match.compare import stem

    own = {stem(w) for w in (c.counted, s.counted) if w}
    return len(({stem(w) for w in c.context} & {stem(w) for w in s.context}) - own)


def _same_context(c: Measure, s: Measure, same_thing: Any = None, about: set[str] | None = None) -> bool:
    """The words around the two figures share one (or a related word): they
    can be figures of the same thing.  Two counts of the same noun ("five
    copies", "three copies") are too when the passage (its stems in *about*)
    holds most of the words around the claim's count."""
    from extractors.match.compare import stem

    own = {w for w in (c.counted, s.counted) if w}
    cc, sc = [w for w in c.context if w not in own], [w for w in s.context if w not in own]
    if not cc or not sc:
        return True  # nothing to tell them apart
    if _shared_context(c, s):
        return True
    if about and c.dimension == "count" and c.counted and c.counted == s.counted \
            and sum(stem(w) in about for w in cc) * 2 > len(cc):
        return True
    return same_thing is not None and any(same_thing(a, b) for a in cc for b in sc)


def table_sentences(text: str) -> list[str]:
    """One "ROW — COLUMN: VALUE" sentence per numeric cell of a table passage."""
    rows = [[c.strip() for c in ln.split(" | ")] for ln in text.splitlines() if " | " in ln]
    if len(rows) < 2:
        return []
    header = rows[0]
    out = []
    for r in rows[1:]:
        label = r[0]
        for j, cell in enumerate(r[1:], start=1):
            if not re.search(r"\d", cell):
                continue
            col = header[j] if j < len(header) else ""
            unit = ""
            um = re.search(r"\(([^)]+)\)", col)
            if um and not re.search(r"[A-Za-z%]", cell.replace(",", "").split()[-1] if cell.split() else ""):
                unit = " " + um.group(1)
            out.append(f"{label} \u2014 {col}: {cell}{unit}")
    return out
