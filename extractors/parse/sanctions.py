"""Sanctions lists (CSV) -> designations plus one citable sentence per entry.

A list is structured data: each entry becomes one designation record
(:mod:`extractors.parse.designations`), read in chunks of CHUNK_ROWS rows.
The canonical text holds one sentence per entry so that evidence can point
at it, but the document has no passages: an entry becomes a ``list-entry``
passage (:func:`designation_passage`) only when a claim is matched to it, and
list entries never go through the NLP pipeline.

Supported layouts (detected from the bytes):

* OFAC SDN legacy CSV (``sdn.csv``): no header row, 12 columns, empty values
  written ``-0- ``, a 0x1A byte at the end; weak aliases only inside Remarks
  (``a.k.a. 'RADOICIC, Milan'``).
* UK OFSI Consolidated List, 2022 format (``ConList.csv``): a ``Last Updated``
  banner row, a header row, one row per name variant grouped by ``Group ID``.
* UK FCDO "UK Sanctions List" CSV: a ``Report Date`` banner row, a header
  row, one row per name grouped by ``Unique ID``.

Every value is read as a string (``keep_default_na=False``), so a name such
as "NA" is not turned into a missing value.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from functools import lru_cache

import pandas as pd
import pyarrow as pa

from extractors.errors import ParseError
from extractors.ids import stable_id
from extractors.model import ParsedDoc, Passage
from extractors.textnorm import fold_str

from .build import SEPARATOR, clean_block
from .designations import SCHEMA, Designations, as_designations
from .encoding import decode_text

OFAC_ID = "ofac-sdn.v2"
UK_ID = "uk-sanctions.v2"
_WORDS = re.compile(r"\w+")
# rows read and designations built per step: memory stays bounded on large lists
CHUNK_ROWS = 20_000

OFAC_COLUMNS = [
    "ent_num", "sdn_name", "sdn_type", "program", "title", "call_sign",
    "vess_type", "tonnage", "grt", "vess_flag", "vess_owner", "remarks",
]
OFAC_NULL = "-0-"
_AKA = re.compile(r"\b([afn])\.k\.a\.,?\s*'([^']+)'", re.I)
_AKA_DQ = re.compile(r'\b([afn])\.k\.a\.,?\s*"([^"]+)"', re.I)

# UK layouts: required columns (a missing one is a clear error)
UK_OFSI_REQUIRED = ["Name 6", "Name 1", "Group Type", "Alias Type", "Regime", "Listed On", "Group ID"]
UK_FCDO_REQUIRED = ["Unique ID", "Name 6", "Name 1", "Name type", "Regime Name", "Designation Type", "Date Designated"]
_UK_PRIMARY = {"primary name", "prime alias", "primary"}


def detect_layout(raw: bytes) -> str | None:
    """``"ofac-sdn"``, ``"uk-ofsi"``, ``"uk-fcdo"`` or None."""
    head = raw[:4000].decode("utf-8", errors="replace").lstrip("\ufeff")
    first_lines = head.splitlines()[:5]
    joined = "\n".join(first_lines)
    if "Name 6" in joined or first_lines and (first_lines[0].startswith("Last Updated") or first_lines[0].startswith("Report Date")):
        if "Unique ID" in joined or (first_lines and first_lines[0].startswith("Report Date")):
            return "uk-fcdo"
        return "uk-ofsi"
    if first_lines and re.match(r'^"?\d+"?,', first_lines[0]) and "-0-" in joined:
        return "ofac-sdn"
    return None


def parser_id_for(raw: bytes | None) -> str:
    layout = detect_layout(raw) if raw else None
    return UK_ID if layout and layout.startswith("uk-") else OFAC_ID


def parse_sanctions(source_id: str, sha256: str, raw: bytes) -> ParsedDoc:
    if not raw.strip(b" \r\n\t\x1a"):
        raise ParseError("empty file", hint="the list download returned no content; fetch it again")
    layout = detect_layout(raw)
    if layout == "ofac-sdn":
        return _ofac(source_id, sha256, raw)
    if layout in ("uk-ofsi", "uk-fcdo"):
        return _uk(source_id, sha256, raw, layout)
    raise ParseError(
        "unrecognised CSV: neither an OFAC SDN list nor a UK sanctions list",
        hint="only the OFAC SDN legacy CSV and the UK OFSI/FCDO CSV layouts are supported",
    )


# --------------------------------------------------------------------------- OFAC


def _ofac_value(v) -> str | None:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    v = str(v).strip()
    return None if v in ("", OFAC_NULL) else v


def _utf8_stream(data: bytes) -> io.TextIOWrapper:
    """Lines of UTF-8 *data* read lazily (no second copy of the whole text)."""
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline="")


def _as_utf8(raw: bytes) -> bytes:
    """*raw* as UTF-8 bytes without a BOM (decoded and re-encoded only when
    it is in another encoding)."""
    text, enc = decode_text(raw)
    if enc == "utf-8":
        return raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    return text.encode("utf-8")


def _check_ofac_fields(data: bytes) -> None:
    """pandas pads short rows and, on a long first row, shifts every column:
    check the field count of every record first and name the bad lines."""
    counts: dict[int, list[int]] = {}  # field count -> [records, first record]
    for i, rec in enumerate(csv.reader(_utf8_stream(data)), start=1):
        if rec:
            seen = counts.setdefault(len(rec), [0, i])
            seen[0] += 1
    if set(counts) != {len(OFAC_COLUMNS)}:
        if len(counts) == 1:
            n = next(iter(counts))
            raise ParseError(
                f"OFAC SDN CSV has {n} columns, expected {len(OFAC_COLUMNS)} ({', '.join(OFAC_COLUMNS)})",
                hint="a column is missing or the file is not the legacy sdn.csv",
            )
        bad = sorted((n, lines) for n, lines in counts.items() if n != len(OFAC_COLUMNS))
        where = "; ".join(f"{k} record(s) with {n} fields (first at record {first})" for n, (k, first) in bad)
        raise ParseError(f"malformed OFAC SDN CSV: {where}; expected {len(OFAC_COLUMNS)} fields", hint="the file is damaged or was re-saved by another tool; fetch it again")


def _ofac_identifiers(remarks: str | None) -> list[str]:
    """The identifying details of a Remarks cell (date and place of birth,
    nationality, passport, national and registration numbers...): every
    ``;``-separated part except aliases and links to other entries."""
    out = []
    for part in (remarks or "").split(";"):
        part = part.strip().rstrip(".").strip()
        if not part or _AKA.match(part) or _AKA_DQ.match(part) or part.lower().startswith(("linked to", "a.k.a", "f.k.a", "n.k.a")):
            continue
        out.append(part)
    return out


def _ofac(source_id: str, sha256: str, raw: bytes) -> ParsedDoc:
    data = _as_utf8(raw.rstrip(b"\x1a\r\n \t"))
    _check_ofac_fields(data)
    warnings: list[str] = []
    out = _Collector()
    try:
        reader = pd.read_csv(
            io.BytesIO(data),
            encoding="utf-8",
            header=None,
            names=OFAC_COLUMNS,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            quotechar='"',
            skip_blank_lines=True,
            chunksize=CHUNK_ROWS,
        )
        for chunk in reader:
            cols = [chunk[c].tolist() for c in ("ent_num", "sdn_name", "sdn_type", "program", "remarks")]
            for ent, sdn_name, sdn_type, program, remarks in zip(*cols):
                ent = str(ent).strip()
                name = _ofac_value(sdn_name)
                if not ent.isdigit() or not name:
                    warnings.append(f"skipped row with ent_num {ent[:20]!r}: not an SDN record")
                    continue
                remarks = _ofac_value(remarks)
                aliases: list[str] = []
                for rx in (_AKA, _AKA_DQ) if remarks and ".k.a" in remarks else ():
                    for m in rx.finditer(remarks):
                        a = m.group(2).strip()
                        if a and a not in aliases and a != name:
                            aliases.append(a)
                programs = [p.strip() for p in (_ofac_value(program) or "").split("] [") if p.strip()]
                out.add({
                    "name": name,
                    "aliases": aliases,
                    "type": _ofac_value(sdn_type) or "entity",
                    "programme": "; ".join(programs) or None,
                    "programmes": programs,
                    "listed_on": None,  # the legacy CSV carries no designation date
                    "last_updated": None,
                    "identifiers": _ofac_identifiers(remarks),
                    "list_id": ent,
                    "list_name": "OFAC SDN",
                    "remarks": remarks,
                })
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ParseError(f"malformed OFAC SDN CSV: {str(exc).strip()[:200]}", hint="a row has more fields than the first; the file may be damaged") from None
    if not out:
        raise ParseError("OFAC SDN CSV holds no records", hint="the download may have been cut off")
    return out.doc(source_id, sha256, OFAC_ID, warnings, title="OFAC Specially Designated Nationals list")


# --------------------------------------------------------------------------- UK

# identifying columns per layout: column -> label in ``identifiers``
_UK_IDENTIFIERS = {
    "uk-ofsi": {"DOB": "DOB", "Nationality": "nationality", "Passport Number": "passport",
                "National Identification Number": "national identification number"},
    "uk-fcdo": {"D.O.B": "DOB", "Nationality(/ies)": "nationality", "Passport number": "passport",
                "National Identifier number": "national identification number", "OFSI Group ID": "OFSI group id",
                "UN Reference Number": "UN reference", "Business registration number (s)": "registration number",
                "IMO number": "IMO number"},
}
_UK_REF = re.compile(r"\(UK Sanctions List Ref\):\s*([A-Z]{2,4}\d{3,6})")


def _uk(source_id: str, sha256: str, raw: bytes, layout: str) -> ParsedDoc:
    data = _as_utf8(raw)
    head = data[:20000].decode("utf-8", errors="replace").splitlines()[:10]
    header_idx = next((i for i, ln in enumerate(head) if "Name 6" in ln), None)
    if header_idx is None:
        raise ParseError("UK sanctions CSV: no header row with 'Name 6' in the first 10 lines", hint="the layout has changed; check the file")
    banner = head[0] if header_idx > 0 else ""
    header = next(csv.reader([head[header_idx]]))
    columns = [str(c).strip() for c in header]
    required = UK_FCDO_REQUIRED if layout == "uk-fcdo" else UK_OFSI_REQUIRED
    missing = [c for c in required if c not in columns]
    if missing:
        raise ParseError(
            f"UK sanctions CSV ({layout}): missing column(s): {', '.join(missing)}",
            hint="the list layout has changed or the file was cut; check the header row",
        )
    if layout == "uk-fcdo":
        id_col, alias_col, regime_col, type_col, date_col = "Unique ID", "Name type", "Regime Name", "Designation Type", "Date Designated"
        nonlatin_col, list_name = "Name non-latin script", "UK Sanctions List (FCDO)"
    else:
        id_col, alias_col, regime_col, type_col, date_col = "Group ID", "Alias Type", "Regime", "Group Type", "Listed On"
        nonlatin_col, list_name = "Name Non-Latin Script", "UK OFSI Consolidated List"
    idents = {c: lab for c, lab in _UK_IDENTIFIERS[layout].items() if c in columns}
    wanted = [c for c in dict.fromkeys([id_col, alias_col, regime_col, type_col, date_col, nonlatin_col, "Last Updated",
                                        "Other Information", *[f"Name {i}" for i in range(1, 7)], *idents])
              if c in columns]
    warnings: list[str] = []
    if banner:
        warnings.append(f"list banner: {banner.strip(' ,')}")
    # one row per name variant: gather each group's rows (only the columns
    # used) chunk by chunk, then make one designation per group
    groups: dict[str, list[tuple]] = {}  # rows as tuples of the columns kept (memory)
    names: list[str] = []
    blank = 0
    # skip the lines before the header without copying the text
    offset = 0
    for _ in range(header_idx):
        offset = data.index(b"\n", offset) + 1
    buf = io.BytesIO(data)
    buf.seek(offset)
    try:
        reader = pd.read_csv(buf, encoding="utf-8", header=0, dtype=str, keep_default_na=False, na_filter=False,
                             skip_blank_lines=True, usecols=lambda c: str(c).strip() in wanted,
                             chunksize=CHUNK_ROWS)
        for chunk in reader:
            names = [str(c).strip() for c in chunk.columns]
            cols = [chunk[c].tolist() for c in chunk.columns]
            id_at = names.index(id_col)
            for values in zip(*cols):
                gid = str(values[id_at]).strip()
                if not gid:
                    blank += 1
                    continue
                groups.setdefault(gid, []).append(tuple(v.strip() if isinstance(v, str) else "" for v in values))
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ParseError(f"malformed UK sanctions CSV: {str(exc).strip()[:200]}", hint="the file may be damaged") from None
    if blank:
        warnings.append(f"skipped {blank} row(s) without {id_col}")
    out = _Collector()
    for gid, tuples in groups.items():
        rows = [{k: v for k, v in zip(names, t) if v} for t in tuples]
        primary = next((r for r in rows if r.get(alias_col, "").lower() in _UK_PRIMARY), rows[0])
        name = _uk_name(primary)
        if not name:
            warnings.append(f"skipped {id_col} {gid}: no name")
            continue
        aliases: list[str] = []
        identifiers: list[str] = []
        for r in rows:
            for a in (_uk_name(r), r.get(nonlatin_col, "")):
                if a and a != name and a not in aliases:
                    aliases.append(a)
            for col, label in idents.items():
                for v in (x.strip() for x in r.get(col, "").split("|")):
                    item = f"{label} {v}"
                    if v and item not in identifiers:
                        identifiers.append(item)
            ref = _UK_REF.search(r.get("Other Information", ""))
            if ref and f"UK sanctions list ref {ref.group(1)}" not in identifiers:
                identifiers.append(f"UK sanctions list ref {ref.group(1)}")
        regime = primary.get(regime_col) or None
        out.add({
            "name": name,
            "aliases": aliases,
            "type": (primary.get(type_col, "").lower() or None),
            "programme": regime,
            "programmes": [regime] if regime else [],
            "listed_on": _uk_date(primary.get(date_col, "")),
            "last_updated": _uk_date(primary.get("Last Updated", "")),
            "identifiers": identifiers,
            "list_id": gid,
            "list_name": list_name,
            "remarks": None,
        })
    if not out:
        raise ParseError("UK sanctions CSV holds no records", hint="the download may have been cut off")
    return out.doc(source_id, sha256, UK_ID, warnings, title=list_name)


def _uk_name(r: dict) -> str:
    surname = str(r.get("Name 6", "") or "").strip()
    given = " ".join(str(r.get(f"Name {i}", "") or "").strip() for i in range(1, 6)).split()
    if surname and given:
        return f"{surname}, {' '.join(given)}"
    return surname or " ".join(given)


_DMY = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})$")


@lru_cache(maxsize=65536)  # a list repeats a few thousand dates
def _uk_date(v: str) -> str | None:
    v = v.strip()
    m = _DMY.match(v)
    if m:
        try:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1))).isoformat()
        except ValueError:
            return None
    for fmt in ("%Y-%m-%d", "%d-%b-%Y", "%d %B %Y"):
        try:
            return datetime.strptime(v, fmt).date().isoformat()
        except ValueError:
            continue
    return None


# --------------------------------------------------------------------------- rendering


def render(d: dict) -> str:
    """One citable sentence for a designation."""
    s = d["name"]
    if d.get("aliases"):
        s += f" (a.k.a. {'; '.join(d['aliases'])})"
    what = d.get("type") or "entry"
    if d["list_name"] == "OFAC SDN":
        s += f" — {what} designated under program {d.get('programme') or 'unknown'} (OFAC SDN, entry {d['list_id']})"
    else:
        regime = d.get("programme") or "an unknown"
        if regime.lower().startswith("the ") or "regulations" in regime.lower():
            s += f" — {what} designated under {regime}"
        else:
            s += f" — {what} designated under the {regime} regime"
        if d.get("listed_on"):
            s += f" on {d['listed_on']}"
        s += f" ({d['list_name']}, entry {d['list_id']})"
    s += "."
    if d.get("remarks"):
        s += f" Listed details: {d['remarks']}"
    return s


class _Collector:
    """Designations added one at a time, kept as columns and turned into an
    Arrow table every :data:`CHUNK_ROWS` entries, with each entry's citable
    sentence placed in the document's canonical text (entries joined by a
    blank line)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.batches: list[Designations] = []
        self.cols: dict[str, list] = {f.name: [] for f in SCHEMA}
        self.length = 0
        self.count = 0

    def __bool__(self) -> bool:
        return self.count > 0

    def add(self, d: dict) -> None:
        sentence = render(d)
        # the full clean-up only where a value may need it (not plain ASCII);
        # the dash the sentence puts in is plain text
        sentence = clean_block(sentence) if not sentence.replace("—", "").isascii() else " ".join(sentence.split())
        if self.parts:
            self.parts.append(SEPARATOR)
            self.length += len(SEPARATOR)
        self.count += 1
        d["entry"] = self.count
        d["char_start"] = self.length
        self.parts.append(sentence)
        self.length += len(sentence)
        d["char_end"] = self.length
        d["name_folded"] = fold_name(d["name"])
        d["aliases_folded"] = [fold_name(a) for a in d.get("aliases") or []]
        for k, col in self.cols.items():
            col.append(d.get(k))
        if len(self.cols["entry"]) >= CHUNK_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self.cols["entry"]:
            self.batches.append(Designations(pa.Table.from_pydict(self.cols, schema=SCHEMA)))
            self.cols = {f.name: [] for f in SCHEMA}

    def doc(self, source_id, sha256, parser, warnings, title) -> ParsedDoc:
        self._flush()
        return ParsedDoc(
            source_id=source_id,
            sha256=sha256,
            parser=parser,
            text="".join(self.parts),
            passages=[],  # a list entry becomes a passage only when a claim cites it
            pages=None,
            language="en",
            title=title,
            designations=Designations.concat(self.batches),
            warnings=warnings,
        )


