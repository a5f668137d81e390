//! Writing NotificationData in wire order.

use super::*;

/// A run of fixed-size fields, gathered before appending. Table fields and
/// object fields never appear together (TableModified has no FolderId), so
/// the longest run is NotificationFlags, six IDs and TagCount (52 bytes)
/// followed by the three counts and UnicodeFlag (13): 65 bytes, well inside
/// the buffer.
struct Run {
    buf: [u8; 128],
    len: usize,
}

impl Run {
    #[inline(always)]
    fn new() -> Self {
        Run { buf: [0; 128], len: 0 }
    }
    #[inline(always)]
    fn put<const N: usize>(&mut self, b: [u8; N]) {
        if let Some(dst) = self.buf.get_mut(self.len..self.len + N) {
            dst.copy_from_slice(&b);
            self.len += N;
        }
    }
    #[inline(always)]
    fn u8(&mut self, v: u8) {
        self.put([v]);
    }
    #[inline(always)]
    fn u16(&mut self, v: u16) {
        self.put(v.to_le_bytes());
    }
    #[inline(always)]
    fn u32(&mut self, v: Option<u32>) {
        if let Some(v) = v {
            self.put(v.to_le_bytes());
        }
    }
    #[inline(always)]
    fn id8(&mut self, v: &Option<Id8>) {
        if let Some(v) = v {
            self.put(v.0);
        }
    }
    #[inline(always)]
    fn flush(&mut self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.buf[..self.len]);
        self.len = 0;
    }
}

impl NotificationData {
    /// Appends the fields in wire order. The value is assumed to have
    /// passed the presence check: present fields are written, absent ones
    /// are not. Runs of fixed-size fields are gathered in a small stack
    /// buffer and appended at once.
    pub(super) fn write_unchecked(&self, out: &mut Vec<u8>) {
        let mut run = Run::new();
        run.u16(self.notification_flags);
        if let Some(v) = self.table_event_type {
            run.u16(v);
        }
        run.id8(&self.table_row_folder_id);
        run.id8(&self.table_row_message_id);
        run.u32(self.table_row_instance);
        run.id8(&self.insert_after_table_row_folder_id);
        run.id8(&self.insert_after_table_row_id);
        run.u32(self.insert_after_table_row_instance);
        if let Some(d) = &self.table_row_data {
            run.u16(d.len() as u16);
            run.flush(out);
            out.extend_from_slice(d);
        }
        run.id8(&self.folder_id);
        run.id8(&self.message_id);
        run.id8(&self.parent_folder_id);
        run.id8(&self.old_folder_id);
        run.id8(&self.old_message_id);
        run.id8(&self.old_parent_folder_id);
        if let Some(v) = self.tag_count {
            run.u16(v);
        }
        if let Some(tags) = &self.tags {
            run.flush(out);
            out.reserve(tags.len() * 4);
            for t in tags {
                put_u32(out, *t);
            }
        }
        run.u32(self.total_message_count);
        run.u32(self.unread_message_count);
        run.u32(self.message_flags);
        if let Some(u) = self.unicode_flag {
            run.u8(u);
        }
        run.flush(out);
        if let Some(mc) = &self.message_class {
            out.extend_from_slice(&mc.bytes);
            if mc.terminated {
                let unit = if self.unicode_flag.unwrap_or(0) != 0 { 2 } else { 1 };
                out.extend_from_slice(&[0, 0][..unit]);
            }
        }
    }
}
