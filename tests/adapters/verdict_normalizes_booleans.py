#!/usr/bin/env python3
"""A test adapter whose codec normalizes Booleans, as a typed decoder does.

It forwards to the reference adapter, except that a decoded WantWholeStore
or UnicodeFlag byte other than 0x00 and 0x01 is reported as 1 (TRUE), and an
encoder asked for such a byte writes 0x01 (the spec's TRUE, MS-OXCNOTIF_R52,
R218). The meaning is the reference's (a nonzero Boolean is TRUE,
MS-OXCROPS_R4657), so those cases must be INFO, never FAIL.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fuzz_forward import serve  # noqa: E402

BOOLEANS = ("WantWholeStore", "UnicodeFlag")
STRUCTURES = ["rop-input-buffer", "rop-output-buffer", "register-notification-request",
              "register-notification-response", "release-request", "notify-response", "notification-data",
              "pending-response", "buffer-too-small-response"]


def as_int(v):
    if isinstance(v, str):
        try:
            return int(v, 0)
        except ValueError:
            return None
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def normalize(v):
    if isinstance(v, dict):
        for k, x in v.items():
            n = as_int(x)
            if k in BOOLEANS and n is not None and 1 < n <= 0xFF:
                v[k] = 1
            else:
                normalize(x)
    elif isinstance(v, list):
        for x in v:
            normalize(x)


def on_request(req):
    if req.get("op") == "encode":
        normalize(req.get("value"))
    return req


def on_reply(req, reply):
    if req.get("op") == "decode":
        normalize(reply.get("ok", {}).get("value"))
    return reply


serve("verdict-normalizes-booleans", ["hello", "decode", "encode"], STRUCTURES, on_request=on_request,
      on_reply=on_reply)
