//! The ROPs that change a mailbox, which a harness uses to cause the
//! events that notifications report ([MS-OXCROPS] 2.2.4, 2.2.6, 2.2.7).
//! One file per ROP, each with its request and response.
//!
//! | ROP | RopId | file | spec | notification it causes |
//! |---|---|---|---|---|
//! | RopOpenFolder | 0x02 | [`open_folder`] | MS-OXCROPS 2.2.4.1 | none (opens the folder other ROPs act on) |
//! | RopOpenMessage | 0x03 | [`open_message`] | MS-OXCROPS 2.2.6.1 | none (opens the message RopSetProperties and RopSaveChangesMessage change) |
//! | RopCreateMessage | 0x06 | [`create_message`] | MS-OXCROPS 2.2.6.2 | none until saved |
//! | RopSetProperties | 0x0A | [`set_properties`] | MS-OXCROPS 2.2.8.6 | ObjectModified (a folder at once, a message at its save) |
//! | RopSaveChangesMessage | 0x0C | [`save_changes_message`] | MS-OXCROPS 2.2.6.3 | ObjectCreated / ObjectModified |
//! | RopCreateFolder | 0x1C | [`create_folder`] | MS-OXCROPS 2.2.4.2 | ObjectCreated |
//! | RopDeleteFolder | 0x1D | [`delete_folder`] | MS-OXCROPS 2.2.4.3 | ObjectDeleted |
//! | RopDeleteMessages | 0x1E | [`delete_messages`] | MS-OXCROPS 2.2.4.11 | ObjectDeleted |
//! | RopSetSearchCriteria | 0x30 | [`set_search_criteria`] | MS-OXCROPS 2.2.4.4 | SearchCompleted |
//! | RopMoveCopyMessages | 0x33 | [`move_copy_messages`] | MS-OXCROPS 2.2.4.6 | ObjectMoved / ObjectCopied |
//! | RopMoveFolder | 0x35 | [`move_folder`] | MS-OXCROPS 2.2.4.7 | ObjectMoved |
//! | RopCopyFolder | 0x36 | [`copy_folder`] | MS-OXCROPS 2.2.4.8 | ObjectCopied |
//! | RopTransportNewMail | 0x51 | [`transport_new_mail`] | MS-OXCROPS 2.2.7.7 | NewMail |
//! | RopHardDeleteMessages | 0x91 | [`hard_delete_messages`] | MS-OXCROPS 2.2.4.12 | ObjectDeleted |
//! | RopHardDeleteMessagesAndSubfolders | 0x92 | [`hard_delete_messages_and_subfolders`] | MS-OXCROPS 2.2.4.10 | ObjectDeleted |
//! | RopLogon | 0xFE | [`logon`] | MS-OXCROPS 2.2.3.1 | none (opens the logon) |
//!
//! [`move_copy`] holds the response the three move and copy ROPs share
//! and the folder request of RopMoveFolder and RopCopyFolder; [`fields`]
//! the field kinds the ROPs share beyond
//! [`rop_fields`](crate::wire::rop_fields).
//!
//! The reference server executes them (`model::server`'s mailbox ROPs)
//! and raises the notifications the table lists.
pub mod copy_folder;
pub mod create_folder;
pub mod create_message;
pub mod delete_folder;
pub mod delete_messages;
pub mod fields;
pub mod hard_delete_messages;
pub mod hard_delete_messages_and_subfolders;
pub mod logon;
pub mod move_copy;
pub mod move_copy_messages;
pub mod move_folder;
pub mod names;
pub mod open_folder;
pub mod open_message;
pub mod save_changes_message;
pub mod set_properties;
pub mod set_search_criteria;
pub mod transport_new_mail;
