#!/usr/bin/env python3
"""The reference adapter under another name: `$ADAPTER_NAME` in its hello
(to test where reports go for hostile names)."""
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
    if json.loads(line).get("op") == "hello":
        reply["ok"]["name"] = os.environ.get("ADAPTER_NAME", "")
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()
