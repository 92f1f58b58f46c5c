"""Numbers with units, dates with precision, and quoted words.

Everything is found with regular expressions driven by ``units.toml`` (unit
classes, number words, multipliers, currencies, approximate markers); month
names come from the ``calendar`` module.  Offsets are into the text given.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from functools import lru_cache

from extractors.claims.cues import UNITS_FILE, cue_file, load_units


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str  # normalised unit surface ("suspects", "EUR", "bcm/year")
    unit_class: str  # "persons", "currency:EUR", ... ; "" when unknown
    approx: bool
    surface: str
    start: int
    end: int

    def label(self) -> str:
        return self.surface.strip()


@dataclass(frozen=True)
class DateVal:
    iso: str  # "2024", "2024-09", "2024-09-11" or "2024/2025" for a range
    precision: str  # year | month | day | range
    surface: str
    start: int
    end: int

    def bounds(self) -> tuple[str, str]:
        if self.precision == "range":
            a, b = self.iso.split("/")
            return a, b
        return self.iso, self.iso


# ----------------------------------------------------------------- numbers

def _unit_tables() -> tuple[dict[str, str], list[str], dict[str, float], dict[str, int], dict[str, str], list[str]]:
    return _unit_tables_of(str(cue_file(UNITS_FILE)))


def _number_re() -> re.Pattern[str]:
    return _number_re_of(str(cue_file(UNITS_FILE)))


@lru_cache(maxsize=4)
def _unit_tables_of(path: str) -> tuple[dict[str, str], list[str], dict[str, float], dict[str, int], dict[str, str], list[str]]:
    u = load_units(path)
    unit_class: dict[str, str] = {}
    for cls, spec in u.get("classes", {}).items():
        for s in spec["units"]:
            unit_class[s.lower()] = cls
    units_sorted = sorted(unit_class, key=len, reverse=True)
    mult = {k.lower(): float(v) for k, v in u.get("multipliers", {}).items()}
    words = {k.lower(): int(v) for k, v in u.get("number_words", {}).items()}
    cur = {k.lower(): v for k, v in u.get("currencies", {}).items()}
    approx = sorted((m.lower() for m in u.get("approx", {}).get("markers", [])), key=len, reverse=True)
    return unit_class, units_sorted, mult, words, cur, approx


@lru_cache(maxsize=4)
def _number_re_of(path: str) -> re.Pattern[str]:
    _, _, mult, words, cur, _ = _unit_tables_of(path)
    sym = "".join(re.escape(c) for c in cur if len(c) == 1)
    mults = "|".join(sorted((re.escape(m) for m in mult), key=len, reverse=True))
    wordalt = "|".join(sorted(words, key=len, reverse=True))
    return re.compile(
        rf"(?P<cur>[{sym}])?\s?(?:(?P<num>(?<![\w\-./)])\d{{1,3}}(?:,\d{{3}})+(?![\d])|(?<![\w\-./)])\d+(?:\.\d+)?(?![.,]?\d))"
        rf"|(?P<word>\b(?:{wordalt})\b))(?:\s?(?P<mult>(?:{mults}))\b)?",
        re.IGNORECASE,
    )


_YEAR = re.compile(r"^(19|20)\d{2}$")


def find_quantities(text: str) -> list[Quantity]:
    unit_class, units_sorted, mult, words, cur, approx_markers = _unit_tables()
    out: list[Quantity] = []
    low = text.lower()
    months = _month_names()
    for m in _number_re().finditer(text):
        if m.group("num") is None and m.group("word") is None:
            continue
        raw = m.group("num") or m.group("word")
        if m.group("num"):
            value = float(raw.replace(",", ""))
        else:
            value = float(words[raw.lower()])
        start, end = m.start(), m.end()
        if m.group("cur") is None and text[start:start + 1].isspace():
            start += 1
        tail = low[end:end + 60]
        # skip years and day-of-month numbers of dates
        if m.group("num") and _YEAR.match(raw) and not m.group("cur") and not m.group("mult"):
            continue
        nxt = re.match(r"\s*([a-z]+)", tail)
        if m.group("num") and nxt and nxt.group(1) in months:
            continue
        prev = low[max(0, start - 12):start]
        if m.group("num") and re.search(r"(%s)\.?\s*$" % "|".join(months), prev) and value <= 31:
            continue  # "September 24, 2023"
        factor = 1.0
        if m.group("mult"):
            mk = m.group("mult").lower()
            # "2.5 billion cubic metres": the multiplier belongs to the unit phrase
            unit_probe = (mk + tail).strip()
            if not any(unit_probe.startswith(u) for u in units_sorted if " " in u):
                factor = mult.get(mk, 1.0)
            else:
                end = m.start("mult")
                tail = low[end:end + 60]
        value *= factor
        currency = cur.get(m.group("cur") or "", None) if m.group("cur") else None
        unit = ""
        ucls = ""
        # currency word after the number ("2.7 billion euros")
        cw = re.match(r"\s*([a-z]+)", low[end:end + 20])
        if currency is None and cw and cw.group(1) in cur:
            currency = cur[cw.group(1)]
            end += cw.end()
        if currency:
            unit, ucls = currency, f"currency:{currency}"
        else:
            # hyphenated duration: "three-year", "75-day"
            hy = re.match(r"-(year|day|month|person)s?\b", low[end:end + 8])
            if hy:
                unit = "-" + hy.group(1)
                ucls = unit_class.get(unit, "")
                end += hy.end()
            else:
                # a unit phrase within the next 4 words ("11 Russian-made Mi-35 attack helicopters")
                seg = re.split(r"[,;:()\u2014\u2013]|\.\s|\band\b|\bor\b", low[end:end + 70])[0]
                best = None
                for u in units_sorted:
                    k = re.search(r"(?<![\w-])" + re.escape(u) + r"(?![\w])", seg)
                    if k and len(seg[:k.start()].split()) <= 4:
                        if best is None or k.start() < best[0] or (k.start() == best[0] and len(u) > len(best[1])):
                            best = (k.start(), u, k.end())
                if best:
                    unit = best[1]
                    ucls = unit_class[unit]
                    end = end + best[2]
        if not unit and m.group("num") is None:
            continue  # a bare number word ("one of them") is not a quantity
        if not unit and value < 1000 and not m.group("mult"):
            # bare small numbers: keep, class unknown
            pass
        approx = False
        before = low[max(0, start - 16):start]
        for a in approx_markers:
            if before.rstrip().endswith(a):
                approx = True
                start = start - (len(before) - len(before.rstrip())) - len(a)
                break
        out.append(Quantity(value, unit, ucls, approx, text[start:end], start, end))
    return out


def quantity_key(q: Quantity) -> str:
    """How a quantity is written in the claims table: surface as written."""
    return q.surface.strip()


# ----------------------------------------------------------------- dates

@lru_cache(maxsize=1)
def _month_names() -> dict[str, int]:
    d: dict[str, int] = {}
    for i in range(1, 13):
        d[calendar.month_name[i].lower()] = i
        d[calendar.month_abbr[i].lower()] = i
    d["sept"] = 9
    return d


@lru_cache(maxsize=1)
def _date_res() -> list[tuple[str, re.Pattern[str]]]:
    mon = "|".join(sorted(_month_names(), key=len, reverse=True))
    return [
        ("dmy", re.compile(rf"\b(?P<d>\d{{1,2}})\s+(?P<m>{mon})\.?,?\s+(?P<y>(?:19|20)\d{{2}})\b", re.I)),
        ("mdy", re.compile(rf"\b(?P<m>{mon})\.?\s+(?P<d>\d{{1,2}}),?\s+(?P<y>(?:19|20)\d{{2}})\b", re.I)),
        ("num", re.compile(r"\b(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>(?:19|20)\d{2})\b")),
        ("iso", re.compile(r"\b(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})\b")),
        ("my", re.compile(rf"\b(?P<m>{mon})\.?,?\s+(?P<y>(?:19|20)\d{{2}})\b", re.I)),
        ("range", re.compile(r"\b(?P<y>(?:19|20)\d{2})\s*[\u2013\u2014-]\s*(?P<y2>(?:19|20)\d{2})\b")),
        ("y", re.compile(r"(?<![\w\-/.])(?P<y>(?:19|20)\d{2})(?![\w\-/]|\.\d)")),
    ]


def find_dates(text: str) -> list[DateVal]:
    months = _month_names()
    taken: list[tuple[int, int]] = []
    out: list[DateVal] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for kind, rx in _date_res():
        for m in rx.finditer(text):
            if not free(m.start(), m.end()):
                continue
            y = int(m.group("y"))
            try:
                if kind in ("dmy", "mdy"):
                    mo, d = months[m.group("m").lower().rstrip(".")], int(m.group("d"))
                    iso, prec = f"{y:04d}-{mo:02d}-{d:02d}", "day"
                elif kind in ("num", "iso"):
                    mo, d = int(m.group("m")), int(m.group("d"))
                    if not (1 <= mo <= 12 and 1 <= d <= 31):
                        continue
                    iso, prec = f"{y:04d}-{mo:02d}-{d:02d}", "day"
                elif kind == "my":
                    iso, prec = f"{y:04d}-{months[m.group('m').lower()]:02d}", "month"
                elif kind == "range":
                    y2 = int(m.group("y2"))
                    if y2 <= y:
                        continue
                    iso, prec = f"{y:04d}/{y2:04d}", "range"
                else:
                    iso, prec = f"{y:04d}", "year"
            except KeyError:
                continue
            taken.append((m.start(), m.end()))
            out.append(DateVal(iso, prec, m.group(0), m.start(), m.end()))
    out.sort(key=lambda d: d.start)
    return out


def _trim(iso: str, n: int) -> str:
    return iso[:n]


def dates_agree(claim: DateVal, source: DateVal) -> bool:
    """Compare at the coarser precision; ranges agree when they overlap."""
    ca, cb = claim.bounds()
    sa, sb = source.bounds()
    n = min(len(ca), len(sa))
    if claim.precision == "range" or source.precision == "range":
        n = 4
        return not (cb[:n] < sa[:n] or sb[:n] < ca[:n])
    return ca[:n] == sa[:n]


# ----------------------------------------------------------------- quotes

_QUOTE_RES = [
    re.compile(r"\u201c([^\u201d]{2,200})\u201d"),
    re.compile(r'"([^"]{2,200})"'),
    re.compile(r"(?<![\w])\u2018([^\u2019]{2,120})\u2019(?![\w])"),
]


def find_quotes(text: str) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    for rx in _QUOTE_RES:
        for m in rx.finditer(text):
            q = m.group(1).strip().rstrip(",.;:")
            if q:
                out.append((q, m.start(1), m.end(1)))
    out.sort(key=lambda t: t[1])
    return out


_TYPO = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def plain_typography(s: str) -> str:
    """Curly quotes, dashes and no-break spaces as plain ones, every offset
    kept (whitespace is not folded)."""
    return s.translate(_TYPO)


def norm_typography(s: str) -> str:
    return re.sub(r"\s+", " ", s.translate(_TYPO)).strip()
