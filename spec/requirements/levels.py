#!/usr/bin/env python3
"""Writes spec/requirements/levels.yaml: the level of every requirement row
of the tables in this directory, derived from the row's own sentence.

  MUST    the sentence says MUST / MUST NOT, or it is a normative statement
          of the protocol with no keyword (a field's size, a value's
          meaning): the bytes or the behaviour either are so or are not;
  SHOULD  the sentence says SHOULD / SHOULD NOT;
  MAY     the sentence says MAY;
  open    an informative row, or a row about a product (Appendix A: "the
          implementation does ..."), which binds no other implementation.

A row whose sentence uses more than one keyword is written with
`review: mixed`; set its level by hand and keep `reviewed: true` on it, and
this script keeps the hand-set level (it never overwrites a reviewed row).

Run from the repository root:  python3 spec/requirements/levels.py
"""
import glob
import os
import re
import xml.etree.ElementTree as ET

NS = "{http://schemas.microsoft.com/windows/ProtocolsTest/2007/07/RequirementTable}"
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "levels.yaml")


def derive(text, normative, behavior, section):
    body = text.split("]", 1)[1] if text.startswith("[") and "]" in text else text
    keys = []
    for k in ("MUST", "SHOULD", "MAY"):
        if re.search(r"\b%s\b" % k, body):
            keys.append(k)
    if normative != "Normative":
        return "open", "informative", keys
    if behavior == "Product" or section == "6" or section.startswith("6."):
        return "open", "product behaviour", keys
    if len(keys) > 1:
        return keys[0], "mixed: " + "+".join(keys), keys
    if keys:
        return keys[0], "keyword", keys
    return "MUST", "normative statement", keys


def reviewed():
    kept = {}
    if not os.path.exists(OUT):
        return kept
    current = None
    for line in open(OUT, encoding="utf-8"):
        m = re.match(r"^(MS-[A-Z]+_R\d+):\s*\{(.*)\}\s*$", line)
        if m and "reviewed: true" in m.group(2):
            kept[m.group(1)] = line.rstrip("\n")
    return kept


def main():
    keep = reviewed()
    rows = []
    for path in sorted(glob.glob(os.path.join(HERE, "*.xml"))):
        for r in ET.parse(path).getroot().iter(NS + "Requirement"):
            get = lambda k: (r.find(NS + k).text or "") if r.find(NS + k) is not None else ""
            rows.append((get("REQ_ID"), get("Description"), get("IsNormative"), get("Behavior"), get("Doc_Sect")))
    seen = set()
    out = [
        "# The level of each requirement row, derived from its sentence by",
        "# spec/requirements/levels.py (MUST, SHOULD, MAY, or open). A check takes",
        "# the level of the requirement it verifies. Rows marked reviewed: true were",
        "# set by hand and are kept when the file is regenerated: every keyword-free",
        "# row a case or a check cites was read (\"can\" grants a permission: MAY;",
        "# undefined or implementation-specific behaviour, or an informative",
        "# sentence: open; a statement of the format or protocol: MUST), and",
        "# src/cases/levels.rs fails when a cited one is not.",
    ]
    for rid, text, normative, behavior, section in rows:
        if rid in seen:
            continue
        seen.add(rid)
        if rid in keep:
            out.append(keep[rid])
            continue
        level, basis, _ = derive(text, normative, behavior, section)
        out.append("%s: {level: %s, basis: \"%s\"}" % (rid, level, basis))
    with open(OUT + ".tmp", "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    os.replace(OUT + ".tmp", OUT)
    print("%d rows written to %s" % (len(seen), os.path.relpath(OUT)))


if __name__ == "__main__":
    main()
