#!/usr/bin/env python3
"""A minimal oxcnotif adapter, as a starting point for your own.

The harness starts this program and talks to it in JSON lines: one request
object per line on standard input, one reply object per line on standard
output (see docs/adapter.md). This example answers:

  hello   names the adapter and lists what it implements;
  decode  of register-notification-request, in both readings (layouts), and
          of get-contents-table-request (RopGetContentsTable, which creates a
          contents table);
  encode  of get-contents-table-request: with decode, one table round trip;

and replies "unimplemented" to everything else, which the harness reports as
UNIMPLEMENTED rather than as a failure.

Run it:

  oxcnotif run --target 'python3 examples/adapters/python/adapter.py' \\
      --cases 'register-notification-request.*'
  oxcnotif run --target 'python3 examples/adapters/python/adapter.py' \\
      --cases 'get-contents-table-request.*'

Standard library only; Python 3.8 or later.
"""

import json
import sys

PROTOCOL = 1
STRUCTURES = ["register-notification-request", "get-contents-table-request"]

ROP_REGISTER_NOTIFICATION = 0x29
ROP_GET_CONTENTS_TABLE = 0x05
# TableFlags of RopGetContentsTable (MS-OXCFOLD 2.2.1.14.1); NoNotifications
# asks the server for no table notifications (MS-OXCNOTIF_R258).
TABLE_FLAGS = {0x02: "Associated", 0x08: "DeferredErrors", 0x10: "NoNotifications",
               0x20: "SoftDeletes", 0x40: "UseUnicode", 0x80: "ConversationMembers"}
EXTENDED = 0x0400  # NotificationTypes bit: a Reserved byte follows (spec reading)
DEFINED_TYPES = 0x0002 | 0x0004 | 0x0008 | 0x0010 | 0x0020 | 0x0040 | 0x0080 | 0x0100 | EXTENDED


class DecodeError(Exception):
    """The bytes cannot be framed: becomes {"error": {kind, field, offset, message}}."""

    def __init__(self, kind, field, offset, message):
        super().__init__(message)
        self.json = {"kind": kind, "field": field, "offset": offset, "message": message}


class Reader:
    """Reads little-endian fields from bytes, naming each one."""

    def __init__(self, data):
        self.data = data
        self.pos = 0

    def take(self, field, n):
        left = len(self.data) - self.pos
        if left < n:
            raise DecodeError("Truncated", field, self.pos,
                              f"{field}: needs {n} bytes at offset {self.pos}, only {left} remain")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def u8(self, field):
        return self.take(field, 1)[0]

    def u16(self, field):
        return int.from_bytes(self.take(field, 2), "little")

    def id8(self, field):
        # 8-byte IDs are written as 16 hex digits in wire byte order.
        return self.take(field, 8).hex()


def finding(requirement, field, offset, message):
    return {"requirement": requirement, "level": "MUST", "field": field,
            "offset": offset, "message": message}


def decode_register_notification_request(data, layout):
    """RopRegisterNotification request (MS-OXCROPS 2.2.14.1.1, MS-OXCNOTIF 2.2.1.2.1.1).

    Returns (value, findings) in the external value form: spec field names,
    wire order, integers as numbers, absent fields left out.
    """
    r = Reader(data)
    value = {}
    findings = []

    value["RopId"] = r.u8("RopId")
    if value["RopId"] != ROP_REGISTER_NOTIFICATION:
        raise DecodeError("UnexpectedRopId", "RopId", 0,
                          f"RopId: 0x{value['RopId']:02X} is not RopRegisterNotification (0x29)")
    value["LogonId"] = r.u8("LogonId")
    value["InputHandleIndex"] = r.u8("InputHandleIndex")
    value["OutputHandleIndex"] = r.u8("OutputHandleIndex")

    types_at = r.pos
    if layout == "spec":
        # NotificationTypes is 2 bytes; Reserved is there only with Extended.
        types = r.u16("NotificationTypes")
        value["NotificationTypes"] = types
        if types & EXTENDED:
            value["Reserved"] = r.u8("Reserved")
    else:
        # legacy: NotificationTypes is 1 byte, then Reserved, always.
        types = r.u8("NotificationTypes")
        value["NotificationTypes"] = types
        value["Reserved"] = r.u8("Reserved")

    if value.get("Reserved", 0) != 0:
        findings.append(finding("MS-OXCNOTIF_R50", "Reserved", r.pos - 1,
                                f"Reserved is 0x{value['Reserved']:02X}; it MUST be 0x00"))
    if types & ~DEFINED_TYPES:
        findings.append(finding("MS-OXCNOTIF_R40", "NotificationTypes", types_at,
                                f"bits 0x{types & ~DEFINED_TYPES:04X} are not defined NotificationTypes"))
    if types & ~EXTENDED == 0:
        findings.append(finding("MS-OXCNOTIF_R407", "NotificationTypes", types_at,
                                "no notification type is requested"))

    value["WantWholeStore"] = r.u8("WantWholeStore")
    if value["WantWholeStore"] > 1:
        findings.append(finding("MS-OXCNOTIF_R52", "WantWholeStore", r.pos - 1,
                                f"WantWholeStore is 0x{value['WantWholeStore']:02X}, not 0x00 or 0x01"))
    if value["WantWholeStore"] == 0:
        # Scoped to a folder or a message: both IDs follow.
        value["FolderId"] = r.id8("FolderId")
        value["MessageId"] = r.id8("MessageId")

    if r.pos < len(data):
        extra = len(data) - r.pos
        raise DecodeError("TrailingBytes", "RopRegisterNotification", r.pos,
                          f"RopRegisterNotification: ends at offset {r.pos} but {extra} more bytes follow")
    return value, findings


