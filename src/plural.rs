//! Counted nouns in messages: `1 byte`, `2 bytes`, `1 entry`, `0 entries`.

/// `n` and a noun, in the plural unless `n` is 1: `1 byte`, `2 bytes`,
/// `0 cases`. `one` is the singular, and its plural is `one` + `s`; nouns
/// with another plural go through [`plural_of`].
///
/// ```
/// assert_eq!(oxcnotif::plural::plural(1, "byte"), "1 byte");
/// assert_eq!(oxcnotif::plural::plural(0, "byte"), "0 bytes");
/// ```
pub fn plural(n: usize, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// `n` and a noun with its own plural: `1 entry`, `2 entries`.
///
/// ```
/// assert_eq!(oxcnotif::plural::plural_of(3, "entry", "entries"), "3 entries");
/// ```
pub fn plural_of(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
