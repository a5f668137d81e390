//! Property tests of the codec:
//!
//! * generated values encode, and decode back to themselves (the typed API
//!   and the external value form);
//! * random bytes, and mutations of valid encodings, never panic the
//!   decoder, and whatever it accepts re-encodes to exactly the bytes;
//! * the two request readings agree wherever the spec says they must.

use oxcnotif::wire::buffer_too_small::RopBufferTooSmallResponse;
use oxcnotif::wire::notification_data::{presence, tags_present, Field, MessageClass, NotificationData};
use oxcnotif::wire::notify::RopNotifyResponse;
use oxcnotif::wire::pending::RopPendingResponse;
use oxcnotif::wire::register_notification::{RopRegisterNotificationRequest, RopRegisterNotificationResponse};
use oxcnotif::wire::release::RopReleaseRequest;
use oxcnotif::wire::rop_buffer::{RopInputBuffer, RopOutputBuffer, RopRequest, RopResponse};
use oxcnotif::wire::{decode, encode, Id8, Layout, Structure, WireStructure};
use proptest::prelude::*;

fn id8() -> impl Strategy<Value = Id8> {
    any::<[u8; 8]>().prop_map(Id8)
}

fn flags() -> impl Strategy<Value = u16> {
    let types = prop_oneof![
        Just(0x0002u16),
        Just(0x0004),
        Just(0x0008),
        Just(0x0010),
        Just(0x0020),
        Just(0x0040),
        Just(0x0080),
        Just(0x0100),
        Just(0x0400),
        0u16..0x1000,
    ];
    (types, 0u16..16).prop_map(|(t, hi)| t | (hi << 12))
}

fn message_class(unicode: bool, last: bool) -> impl Strategy<Value = MessageClass> {
    let terminated = if last { any::<bool>().boxed() } else { Just(true).boxed() };
    (prop::collection::vec(any::<u8>(), 0..24), terminated).prop_map(move |(mut bytes, terminated)| {
        if unicode {
            if terminated && bytes.len() % 2 == 1 {
                bytes.pop();
            }
            // No 00 00 unit where a terminator would be read.
            for c in bytes.chunks_exact_mut(2) {
                if c == [0, 0] {
                    c[0] = 1;
                }
            }
        } else {
            for b in bytes.iter_mut() {
                if *b == 0 {
                    *b = 1;
                }
            }
        }
        MessageClass { bytes, terminated }
    })
}

/// A NotificationData whose fields follow its flags. `last` allows an
/// unterminated MessageClass (only valid at the very end of the input).
fn notification_data(last: bool) -> impl Strategy<Value = NotificationData> {
    (flags(), prop_oneof![Just(1u16), Just(3), Just(4), Just(5), Just(7), any::<u16>()]).prop_flat_map(
        move |(f, tet)| {
            let p = presence(f, tet);
            let tag_count = prop_oneof![Just(0u16), Just(0xFFFF), 1u16..6];
            (
                prop::collection::vec(id8(), 9),
                prop::collection::vec(any::<u32>(), 6),
                prop::collection::vec(any::<u8>(), 0..40),
                tag_count,
                prop::collection::vec(any::<u32>(), 6),
                prop_oneof![Just(0u8), Just(1), any::<u8>()],
            )
                .prop_flat_map(move |(ids, nums, row, tc, tagpool, uflag)| {
                    message_class(uflag != 0, last).prop_map(move |mc| {
                        let id = |i: usize, f: Field| if p.has(f) { Some(ids[i]) } else { None };
                        let n = |i: usize, f: Field| if p.has(f) { Some(nums[i]) } else { None };
                        let tc = if p.has(Field::TagCount) { Some(tc) } else { None };
                        NotificationData {
                            notification_flags: f,
                            table_event_type: if p.has(Field::TableEventType) { Some(tet) } else { None },
                            table_row_folder_id: id(0, Field::TableRowFolderID),
                            table_row_message_id: id(1, Field::TableRowMessageID),
                            table_row_instance: n(0, Field::TableRowInstance),
                            insert_after_table_row_folder_id: id(2, Field::InsertAfterTableRowFolderID),
                            insert_after_table_row_id: id(3, Field::InsertAfterTableRowID),
                            insert_after_table_row_instance: n(1, Field::InsertAfterTableRowInstance),
                            table_row_data: if p.has(Field::TableRowData) { Some(row.clone()) } else { None },
                            folder_id: id(4, Field::FolderId),
                            message_id: id(5, Field::MessageId),
                            parent_folder_id: id(6, Field::ParentFolderId),
                            old_folder_id: id(7, Field::OldFolderId),
                            old_message_id: id(8, Field::OldMessageId),
                            old_parent_folder_id: id(0, Field::OldParentFolderId),
                            tag_count: tc,
                            tags: tc
                                .filter(|c| tags_present(*c))
                                .map(|c| tagpool.iter().cycle().take(c as usize).copied().collect()),
                            total_message_count: n(2, Field::TotalMessageCount),
                            unread_message_count: n(3, Field::UnreadMessageCount),
                            message_flags: n(4, Field::NewMail),
                            unicode_flag: if p.has(Field::NewMail) { Some(uflag) } else { None },
                            message_class: if p.has(Field::NewMail) { Some(mc.clone()) } else { None },
                        }
                    })
                })
        },
    )
}

