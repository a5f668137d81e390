#!/usr/bin/env python3
"""An encode-only test adapter (hello lists encode and no decode) with a
planted bug: encoding a RopRegisterNotification request, it writes
WantWholeStore as 0x01 whenever the value is nonzero (an encoder that
normalizes booleans; the byte is kept as given by the reference,
MS-OXCNOTIF_R52)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fuzz_forward import serve  # noqa: E402

STRUCTURES = ["rop-input-buffer", "register-notification-request", "notification-data", "pending-response"]


def on_request(req):
    value = req.get("value")
    if req.get("structure") == "register-notification-request" and isinstance(value, dict):
        w = value.get("WantWholeStore")
        if isinstance(w, int) and w > 1:
            value["WantWholeStore"] = 1
    return req


serve("fuzz-encode-only", ["hello", "encode"], STRUCTURES, on_request=on_request)
