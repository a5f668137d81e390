#!/bin/bash -eu
# Builds every fuzz target and puts, for each, into $OUT: the binary, its seed
# corpus (<target>_seed_corpus.zip, from fuzz/seeds/<target>/) and the
# dictionary (<target>.dict), as ClusterFuzzLite and OSS-Fuzz expect.
cd "$(dirname "$0")/.."
: "${OUT:?set OUT to the output directory}"
mkdir -p "$OUT"
cargo ${FUZZ_TOOLCHAIN:-+nightly} fuzz build -O ${FUZZ_SANITIZER:+-s "$FUZZ_SANITIZER"}
triple=$(rustc -vV | sed -n 's/^host: //p')
for target in $(cargo fuzz list); do
    cp "fuzz/target/$triple/release/$target" "$OUT/$target"
    cp fuzz/oxcnotif.dict "$OUT/$target.dict"
    seeds="fuzz/seeds/$target"
    if [ -d "$seeds" ] && [ -n "$(ls -A "$seeds")" ]; then
        if command -v zip >/dev/null 2>&1; then
            (cd "$seeds" && zip -q -r "$OUT/${target}_seed_corpus.zip" .)
        else
            python3 - "$seeds" "$OUT/${target}_seed_corpus.zip" <<'PY'
import os, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
    for name in sorted(os.listdir(src)):
        z.write(os.path.join(src, name), name)
PY
        fi
    fi
done