fn register_request(layout: Layout) -> impl Strategy<Value = RopRegisterNotificationRequest> {
    let types = match layout {
        Layout::Spec => any::<u16>().boxed(),
        Layout::Legacy => (0u16..0x100).boxed(),
    };
    (any::<[u8; 3]>(), types, any::<u8>(), prop_oneof![Just(0u8), Just(1), any::<u8>()], id8(), id8()).prop_map(
        move |(b, t, reserved, wws, f, m)| RopRegisterNotificationRequest {
            logon_id: b[0],
            input_handle_index: b[1],
            output_handle_index: b[2],
            notification_types: t,
            reserved: if layout == Layout::Legacy || t & 0x0400 != 0 { Some(reserved) } else { None },
            want_whole_store: wws,
            folder_id: if wws == 0 { Some(f) } else { None },
            message_id: if wws == 0 { Some(m) } else { None },
        },
    )
}

fn input_buffer(layout: Layout) -> impl Strategy<Value = RopInputBuffer> {
    let rop = prop_oneof![
        register_request(layout).prop_map(RopRequest::RegisterNotification),
        any::<[u8; 2]>()
            .prop_map(|b| RopRequest::Release(RopReleaseRequest { logon_id: b[0], input_handle_index: b[1] })),
    ];
    (prop::collection::vec(rop, 0..6), prop::collection::vec(any::<u32>(), 0..6))
        .prop_map(|(rops_list, server_object_handle_table)| RopInputBuffer { rops_list, server_object_handle_table })
}

fn output_buffer() -> impl Strategy<Value = RopOutputBuffer> {
    let rop = prop_oneof![
        (any::<u8>(), any::<u32>()).prop_map(|(i, rv)| RopResponse::RegisterNotification(
            RopRegisterNotificationResponse { output_handle_index: i, return_value: rv }
        )),
        (any::<u32>(), any::<u8>(), notification_data(false)).prop_map(|(h, l, d)| RopResponse::Notify(
            RopNotifyResponse { notification_handle: h, logon_id: l, notification_data: d }
        )),
        any::<u16>().prop_map(|s| RopResponse::Pending(RopPendingResponse { session_index: s })),
    ];
    let tail = prop::option::of((any::<u16>(), prop::collection::vec(any::<u8>(), 0..20))).prop_map(|o| {
        o.map(|(s, r)| RopResponse::BufferTooSmall(RopBufferTooSmallResponse { size_needed: s, request_buffers: r }))
    });
    (prop::collection::vec(rop, 0..6), tail, prop::collection::vec(any::<u32>(), 0..6)).prop_map(
        |(mut rops_list, tail, table)| {
            rops_list.extend(tail);
            RopOutputBuffer { rops_list, server_object_handle_table: table }
        },
    )
}

/// encode → decode gives the value back, with the bytes all consumed, and
/// the external value form survives the trip too.
fn round_trip<T: WireStructure + PartialEq + std::fmt::Debug>(
    v: &T,
    layout: Layout,
    s: Structure,
) -> Result<(), TestCaseError> {
    let bytes = encode(v, layout).map_err(|e| TestCaseError::fail(format!("generated value refused: {e}")))?;
    let d = decode::<T>(&bytes, layout)
        .map_err(|e| TestCaseError::fail(format!("{e} in {}", oxcnotif::hex::encode(&bytes))))?;
    prop_assert_eq!(&d.value, v);
    prop_assert_eq!(d.consumed, bytes.len());
    let ext = v.to_value(layout);
    let again = s.encode(&ext, layout).map_err(|e| TestCaseError::fail(format!("value form refused: {e}: {ext}")))?;
    prop_assert_eq!(again, bytes);
    Ok(())
}

