#!/usr/bin/env python3
"""A test adapter whose decoder reads an unterminated MessageClass as if it
were terminated, and says nothing: it breaks MS-OXCNOTIF_R223 (MessageClass
is a null-terminated string), so those cases must FAIL.

It forwards every request to the reference adapter (`$OXCNOTIF_BIN adapter`)
and rewrites decoded values whose MessageClass is `{Bytes, Terminated:
false}` into the plain string, dropping the R223 finding.
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


def lenient(v):
    if isinstance(v, dict):
        mc = v.get("MessageClass")
        if isinstance(mc, dict) and mc.get("Terminated") is False:
            raw = bytes.fromhex(mc.get("Bytes", ""))
            text = raw.decode("utf-16-le", "replace") if v.get("UnicodeFlag") else raw.decode("latin-1")
            v["MessageClass"] = text.rstrip("\x00")
        for x in v.values():
            lenient(x)
    elif isinstance(v, list):
        for x in v:
            lenient(x)


for line in sys.stdin:
    if not line.strip():
        continue
    req = json.loads(line)
    reply = json.loads(ask(line))
    if req.get("op") == "hello":
        reply["ok"]["name"] = "verdict-lenient"
    elif req.get("op") == "decode" and "value" in reply.get("ok", {}):
        lenient(reply["ok"]["value"])
        fs = reply["ok"].get("findings")
        if fs is not None:
            reply["ok"]["findings"] = [f for f in fs if f.get("requirement") != "MS-OXCNOTIF_R223"]
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()
