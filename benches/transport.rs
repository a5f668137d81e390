//! LZ77 (MS-OXCRPC 3.1.4.1.1.2) compress and decompress throughput on the
//! 64 KiB ROP output buffer of RopNotify responses that `benches/codec.rs`
//! builds, and on 64 KiB of pseudo-random bytes (which do not compress).
//! Prints MiB/s of plain bytes for each, and the compressed sizes.
//!
//! Run: `cargo bench --bench transport`

#[path = "codec.rs"]
#[allow(dead_code)]
mod codec;

use oxcnotif::wire::transport::lz77;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Runs `f` repeatedly for about `time` and returns MiB/s for `bytes` per call.
fn measure(bytes: usize, time: Duration, mut f: impl FnMut()) -> f64 {
    for _ in 0..5 {
        f();
    }
    let start = Instant::now();
    let mut iters = 0u64;
    while start.elapsed() < time {
        for _ in 0..10 {
            f();
        }
        iters += 10;
    }
    (bytes as f64 * iters as f64) / start.elapsed().as_secs_f64() / (1024.0 * 1024.0)
}

fn random(n: usize) -> Vec<u8> {
    let mut x = 0x2545_F491_4F6C_DD1Du64;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 32) as u8
        })
        .collect()
}

fn main() {
    let (_, rops) = codec::buffer();
    let time = Duration::from_secs(2);
    for (name, input) in [("RopNotify buffer", rops), ("random bytes", random(64 * 1024))] {
        let packed = lz77::compress(&input);
        assert_eq!(lz77::decompress(&packed, input.len()).expect("expands").data, input);
        let c = measure(input.len(), time, || {
            black_box(lz77::compress(black_box(&input)));
        });
        let d = measure(input.len(), time, || {
            black_box(lz77::decompress(black_box(&packed), input.len()).expect("expands"));
        });
        println!(
            "{name:<17} {} bytes -> {} ({:.1}%): compress {c:>7.0} MiB/s, decompress {d:>7.0} MiB/s",
            input.len(),
            packed.len(),
            100.0 * packed.len() as f64 / input.len() as f64
        );
    }
}
