"""Sanctions lists (CSV) -> designations plus one citable sentence per entry.

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
from datetime import datetime

import pandas as pd

from extractors.errors import ParseError
from extractors.ids import stable_id
from extractors.model import ParsedDoc

from .build import TextBuilder
from .encoding import decode_text

OFAC_ID = "ofac-sdn.v1"
UK_ID = "uk-sanctions.v1"

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


def _ofac(source_id: str, sha256: str, raw: bytes) -> ParsedDoc:
    text, _enc = decode_text(raw.rstrip(b"\x1a\r\n \t"))
    # pandas pads short rows and, on a long first row, shifts every column:
    # check the field count of every record first and name the bad lines
    counts: dict[int, list[int]] = {}
    for i, rec in enumerate(csv.reader(io.StringIO(text)), start=1):
        if rec:
            counts.setdefault(len(rec), []).append(i)
    if set(counts) != {len(OFAC_COLUMNS)}:
        if len(counts) == 1:
            n = next(iter(counts))
            raise ParseError(
                f"OFAC SDN CSV has {n} columns, expected {len(OFAC_COLUMNS)} ({', '.join(OFAC_COLUMNS)})",
                hint="a column is missing or the file is not the legacy sdn.csv",
            )
        bad = sorted((n, lines) for n, lines in counts.items() if n != len(OFAC_COLUMNS))
        where = "; ".join(f"{len(lines)} record(s) with {n} fields (first at record {lines[0]})" for n, lines in bad)
        raise ParseError(f"malformed OFAC SDN CSV: {where}; expected {len(OFAC_COLUMNS)} fields", hint="the file is damaged or was re-saved by another tool; fetch it again")
    try:
        df = pd.read_csv(
            io.StringIO(text),
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            quotechar='"',
            skip_blank_lines=True,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ParseError(f"malformed OFAC SDN CSV: {str(exc).strip()[:200]}", hint="a row has more fields than the first; the file may be damaged") from None
    if df.shape[1] != len(OFAC_COLUMNS):
        raise ParseError(
            f"OFAC SDN CSV has {df.shape[1]} columns, expected {len(OFAC_COLUMNS)} ({', '.join(OFAC_COLUMNS)})",
            hint="a column is missing or the file is not the legacy sdn.csv",
        )
    df.columns = OFAC_COLUMNS
    warnings: list[str] = []
    designations = []
    for row in df.itertuples(index=False):
        ent = str(row.ent_num).strip()
        name = _ofac_value(row.sdn_name)
        if not ent.isdigit() or not name:
            warnings.append(f"skipped row with ent_num {ent[:20]!r}: not an SDN record")
            continue
        remarks = _ofac_value(row.remarks)
        aliases = []
        for rx in (_AKA, _AKA_DQ):
            for m in rx.finditer(remarks or ""):
                a = m.group(2).strip()
                if a and a not in aliases and a != name:
                    aliases.append(a)
        programs = [p.strip() for p in (_ofac_value(row.program) or "").split("] [") if p.strip()]
        designations.append(
            {
                "name": name,
                "aliases": aliases,
                "type": _ofac_value(row.sdn_type) or "entity",
                "programme": "; ".join(programs) or None,
                "listed_on": None,  # the legacy CSV carries no designation date
                "list_id": ent,
                "list_name": "OFAC SDN",
                "remarks": remarks,
            }
        )
    if not designations:
        raise ParseError("OFAC SDN CSV holds no records", hint="the download may have been cut off")
    return _doc(source_id, sha256, OFAC_ID, designations, warnings, title="OFAC Specially Designated Nationals list")


# --------------------------------------------------------------------------- UK


def _uk(source_id: str, sha256: str, raw: bytes, layout: str) -> ParsedDoc:
    text, _enc = decode_text(raw)
    lines = text.splitlines()
    header_idx = next((i for i, ln in enumerate(lines[:10]) if "Name 6" in ln), None)
    if header_idx is None:
        raise ParseError("UK sanctions CSV: no header row with 'Name 6' in the first 10 lines", hint="the layout has changed; check the file")
    banner = lines[0] if header_idx > 0 else ""
    try:
        df = pd.read_csv(
            io.StringIO("\n".join(lines[header_idx:])),
            header=0,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=True,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ParseError(f"malformed UK sanctions CSV: {str(exc).strip()[:200]}", hint="the file may be damaged") from None
    df.columns = [str(c).strip() for c in df.columns]
    required = UK_FCDO_REQUIRED if layout == "uk-fcdo" else UK_OFSI_REQUIRED
    missing = [c for c in required if c not in df.columns]
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
    warnings: list[str] = []
    if banner:
        warnings.append(f"list banner: {banner.strip(' ,')}")
    designations = []
    for gid, group in df.groupby(id_col, sort=False):
        gid = str(gid).strip()
        if not gid:
            warnings.append(f"skipped {len(group)} row(s) without {id_col}")
            continue
        rows = group.to_dict("records")
        primary = next((r for r in rows if str(r.get(alias_col, "")).strip().lower() in _UK_PRIMARY), rows[0])
        name = _uk_name(primary)
        if not name:
            warnings.append(f"skipped {id_col} {gid}: no name")
            continue
        aliases: list[str] = []
        for r in rows:
            for a in (_uk_name(r), str(r.get(nonlatin_col, "") or "").strip()):
                if a and a != name and a not in aliases:
                    aliases.append(a)
        designations.append(
            {
                "name": name,
                "aliases": aliases,
                "type": (str(primary.get(type_col, "")).strip().lower() or None),
                "programme": str(primary.get(regime_col, "")).strip() or None,
                "listed_on": _uk_date(str(primary.get(date_col, ""))),
                "list_id": gid,
                "list_name": list_name,
                "remarks": None,
            }
        )
    if not designations:
        raise ParseError("UK sanctions CSV holds no records", hint="the download may have been cut off")
    return _doc(source_id, sha256, UK_ID, designations, warnings, title=list_name)


def _uk_name(r: dict) -> str:
    surname = str(r.get("Name 6", "") or "").strip()
    given = " ".join(str(r.get(f"Name {i}", "") or "").strip() for i in range(1, 6)).split()
    if surname and given:
        return f"{surname}, {' '.join(given)}"
    return surname or " ".join(given)


def _uk_date(v: str) -> str | None:
    v = v.strip()
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d-%b-%Y", "%d %B %Y"):
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


def _doc(source_id, sha256, parser, designations, warnings, title) -> ParsedDoc:
    b = TextBuilder()
    for d in designations:
        b.add(render(d), kind="list-entry")
    return ParsedDoc(
        source_id=source_id,
        sha256=sha256,
        parser=parser,
        text=b.text,
        passages=b.passages(source_id, sha256),
        pages=None,
        language="en",
        title=title,
        designations=designations,
        warnings=warnings,
    )



DESIGNATION_COLUMNS = [
    "designation_id", "source_id", "document_sha256", "passage_id", "list_name", "list_id",
    "name", "aliases", "type", "programme", "listed_on",
]


def designation_rows(doc: ParsedDoc) -> list[dict]:
    """The designations of a parsed list as table rows (columns
    DESIGNATION_COLUMNS), each linked to its ``list-entry`` passage.
    ``aliases`` stays a list (the CSV writer joins lists with ``; ``)."""
    entries = [p for p in doc.passages if p.kind == "list-entry"]
    if len(entries) != len(doc.designations):
        raise ValueError("designations and list-entry passages are out of step")
    rows = []
    for d, p in zip(doc.designations, entries):
        rows.append(
            {
                "designation_id": stable_id("designation", doc.source_id, doc.sha256, d["list_name"], d["list_id"]),
                "source_id": doc.source_id,
                "document_sha256": doc.sha256,
                "passage_id": p.passage_id,
                "list_name": d["list_name"],
                "list_id": d["list_id"],
                "name": d["name"],
                "aliases": list(d.get("aliases") or []),
                "type": d.get("type"),
                "programme": d.get("programme"),
                "listed_on": d.get("listed_on"),
            }
        )
    return rows
