//! LZ77 with DIRECT2 encoding: [MS-OXCRPC] 3.1.4.1.1.2 (the same stream
//! format as [MS-XCA] "Plain LZ77"), the compression of extended-buffer
//! payloads.
//!
//! The stream is a sequence of 4-byte little-endian bitmasks, each followed
//! by the up to 32 elements it describes, read from its most significant
//! bit: a 0 bit is one literal byte, a 1 bit is a match (2 bytes of
//! metadata: the distance back, less one, in the high 13 bits and the
//! length, less 3, in the low 3; a length field of 7 continues in a nibble
//! shared by two long matches, then a byte, then a final 2-byte length).
//! A 1 bit after the last element, with no bytes left, ends the stream.
//!
//! [`decompress`] takes the size the stream must expand to (SizeActual) and
//! never allocates more than that, nor more than the input could expand to;
//! it never panics and names the offset of whatever is malformed.
//! [`compress`] writes a stream that [`decompress`] (and any conforming
//! decoder) expands back to its input.

use crate::wire::codec::{Error, ErrorKind};

/// The largest backward distance 13 bits can hold (MS-OXCRPC_R1252).
pub const WINDOW: usize = 1 << 13;
/// The shortest match (MS-OXCRPC_R876, R909).
pub const MIN_MATCH: usize = 3;
/// The longest match: the final 2-byte length holds length - 3 (MS-OXCRPC_R933, R934).
pub const MAX_MATCH: usize = 0xFFFF + MIN_MATCH;

/// The output of [`decompress`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decompressed {
    /// The expanded bytes (at most the declared size).
    pub data: Vec<u8>,
    /// Whether the stream ended with the end bit (MS-OXCRPC_R1873, R1877).
    /// Without it, the stream ran out exactly when the declared size was
    /// reached: the bytes are whole, the end marker is missing.
    pub end_bit: bool,
}

/// What a stream of `n` bytes could expand to at most: every element but a
/// literal needs at least 2 bytes of metadata, and the longest match needs
/// 5 of them for 65 538 bytes of output.
fn expansion_bound(n: usize) -> usize {
    n.saturating_mul(MAX_MATCH / 5 + 1)
}

fn truncated(field: &str, offset: usize, needed: usize, available: usize) -> Error {
    Error { kind: ErrorKind::Truncated { needed, available }, field: field.to_string(), offset }
}

/// Makes room for `more` bytes in `out`, growing at most to `cap`.
#[inline]
fn reserve(out: &mut Vec<u8>, more: usize, cap: usize) {
    let want = out.len() + more;
    if want > out.capacity() {
        let target = cap.min(want.max(out.capacity().saturating_mul(2)).max(64));
        out.reserve_exact(target - out.len());
    }
}

