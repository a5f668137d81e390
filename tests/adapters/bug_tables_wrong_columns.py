#!/usr/bin/env python3
"""Bug (tables): the server ignores RopSetColumns for row data: it answers
it, but TableRowData of its notifications holds a default column set
(PidTagInstID only). TableRowData holds the columns of the table's last
RopSetColumns (MS-OXCNOTIF_R166001): FAIL."""
from bug_common import run


def bug(req, forward, ref):
    if req.get("op") == "execute":
        value = ref.decode("rop-input-buffer", req["hex"])
        changed = False
        for rop in (value or {}).get("RopsList", []):
            if rop.get("RopId") == 0x12:
                rop["PropertyTags"] = [0x674D0014]
                rop["PropertyTagCount"] = 1
                changed = True
        if changed:
            value.pop("RopSize", None)  # derived: the encoder works it out
            hexs = ref.encode("rop-input-buffer", value)
            if hexs is not None:
                req = dict(req, hex=hexs)
    return forward(req)


run(bug, "bug-tables-wrong-columns")