def fold_name(name: str) -> str:
    """A name folded for look-up: diacritics and case removed, punctuation
    dropped, words kept in order ("RADOIČIĆ, Milan" -> "radoicic milan")."""
    name = name or ""
    return " ".join(_WORDS.findall(name.lower() if name.isascii() else fold_str(name)))


def designation_passage(doc: ParsedDoc, d: dict) -> Passage:
    """The ``list-entry`` passage of one designation: its sentence in the
    document's canonical text (``paragraph`` is the entry's position in the
    list)."""
    s, e = int(d["char_start"]), int(d["char_end"])
    return Passage(
        passage_id=stable_id("passage", doc.source_id, doc.sha256, s, e),
        source_id=doc.source_id,
        document_sha256=doc.sha256,
        page=None,
        paragraph=int(d["entry"]),
        char_start=s,
        char_end=e,
        kind="list-entry",
        text=doc.text[s:e],
    )


DESIGNATION_COLUMNS = [
    "designation_id", "source_id", "document_sha256", "passage_id", "list_name", "list_id", "entry",
    "name", "aliases", "name_folded", "aliases_folded", "type", "programme", "programmes", "listed_on",
    "last_updated", "identifiers", "char_start", "char_end",
]


def designations_table(doc: ParsedDoc):
    """Every designation of a parsed list as one Arrow table (columns
    DESIGNATION_COLUMNS), ids computed column-wise; the ``passage_id`` is the
    one :func:`designation_passage` gives the entry."""
    import pyarrow as pa

    t = as_designations(doc.designations).table
    starts = t.column("char_start").to_pylist()
    ends = t.column("char_end").to_pylist()
    ids = t.column("list_id").to_pylist()
    names = t.column("list_name").to_pylist()
    n = t.num_rows
    cols = {
        "designation_id": pa.array([stable_id("designation", doc.source_id, doc.sha256, ln, li) for ln, li in zip(names, ids)], pa.string()),
        "source_id": pa.array([doc.source_id] * n, pa.string()),
        "document_sha256": pa.array([doc.sha256] * n, pa.string()),
        "passage_id": pa.array([stable_id("passage", doc.source_id, doc.sha256, s, e) for s, e in zip(starts, ends)], pa.string()),
    }
    return pa.table({c: cols[c] if c in cols else t.column(c) for c in DESIGNATION_COLUMNS})


def designation_rows(doc: ParsedDoc) -> list[dict]:
    """:func:`designations_table` as a list of dicts (``aliases`` stays a list)."""
    return designations_table(doc).to_pylist()