/// Expands `input`, which must decompress to at most `declared` bytes (the
/// SizeActual of its RPC_HEADER_EXT, MS-OXCRPC_R44).
///
/// Errors name the element that cannot be read (`Bitmask`, `Literal`,
/// `Metadata`, `MatchLength`) and its offset in `input`: a stream that ends
/// inside an element (Truncated), a match that reaches back before the
/// first byte (BadMatchOffset), or output beyond `declared` (SizeExceeded).
///
/// ```
/// use oxcnotif::wire::transport::lz77;
///
/// // MS-XCA 3.1: a bitmask whose 27th bit ends the stream, then 26 literals.
/// let mut input = vec![0x3f, 0x00, 0x00, 0x00];
/// input.extend_from_slice(b"abcdefghijklmnopqrstuvwxyz");
/// let d = lz77::decompress(&input, 26).unwrap();
/// assert_eq!(d.data, b"abcdefghijklmnopqrstuvwxyz");
/// assert!(d.end_bit);
/// // The same stream declared one byte shorter does not fit.
/// assert!(lz77::decompress(&input, 25).is_err());
/// ```
pub fn decompress(input: &[u8], declared: usize) -> Result<Decompressed, Error> {
    let cap = declared.min(expansion_bound(input.len()));
    let mut out: Vec<u8> = Vec::with_capacity(cap.min(input.len().saturating_mul(4).saturating_add(64)));
    let n = input.len();
    let mut ip = 0usize;
    let mut mask = 0u32;
    let mut bits = 0u32;
    // The byte whose high nibble the next long match uses (MS-OXCRPC_R919).
    let mut shared: Option<usize> = None;
    loop {
        if bits == 0 {
            if ip == n && out.len() == declared {
                // MS-OXCRPC_R1877: the caller reports the missing end bit.
                return Ok(Decompressed { data: out, end_bit: false });
            }
            // MS-OXCRPC_R885, R891
            let Some(b) = input.get(ip..ip + 4) else { return Err(truncated("Bitmask", ip, 4, n - ip)) };
            mask = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            ip += 4;
            bits = 32;
        }
        bits -= 1;
        if mask & (1 << bits) == 0 {
            // MS-OXCRPC_R887
            if ip == n {
                if out.len() == declared {
                    return Ok(Decompressed { data: out, end_bit: false });
                }
                return Err(truncated("Literal", ip, 1, 0));
            }
            if out.len() == declared {
                return Err(Error {
                    kind: ErrorKind::SizeExceeded { limit: declared },
                    field: "Literal".into(),
                    offset: ip,
                });
            }
            reserve(&mut out, 1, cap.max(1));
            out.push(input[ip]);
            ip += 1;
            continue;
        }
        // MS-OXCRPC_R1873: a 1 bit with nothing after it ends the stream.
        if ip == n {
            return Ok(Decompressed { data: out, end_bit: true });
        }
        let at = ip;
        // MS-OXCRPC_R888, R901
        let Some(b) = input.get(ip..ip + 2) else { return Err(truncated("Metadata", ip, 2, n - ip)) };
        let meta = u16::from_le_bytes([b[0], b[1]]);
        ip += 2;
        let distance = (meta >> 3) as usize + 1;
        let mut length = (meta & 7) as usize + MIN_MATCH;
        if length == 7 + MIN_MATCH {
            // MS-OXCRPC_R912-R920: the nibble of a byte shared by two long matches.
            let nibble = match shared.take() {
                Some(i) => input[i] >> 4,
                None => {
                    let Some(&v) = input.get(ip) else { return Err(truncated("MatchLength", ip, 1, 0)) };
                    shared = Some(ip);
                    ip += 1;
                    v & 0x0F
                }
            };
            length += nibble as usize;
            if nibble == 0x0F {
                // MS-OXCRPC_R921, R925
                let Some(&v) = input.get(ip) else { return Err(truncated("MatchLength", ip, 1, 0)) };
                ip += 1;
                length += v as usize;
                if v == 0xFF {
                    // MS-OXCRPC_R930-R933: the final 2 bytes hold length - 3 alone.
                    let Some(b) = input.get(ip..ip + 2) else {
                        return Err(truncated("MatchLength", ip, 2, n - ip));
                    };
                    length = u16::from_le_bytes([b[0], b[1]]) as usize + MIN_MATCH;
                    ip += 2;
                }
            }
        }
        if distance > out.len() {
            return Err(Error {
                kind: ErrorKind::BadMatchOffset { distance, available: out.len() },
                field: "Metadata".into(),
                offset: at,
            });
        }
        if out.len() + length > declared {
            return Err(Error {
                kind: ErrorKind::SizeExceeded { limit: declared },
                field: "Metadata".into(),
                offset: at,
            });
        }
        reserve(&mut out, length, cap);
        let start = out.len() - distance;
        if distance >= length {
            out.extend_from_within(start..start + length);
        } else {
            // An overlapping copy repeats the last `distance` bytes.
            for i in 0..length {
                let v = out[start + i];
                out.push(v);
            }
        }
    }
}

