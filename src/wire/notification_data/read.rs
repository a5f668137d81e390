//! Reading NotificationData field by field, and the findings on its flags
//! and values.

use super::*;
use notification_type as nt;

impl NotificationData {
    fn flag_findings(r: &mut Reader, flags: u16, at: usize) {
        let t = flags & TYPE_MASK;
        if t == nt::RESERVED {
            // MS-OXCNOTIF_R111001
            r.finding(
                "MS-OXCNOTIF_R111001",
                Level::Must,
                "NotificationFlags",
                at,
                "NotificationType 0x0400 is reserved and not used by the server".into(),
            );
        } else if type_name(t).is_none() {
            // MS-OXCNOTIF_R102
            let why = if t.count_ones() > 1 { "several type bits are set at once" } else { "not in the spec's table" };
            r.finding(
                "MS-OXCNOTIF_R102",
                Level::Must,
                "NotificationFlags",
                at,
                format!("NotificationType 0x{t:04X} is not a defined value: {why}"),
            );
        }
        if flags & flag::T != 0 && t != nt::OBJECT_MODIFIED {
            // MS-OXCNOTIF_R114
            r.finding(
                "MS-OXCNOTIF_R114",
                Level::Must,
                "NotificationFlags",
                at,
                format!("T (0x1000) is set, so NotificationType MUST be 0x0010, not 0x{t:04X}"),
            );
        }
        if flags & flag::U != 0 && t != nt::OBJECT_MODIFIED {
            // MS-OXCNOTIF_R117
            r.finding(
                "MS-OXCNOTIF_R117",
                Level::Must,
                "NotificationFlags",
                at,
                format!("U (0x2000) is set, so NotificationType MUST be 0x0010, not 0x{t:04X}"),
            );
        }
        if flags & flag::S != 0 && flags & flag::M == 0 {
            // MS-OXCNOTIF_R120
            r.finding(
                "MS-OXCNOTIF_R120",
                Level::Must,
                "NotificationFlags",
                at,
                "S (0x4000) is set, so M (0x8000) MUST be set too".into(),
            );
        }
    }
}

impl NotificationData {
    /// Reads NotificationData into `d` (which must be the default value):
    /// the hot path of ROP output buffers, where building the value in
    /// place saves moving it through every layer of `Result`.
    pub fn read_in_place(&mut self, r: &mut Reader) -> Result<(), Error> {
        self.read_fields(r, None).map(|_| ())
    }

    /// Reads NotificationData whose TableRowData holds the columns of the
    /// table's last RopSetColumns (MS-OXCNOTIF_R166001): TableRowData is
    /// also read as a PropertyRow against `columns`, and the row comes back
    /// beside the value (`None` when TableRowData is absent). The value
    /// itself keeps TableRowData as bytes, as [`NotificationData::read`]
    /// does, so the two decoders agree on everything but the row.
    ///
    /// ```
    /// use oxcnotif::wire::notification_data::NotificationData;
    /// use oxcnotif::wire::property_tag::PropertyTag;
    /// use oxcnotif::wire::Reader;
    ///
    /// // TableModified, TableRowAdded on a folder row, TableRowData of one
    /// // PidTagContentCount column.
    /// let bytes = oxcnotif::hex::parse(
    ///     "0001 0300 0100000000000a01 0100000000000a00 0500 00 07000000",
    /// ).unwrap();
    /// let columns = [PropertyTag::from_u32(0x3602_0003)];
    /// let (data, row) = NotificationData::read_with_columns(&mut Reader::new(&bytes), &columns).unwrap();
    /// assert_eq!(data.table_row_data.as_deref(), Some(&bytes[22..]));
    /// assert_eq!(row.unwrap().to_value()["ValueArray"][0]["PropertyValue"], 7);
    /// ```
    pub fn read_with_columns(
        r: &mut Reader,
        columns: &[PropertyTag],
    ) -> Result<(NotificationData, Option<PropertyRow>), Error> {
        let mut d = NotificationData::default();
        let row = d.read_fields(r, Some(columns))?;
        Ok((d, row))
    }

