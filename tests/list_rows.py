"""Sanctions lists the tests write: the OFAC SDN legacy CSV layout and the
FCDO "UK Sanctions List" layout, with as many generated entries as asked
plus a few chosen ones.  Every name here is invented by the project (the
Radoičić spelling only exercises diacritics); no row comes from a real list."""
from __future__ import annotations

import csv
import io
import random

GIVEN = ["Ana", "Boris", "Dragan", "Elena", "Filip", "Goran", "Ivana", "Jovan", "Katarina", "Luka", "Marko",
         "Nina", "Ognjen", "Petar", "Rada", "Sava", "Tamara", "Uros", "Vesna", "Zoran"]
SURNAMES = ["Adamovic", "Babic", "Cvetkovic", "Dimitrov", "Eminovic", "Filipov", "Gavrilov", "Horvat",
            "Ilic", "Jankov", "Kostic", "Lazarov", "Markov", "Nikolov", "Obradov", "Pavlov", "Ristov",
            "Stanko", "Tomov", "Vasilev"]
FIRM_WORDS = ["Alder", "Birch", "Cedar", "Delta", "Ember", "Falcon", "Granite", "Harbour", "Iris", "Juniper"]
PROGRAMMES = ["GLOMAG", "RUSSIA-EO14024", "SDGT", "BALKANS-EO14033", "IRAN", "CYBER2"]


def _ofac_line(ent: int, name: str, typ: str, prog: str, remarks: str) -> str:
    buf = io.StringIO()
    null = "-0- "
    csv.writer(buf, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerow(
        [ent, name, typ or null, prog, null, null, null, null, null, null, null, remarks or null])
    return buf.getvalue()


def ofac_csv(n: int, extra: list[tuple[str, str, str, str]] = (), seed: int = 7) -> bytes:
    """An SDN-layout CSV of *n* generated entries followed by *extra*
    ``(name, type, programme, remarks)`` entries; ends with the 0x1A byte."""
    rnd = random.Random(seed)
    out = []
    ent = 100000
    for i in range(n):
        ent += 1
        prog = rnd.choice(PROGRAMMES)
        if i % 3:
            name = f"{rnd.choice(SURNAMES).upper()}{i}, {rnd.choice(GIVEN)}"
            remarks = f"DOB {rnd.randint(1, 28):02d} Jan {rnd.randint(1940, 2000)}; nationality Testland; a.k.a. '{rnd.choice(SURNAMES).upper()}{i}A, {rnd.choice(GIVEN)}'."
            out.append(_ofac_line(ent, name, "individual", prog, remarks))
        else:
            name = f"{rnd.choice(FIRM_WORDS).upper()} {rnd.choice(FIRM_WORDS).upper()} HOLDINGS {i} LLC"
            out.append(_ofac_line(ent, name, "", prog, f"Registration ID {900000 + i} (Testland)."))
    for name, typ, prog, remarks in extra:
        ent += 1
        out.append(_ofac_line(ent, name, typ, prog, remarks))
    return ("".join(out) + "\x1a").encode("ascii")


FCDO_HEADER = ["Last Updated", "Unique ID", "OFSI Group ID", "UN Reference Number", "Name 6", "Name 1", "Name 2",
               "Name 3", "Name 4", "Name 5", "Name type", "Alias strength", "Title", "Name non-latin script",
               "Non-latin script type", "Non-latin script language", "Regime Name", "Designation Type",
               "Designation source", "Sanctions Imposed", "Other Information", "UK Statement of Reasons",
               "Date Designated", "D.O.B", "Nationality(/ies)", "Passport number"]


def fcdo_csv(n: int, extra: list[tuple[str, str, str, str, str, str]] = (), seed: int = 11) -> bytes:
    """A UK-Sanctions-List-layout CSV (a subset of its columns, in its order)
    with *n* generated people and *extra* ``(unique id, surname, given, name
    type, regime, date)`` rows."""
    rnd = random.Random(seed)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["Report Date: 01-Mar-2026"])
    w.writerow(FCDO_HEADER)
    regimes = ["The Russia (Sanctions) (EU Exit) Regulations 2019", "The Global Anti-Corruption Sanctions Regulations 2021",
               "The Cyber (Sanctions) (EU Exit) Regulations 2020"]

    def row(uid, n6, n1, ntype, regime, date, passport=""):
        r = dict.fromkeys(FCDO_HEADER, "")
        r.update({"Last Updated": "01/03/2026", "Unique ID": uid, "Name 6": n6, "Name 1": n1, "Name type": ntype,
                  "Regime Name": regime, "Designation Type": "Individual", "Designation source": "UK",
                  "Other Information": "generated test row", "Date Designated": date, "Passport number": passport})
        w.writerow([r[c] for c in FCDO_HEADER])

    for i in range(n):
        uid = f"GEN{i:06d}"
        regime = rnd.choice(regimes)
        date = f"{rnd.randint(1, 28):02d}/{rnd.randint(1, 12):02d}/{rnd.randint(2014, 2025)}"
        row(uid, f"{rnd.choice(SURNAMES).upper()}{i}", rnd.choice(GIVEN), "Primary Name", regime, date, f"P{i:07d}")
        if i % 4 == 0:
            row(uid, f"{rnd.choice(SURNAMES).upper()}{i}X", rnd.choice(GIVEN), "Alias", regime, date)
    for uid, n6, n1, ntype, regime, date in extra:
        row(uid, n6, n1, ntype, regime, date)
    return buf.getvalue().encode("utf-8")
