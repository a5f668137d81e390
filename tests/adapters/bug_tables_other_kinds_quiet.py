#!/usr/bin/env python3
"""Bug (tables): the server never notifies attachment, permissions or rules
tables: a change to a message's attachments or a folder's permissions or
rules (an ObjectModified event with Changed:) reaches no table. The server
SHOULD subscribe every table it creates (MS-OXCNOTIF_R256): NON-STRICT."""
from bug_common import run


def bug(req, forward, ref):
    if req.get("op") == "event" and "Changed" in req.get("event", {}):
        return {"id": req["id"], "ok": {}}
    return forward(req)


run(bug, "bug-tables-other-kinds-quiet")
