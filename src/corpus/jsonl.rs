//! JSON Lines records: one JSON object a line, with a text field and an optional id field.
//!
//! A line is parsed once, with a visitor that looks only at the two wanted fields and skips the
//! rest without building values. Strings without escapes are borrowed from the line (and so from
//! the memory map); strings with escapes are decoded once into an owned `String`.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::error::{Error, ErrorKind, Result};

/// The fields wanted from a JSONL object.
#[derive(Debug)]
pub(crate) struct Fields<'a> {
    pub(crate) text: Option<Cow<'a, str>>,
    pub(crate) id: Option<Cow<'a, str>>,
    pub(crate) date: Option<Cow<'a, str>>,
}

/// A record as written to a spill file.
#[derive(serde::Serialize)]
pub(crate) struct Record<'a> {
    pub(crate) id: &'a str,
    pub(crate) text: &'a str,
}

/// Parses one line (already checked to be UTF-8). `Err` carries a message without location.
pub(crate) fn parse_line<'a>(
    line: &'a str,
    text_field: &str,
    id_field: &str,
    date_field: Option<&str>,
) -> Result<Fields<'a>> {
    let mut de = serde_json::Deserializer::from_str(line);
    let fields = LineSeed { text_field, id_field, date_field }.deserialize(&mut de).map_err(json_error)?;
    de.end().map_err(json_error)?;
    Ok(fields)
}

fn json_error(e: serde_json::Error) -> Error {
    // serde_json reports "at line 1 column N" relative to the line; keep only the column.
    let msg = e.to_string();
    let msg = match msg.rfind(" at line ") {
        Some(i) => format!("{} (column {})", &msg[..i], e.column()),
        None => msg,
    };
    Error::new(ErrorKind::Json, format!("invalid JSON: {msg}"))
}

struct LineSeed<'f> {
    text_field: &'f str,
    id_field: &'f str,
    date_field: Option<&'f str>,
}

impl<'de> DeserializeSeed<'de> for LineSeed<'_> {
    type Value = Fields<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Fields<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for LineSeed<'_> {
    type Value = Fields<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Fields<'de>, A::Error> {
        let mut out = Fields { text: None, id: None, date: None };
        let mut seen = [false; 3];
        while let Some(key) = map.next_key::<CowStr<'de>>()? {
            // One field may be wanted for several roles (`--date-field id`): its value fills each.
            let key = key.0.as_ref();
            let roles = [key == self.text_field, key == self.id_field, Some(key) == self.date_field];
            if roles.iter().zip(&seen).any(|(&role, &seen)| role && seen) {
                // JSON leaves a repeated name's meaning open (parsers take the first or the last):
                // which text or id was meant is unknown, so the record is invalid.
                return Err(de::Error::custom(format!("field {key:?} appears twice")));
            }
            for (s, role) in seen.iter_mut().zip(roles) {
                *s |= role;
            }
            let [text, id, date] = roles;
            let value = if text {
                let v = map.next_value_seed(TextSeed(self.text_field))?.0;
                let copy = (id || date).then(|| v.clone());
                out.text = Some(v);
                copy
            } else if id || date {
                // An id or a date is a string or a number (Unix seconds for a date).
                map.next_value::<IdValue<'de>>()?.0
            } else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            if id {
                out.id = value.clone();
            }
            if date {
                out.date = value;
            }
        }
        Ok(out)
    }
}

/// A string borrowed from the input when it has no escapes, owned otherwise.
struct CowStr<'a>(Cow<'a, str>);

/// Reads the text field's value as a [`CowStr`]; a non-string names the field in its error.
struct TextSeed<'f>(&'f str);

impl<'de> DeserializeSeed<'de> for TextSeed<'_> {
    type Value = CowStr<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<CowStr<'de>, D::Error> {
        d.deserialize_str(StrVisitor(Some(self.0)))
    }
}

/// Visits a string, borrowing it when the input allows; `.0` names the field for errors.
struct StrVisitor<'f>(Option<&'f str>);

impl<'de> Visitor<'de> for StrVisitor<'_> {
    type Value = CowStr<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(field) => write!(f, "a string in field {field:?}"),
            None => f.write_str("a string"),
        }
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> std::result::Result<CowStr<'de>, E> {
        Ok(CowStr(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<CowStr<'de>, E> {
        Ok(CowStr(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<CowStr<'de>, E> {
        Ok(CowStr(Cow::Owned(v)))
    }
}

impl<'de> serde::Deserialize<'de> for CowStr<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<CowStr<'de>, D::Error> {
        d.deserialize_str(StrVisitor(None))
    }
}

