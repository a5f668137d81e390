"""Shared by the fuzz_*.py test adapters: a forwarder to the reference
adapter (`$OXCNOTIF_BIN adapter`) whose hello lists only some operations,
with hooks to plant a bug in a request or a reply."""
import json
import os
import subprocess
import sys


def serve(name, operations, structures, on_request=None, on_reply=None):
    """Serves stdin/stdout; on_request(req) may return a reply object to
    answer without asking the reference, or a changed request; on_reply(req,
    reply) may change the reference's reply."""
    binary = os.environ.get("OXCNOTIF_BIN", "oxcnotif")
    ref = subprocess.Popen([binary, "adapter"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        if req.get("op") == "hello":
            reply = {"id": req["id"], "ok": {"name": name, "protocol": 1, "operations": operations,
                                             "structures": structures}}
        elif req.get("op") not in operations:
            reply = {"id": req["id"], "unimplemented": "not listed"}
        else:
            changed = on_request(req) if on_request else None
            if changed is not None and "ok" in changed:
                reply = changed
            else:
                ref.stdin.write(json.dumps(changed or req) + "\n")
                ref.stdin.flush()
                reply = json.loads(ref.stdout.readline())
                if on_reply:
                    reply = on_reply(req, reply) or reply
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
