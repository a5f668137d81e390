#!/usr/bin/env python3
"""A server-only test adapter (reset, execute, event; no codec) with two
planted bugs on generation paths of `oxcnotif fuzz`:

* a RopRegisterNotification whose input handle was released answers
  success (ReturnValue 0) where the reference answers ecInvalidObject
  0x80040108 (MS-OXCROPS_R457301);
* NewMail events lose their MessageClass: the server always reports
  "IPM.Note" (MS-OXCNOTIF_R223).
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fuzz_forward import serve  # noqa: E402


def on_request(req):
    event = req.get("event")
    if req.get("op") == "event" and isinstance(event, dict) and event.get("Type") == "NewMail":
        event["MessageClass"] = "IPM.Note"
    return req


def on_reply(req, reply):
    hexs = reply.get("ok", {}).get("hex")
    if req.get("op") == "execute" and hexs and req["hex"][4:6] == "29":
        # The response of a lone registration: RopId 29, OutputHandleIndex, ReturnValue.
        reply["ok"]["hex"] = re.sub(r"^(....29..)08010480", r"\g<1>00000000", hexs)
    return reply


serve("fuzz-server", ["hello", "reset", "execute", "event"], [], on_request=on_request, on_reply=on_reply)