    // Inlined into read_in_place, the hot path, so its copy drops the
    // column-set branch (codec bench: decode 693 -> 711 MiB/s).
    #[inline(always)]
    fn read_fields(&mut self, r: &mut Reader, columns: Option<&[PropertyTag]>) -> Result<Option<PropertyRow>, Error> {
        let mut row = None;
        let d = self;
        let at = r.pos();
        let flags = r.u16("NotificationFlags")?;
        r.annotate(|| flags_name(flags));
        Self::flag_findings(r, flags, at);
        d.notification_flags = flags;
        let mut p = presence(flags, 0);
        if p.has(Field::TableEventType) {
            let at = r.pos();
            let tet = r.u16("TableEventType")?;
            r.annotate(|| table_event_name(tet).unwrap_or("undefined").to_string());
            if table_event_name(tet).is_none() {
                // MS-OXCNOTIF_R126
                r.finding(
                    "MS-OXCNOTIF_R126",
                    Level::Must,
                    "TableEventType",
                    at,
                    format!(
                        "0x{tet:04X} is not a TableEventType the spec defines (0x0001, 0x0003, 0x0004, 0x0005, 0x0007)"
                    ),
                );
            }
            d.table_event_type = Some(tet);
            p = presence(flags, tet);
        }
        if p.has(Field::TableRowFolderID) {
            d.table_row_folder_id = Some(r.id8("TableRowFolderID")?);
        }
        if p.has(Field::TableRowMessageID) {
            d.table_row_message_id = Some(r.id8("TableRowMessageID")?);
        }
        if p.has(Field::TableRowInstance) {
            d.table_row_instance = Some(r.u32("TableRowInstance")?);
        }
        if p.has(Field::InsertAfterTableRowFolderID) {
            d.insert_after_table_row_folder_id = Some(r.id8("InsertAfterTableRowFolderID")?);
        }
        if p.has(Field::InsertAfterTableRowID) {
            d.insert_after_table_row_id = Some(r.id8("InsertAfterTableRowID")?);
        }
        if p.has(Field::InsertAfterTableRowInstance) {
            d.insert_after_table_row_instance = Some(r.u32("InsertAfterTableRowInstance")?);
        }
        if p.has(Field::TableRowData) {
            let size = r.u16("TableRowDataSize")?;
            r.annotate(|| format!("({size})"));
            match columns {
                None => {
                    d.table_row_data = Some(r.bytes("TableRowData", size as usize)?.to_vec());
                    r.set_value(|| "PropertyRow, kept as bytes".into());
                }
                Some(cols) => {
                    // The row must fill TableRowDataSize exactly.
                    let start = r.pos();
                    let old = r.limit("TableRowData", size as usize)?;
                    r.enter("TableRowData");
                    let read = PropertyRow::read(r, cols);
                    let left = r.remaining();
                    let end_error = (left > 0).then(|| r.error("", ErrorKind::TrailingBytes { count: left }));
                    r.leave();
                    let value = read?;
                    if let Some(e) = end_error {
                        return Err(e);
                    }
                    r.restore_limit(old);
                    d.table_row_data = Some(r.slice(start, size as usize).to_vec());
                    row = Some(value);
                }
            }
        }
        if p.has(Field::FolderId) {
            d.folder_id = Some(r.id8("FolderId")?);
        }
        if p.has(Field::MessageId) {
            d.message_id = Some(r.id8("MessageId")?);
        }
        if p.has(Field::ParentFolderId) {
            d.parent_folder_id = Some(r.id8("ParentFolderId")?);
        }
        if p.has(Field::OldFolderId) {
            d.old_folder_id = Some(r.id8("OldFolderId")?);
        }
        if p.has(Field::OldMessageId) {
            d.old_message_id = Some(r.id8("OldMessageId")?);
        }
        if p.has(Field::OldParentFolderId) {
            d.old_parent_folder_id = Some(r.id8("OldParentFolderId")?);
        }
        if p.has(Field::TagCount) {
            let at = r.pos();
            let count = r.u16("TagCount")?;
            r.annotate(|| if tags_present(count) { format!("({count})") } else { "(no Tags follow)".into() });
            d.tag_count = Some(count);
            if count != 0 && flags & TYPE_MASK == nt::OBJECT_MODIFIED {
                // MS-OXCNOTIF_R197
                r.finding(
                    "MS-OXCNOTIF_R197",
                    Level::Should,
                    "TagCount",
                    at,
                    format!("TagCount is 0x{count:04X} for ObjectModified; it SHOULD be 0x0000 (Exchange 2013 and later send 0)"),
                );
            }
            if tags_present(count) {
                // Bounded by the input: the whole array is checked before allocating.
                let raw = r.bytes("Tags", count as usize * 4)?;
                let tags: Vec<u32> =
                    raw.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
                r.set_value(|| tags.iter().map(|t| format!("0x{t:08X}")).collect::<Vec<_>>().join(" "));
                d.tags = Some(tags);
            }
        }
        if p.has(Field::TotalMessageCount) {
            d.total_message_count = Some(r.u32("TotalMessageCount")?);
        }
        if p.has(Field::UnreadMessageCount) {
            d.unread_message_count = Some(r.u32("UnreadMessageCount")?);
        }
        if p.has(Field::NewMail) {
            d.message_flags = Some(r.u32("MessageFlags")?);
            let at = r.pos();
            let u = r.u8("UnicodeFlag")?;
            r.annotate(|| crate::wire::register_notification::bool_name(u));
            if u > 1 {
                // MS-OXCNOTIF_R218
                r.finding(
                    "MS-OXCNOTIF_R218",
                    Level::Must,
                    "UnicodeFlag",
                    at,
                    format!("UnicodeFlag is 0x{u:02X}; a Boolean is TRUE (0x01) or FALSE (0x00). Read as TRUE"),
                );
            }
            d.unicode_flag = Some(u);
            let at = r.pos();
            let (bytes, terminated) = r.cstring("MessageClass", if u != 0 { 2 } else { 1 });
            let mc = MessageClass { bytes: bytes.to_vec(), terminated };
            r.set_value(|| match mc.text(u != 0) {
                Some(t) => format!("{t:?}"),
                None => format!(
                    "{}{}",
                    crate::plural::plural(mc.bytes.len(), "byte"),
                    if terminated { "" } else { ", no terminator" }
                ),
            });
            if !terminated {
                // MS-OXCNOTIF_R223
                r.finding(
                    "MS-OXCNOTIF_R223",
                    Level::Must,
                    "MessageClass",
                    at,
                    format!(
                        "MessageClass has no {} terminator before the end of the data",
                        if u != 0 { "2-byte" } else { "1-byte" }
                    ),
                );
            }
            d.message_class = Some(mc);
        }
        Ok(row)
    }
}
