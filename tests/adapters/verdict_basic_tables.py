#!/usr/bin/env python3
"""A server that sends only basic table notifications: every TableModified
it would send as TableRowAdded, Deleted or Modified goes as TableChanged
(NotificationFlags 0x0100, TableEventType 0x0001, no row). The level is the
server's choice (MS-OXCNOTIF_R260, R267), informative SHOULD be sent when
feasible (R268, R270): NON-STRICT, never FAIL."""
from bug_common import output_value, run, with_output


def bug(req, forward, ref):
    reply = forward(req)
    if req.get("op") != "execute":
        return reply
    value = output_value(reply, ref)
    changed = False
    for rop in (value or {}).get("RopsList", []):
        data = rop.get("NotificationData")
        if rop.get("RopId") == 0x2A and data and data.get("NotificationFlags", 0) & 0x0FFF == 0x0100:
            rop["NotificationData"] = {"NotificationFlags": 0x0100, "TableEventType": 0x0001}
            changed = True
    if changed:
        value.pop("RopSize", None)
        for rop in value["RopsList"]:
            rop.pop("RopSize", None)
        return with_output(reply, ref, value)
    return reply


run(bug, "verdict-basic-tables")
