#!/usr/bin/env python3
"""Bug: ObjectModified carries the real TagCount and Tags, as Exchange 2007
and 2010 do, where the spec says TagCount SHOULD be 0x0000
(MS-OXCNOTIF_R197). A SHOULD departed from: NON-STRICT, exit 0.

The reference's exchange-2010 profile differs from spec only there, so a
spec reset is forwarded as exchange-2010."""
from bug_common import run


def bug(req, forward, ref):
    if req.get("op") == "reset" and req.get("profile") == "spec":
        req = dict(req, profile="exchange-2010")
    return forward(req)


run(bug, "bug-real-tag-count")
