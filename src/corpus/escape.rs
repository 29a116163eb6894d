//! Exact, printable names for paths: the ids of documents read from files (see [`escape_path`]).

use std::borrow::Cow;
use std::fmt::Write;
use std::path::Path;

/// The id of a path: its bytes ([`OsStr::as_encoded_bytes`](std::ffi::OsStr::as_encoded_bytes),
/// the raw bytes on Unix) escaped, borrowed when nothing needs escaping.
///
/// File names are bytes (on Unix) that need not be UTF-8 and may hold newlines. A document id is
/// a string that is printed one a line, so a path becomes an id by an escaping that is exact and
/// unambiguous: two different paths always give two different ids, and every id prints as one
/// line. The id of a path keeps valid UTF-8 as it is, except
///
/// * a backslash, written `\\`;
/// * a byte that is not part of valid UTF-8, written `\xHH` (two upper-case hex digits, `80`
///   to `FF`);
/// * an ASCII control character: `\n`, `\r` and `\t`, the others `\xHH` (`00` to `1F`, and
///   `7F`);
/// * a Unicode control or line-breaking character (U+0080 to U+009F, U+2028, U+2029), written
///   `\u{HHHH}`.
///
/// [`unescape_path`] reverses it, so the escaping is injective. (On Windows the separators of a
/// path given by name are backslashes, written `\\` too.) Names without any of these
/// characters, the common case, are unchanged.
///
/// ```
/// use std::path::Path;
/// use neardupe::corpus::{escape_path, unescape_path};
///
/// assert_eq!(escape_path(Path::new("news/café.txt")), "news/café.txt");
/// assert_eq!(escape_path(Path::new("two\nlines.txt")), "two\\nlines.txt");
/// assert_eq!(escape_path(Path::new("back\\slash")), "back\\\\slash");
/// # #[cfg(unix)] {
/// use std::os::unix::ffi::OsStrExt;
/// let latin1 = Path::new(std::ffi::OsStr::from_bytes(b"caf\xe9.txt"));
/// assert_eq!(escape_path(latin1), "caf\\xE9.txt");
/// assert_eq!(unescape_path("caf\\xE9.txt").as_deref(), Some(&b"caf\xe9.txt"[..]));
/// // The replacement character itself is a valid character, so it stays: no collision.
/// assert_eq!(escape_path(Path::new("caf\u{fffd}.txt")), "caf\u{fffd}.txt");
/// # }
/// ```
pub fn escape_path(path: &Path) -> Cow<'_, str> {
    escape_bytes(path.as_os_str().as_encoded_bytes())
}

/// [`escape_path`] of raw bytes (a file name's, one component of a path).
pub fn escape_bytes(bytes: &[u8]) -> Cow<'_, str> {
    if let Ok(s) = std::str::from_utf8(bytes)
        && !s.chars().any(needs_escape)
    {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if c.is_ascii_control() => {
                    let _ = write!(out, "\\x{:02X}", c as u32);
                }
                c if needs_escape(c) => {
                    let _ = write!(out, "\\u{{{:04X}}}", c as u32);
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02X}");
        }
    }
    Cow::Owned(out)
}

/// Whether `c` is written escaped.
fn needs_escape(c: char) -> bool {
    c == '\\' || c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

/// The bytes an [`escape_path`] id stands for, or `None` when no path gives `id` (a lone
/// backslash, an unknown escape, bad hex digits, a character that would have been escaped, an
/// escape of bytes that would have been written as they are).
pub fn unescape_path(id: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(id.len());
    let mut chars = id.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buf = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        match chars.next()? {
            '\\' => out.push(b'\\'),
            'n' => out.push(b'\n'),
            'r' => out.push(b'\r'),
            't' => out.push(b'\t'),
            'x' => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(u8::from_str_radix(&hex, 16).ok()?);
            }
            'u' => {
                if chars.next()? != '{' {
                    return None;
                }
                let hex: String = chars.by_ref().take_while(|&c| c != '}').collect();
                let c = char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?;
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
            _ => return None,
        }
    }
    // Only the one spelling that escaping gives stands for these bytes.
    (escape_bytes(&out) == id).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_stays_distinct() {
        let cases: &[&[u8]] = &[
            b"plain.txt",
            b"caf\xe9.txt",
            "caf\u{fffd}.txt".as_bytes(),
            b"caf\\xE9.txt",
            b"a\nb",
            b"a\\nb",
            b"tab\there\r\x00\x1b\x7f",
            "nel\u{85}\u{2028}\u{2029}".as_bytes(),
            b"\xff\xfe",
            b"\xe2\x82",
            "€".as_bytes(),
            b"",
        ];
        let ids: Vec<String> = cases.iter().map(|c| escape_bytes(c).into_owned()).collect();
        for (c, id) in cases.iter().zip(&ids) {
            assert!(!id.contains('\n') && !id.contains('\r'), "{id:?}");
            assert_eq!(unescape_path(id).as_deref(), Some(*c), "{id:?}");
        }
        let distinct: std::collections::HashSet<&String> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len());
        assert_eq!(ids[1], "caf\\xE9.txt");
        assert_eq!(ids[3], "caf\\\\xE9.txt");
        assert_eq!(ids[6], "tab\\there\\r\\x00\\x1B\\x7F");
        assert_eq!(ids[7], "nel\\u{0085}\\u{2028}\\u{2029}");
    }

    #[test]
    fn ids_that_no_path_gives_are_refused() {
        for bad in ["\\", "\\q", "\\x4", "\\x41", "\\xe9", "\\u{41}", "\\u{85", "a\nb", "\\u{0085}x\\u{85}"] {
            assert_eq!(unescape_path(bad), None, "{bad:?}");
        }
    }
}