/// Whatever the decoder accepts re-encodes to exactly the bytes, through
/// the typed API and through the external value form.
fn accepted_is_lossless(s: Structure, bytes: &[u8], layout: Layout) -> Result<(), TestCaseError> {
    if let Ok((v, _)) = s.decode(bytes, layout) {
        let again =
            s.encode(&v, layout).map_err(|e| TestCaseError::fail(format!("accepted input does not re-encode: {e}")))?;
        prop_assert_eq!(oxcnotif::hex::encode(&again), oxcnotif::hex::encode(bytes));
    }
    Ok(())
}

fn mutate(mut bytes: Vec<u8>, edits: &[(usize, u8, u8)]) -> Vec<u8> {
    for &(at, val, op) in edits {
        if bytes.is_empty() {
            bytes.push(val);
            continue;
        }
        let i = at % bytes.len();
        match op % 4 {
            0 => bytes[i] = val,
            1 => bytes.insert(i, val),
            2 => {
                bytes.remove(i);
            }
            _ => bytes.truncate(i),
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn notification_data_round_trips(d in notification_data(true)) {
        round_trip(&d, Layout::Spec, Structure::NotificationData)?;
    }

    #[test]
    fn register_request_round_trips_in_both_readings(spec in register_request(Layout::Spec), legacy in register_request(Layout::Legacy)) {
        round_trip(&spec, Layout::Spec, Structure::RegisterNotificationRequest)?;
        round_trip(&legacy, Layout::Legacy, Structure::RegisterNotificationRequest)?;
    }

    #[test]
    fn input_buffer_round_trips(spec in input_buffer(Layout::Spec), legacy in input_buffer(Layout::Legacy)) {
        round_trip(&spec, Layout::Spec, Structure::RopInputBuffer)?;
        round_trip(&legacy, Layout::Legacy, Structure::RopInputBuffer)?;
    }

    #[test]
    fn output_buffer_round_trips(b in output_buffer()) {
        round_trip(&b, Layout::Spec, Structure::RopOutputBuffer)?;
    }

    #[test]
    fn random_bytes_never_panic_and_accepted_is_lossless(bytes in prop::collection::vec(any::<u8>(), 0..96)) {
        for s in Structure::ALL {
            for layout in [Layout::Spec, Layout::Legacy] {
                accepted_is_lossless(s, &bytes, layout)?;
            }
        }
    }

    #[test]
    fn mutated_encodings_never_panic_and_accepted_is_lossless(
        b in output_buffer(),
        i in input_buffer(Layout::Spec),
        edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..4),
    ) {
        let out = mutate(encode(&b, Layout::Spec).unwrap(), &edits);
        accepted_is_lossless(Structure::RopOutputBuffer, &out, Layout::Spec)?;
        let inp = mutate(encode(&i, Layout::Spec).unwrap(), &edits);
        accepted_is_lossless(Structure::RopInputBuffer, &inp, Layout::Spec)?;
        accepted_is_lossless(Structure::RopInputBuffer, &inp, Layout::Legacy)?;
    }

    /// Fact sheet §3.3: with no type bit at or above 0x0100 and Extended
    /// clear, the two readings frame the same bytes into the same fields.
    #[test]
    fn readings_agree_below_0x0100(mut r in register_request(Layout::Spec)) {
        r.notification_types &= 0x00FF;
        r.reserved = None;
        let bytes = encode(&r, Layout::Spec).unwrap();
        let legacy = decode::<RopRegisterNotificationRequest>(&bytes, Layout::Legacy).unwrap();
        prop_assert_eq!(legacy.value.notification_types, r.notification_types);
        prop_assert_eq!(legacy.value.reserved, Some(0));
        prop_assert_eq!(legacy.value.want_whole_store, r.want_whole_store);
        prop_assert_eq!(legacy.value.folder_id, r.folder_id);
        prop_assert_eq!(legacy.value.message_id, r.message_id);
    }
}

#[test]
fn a_count_field_cannot_make_the_decoder_reserve_more_than_the_input() {
    // TagCount 0xFFFE promises 262,136 bytes of Tags; 4 are there.
    let bytes = [0x04, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0xFE, 0xFF, 1, 2, 3, 4];
    let e = decode::<NotificationData>(&bytes, Layout::Spec).unwrap_err();
    assert_eq!(e.field, "Tags");
    assert_eq!(e.offset, 20);
}
