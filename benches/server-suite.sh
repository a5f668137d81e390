#!/bin/sh
# Times the whole server suite over loopback MAPI over HTTP (issue 15's
# "under 10 s"): starts `oxcnotif serve` with a short NotificationWait
# limit, runs `oxcnotif run --server` against it ROUNDS times (default 2),
# and prints each run's wall time, its verdict line, and whether the served
# mailboxes are as they were before (GET /oxcnotif/mailbox): tester's, and
# tester2's, the second mailbox behind LogonId 1 (--other-mailbox). Release build:
#   cargo build --release && sh benches/server-suite.sh
set -eu
BIN=${OXCNOTIF_BIN:-target/release/oxcnotif}
ROUNDS=${ROUNDS:-2}
TMP=$(mktemp -d)
trap 'kill "$SERVE" 2>/dev/null || true; rm -rf "$TMP"' EXIT INT TERM
"$BIN" serve --listen 127.0.0.1:0 --user tester --password pw-1 --user tester2 --password pw-2 --wait-limit 450ms \
    --pending-period 100ms --report "$TMP/serve" >"$TMP/url" 2>"$TMP/serve.log" &
SERVE=$!
i=0
while ! grep -q '^listening on ' "$TMP/url" 2>/dev/null; do
    i=$((i + 1)); [ "$i" -lt 200 ] || { echo "serve did not start" >&2; exit 1; }; sleep 0.05
done
URL=$(sed -n 's/^listening on //p' "$TMP/url")
BASE=${URL%%/mapi/*}
mailboxes() {
    curl -s -u tester:pw-1 "$BASE/oxcnotif/mailbox"
    curl -s -u tester:pw-1 "$BASE/oxcnotif/mailbox?user=tester2"
}
mailboxes >"$TMP/before.json"
r=1
while [ "$r" -le "$ROUNDS" ]; do
    start=$(date +%s.%N)
    OXCNOTIF_PASSWORD=pw-1 "$BIN" run --server "$URL" --user tester --other-mailbox tester2 --wait-limit 450ms --no-report \
        >"$TMP/run.txt" 2>&1 || true
    end=$(date +%s.%N)
    mailboxes >"$TMP/after.json"
    same=changed; cmp -s "$TMP/before.json" "$TMP/after.json" && same="as they were"
    printf 'round %s: %.2f s; %s; mailboxes %s\n' "$r" "$(echo "$end - $start" | bc)" \
        "$(tail -1 "$TMP/run.txt")" "$same"
    r=$((r + 1))
done
