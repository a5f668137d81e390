#!/usr/bin/env python3
"""Bug (client monitor): the monitor lets a client act on any
NotificationHandle: it never reports a client that uses a handle it only
saw in a RopNotify it had to ignore (MS-OXCNOTIF_R448-R450)."""
from bug_common import run


def bug(req, forward, ref):
    reply = forward(req)
    if req.get("op") == "check_trace" and "findings" in reply.get("ok", {}):
        reply["ok"]["findings"] = [f for f in reply["ok"]["findings"] if f.get("requirement") != "MS-OXCNOTIF_R450"]
    return reply


run(bug, "bug-client-any-handle")
