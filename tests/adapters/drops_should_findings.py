#!/usr/bin/env python3
"""The reference adapter with a decoder that never reports SHOULD-level
findings: each case that expects one is NON-STRICT (a SHOULD departed from),
which fails a run only under --strict."""
import json
import os
import subprocess
import sys

ref = subprocess.Popen([os.environ.get("OXCNOTIF_BIN", "oxcnotif"), "adapter"], stdin=subprocess.PIPE,
                       stdout=subprocess.PIPE, text=True, bufsize=1)
for line in sys.stdin:
    if not line.strip():
        continue
    ref.stdin.write(line)
    ref.stdin.flush()
    reply = json.loads(ref.stdout.readline())
    req = json.loads(line)
    if req.get("op") == "hello":
        reply["ok"]["name"] = "drops-should-findings"
    elif req.get("op") == "decode" and "findings" in reply.get("ok", {}):
        reply["ok"]["findings"] = [f for f in reply["ok"]["findings"] if f.get("level") != "SHOULD"]
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()
