#!/usr/bin/env python3
"""Bug: the server ignores the client's mode and sends NewMail with
UnicodeFlag TRUE to a cached-mode client (MS-OXCNOTIF_R220 says FALSE)."""
from bug_common import run


def bug(req, forward, ref):
    if req.get("op") == "reset" and isinstance(req.get("setup"), dict):
        setup = dict(req["setup"])
        setup.pop("client_mode", None)
        req = dict(req, setup=setup)
    return forward(req)


run(bug, "bug-unicode-cached")
