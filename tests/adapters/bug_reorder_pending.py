#!/usr/bin/env python3
"""Bug: when not every queued notification fits, RopPending goes before
the last RopNotify instead of after them all (MS-OXCNOTIF_R334, SHOULD:
as many RopNotify as fit, then RopPending). NON-STRICT."""
from bug_common import output_value, run, with_output


def bug(req, forward, ref):
    reply = forward(req)
    if req.get("op") != "execute":
        return reply
    value = output_value(reply, ref)
    rops = (value or {}).get("RopsList", [])
    if len(rops) >= 2 and rops[-1].get("RopId") == 0x6E and rops[-2].get("RopId") == 0x2A:
        rops[-1], rops[-2] = rops[-2], rops[-1]
        return with_output(reply, ref, value)
    return reply


run(bug, "bug-reorder-pending")
