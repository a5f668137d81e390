#!/usr/bin/env python3
"""Bug: the notification queue holds 65,536 entries and silently drops
what comes after (one subscription: one event, one notification)."""
from bug_common import run

CAP = 65536
events = 0


def bug(req, forward, ref):
    global events
    op = req.get("op")
    if op == "reset":
        events = 0
    if op == "event":
        events += 1
        if events > CAP:
            return {"id": req["id"], "ok": {}}
    return forward(req)


run(bug, "bug-drop-past-65536")
