#!/usr/bin/env python3
"""Bug: a registration that fails (a bad input handle, an unknown logon)
is answered with ReturnValue 0 although no subscription was made: the
output slot holds no handle (MS-OXCNOTIF_R34, R35; MS-OXCROPS_R4558,
R4560)."""
from bug_common import output_value, run, with_output


def bug(req, forward, ref):
    reply = forward(req)
    if req.get("op") != "execute":
        return reply
    value = output_value(reply, ref)
    if not value:
        return reply
    changed = False
    for rop in value.get("RopsList", []):
        if rop.get("RopId") == 0x29 and rop.get("ReturnValue") != 0:
            rop["ReturnValue"] = 0
            changed = True
    return with_output(reply, ref, value) if changed else reply


run(bug, "bug-success-nothing-created")