GET_CONTENTS_TABLE_FIELDS = ["RopId", "LogonId", "InputHandleIndex", "OutputHandleIndex", "TableFlags"]


def decode_get_contents_table_request(data, layout):
    """RopGetContentsTable request (MS-OXCROPS 2.2.4.14.1): five 1-byte fields.

    The layout does not change this structure.
    """
    r = Reader(data)
    value = {}
    findings = []
    value["RopId"] = r.u8("RopId")
    if value["RopId"] != ROP_GET_CONTENTS_TABLE:
        raise DecodeError("UnexpectedRopId", "RopId", 0,
                          f"RopId: 0x{value['RopId']:02X} is not RopGetContentsTable (0x05)")
    for field in GET_CONTENTS_TABLE_FIELDS[1:]:
        value[field] = r.u8(field)
    undefined = value["TableFlags"] & ~sum(TABLE_FLAGS)
    if undefined:
        findings.append(finding("MS-OXCFOLD_R329", "TableFlags", 4,
                                f"bits 0x{undefined:02X} are not defined TableFlags"))
    if r.pos < len(data):
        extra = len(data) - r.pos
        raise DecodeError("TrailingBytes", "RopGetContentsTable", r.pos,
                          f"RopGetContentsTable: ends at offset {r.pos} but {extra} more bytes follow")
    return value, findings


class Refused(Exception):
    """The value cannot be encoded: becomes {"refused": {field, message}}."""

    def __init__(self, field, message):
        super().__init__(message)
        self.json = {"field": field, "message": message}


def integer(value, field, bits):
    """An integer field of the value form: a JSON number or a "0x..." string."""
    v = value.get(field)
    if isinstance(v, str):
        try:
            v = int(v, 0)
        except ValueError:
            raise Refused(field, f"{v!r} is not an integer")
    if isinstance(v, bool) or not isinstance(v, int):
        raise Refused(field, "missing, or not an integer")
    if not 0 <= v < 1 << bits:
        raise Refused(field, f"{v} does not fit in {bits // 8} byte(s)")
    return v


def encode_get_contents_table_request(value, layout):
    """The bytes of a RopGetContentsTable request, refusing what it cannot hold."""
    for field in value:
        if field not in GET_CONTENTS_TABLE_FIELDS:
            raise Refused(field, "RopGetContentsTable's request has no such field")
    if integer(value, "RopId", 8) != ROP_GET_CONTENTS_TABLE:
        raise Refused("RopId", "RopGetContentsTable's RopId is 0x05")
    return bytes(integer(value, f, 8) for f in GET_CONTENTS_TABLE_FIELDS)


DECODERS = {"register-notification-request": decode_register_notification_request,
            "get-contents-table-request": decode_get_contents_table_request}
ENCODERS = {"get-contents-table-request": encode_get_contents_table_request}


def answer(request):
    """One reply object (without id) for one request object."""
    op = request.get("op")
    if op == "hello":
        return {"ok": {"name": "python-example", "version": "0.1", "protocol": PROTOCOL,
                       "operations": ["hello", "decode", "encode"], "structures": STRUCTURES}}
    if op == "decode":
        decoder = DECODERS.get(request.get("structure"))
        if decoder is None:
            return {"unimplemented": f"decode of {request.get('structure')!r} is not implemented"}
        layout = request.get("layout", "spec")
        if layout not in ("spec", "legacy"):
            return {"error": f"layout {layout!r} is not spec or legacy"}
        try:
            data = bytes.fromhex(request.get("hex", ""))
        except ValueError as e:
            return {"error": f"hex: {e}"}
        try:
            value, findings = decoder(data, layout)
        except DecodeError as e:
            # The bytes do not frame: still an "ok" reply, holding the error.
            return {"ok": {"error": e.json}}
        return {"ok": {"value": value, "findings": findings}}
    if op == "encode":
        encoder = ENCODERS.get(request.get("structure"))
        if encoder is None:
            return {"unimplemented": f"encode of {request.get('structure')!r} is not implemented"}
        value = request.get("value")
        if not isinstance(value, dict):
            return {"error": "value: not an object"}
        try:
            return {"ok": {"hex": encoder(value, request.get("layout", "spec")).hex()}}
        except Refused as e:
            return {"ok": {"refused": e.json}}
    return {"unimplemented": f"operation {op!r} is not implemented by this example"}


def main():
    print("python example adapter: started", file=sys.stderr)  # goes to the harness's log
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except ValueError as e:
            reply = {"id": None, "error": f"the request is not JSON: {e}"}
        else:
            if not isinstance(request, dict) or request.get("id") is None:
                reply = {"id": None, "error": "the request is not an object with an id"}
            else:
                reply = {"id": request["id"], **answer(request)}
        # One line per reply, flushed at once: the harness waits for it.
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
