//! Product behaviour as data: the switches that differ between the spec and
//! Exchange versions, loaded from `spec/profiles/profiles.yaml` (compiled
//! in), where each switch names the requirements it comes from.

use serde::Deserialize;
use std::collections::BTreeMap;

/// One product profile.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The profile's name (`spec`, `exchange-2007`, …); filled in from the key.
    #[serde(skip)]
    pub name: String,
    /// What the profile stands for.
    pub description: String,
    /// ObjectModified carries the real TagCount (MS-OXCNOTIF_R198) rather than 0 (R197, R199).
    pub object_modified_tag_count: bool,
    /// NewMail carries the message's flags (MS-OXCNOTIF_R214001) rather than 0 (R214002).
    pub new_mail_message_flags: bool,
    /// RopPending follows delivered notifications even when none remain (MS-OXCROPS_R469303).
    pub pending_when_all_fit: bool,
    /// Folder- and message-scoped subscriptions receive ObjectDeleted (MS-OXCNOTIF_R53).
    pub scoped_object_deleted: bool,
    /// RopRelease drops the subscription's queued notifications (the spec is silent).
    pub drop_queued_on_release: bool,
    /// Table notifications flow only once a view ROP was received
    /// (MS-OXCNOTIF_R243, R245) rather than from the start (R244).
    pub table_view_required: bool,
    /// RopResetTable stops table notifications until the next view ROP
    /// (MS-OXCNOTIF_R272, R275) rather than not (R294).
    pub table_reset_stops: bool,
    /// Table notifications are informative (row added/deleted/modified,
    /// MS-OXCNOTIF_R261–R263, R268, R269) rather than basic TableChanged (R264).
    pub table_informative: bool,
}

impl Profile {
    /// The table switches, as [`super::table`] takes them.
    pub fn tables(&self) -> super::table::TableBehaviour {
        super::table::TableBehaviour {
            view_required: self.table_view_required,
            reset_stops: self.table_reset_stops,
            informative: self.table_informative,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    profiles: BTreeMap<String, Profile>,
}

const DATA: &str = include_str!("../../spec/profiles/profiles.yaml");

/// Every profile, by name.
pub fn all() -> BTreeMap<String, Profile> {
    // Parsed once: the fuzz targets and the case runner ask for profiles
    // many thousands of times.
    static ALL: std::sync::OnceLock<BTreeMap<String, Profile>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        // The file is compiled in and checked by a test; an error here is a
        // build-time data bug, reported as no profiles rather than a panic.
        let file: File = match serde_yaml::from_str(DATA) {
            Ok(f) => f,
            Err(_) => return BTreeMap::new(),
        };
        file.profiles
            .into_iter()
            .map(|(k, mut p)| {
                p.name = k.clone();
                (k, p)
            })
            .collect()
    })
    .clone()
}

/// The profile called `name`.
pub fn named(name: &str) -> Option<Profile> {
    all().remove(name)
}

/// The `spec` profile.
pub fn spec() -> Profile {
    named("spec").unwrap_or(Profile {
        name: "spec".into(),
        description: String::new(),
        object_modified_tag_count: false,
        new_mail_message_flags: true,
        pending_when_all_fit: false,
        scoped_object_deleted: true,
        drop_queued_on_release: true,
        table_view_required: true,
        table_reset_stops: true,
        table_informative: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_profiles_load() {
        let all = all();
        assert_eq!(
            all.keys().collect::<Vec<_>>(),
            ["exchange-2007", "exchange-2010", "exchange-2013-and-later", "spec"]
        );
        assert!(all["exchange-2007"].pending_when_all_fit);
        assert!(!all["exchange-2013-and-later"].object_modified_tag_count);
        assert_eq!(spec(), all["spec"]);
    }
}
