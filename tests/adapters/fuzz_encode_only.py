#!/usr/bin/env python3
"""An encode-only test adapter (hello lists encode and no decode) with a
planted bug: encoding a RopRegisterNotification request, it writes
NotificationTypes most significant byte first (the ROP buffers' integers
are little-endian, MS-OXCROPS 2.2.1; NotificationTypes is 2 bytes,
MS-OXCNOTIF_R133)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fuzz_forward import serve  # noqa: E402

STRUCTURES = ["rop-input-buffer", "register-notification-request", "notification-data", "pending-response"]


def on_reply(req, reply):
    value = req.get("value")
    ok = reply.get("ok", {})
    if req.get("structure") == "register-notification-request" and isinstance(value, dict) and "hex" in ok:
        h = ok["hex"].replace(" ", "")
        if len(h) >= 12:
            ok["hex"] = h[:8] + h[10:12] + h[8:10] + h[12:]
    return reply


serve("fuzz-encode-only", ["hello", "encode"], STRUCTURES, on_reply=on_reply)
