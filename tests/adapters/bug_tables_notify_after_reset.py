#!/usr/bin/env python3
"""Bug (tables): the server does not stop table notifications on
RopResetTable: it answers RopResetTable but keeps the table's view (it
sends the table a RopQueryPosition of its own right after). The server
SHOULD stop until the next view ROP (MS-OXCNOTIF_R272-R285): NON-STRICT."""
from bug_common import run


def bug(req, forward, ref):
    reply = forward(req)
    if req.get("op") != "execute":
        return reply
    value = ref.decode("rop-input-buffer", req["hex"])
    for rop in (value or {}).get("RopsList", []):
        if rop.get("RopId") == 0x81:
            again = {"RopsList": [{"RopId": 0x17, "LogonId": rop["LogonId"], "InputHandleIndex": rop["InputHandleIndex"]}],
                     "ServerObjectHandleTable": value["ServerObjectHandleTable"]}
            hexs = ref.encode("rop-input-buffer", again)
            # A side call on the same server: its output (and any RopNotify
            # it delivers) is dropped, so run it with room for the response only.
            ref.ask({"id": 10**13 + len(hexs), "op": "execute", "hex": hexs, "max_output": 24})
    return reply


run(bug, "bug-tables-notify-after-reset")
