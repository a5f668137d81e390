#!/usr/bin/env python3
"""A test adapter with three planted bugs, for `oxcnotif fuzz` to find.

It forwards every request to the reference adapter (`$OXCNOTIF_BIN adapter`)
and passes its replies back, except:

* codec: a RopRegisterNotification decoder that tests WantWholeStore
  against TRUE (0x01) rather than nonzero: for any other nonzero byte it
  expects a FolderId and a MessageId that are not there, and rejects the
  request (MS-OXCROPS_R4657: they are absent when the byte is nonzero);
* findings: the decoder of register-notification-request never reports
  MS-OXCNOTIF_R50 (a nonzero Reserved byte), though it reports the others;
* server: ObjectCopied events are dropped, so a subscriber is never told of
  a copy.
"""
import json
import os
import subprocess
import sys

BIN = os.environ.get("OXCNOTIF_BIN", "oxcnotif")
ref = subprocess.Popen([BIN, "adapter"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)


def ask(line):
    ref.stdin.write(line if line.endswith("\n") else line + "\n")
    ref.stdin.flush()
    return ref.stdout.readline()


for line in sys.stdin:
    if not line.strip():
        continue
    req = json.loads(line)
    op = req.get("op")
    if op == "hello":
        reply = json.loads(ask(line))
        reply["ok"]["name"] = "planted"
        out = json.dumps(reply)
    elif op == "event" and req.get("event", {}).get("Type") == "ObjectCopied":
        out = json.dumps({"id": req["id"], "ok": {}})
    else:
        out = ask(line).rstrip("\n")
        if op == "decode" and req.get("structure") == "register-notification-request":
            reply = json.loads(out)
            value = reply.get("ok", {}).get("value")
            if value is not None and value.get("WantWholeStore") not in (0, 1, None):
                end = len(req.get("hex", "").replace(" ", "")) // 2
                reply["ok"] = {"error": {"kind": "Truncated", "field": "FolderId", "offset": end,
                                         "message": "FolderId: 8 bytes needed, none left"}}
            findings = reply.get("ok", {}).get("findings")
            if findings is not None:
                reply["ok"]["findings"] = [f for f in findings if f.get("requirement") != "MS-OXCNOTIF_R50"]
            out = json.dumps(reply)
    sys.stdout.write(out + "\n")
    sys.stdout.flush()
