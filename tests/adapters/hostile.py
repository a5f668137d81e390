#!/usr/bin/env python3
"""A hostile adapter, for testing that `oxcnotif run --target` survives one.

    OXCNOTIF_BIN=path/to/oxcnotif python3 hostile.py MODE [TRIGGER]

It starts the real reference adapter (`$OXCNOTIF_BIN adapter`) and passes
each request line to it and each reply line back, one at a time, in order;
but when a request matches TRIGGER it misbehaves as MODE says:

  crash        exit(3) without replying
  hang         stop replying and sleep for ever
  garbage      write a line that is not JSON (longer than the report's cap,
               with bytes that are not UTF-8) instead of the reply
  truncated    write the first half of the real reply, no newline, exit(4)
  oversized    write one reply line longer than the harness accepts
               (HOSTILE_OVERSIZE bytes; default 17 MiB, above the 16 MiB
               default of the harness)
  wrong-id     write the real reply with an id the harness does not await

and these modes need no trigger:

  stderr       write lines to standard error for every request; reply normally
  spawn-child  start a long-lived `sleep 1000` at startup (it keeps this
               adapter's standard output open), then behave normally
  hello-fail   answer hello with a line that is not JSON

Modes can be joined with `+` (`spawn-child+crash`).

TRIGGER is one of:

  HEX          a decode request for these bytes (case and spaces ignored)
  nth=K        the K-th decode request this adapter process receives
  op=NAME      the first request with this op
  -            nothing (the default)

When HOSTILE_DIR names a directory, it is used to check the harness:

  pids         a line "adapter PID", "reference PID" or "grandchild PID" for
               each process started (one adapter per start by the harness)
  triggered    made when the trigger fires: it fires once per directory, so
               an adapter restarted by the harness behaves from then on
  hanging      made just before `hang` starts sleeping
  zombies      a line for each zombie child of the harness found when this
               adapter starts (the harness should have reaped them all)
"""

import json
import os
import subprocess
import sys
import time

ACTIONS = {"crash", "hang", "garbage", "truncated", "oversized", "wrong-id"}
TRAITS = {"stderr", "spawn-child", "hello-fail"}

STATE = os.environ.get("HOSTILE_DIR") or None


def note(name, text):
    """Appends a line to the state file `name`."""
    if STATE is None:
        return
    with open(os.path.join(STATE, name), "a", encoding="utf-8") as f:
        f.write(text + "\n")


def touch(name):
    if STATE is not None:
        with open(os.path.join(STATE, name), "a", encoding="utf-8"):
            pass


def claim_trigger():
    """True the first time the trigger fires in this state directory."""
    if STATE is None:
        return True
    try:
        fd = os.open(os.path.join(STATE, "triggered"), os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return False
    os.write(fd, str(os.getpid()).encode())
    os.close(fd)
    return True


def stat(pid):
    """(state, ppid) of a process from /proc, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return None
    # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    rest = text[text.rfind(")") + 2:].split()
    return rest[0], int(rest[1])


def report_zombies():
    """Notes every zombie whose parent is the harness."""
    harness = os.getppid()
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        s = stat(name)
        if s is not None and s[0] == "Z" and s[1] == harness:
            note("zombies", f"{name} (a zombie child of the harness, pid {harness})")


def normalise_hex(text):
    text = "".join(text.split()).lower()
    return text[2:] if text.startswith("0x") else text


def usage(message):
    sys.stderr.write(f"hostile.py: {message}\n")
    sys.exit(2)


def main():
    if len(sys.argv) < 2:
        usage("usage: hostile.py MODE [TRIGGER]")
    modes = set(sys.argv[1].split("+"))
    unknown = modes - ACTIONS - TRAITS
    if unknown:
        usage(f"unknown mode {', '.join(sorted(unknown))}")
    actions = modes & ACTIONS
    if len(actions) > 1:
        usage("give at most one of " + ", ".join(sorted(ACTIONS)))
    action = next(iter(actions), None)
    trigger = sys.argv[2] if len(sys.argv) > 2 else "-"
    if action is not None and trigger == "-":
        usage(f"mode {action} needs a trigger")
    binary = os.environ.get("OXCNOTIF_BIN")
    if not binary:
        usage("OXCNOTIF_BIN is not set (the path of the oxcnotif binary)")

    note("pids", f"adapter {os.getpid()}")
    report_zombies()
    if "spawn-child" in modes:
        # It inherits our standard output: the harness sees no end of file
        # while it runs, and must stop the whole process group.
        child = subprocess.Popen(["sleep", "1000"], stdin=subprocess.DEVNULL)
        note("pids", f"grandchild {child.pid}")
    reference = subprocess.Popen([binary, "adapter"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    note("pids", f"reference {reference.pid}")

    out = sys.stdout.buffer
    decodes = 0
    for count, line in enumerate(sys.stdin.buffer, start=1):
        try:
            request = json.loads(line)
        except ValueError:
            request = None
        if not isinstance(request, dict):
            request = {}
        op = request.get("op")
        if op == "decode":
            decodes += 1
        if "stderr" in modes:
            sys.stderr.write(f"hostile stderr: request {count} ({op}) seen\n")
            sys.stderr.write(f"hostile stderr: a second line for request {count}\n")
            sys.stderr.flush()
        if op == "hello" and "hello-fail" in modes:
            out.write(b"HELLO? this line is not JSON\n")
            out.flush()
            continue

        fire = False
        if action is not None:
            if trigger.startswith("nth="):
                hit = op == "decode" and decodes == int(trigger[4:])
            elif trigger.startswith("op="):
                hit = op == trigger[3:]
            else:
                hit = op == "decode" and normalise_hex(str(request.get("hex", ""))) == normalise_hex(trigger)
            fire = hit and claim_trigger()
        if fire:
            sys.stderr.write(f"hostile: {action} on request {count} ({op})\n")
            sys.stderr.flush()
        if fire and action == "crash":
            os._exit(3)
        if fire and action == "hang":
            touch("hanging")
            while True:
                time.sleep(3600)
        if fire and action == "garbage":
            out.write(b"%%% GARBAGE, not JSON \xff\xfe\x80 " + b"junk " * 1000 + b"\n")
            out.flush()
            continue
        if fire and action == "oversized":
            size = int(os.environ.get("HOSTILE_OVERSIZE", str(17 << 20)))
            head = b'{"id": %d, "ok": {"padding": "' % request.get("id", 0)
            body = b"x" * max(0, size - len(head) - 4)
            out.write(head + body + b'"}}\n')
            out.flush()
            continue

        reference.stdin.write(line if line.endswith(b"\n") else line + b"\n")
        reference.stdin.flush()
        reply = reference.stdout.readline()
        if not reply:
            sys.stderr.write("hostile.py: the reference adapter stopped answering\n")
            os._exit(1)
        if fire and action == "truncated":
            out.write(reply[: len(reply) // 2])
            out.flush()
            os._exit(4)
        if fire and action == "wrong-id":
            answer = json.loads(reply)
            answer["id"] = int(answer.get("id") or 0) + 1_000_000
            reply = (json.dumps(answer) + "\n").encode()
        out.write(reply)
        out.flush()

    reference.stdin.close()
    reference.wait()


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:
        # The harness stopped reading (it does after an oversized reply).
        os._exit(5)
