//! Case selection patterns (`--select`, `--exclude`, the expected-failures
//! list): `*` stands for any run of characters (`.` included, and none at
//! all), `?` for exactly one, and every other character for itself, so that
//! `[`, `{` or `/` in a pattern are plain characters. Matching is by the
//! `wildmatch` crate, case-sensitive, against the whole id.

use wildmatch::WildMatch;

/// Whether the whole of `id` matches `pattern`.
pub fn glob_match(pattern: &str, id: &str) -> bool {
    WildMatch::new(pattern).matches(id)
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn star_and_question_mark() {
        assert!(glob_match("notify-response.*", "notify-response.findings.unterminated-message-class"));
        assert!(glob_match("*.findings.*", "notify-response.findings.x"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a*", "a"));
        assert!(glob_match("a?c", "abc"));
        assert!(glob_match("a?c", "a.c"));
        assert!(!glob_match("a?c", "ac"));
        assert!(!glob_match("a?c", "abbc"));
        assert!(glob_match("a**b", "a.x.b"));
        assert!(glob_match("", ""));
        assert!(!glob_match("", "a"));
    }

    #[test]
    fn the_whole_id_must_match() {
        assert!(!glob_match("notify", "notify-response.x"));
        assert!(!glob_match("*x", "x.y"));
        assert!(!glob_match("x*", "yx"));
    }

    #[test]
    fn other_characters_are_literal() {
        assert!(glob_match("a[1]", "a[1]"));
        assert!(!glob_match("a[12]", "a1"));
        assert!(glob_match("{a,b}", "{a,b}"));
        assert!(!glob_match("{a,b}", "a"));
        assert!(glob_match("a/*", "a/b/c"));
        assert!(glob_match(r"a\*", r"a\bc"));
        assert!(!glob_match("A", "a"));
        assert!(glob_match("é?", "éü"));
    }
}
