//! The ROPs the harness frames: one table of RopId, spec name and section.
//!
//! Each ROP's own file keeps its `ROP_ID` constant (an alias of the one
//! here), and everything that prints a ROP's name (dissections, error
//! messages, [`WireStructure::NAME`](super::WireStructure::NAME)) reads it
//! from this table.
//!
//! ```
//! use oxcnotif::wire::rop;
//!
//! assert_eq!(rop::name(0x2A), Some("RopNotify"));
//! assert_eq!(rop::lookup(0x29).unwrap().section, "MS-OXCROPS 2.2.14.1");
//! assert_eq!(rop::name(0x02), None);
//! ```

/// One ROP: its RopId, spec name and the MS-OXCROPS section that defines it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rop {
    /// The RopId byte that starts the ROP's request and response buffers.
    pub id: u8,
    /// The spec name, e.g. `RopNotify`.
    pub name: &'static str,
    /// The MS-OXCROPS section that defines its buffers.
    pub section: &'static str,
}

/// RopRelease: frees a Server object handle; it has no response.
pub const RELEASE: Rop = Rop { id: 0x01, name: "RopRelease", section: "MS-OXCROPS 2.2.15.3" };

/// RopRegisterNotification: subscribes to notifications.
pub const REGISTER_NOTIFICATION: Rop =
    Rop { id: 0x29, name: "RopRegisterNotification", section: "MS-OXCROPS 2.2.14.1" };

/// RopNotify: one notification, sent by the server with no request.
pub const NOTIFY: Rop = Rop { id: 0x2A, name: "RopNotify", section: "MS-OXCROPS 2.2.14.2" };

/// RopPending: more notifications are queued than fit, with no request.
pub const PENDING: Rop = Rop { id: 0x6E, name: "RopPending", section: "MS-OXCROPS 2.2.14.3" };

/// RopBufferTooSmall: the response that replaces the rest of an output
/// buffer that ran out of room.
pub const BUFFER_TOO_SMALL: Rop = Rop { id: 0xFF, name: "RopBufferTooSmall", section: "MS-OXCROPS 2.2.15.1" };

/// Every ROP the harness frames, in RopId order.
pub const TABLE: [Rop; 5] = [RELEASE, REGISTER_NOTIFICATION, NOTIFY, PENDING, BUFFER_TOO_SMALL];

/// The table entry for a RopId, if the harness frames that ROP.
pub fn lookup(id: u8) -> Option<&'static Rop> {
    TABLE.iter().find(|r| r.id == id)
}

/// The spec name of a RopId, if the harness frames that ROP.
pub fn name(id: u8) -> Option<&'static str> {
    lookup(id).map(|r| r.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_ascend_and_names_are_rop_names() {
        for w in TABLE.windows(2) {
            assert!(w[0].id < w[1].id, "{} before {}", w[0].name, w[1].name);
        }
        for r in &TABLE {
            assert!(r.name.starts_with("Rop"), "{}", r.name);
            assert!(r.section.starts_with("MS-OXCROPS 2.2.1"), "{}", r.name);
            assert_eq!(lookup(r.id), Some(r));
        }
    }
}
