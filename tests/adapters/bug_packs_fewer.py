#!/usr/bin/env python3
"""A server that packs fewer RopNotify into an output buffer than would fit
(it behaves as if the client's buffer were 30 bytes smaller), and says so
with RopPending: nothing is lost, the rest comes with the next poll. That
departs from MS-OXCNOTIF_R347 ("as many as the response buffer allows"), a
SHOULD, so it must be NON-STRICT, never FAIL."""
from bug_common import run


def bug(req, forward, ref):
    if req.get("op") == "execute" and req.get("max_output", 0) > 60:
        req = dict(req, max_output=req["max_output"] - 30)
    return forward(req)


run(bug, "bug-packs-fewer")
