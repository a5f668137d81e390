#!/usr/bin/env python3
"""Bug: every successful registration of a session gets the handle of the
session's first subscription, while that one is still live
(MS-OXCROPS_R4556: a new object gets an unused handle)."""
from bug_common import output_value, run, with_output

first = None


def bug(req, forward, ref):
    global first
    if req.get("op") == "reset":
        first = None
    reply = forward(req)
    if req.get("op") != "execute":
        return reply
    value = output_value(reply, ref)
    if not value:
        return reply
    table = value.get("ServerObjectHandleTable", [])
    changed = False
    for rop in value.get("RopsList", []):
        if rop.get("RopId") == 0x29 and rop.get("ReturnValue") == 0 and rop["OutputHandleIndex"] < len(table):
            if first is None:
                first = table[rop["OutputHandleIndex"]]
            elif table[rop["OutputHandleIndex"]] != first:
                table[rop["OutputHandleIndex"]] = first
                changed = True
    return with_output(reply, ref, value) if changed else reply


run(bug, "bug-same-handle")
