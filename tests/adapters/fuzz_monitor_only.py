#!/usr/bin/env python3
"""A client-monitor-only test adapter (hello lists check_trace alone) with a
planted bug: it never reports MS-OXCNOTIF_R407 (a registration that
requests no notification type)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fuzz_forward import serve  # noqa: E402


def on_reply(req, reply):
    findings = reply.get("ok", {}).get("findings")
    if findings is not None:
        reply["ok"]["findings"] = [f for f in findings if f.get("requirement") != "MS-OXCNOTIF_R407"]
    return reply


serve("fuzz-monitor-only", ["hello", "check_trace"], [], on_reply=on_reply)
