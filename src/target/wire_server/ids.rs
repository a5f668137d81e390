//! The two-way map between a case's FolderIds and MessageIds and the
//! server's, applied to every 8 bytes of an input and an output, and the
//! RopPending SessionIndex the server chooses.

use super::WireServer;
use crate::wire::Id8;
use std::collections::{BTreeMap, HashMap};

/// An ID as the 8 bytes of the wire.
pub(super) type Raw = [u8; 8];

/// The two-way map between a case's IDs and the server's.
#[derive(Debug, Default, Clone)]
pub struct IdMap {
    to_server: HashMap<Raw, Raw>,
    to_case: HashMap<Raw, Raw>,
}

impl IdMap {
    /// Binds `case` to `server`. An all-zero ID (no object) is never bound.
    pub fn bind(&mut self, case: Id8, server: Id8) {
        if case.0 == [0; 8] || server.0 == [0; 8] {
            return;
        }
        self.to_server.insert(case.0, server.0);
        self.to_case.insert(server.0, case.0);
    }
    /// The server's ID of `case`.
    pub fn server(&self, case: Id8) -> Option<Id8> {
        self.to_server.get(&case.0).copied().map(Id8)
    }
    /// The case ID bound to the server's `server`, if any.
    pub fn case(&self, server: Id8) -> Option<Id8> {
        self.to_case.get(&server.0).copied().map(Id8)
    }
    /// Whether the case ID `case` is bound.
    pub fn has_case(&self, case: Id8) -> bool {
        self.to_server.contains_key(&case.0)
    }
    /// Whether the server ID `server` is bound.
    pub fn has_server(&self, server: Id8) -> bool {
        self.to_case.contains_key(&server.0)
    }
    /// `bytes` with every case ID replaced by the server's.
    pub fn to_server_bytes(&self, bytes: &[u8]) -> Vec<u8> {
        rewrite(bytes, &self.to_server)
    }
    /// `bytes` with every server ID replaced by the case's.
    pub fn to_case_bytes(&self, bytes: &[u8]) -> Vec<u8> {
        rewrite(bytes, &self.to_case)
    }
    /// Whether nothing is bound.
    pub fn is_empty(&self) -> bool {
        self.to_server.is_empty()
    }
    /// The bound case IDs, as hex.
    pub fn cases(&self) -> impl Iterator<Item = String> + '_ {
        self.to_server.keys().map(|c| Id8(*c).to_string())
    }
    /// This map with `other`'s server IDs mapping back too (where this one
    /// does not bind them already).
    pub fn merged(&self, other: &IdMap) -> IdMap {
        let mut m = self.clone();
        for (s, c) in &other.to_case {
            m.to_case.entry(*s).or_insert(*c);
        }
        m
    }
    /// Forgets every binding.
    pub fn clear(&mut self) {
        self.to_server.clear();
        self.to_case.clear();
    }
}

/// Replaces every 8-byte run of `bytes` that is a key of `map` by its value,
/// scanning left to right; a replaced run is not looked at again.
pub fn rewrite(bytes: &[u8], map: &HashMap<Raw, Raw>) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if i + 8 <= bytes.len() {
            let mut k = [0u8; 8];
            k.copy_from_slice(&bytes[i..i + 8]);
            if let Some(v) = map.get(&k) {
                out.extend_from_slice(v);
                i += 8;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// The case-ID to server-ID map of the current case, for a report.
impl WireServer {
    /// Each bound case ID and the server's, as hex, sorted.
    pub fn id_map(&self) -> BTreeMap<String, String> {
        self.ids.to_server.iter().map(|(c, s)| (Id8(*c).to_string(), Id8(*s).to_string())).collect()
    }
}

/// The output with every RopPending's SessionIndex set to 0, the case's
/// (setup `session_index` is refused over the wire). Over MAPI over HTTP
/// the server chooses the index, and Connect tells the client nothing to
/// compare it with (MS-OXCMAPIHTTP 2.2.4.1.2 has no session index), so the
/// index is not checked over the wire; RopPending's presence and place
/// still are. An output that does not decode is passed on as it is, for
/// the runner to report.
pub(super) fn pending_session_as_case(out: &[u8]) -> Vec<u8> {
    use crate::wire::rop_buffer::{RopOutputBuffer, RopResponse};
    let Ok(mut d) = crate::wire::decode::<RopOutputBuffer>(out, crate::wire::Layout::Spec) else { return out.to_vec() };
    let mut changed = false;
    for r in &mut d.value.rops_list {
        if let RopResponse::Pending(p) = r {
            changed |= p.session_index != 0;
            p.session_index = 0;
        }
    }
    if !changed {
        return out.to_vec();
    }
    crate::wire::encode(&d.value, crate::wire::Layout::Spec).unwrap_or_else(|_| out.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> Id8 {
        let b = crate::hex::parse(s).unwrap();
        Id8(b.try_into().unwrap())
    }

    #[test]
    fn ids_are_rewritten_both_ways_at_the_byte_level() {
        let mut m = IdMap::default();
        m.bind(id("0100000000000a01"), id("0100000000000123"));
        m.bind(id("0100000000000b01"), id("0100000000000456"));
        m.bind(id("0000000000000000"), id("0100000000000999"));
        let input =
            crate::hex::parse(&["29000001fe00", "0100000000000a01", "0100000000000b01", "ff"].concat()).unwrap();
        let out = m.to_server_bytes(&input);
        assert_eq!(crate::hex::encode(&out), ["29000001fe00", "0100000000000123", "0100000000000456", "ff"].concat());
        assert_eq!(m.to_case_bytes(&out), input);
        // Unbound bytes, a run shorter than 8 bytes and the zero ID stay.
        let short = crate::hex::parse("0100000000000a").unwrap();
        assert_eq!(m.to_server_bytes(&short), short);
        let zero = [0u8; 8];
        assert_eq!(m.to_server_bytes(&zero), zero.to_vec());
        assert!(m.server(id("0000000000000000")).is_none());
    }
}
