//! Fuzz entry points of the transport codec (`src/wire/transport/`).

use crate::wire::transport::extended_buffer::{ExtendedBufferIn, ExtendedBufferOut};
use crate::wire::transport::lz77;
use crate::wire::Layout;

/// `lz77_decompress`: the first two bytes are a declared size (little
/// endian), the rest a compressed stream. Expanding never panics and never
/// gives more than the declared size; what it gives compresses back to a
/// stream that expands to the same bytes. The whole input, taken as plain
/// bytes, compresses to a stream that expands back to it.
pub fn lz77_decompress(data: &[u8]) -> Result<(), String> {
    let again = lz77::compress(data);
    match lz77::decompress(&again, data.len()) {
        Ok(d) if d.data == data && d.end_bit => {}
        Ok(_) => return Err("compress then decompress does not give the input back".into()),
        Err(e) => return Err(format!("our own stream does not expand: {e}")),
    }
    let Some((size, stream)) = data.split_first_chunk::<2>() else { return Ok(()) };
    let declared = u16::from_le_bytes(*size) as usize;
    match lz77::decompress(stream, declared) {
        Ok(d) => {
            if d.data.len() > declared || d.data.capacity() > declared.max(64) {
                return Err(format!(
                    "{} bytes out (capacity {}) for a declared {declared}",
                    d.data.len(),
                    d.data.capacity()
                ));
            }
            let c = lz77::compress(&d.data);
            let back =
                lz77::decompress(&c, d.data.len()).map_err(|e| format!("re-compressed output does not expand: {e}"))?;
            if back.data != d.data {
                return Err("re-compressed output expands to other bytes".into());
            }
        }
        Err(e) if e.offset <= stream.len() => {}
        Err(e) => return Err(format!("error {e} points outside the {} input bytes", stream.len())),
    }
    Ok(())
}

/// `extended_buffer`: the bytes as Execute's rgbIn and rgbOut. Decoding
/// never panics; an accepted input re-encodes to its bytes.
pub fn extended_buffer(data: &[u8]) -> Result<(), String> {
    super::round_trip::<ExtendedBufferIn>(data, Layout::Spec)?;
    super::round_trip::<ExtendedBufferOut>(data, Layout::Spec)
}
