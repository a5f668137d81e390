#!/usr/bin/env python3
"""Shared loop of the bug_*.py test adapters.

Each bug_*.py wraps the reference adapter (`$OXCNOTIF_BIN adapter`, as
planted.py does) and plants one bug by rewriting a request before it goes
to the reference, or a reply after it comes back. `tests/bugs.rs` checks
that `oxcnotif run --target` reports each one, citing the requirement it
breaks. Run alone, this file plants nothing: it is the reference.

A bug is a function `bug(req, forward, ref) -> reply` where `forward(req)`
sends a request to the reference and returns its reply (a dict), and
`ref.decode(structure, hex)` / `ref.encode(structure, value)` use the
reference codec on the side (ids from 10**12 up, never the harness's).
"""
import json
import os
import subprocess
import sys

BIN = os.environ.get("OXCNOTIF_BIN", "oxcnotif")


class Ref:
    def __init__(self):
        self.proc = subprocess.Popen([BIN, "adapter"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.next_id = 10**12
        self.layout = "spec"

    def ask(self, req):
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def side(self, req):
        self.next_id += 1
        req["id"] = self.next_id
        return self.ask(req).get("ok", {})

    def decode(self, structure, hexs):
        return self.side({"op": "decode", "structure": structure, "layout": self.layout, "hex": hexs}).get("value")

    def encode(self, structure, value):
        return self.side({"op": "encode", "structure": structure, "layout": self.layout, "value": value}).get("hex")


def run(bug, name):
    ref = Ref()
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        if req.get("op") == "reset":
            ref.layout = req.get("layout", "spec")
        if req.get("op") == "hello":
            reply = ref.ask(req)
            reply["ok"]["name"] = name
        else:
            reply = bug(req, ref.ask, ref)
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


def output_value(reply, ref):
    """The decoded ROP output buffer of an execute reply, or None."""
    hexs = reply.get("ok", {}).get("hex")
    return ref.decode("rop-output-buffer", hexs) if hexs is not None else None


def with_output(reply, ref, value):
    """The reply with its output replaced by `value`, encoded."""
    hexs = ref.encode("rop-output-buffer", value)
    if hexs is not None:
        reply["ok"]["hex"] = hexs
    return reply


if __name__ == "__main__":
    run(lambda req, forward, ref: forward(req), "bug-none")