/// The hash table of the longest inputs has 2^14 heads; shorter inputs get
/// smaller tables (a 100-byte payload needs no 96 KiB of them).
const HASH_BITS: u32 = 14;
const NONE: u32 = u32::MAX;
/// How many earlier positions with the same 3-byte hash are tried.
const CHAIN_DEPTH: usize = 24;

#[inline]
fn hash3(b: &[u8], bits: u32) -> usize {
    let v = u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16;
    (v.wrapping_mul(0x9E37_79B1) >> (32 - bits)) as usize
}

/// Writes the bitmasks: each 32 elements get a 4-byte slot before them.
struct Masks {
    slot: usize,
    mask: u32,
    used: u32,
}

impl Masks {
    fn new(out: &mut Vec<u8>) -> Self {
        out.extend_from_slice(&[0; 4]);
        Masks { slot: 0, mask: 0, used: 0 }
    }

    #[inline]
    fn bit(&mut self, out: &mut Vec<u8>, one: bool) {
        if self.used == 32 {
            out[self.slot..self.slot + 4].copy_from_slice(&self.mask.to_le_bytes());
            self.slot = out.len();
            out.extend_from_slice(&[0; 4]);
            self.mask = 0;
            self.used = 0;
        }
        self.mask = self.mask << 1 | u32::from(one);
        self.used += 1;
    }

    /// The end bit, and 1s in the bits left over (MS-OXCRPC_R1873, R1877).
    fn finish(mut self, out: &mut Vec<u8>) {
        self.bit(out, true);
        let left = 32 - self.used;
        let mask = ((u64::from(self.mask) << left) | ((1u64 << left) - 1)) as u32;
        out[self.slot..self.slot + 4].copy_from_slice(&mask.to_le_bytes());
    }
}

/// Writes one match's metadata (MS-OXCRPC 3.1.4.1.1.2.2.3, 3.1.4.1.1.2.2.4).
#[inline]
fn put_match(out: &mut Vec<u8>, shared: &mut Option<usize>, distance: usize, length: usize) {
    debug_assert!((1..=WINDOW).contains(&distance) && (MIN_MATCH..=MAX_MATCH).contains(&length));
    let high = ((distance - 1) << 3) as u16;
    let extra = length - MIN_MATCH;
    if extra < 7 {
        out.extend_from_slice(&(high | extra as u16).to_le_bytes());
        return;
    }
    out.extend_from_slice(&(high | 7).to_le_bytes());
    let rest = extra - 7;
    let nibble = rest.min(15) as u8;
    match shared.take() {
        Some(i) => out[i] |= nibble << 4,
        None => {
            *shared = Some(out.len());
            out.push(nibble);
        }
    }
    if rest >= 15 {
        let rest = rest - 15;
        if rest < 0xFF {
            out.push(rest as u8);
        } else {
            out.push(0xFF);
            out.extend_from_slice(&(extra as u16).to_le_bytes());
        }
    }
}

