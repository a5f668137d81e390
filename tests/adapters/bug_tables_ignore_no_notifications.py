#!/usr/bin/env python3
"""Bug (tables): the server ignores NoNotifications (0x10) in the TableFlags
of RopGetContentsTable and RopGetHierarchyTable, so such a table is
notified like any other, which MS-OXCNOTIF_R258 forbids (MUST): FAIL."""
from bug_common import run


def bug(req, forward, ref):
    if req.get("op") == "execute":
        value = ref.decode("rop-input-buffer", req["hex"])
        rops = (value or {}).get("RopsList", [])
        changed = False
        for rop in rops:
            if rop.get("RopId") in (0x04, 0x05) and rop.get("TableFlags", 0) & 0x10:
                rop["TableFlags"] &= ~0x10
                changed = True
        if changed:
            hexs = ref.encode("rop-input-buffer", value)
            if hexs is not None:
                req = dict(req, hex=hexs)
    return forward(req)


run(bug, "bug-tables-ignore-no-notifications")
