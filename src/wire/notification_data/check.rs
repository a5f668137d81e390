//! The encoder's refusals: a value whose fields disagree with the presence
//! rules, or whose lengths and strings cannot be written as they are.

use super::*;

impl NotificationData {
    /// The set of conditional fields this value holds, as a [`Presence`].
    #[inline]
    fn held(&self) -> Presence {
        let mut bits = 0u32;
        let mut set = |f: Field, on: bool| bits |= (on as u32) << f as u8;
        set(Field::TableEventType, self.table_event_type.is_some());
        set(Field::TableRowFolderID, self.table_row_folder_id.is_some());
        set(Field::TableRowMessageID, self.table_row_message_id.is_some());
        set(Field::TableRowInstance, self.table_row_instance.is_some());
        set(Field::InsertAfterTableRowFolderID, self.insert_after_table_row_folder_id.is_some());
        set(Field::InsertAfterTableRowID, self.insert_after_table_row_id.is_some());
        set(Field::InsertAfterTableRowInstance, self.insert_after_table_row_instance.is_some());
        set(Field::TableRowData, self.table_row_data.is_some());
        set(Field::FolderId, self.folder_id.is_some());
        set(Field::MessageId, self.message_id.is_some());
        set(Field::ParentFolderId, self.parent_folder_id.is_some());
        set(Field::OldFolderId, self.old_folder_id.is_some());
        set(Field::OldMessageId, self.old_message_id.is_some());
        set(Field::OldParentFolderId, self.old_parent_folder_id.is_some());
        set(Field::TagCount, self.tag_count.is_some());
        set(Field::TotalMessageCount, self.total_message_count.is_some());
        set(Field::UnreadMessageCount, self.unread_message_count.is_some());
        // The three NewMail fields share one rule; all three must be held.
        set(
            Field::NewMail,
            self.message_flags.is_some() && self.unicode_flag.is_some() && self.message_class.is_some(),
        );
        Presence(bits)
    }

    pub(super) fn check(&self) -> Result<(), EncodeError> {
        let flags = self.notification_flags;
        let p = presence(flags, self.table_event_type.unwrap_or(0));
        let held = self.held();
        let partial_new_mail = !held.has(Field::NewMail)
            && (self.message_flags.is_some() || self.unicode_flag.is_some() || self.message_class.is_some());
        if held != p || partial_new_mail {
            return Err(self.presence_error(p));
        }
        if let Some(d) = &self.table_row_data {
            if d.len() > 0xFFFF {
                return Err(EncodeError::new(
                    "TableRowData",
                    format!("{} bytes do not fit TableRowDataSize (2 bytes)", d.len()),
                ));
            }
        }
        let want_tags = self.tag_count.map(tags_present).unwrap_or(false);
        match (&self.tags, want_tags) {
            (Some(_), false) => {
                return Err(EncodeError::new(
                    "Tags",
                    match self.tag_count {
                        Some(c) => format!("present, but TagCount is 0x{c:04X}: Tags follow only a TagCount other than 0x0000 and 0xFFFF (MS-OXCNOTIF_R203)"),
                        None => "present, but TagCount is absent: Tags follow only a TagCount other than 0x0000 and 0xFFFF (MS-OXCNOTIF_R203)".into(),
                    },
                ))
            }
            (None, true) => return Err(EncodeError::new("Tags", "missing, but TagCount is not 0 or 0xFFFF (MS-OXCNOTIF_R203)")),
            (Some(tags), true) if Some(tags.len()) != self.tag_count.map(usize::from) => {
                return Err(EncodeError::new(
                    "Tags",
                    format!("{}, but TagCount says {}", crate::plural::plural(tags.len(), "tag"), self.tag_count.unwrap_or(0)),
                ))
            }
            _ => {}
        }
        if let (Some(mc), Some(u)) = (&self.message_class, self.unicode_flag) {
            mc.check(u != 0).map_err(|m| EncodeError::new("MessageClass", m))?;
        }
        Ok(())
    }
}