/// Compresses `input` (greedy matching over hash chains in an 8 KiB
/// window). The result always ends with the end bit and expands back to
/// `input`; it is not always shorter (a payload whose compressed form is
/// not smaller must be sent uncompressed, MS-OXCRPC_R4794).
///
/// ```
/// use oxcnotif::wire::transport::lz77;
///
/// let text = b"abc".repeat(100);
/// let packed = lz77::compress(&text);
/// assert!(packed.len() < 20);
/// assert_eq!(lz77::decompress(&packed, text.len()).unwrap().data, text);
/// ```
pub fn compress(input: &[u8]) -> Vec<u8> {
    let n = input.len();
    let mut out = Vec::with_capacity(n + n / 32 * 4 + 8);
    let mut masks = Masks::new(&mut out);
    let mut shared = None;
    let bits = (usize::BITS - n.max(2).leading_zeros()).clamp(8, HASH_BITS);
    let mut head = vec![NONE; 1 << bits];
    // Positions below `n` never share a slot while `n` fits the table.
    let chain = n.next_power_of_two().clamp(1, WINDOW);
    let mut prev = vec![NONE; chain];
    let mut pos = 0usize;
    let insert = |head: &mut [u32], prev: &mut [u32], p: usize| {
        if p + MIN_MATCH <= n {
            let h = hash3(&input[p..], bits);
            prev[p & (chain - 1)] = head[h];
            head[h] = p as u32;
        }
    };
    while pos < n {
        let mut best_len = 0;
        let mut best_dist = 0;
        if pos + MIN_MATCH <= n {
            let limit = (n - pos).min(MAX_MATCH);
            let mut cand = head[hash3(&input[pos..], bits)];
            let mut depth = 0;
            while cand != NONE && depth < CHAIN_DEPTH {
                let c = cand as usize;
                if c >= pos || pos - c > WINDOW {
                    break;
                }
                if input[c + best_len.min(limit - 1)] == input[pos + best_len.min(limit - 1)] {
                    let len =
                        input[c..c + limit].iter().zip(&input[pos..pos + limit]).take_while(|(a, b)| a == b).count();
                    if len > best_len {
                        best_len = len;
                        best_dist = pos - c;
                        if len == limit {
                            break;
                        }
                    }
                }
                let next = prev[c & (chain - 1)];
                if next != NONE && next as usize >= c {
                    break;
                }
                cand = next;
                depth += 1;
            }
        }
        if best_len >= MIN_MATCH {
            masks.bit(&mut out, true);
            put_match(&mut out, &mut shared, best_dist, best_len);
            for p in pos..pos + best_len {
                insert(&mut head, &mut prev, p);
            }
            pos += best_len;
        } else {
            masks.bit(&mut out, false);
            out.push(input[pos]);
            insert(&mut head, &mut prev, pos);
            pos += 1;
        }
    }
    masks.finish(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        crate::hex::parse(s).unwrap()
    }

    #[test]
    fn spec_bitmask_example_abcabcdef() {
        // MS-OXCRPC_R1874-R1876 (an 8-bit mask there; 32 bits on the wire):
        // 3 literals, a match 3 back of length 3, 3 literals, the end bit.
        let mut input = vec![];
        input.extend_from_slice(&(0b0001_0001u32 << 24 | 0x00FF_FFFF).to_le_bytes());
        input.extend_from_slice(b"ABC");
        input.extend_from_slice(&(2u16 << 3).to_le_bytes());
        input.extend_from_slice(b"DEF");
        let d = decompress(&input, 9).unwrap();
        assert_eq!(d.data, b"ABCABCDEF");
        assert!(d.end_bit);
    }

    #[test]
    fn spec_metadata_offset_example() {
        // MS-OXCRPC_R904, R905: metadata 0x0018 is offset -4, length 3.
        // Four literals, the match, the end bit: 0b00001_1 then 1s.
        let mut input = 0x0FFF_FFFFu32.to_le_bytes().to_vec();
        input.extend_from_slice(b"wxyz");
        input.extend_from_slice(&[0x18, 0x00]);
        let d = decompress(&input, 7).unwrap();
        assert_eq!(d.data, b"wxyzwxy");
    }

    #[test]
    fn length_encodings_of_the_spec_table() {
        // MS-OXCRPC_R922-R946: lengths 24, 25, 26, 279, 280, 281 written by
        // put_match, then read back by decompress as a run of one byte.
        for (length, tail) in
            [(24usize, "0e"), (25, "0f00"), (26, "0f01"), (279, "0ffe"), (280, "0fff1501"), (281, "0fff1601")]
        {
            let mut meta = Vec::new();
            put_match(&mut meta, &mut None, 1, length);
            assert_eq!(meta[..2], [0x07, 0x00], "{length}");
            assert_eq!(meta[2..], hex(tail)[..], "length {length}");
            // A literal, the match, the end bit.
            let mut input = 0x7FFF_FFFFu32.to_le_bytes().to_vec();
            input.push(b'x');
            input.extend_from_slice(&meta);
            let d = decompress(&input, length + 1).unwrap();
            assert_eq!(d.data, vec![b'x'; length + 1], "length {length}");
        }
    }

    #[test]
    fn two_long_matches_share_a_nibble_byte() {
        // MS-OXCRPC_R914-R919: the first long match uses the low nibble, the
        // second the high nibble of the same byte.
        let mut out = Vec::new();
        let mut shared = None;
        put_match(&mut out, &mut shared, 1, 12);
        put_match(&mut out, &mut shared, 1, 15);
        assert_eq!(out, hex("0700 52 0700"));
        assert_eq!(shared, None);
    }

    #[test]
    fn malformed_streams_name_the_element_and_offset() {
        let e = decompress(&[0, 0], 1).unwrap_err();
        assert_eq!((e.field.as_str(), e.offset, e.kind.name()), ("Bitmask", 0, "Truncated"));
        // A match back 1 with nothing written yet.
        let e = decompress(&hex("ffffffff 0000"), 3).unwrap_err();
        assert_eq!((e.field.as_str(), e.offset), ("Metadata", 4));
        assert_eq!(e.kind, ErrorKind::BadMatchOffset { distance: 1, available: 0 });
        // Literals beyond the declared size.
        let e = decompress(&hex("00000000 6162"), 1).unwrap_err();
        assert_eq!((e.field.as_str(), e.offset, e.kind.name()), ("Literal", 5, "SizeExceeded"));
        // A long match whose nibble byte is missing.
        let e = decompress(&hex("ffffff7f 61 0700"), 20).unwrap_err();
        assert_eq!((e.field.as_str(), e.offset, e.kind.name()), ("MatchLength", 7, "Truncated"));
        // Literals that run out before the declared size, with no end bit.
        let e = decompress(&hex("00000000 61"), 2).unwrap_err();
        assert_eq!((e.field.as_str(), e.offset), ("Literal", 5));
    }

    #[test]
    fn a_stream_that_fills_the_declared_size_without_end_bit_is_whole() {
        let d = decompress(&hex("00000000 616263"), 3).unwrap();
        assert_eq!((d.data.as_slice(), d.end_bit), (&b"abc"[..], false));
    }

    #[test]
    fn allocation_never_passes_the_declared_size() {
        // One match claiming 65 538 bytes against a declared size of 100.
        let e = decompress(&hex("ffffff7f 61 0700 0f ff ffff"), 100).unwrap_err();
        assert_eq!(e.kind.name(), "SizeExceeded");
        let d = decompress(&hex("ffffff7f 61 0700 0f ff ffff"), 70_000).unwrap();
        assert_eq!(d.data.len(), 65_539);
        assert!(d.data.capacity() <= 70_000);
    }

    #[test]
    fn the_end_bit_takes_a_new_bitmask_when_32_elements_used_it_up() {
        // MS-OXCRPC_R1877-R1879: 32 literals, then a whole mask for the end bit.
        let input: Vec<u8> = (0..32u8).map(|i| i.wrapping_mul(37)).collect();
        let c = compress(&input);
        assert_eq!(c.len(), 4 + 32 + 4);
        assert_eq!(c[36..], [0xFF; 4]);
        assert_eq!(decompress(&c, 32).unwrap().data, input);
    }

    #[test]
    fn compress_round_trips_edge_shapes() {
        let mut long_run = vec![7u8; 70_000];
        long_run[35_000] = 8;
        let mut far = (0..9000u32).map(|i| (i.wrapping_mul(2654435761u32) >> 24) as u8).collect::<Vec<_>>();
        far.extend_from_within(0..500);
        for input in [vec![], vec![1], vec![1, 2], b"aaaa".to_vec(), long_run, far] {
            let c = compress(&input);
            let d = decompress(&c, input.len()).unwrap();
            assert_eq!(d.data, input);
            assert!(d.end_bit);
        }
    }
}
