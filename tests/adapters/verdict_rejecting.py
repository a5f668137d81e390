#!/usr/bin/env python3
"""A test adapter whose decoder refuses what the spec leaves unframed.

It forwards every request to the reference adapter (`$OXCNOTIF_BIN adapter`)
and passes its replies back, except that a decode whose bytes carry an
undefined NotificationType (the reference reports MS-OXCNOTIF_R102) or an
unterminated MessageClass (MS-OXCNOTIF_R223) is answered with a framing
error instead, as a strict decoder would. Both are conforming readings, so
those cases must be PASS or INFO, never FAIL.
"""
import json
import os
import subprocess
import sys

BIN = os.environ.get("OXCNOTIF_BIN", "oxcnotif")
ref = subprocess.Popen([BIN, "adapter"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
REFUSED = {"MS-OXCNOTIF_R102", "MS-OXCNOTIF_R223"}


def ask(line):
    ref.stdin.write(line if line.endswith("\n") else line + "\n")
    ref.stdin.flush()
    return ref.stdout.readline()


for line in sys.stdin:
    if not line.strip():
        continue
    req = json.loads(line)
    reply = json.loads(ask(line))
    if req.get("op") == "hello":
        reply["ok"]["name"] = "verdict-rejecting"
    elif req.get("op") == "decode":
        ok = reply.get("ok", {})
        ids = {f.get("requirement") for f in ok.get("findings", [])}
        if ids & REFUSED:
            reply["ok"] = {"error": {"kind": "Truncated", "field": "NotificationData", "message": "refused: undefined type or unterminated MessageClass"}}
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()
