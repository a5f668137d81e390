//! Fuzz entry points of the transport codec (`src/wire/transport/`).

use crate::wire::transport::aux_buffer::{self, AuxBuffer};
use crate::wire::transport::connect::{ConnectRequest, ConnectResponse};
use crate::wire::transport::extended_buffer::{ExtendedBuffer, ExtendedBufferIn, ExtendedBufferOut, Role};
use crate::wire::transport::inner_stream::{InnerStream, InnerStreamEvent, InnerStreamReader, MetaTag};
use crate::wire::transport::lz77;
use crate::wire::{decode, Layout};

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

/// `connect_body`: the bytes as a Connect request body and as a Connect
/// success response body. Decoding never panics; an accepted input
/// re-encodes to its bytes.
pub fn connect_body(data: &[u8]) -> Result<(), String> {
    super::round_trip::<ConnectRequest>(data, Layout::Spec)?;
    super::round_trip::<ConnectResponse>(data, Layout::Spec)
}

/// `aux_buffer`: the bytes as an auxiliary block list (lossless when
/// accepted), and as a whole AuxiliaryBuffer field: [`aux_buffer::client_mode`]
/// never panics and agrees with decoding the field's payload by hand.
pub fn aux_buffer(data: &[u8]) -> Result<(), String> {
    super::round_trip::<AuxBuffer>(data, Layout::Spec)?;
    let by_hand = ExtendedBuffer::decode(data, Role::AuxIn).ok().and_then(|e| {
        let blocks = decode::<AuxBuffer>(&e.value.data(), Layout::Spec).ok()?;
        blocks.value.blocks.iter().find_map(|b| match &b.payload {
            aux_buffer::AuxPayload::PerfClientInfo(c) => u8::try_from(c.client_mode).ok(),
            aux_buffer::AuxPayload::Bytes(_) => None,
        })
    });
    let got = aux_buffer::client_mode(data);
    if got != by_hand {
        return Err(format!("client_mode gives {got:?}, the decoded blocks {by_hand:?}"));
    }
    if let Some(&m) = data.first() {
        let built = aux_buffer::perf_client_info(m);
        if aux_buffer::client_mode(&built) != Some(m) {
            return Err(format!("perf_client_info({m}) does not read back"));
        }
    }
    Ok(())
}

/// `inner_stream`: the bytes as a whole response inner stream (lossless
/// when accepted), and fed to [`InnerStreamReader`] in chunks (sizes from
/// the first byte): the reader gives the same stream or the same error, and
/// an event per meta-tag plus one Done, in order.
pub fn inner_stream(data: &[u8]) -> Result<(), String> {
    super::round_trip::<InnerStream>(data, Layout::Spec)?;
    let whole = decode::<InnerStream>(data, Layout::Spec).map(|d| d.value);
    let step = data.first().map_or(1, |&b| (b as usize % 17) + 1);
    let mut reader = InnerStreamReader::new();
    let mut events = Vec::new();
    let mut failed = None;
    for chunk in data.chunks(step) {
        match reader.push(chunk) {
            Ok(e) => events.extend(e),
            Err(e) => {
                failed = Some(e);
                break;
            }
        }
    }
    let (incremental, findings) = match failed {
        Some(e) => (Err(e), Vec::new()),
        None => match reader.finish_with_findings() {
            Ok((s, f)) => (Ok(s), f),
            Err(e) => (Err(e), Vec::new()),
        },
    };
    if let Ok(d) = decode::<InnerStream>(data, Layout::Spec) {
        if d.findings != findings {
            return Err(format!("the reader finds {findings:?}, the whole decode {:?}", d.findings));
        }
    }
    if incremental != whole {
        return Err(format!("the reader gives {incremental:?}, the whole decode {whole:?}"));
    }
    if let Ok(s) = &whole {
        let mut expected: Vec<InnerStreamEvent> = s.meta_tags.iter().map(|&t| InnerStreamEvent::MetaTag(t)).collect();
        expected.push(InnerStreamEvent::Done);
        if events != expected || s.meta_tags.last() != Some(&MetaTag::Done) {
            return Err(format!("events {events:?} for meta-tags {:?}", s.meta_tags));
        }
    }
    Ok(())
}