/// An id: a string, or a number kept as its text; `null` counts as no id.
struct IdValue<'a>(Option<Cow<'a, str>>);

impl<'de> serde::Deserialize<'de> for IdValue<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<IdValue<'de>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = IdValue<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or number id")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> std::result::Result<IdValue<'de>, E> {
                Ok(IdValue(Some(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<IdValue<'de>, E> {
                Ok(IdValue(Some(Cow::Owned(v.to_owned()))))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<IdValue<'de>, E> {
                Ok(IdValue(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<IdValue<'de>, E> {
                Ok(IdValue(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<IdValue<'de>, E> {
                Ok(IdValue(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_unit<E: de::Error>(self) -> std::result::Result<IdValue<'de>, E> {
                Ok(IdValue(None))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borrows_plain_strings_and_decodes_escapes() {
        let f = parse_line(r#"{"id": "a1", "other": [1, {"x": 2}], "text": "plain"}"#, "text", "id", None).unwrap();
        assert!(matches!(f.text, Some(Cow::Borrowed("plain"))));
        assert_eq!(f.id.as_deref(), Some("a1"));
        let f =
            parse_line(r#"{"text": "line\nbreak \u00e9", "id": 42, "date": 5}"#, "text", "id", Some("date")).unwrap();
        assert_eq!(f.text.as_deref(), Some("line\nbreak é"));
        assert!(matches!(f.text, Some(Cow::Owned(_))));
        assert_eq!(f.id.as_deref(), Some("42"));
        assert_eq!(f.date.as_deref(), Some("5"));
    }

    #[test]
    fn custom_fields_and_missing_values() {
        let f = parse_line(r#"{"body": "b", "text": "t", "key": null}"#, "body", "key", None).unwrap();
        assert_eq!(f.text.as_deref(), Some("b"));
        assert_eq!(f.id, None);
        let f = parse_line(r#"{"title": "x"}"#, "text", "id", None).unwrap();
        assert!(f.text.is_none());
    }

    #[test]
    fn one_field_can_be_id_and_date() {
        let f = parse_line(r#"{"id": "2024-03-01", "text": "t"}"#, "text", "id", Some("id")).unwrap();
        assert_eq!((f.id.as_deref(), f.date.as_deref()), (Some("2024-03-01"), Some("2024-03-01")));
        let f = parse_line(r#"{"id": 1709251200, "text": "t"}"#, "text", "id", Some("id")).unwrap();
        assert_eq!(f.date.as_deref(), Some("1709251200"));
        let f = parse_line(r#"{"text": "t"}"#, "text", "text", Some("text")).unwrap();
        assert_eq!((f.text.as_deref(), f.id.as_deref(), f.date.as_deref()), (Some("t"), Some("t"), Some("t")));
    }

    #[test]
    fn errors_name_the_problem() {
        let e = parse_line(r#"{"text": "x""#, "text", "id", None).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Json);
        assert!(e.to_string().contains("column"), "{e}");
        let e = parse_line(r#"["text"]"#, "text", "id", None).unwrap_err();
        assert!(e.to_string().contains("JSON object"), "{e}");
        let e = parse_line(r#"{"text": 5}"#, "text", "id", None).unwrap_err();
        assert!(e.to_string().contains("expected a string in field \"text\""), "{e}");
        let e = parse_line(r#"{"text": "a"} x"#, "text", "id", None).unwrap_err();
        assert!(e.to_string().contains("trailing"), "{e}");
        // A wanted field named twice is ambiguous; other repeated names are no concern of ours.
        for twice in [r#"{"id": "a", "text": "x", "id": "b"}"#, r#"{"text": "x", "text": "y"}"#] {
            let e = parse_line(twice, "text", "id", None).unwrap_err();
            assert!(e.to_string().contains("appears twice"), "{e}");
        }
        let e = parse_line(r#"{"d": "2024-01-01", "text": "x", "d": "2024-01-02"}"#, "text", "id", Some("d"));
        assert!(e.unwrap_err().to_string().contains("field \"d\" appears twice"));
        assert!(parse_line(r#"{"text": "x", "other": 1, "other": 2}"#, "text", "id", None).is_ok());
        assert!(parse_line(r#"{"id": "2024-01-01", "text": "x"}"#, "text", "id", Some("id")).is_ok());
    }
}
