#!/usr/bin/env python3
"""A NotificationData decoder, written apart from the reference, that reads
NotificationType as a bit mask (as some public decoders do) and requires
every byte to be used and every MessageClass to be terminated. It reports
no findings. Where the type is one of the values MS-OXCNOTIF_R102 lists it
frames exactly as the spec says; for undefined values it is one of the
readings the spec leaves open, so those cases must be PASS or INFO.

Only `decode` of `notification-data` is offered.
"""
import json
import struct
import sys

T, U, S, M = 0x1000, 0x2000, 0x4000, 0x8000


class Short(Exception):
    pass


def decode(b):
    pos = 0
    out = {}

    def take(n, field):
        nonlocal pos
        if pos + n > len(b):
            raise Short(field)
        chunk = b[pos:pos + n]
        pos += n
        return chunk

    u16 = lambda f: struct.unpack("<H", take(2, f))[0]
    u32 = lambda f: struct.unpack("<I", take(4, f))[0]
    id8 = lambda f: take(8, f).hex()
    flags = u16("NotificationFlags")
    out["NotificationFlags"] = flags
    t, m, s = flags & 0x0FFF, bool(flags & M), bool(flags & S)
    if t & 0x0100:
        tet = u16("TableEventType")
        out["TableEventType"] = tet
        if tet in (3, 4, 5):
            out["TableRowFolderID"] = id8("TableRowFolderID")
            if m:
                out["TableRowMessageID"] = id8("TableRowMessageID")
                out["TableRowInstance"] = u32("TableRowInstance")
        if tet in (3, 5):
            out["InsertAfterTableRowFolderID"] = id8("InsertAfterTableRowFolderID")
            if m:
                out["InsertAfterTableRowID"] = id8("InsertAfterTableRowID")
                out["InsertAfterTableRowInstance"] = u32("InsertAfterTableRowInstance")
            n = u16("TableRowDataSize")
            out["TableRowDataSize"] = n
            out["TableRowData"] = take(n, "TableRowData").hex()
    if not t & 0x0100 and not t & 0x0400:
        out["FolderId"] = id8("FolderId")
        if m:
            out["MessageId"] = id8("MessageId")
    if t & (0x04 | 0x08 | 0x20 | 0x40) and s == m:
        out["ParentFolderId"] = id8("ParentFolderId")
    if t & (0x20 | 0x40):
        out["OldFolderId"] = id8("OldFolderId")
        if m:
            out["OldMessageId"] = id8("OldMessageId")
        else:
            out["OldParentFolderId"] = id8("OldParentFolderId")
    if t & (0x04 | 0x10):
        n = u16("TagCount")
        out["TagCount"] = n
        if n not in (0, 0xFFFF):
            out["Tags"] = [u32("Tags") for _ in range(n)]
    if flags & T:
        out["TotalMessageCount"] = u32("TotalMessageCount")
    if flags & U:
        out["UnreadMessageCount"] = u32("UnreadMessageCount")
    if t & 0x0002:
        out["MessageFlags"] = u32("MessageFlags")
        uf = take(1, "UnicodeFlag")[0]
        out["UnicodeFlag"] = uf
        step, end = (2, b"\x00\x00") if uf else (1, b"\x00")
        start = pos
        while True:
            unit = take(step, "MessageClass")
            if unit == end:
                break
        raw = b[start:pos - step]
        try:
            text = raw.decode("utf-16-le", "strict") if uf else raw.decode("ascii", "strict")
            out["MessageClass"] = text
        except UnicodeDecodeError:
            # Not text in its encoding: the bytes as they are (the external
            # value form of spec-cases/README.md).
            out["MessageClass"] = {"Bytes": raw.hex(), "Terminated": True}
    if pos != len(b):
        return None, {"kind": "TrailingBytes", "field": "NotificationData", "offset": pos}
    return out, None


for line in sys.stdin:
    if not line.strip():
        continue
    req = json.loads(line)
    rid, op = req.get("id"), req.get("op")
    if op == "hello":
        ok = {"name": "verdict-type-bits", "protocol": 1, "operations": ["hello", "decode"], "structures": ["notification-data"]}
        reply = {"id": rid, "ok": ok}
    elif op == "decode":
        try:
            value, err = decode(bytes.fromhex(req["hex"]))
            reply = {"id": rid, "ok": {"error": err} if err else {"value": value}}
        except Short as e:
            reply = {"id": rid, "ok": {"error": {"kind": "Truncated", "field": str(e)}}}
    else:
        reply = {"id": rid, "unimplemented": "only decode of notification-data"}
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()