impl NotificationData {
    /// The refusal for the first field whose presence disagrees with `p`.
    fn presence_error(&self, p: Presence) -> EncodeError {
        let flags = self.notification_flags;
        let checks: [(&str, bool, Field); 20] = [
            ("TableEventType", self.table_event_type.is_some(), Field::TableEventType),
            ("TableRowFolderID", self.table_row_folder_id.is_some(), Field::TableRowFolderID),
            ("TableRowMessageID", self.table_row_message_id.is_some(), Field::TableRowMessageID),
            ("TableRowInstance", self.table_row_instance.is_some(), Field::TableRowInstance),
            (
                "InsertAfterTableRowFolderID",
                self.insert_after_table_row_folder_id.is_some(),
                Field::InsertAfterTableRowFolderID,
            ),
            ("InsertAfterTableRowID", self.insert_after_table_row_id.is_some(), Field::InsertAfterTableRowID),
            (
                "InsertAfterTableRowInstance",
                self.insert_after_table_row_instance.is_some(),
                Field::InsertAfterTableRowInstance,
            ),
            ("TableRowData", self.table_row_data.is_some(), Field::TableRowData),
            ("FolderId", self.folder_id.is_some(), Field::FolderId),
            ("MessageId", self.message_id.is_some(), Field::MessageId),
            ("ParentFolderId", self.parent_folder_id.is_some(), Field::ParentFolderId),
            ("OldFolderId", self.old_folder_id.is_some(), Field::OldFolderId),
            ("OldMessageId", self.old_message_id.is_some(), Field::OldMessageId),
            ("OldParentFolderId", self.old_parent_folder_id.is_some(), Field::OldParentFolderId),
            ("TagCount", self.tag_count.is_some(), Field::TagCount),
            ("TotalMessageCount", self.total_message_count.is_some(), Field::TotalMessageCount),
            ("UnreadMessageCount", self.unread_message_count.is_some(), Field::UnreadMessageCount),
            ("MessageFlags", self.message_flags.is_some(), Field::NewMail),
            ("UnicodeFlag", self.unicode_flag.is_some(), Field::NewMail),
            ("MessageClass", self.message_class.is_some(), Field::NewMail),
        ];
        for (name, has, f) in checks {
            let want = p.has(f);
            if has != want {
                let (verb, end) =
                    if want { ("missing, but", "says it is present") } else { ("present, but", "says it is absent") };
                return EncodeError::new(
                    name,
                    format!(
                        "{verb} NotificationFlags 0x{flags:04X} ({}){} {end} ({})",
                        flags_name(flags),
                        tet_clause(self.table_event_type, f),
                        f.rule()
                    ),
                );
            }
        }
        EncodeError::new("NotificationFlags", "the fields disagree with the presence rules")
    }
}

fn tet_clause(tet: Option<u16>, f: Field) -> String {
    match (f, tet) {
        (
            Field::TableRowFolderID
            | Field::TableRowMessageID
            | Field::TableRowInstance
            | Field::InsertAfterTableRowFolderID
            | Field::InsertAfterTableRowID
            | Field::InsertAfterTableRowInstance
            | Field::TableRowData,
            Some(t),
        ) => format!(" with TableEventType 0x{t:04X}"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::wire::{Layout, Structure};
    use serde_json::json;

    fn refuse(v: serde_json::Value) -> (String, String) {
        let e = Structure::NotificationData.encode(&v, Layout::Spec).unwrap_err();
        (e.field, e.message)
    }

    #[test]
    fn a_table_row_refusal_names_the_table_event_type_and_the_rule() {
        // TableRowAdded in a folder table without TableRowFolderID.
        let (field, message) = refuse(json!({
            "NotificationFlags": 0x0100,
            "TableEventType": 0x0003,
            "InsertAfterTableRowFolderID": "010000000000c001",
            "TableRowData": "00",
        }));
        assert_eq!(field, "TableRowFolderID");
        assert_eq!(
            message,
            "missing, but NotificationFlags 0x0100 (TableModified) with TableEventType 0x0003 says it is present (MS-OXCNOTIF_R142)"
        );
    }

    #[test]
    fn other_refusals_have_no_table_event_type_clause() {
        let (field, message) =
            refuse(json!({"NotificationFlags": 0x0100, "TableEventType": 0x0001, "FolderId": "0100000000001001"}));
        assert_eq!(field, "FolderId");
        assert_eq!(
            message,
            "present, but NotificationFlags 0x0100 (TableModified) says it is absent (MS-OXCNOTIF_R171)"
        );
    }

    fn row_added(data_len: usize) -> serde_json::Value {
        json!({
            "NotificationFlags": 0x0100,
            "TableEventType": 0x0003,
            "TableRowFolderID": "010000000000a001",
            "InsertAfterTableRowFolderID": "010000000000c001",
            "TableRowData": "ab".repeat(data_len),
        })
    }

    #[test]
    fn table_row_data_fits_its_two_byte_size_up_to_0xffff_bytes() {
        let bytes = Structure::NotificationData.encode(&row_added(0xFFFF), Layout::Spec).unwrap();
        // NotificationFlags, TableEventType, two IDs, then TableRowDataSize.
        assert_eq!(&bytes[20..22], &[0xFF, 0xFF]);
        assert_eq!(bytes.len(), 22 + 0xFFFF);
        let (field, message) = refuse(row_added(0x10000));
        assert_eq!(field, "TableRowData");
        assert_eq!(message, "65536 bytes do not fit TableRowDataSize (2 bytes)");
    }
}
