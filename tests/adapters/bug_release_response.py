#!/usr/bin/env python3
"""Bug: the server answers each RopRelease with a response (RopId 0x01,
its InputHandleIndex, ReturnValue 0), which MS-OXCROPS_R4572 forbids. The
responses go first in RopsList."""
from bug_common import run


def bug(req, forward, ref):
    reply = forward(req)
    if req.get("op") != "execute" or "hex" not in reply.get("ok", {}):
        return reply
    value = ref.decode("rop-input-buffer", req["hex"])
    if not value:
        return reply
    extra = "".join(
        "01%02x00000000" % rop["InputHandleIndex"] for rop in value.get("RopsList", []) if rop.get("RopId") == 0x01
    )
    if not extra:
        return reply
    out = bytes.fromhex(reply["ok"]["hex"])
    size = int.from_bytes(out[:2], "little") + len(extra) // 2
    reply["ok"]["hex"] = size.to_bytes(2, "little").hex() + extra + out[2:].hex()
    return reply


run(bug, "bug-release-response")
