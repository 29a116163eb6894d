//! JSON Lines records: one JSON object a line, with a text field and an optional id field.
//!
//! A line is parsed once, with a visitor that looks only at the wanted fields and skips the
//! rest without building values. Strings without escapes are borrowed from the line (and so from
//! the memory map); strings with escapes are decoded once into an owned `String`.
//!
//! A field name with a dot is a path into nested objects as well: `meta.body` is the key
//! `meta.body` of the record if it has one, else the key `body` of the object under `meta`. In
//! general, at each level a key that is the whole remaining name is taken before a key that is
//! a part of it up to a dot, and of two keys that both lead to a value, the longer one wins
//! (`{"a.b": {"c": 1}, "a": {"b.c": 2}}` gives `a.b.c` = 1). So a key with a dot in it needs no
//! escape, and names without dots are read by the flat visitor, at its speed.

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
    let nested = text_field.contains('.') || id_field.contains('.') || date_field.is_some_and(|d| d.contains('.'));
    let fields = if nested {
        let names = [Some(text_field), Some(id_field), date_field];
        let found = PathSeed { names, paths: names }.deserialize(&mut de).map_err(json_error)?;
        let [text, id, date] = found.map(|f| f.and_then(|f| f.value));
        Fields { text, id, date }
    } else {
        LineSeed { text_field, id_field, date_field }.deserialize(&mut de).map_err(json_error)?
    };
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

/// A value found for one of the roles (text, id, date) by a dotted name, with the lengths of the
/// keys that led to it: of two values found, the one whose keys are longer, first key first, is
/// taken (so a literal key `a.b` beats the path `a` → `b`).
struct Found<'a> {
    rank: Vec<usize>,
    value: Option<Cow<'a, str>>,
}

/// Looks up the roles' names as paths in an object: `paths` are what remains of each name at
/// this level (`None`: the role is not looked for here), `names` the whole names, for messages.
struct PathSeed<'f> {
    names: [Option<&'f str>; 3],
    paths: [Option<&'f str>; 3],
}

impl<'de> DeserializeSeed<'de> for PathSeed<'_> {
    type Value = [Option<Found<'de>>; 3];
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for PathSeed<'_> {
    type Value = [Option<Found<'de>>; 3];

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Self::Value, A::Error> {
        let mut out: [Option<Found<'de>>; 3] = [None, None, None];
        while let Some(key) = map.next_key::<CowStr<'de>>()? {
            let key = key.0.as_ref();
            let exact = self.paths.map(|p| p == Some(key));
            let below = self.paths.map(|p| p.and_then(|p| p.strip_prefix(key)).and_then(|rest| rest.strip_prefix('.')));
            let found: [Option<Found<'de>>; 3] = if exact.iter().any(|&e| e) {
                let [text, id, date] = exact;
                let value = if text {
                    let name = self.names[0].unwrap_or_default();
                    Some(map.next_value_seed(TextSeed(name))?.0)
                } else {
                    map.next_value::<IdValue<'de>>()?.0
                };
                [text, id, date].map(|e| e.then(|| Found { rank: vec![key.len()], value: value.clone() }))
            } else if below.iter().any(Option::is_some) {
                let inner = map.next_value_seed(Nested(PathSeed { names: self.names, paths: below }))?;
                inner.map(|f| {
                    f.map(|mut f| {
                        f.rank.insert(0, key.len());
                        f
                    })
                })
            } else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            for (slot, new) in out.iter_mut().zip(found) {
                let Some(new) = new else { continue };
                match slot {
                    Some(old) if old.rank == new.rank => {
                        // The same key (or the same path of keys) twice: which value was meant is
                        // unknown, as for a flat field named twice.
                        return Err(de::Error::custom(format!("field {key:?} appears twice")));
                    }
                    Some(old) if old.rank > new.rank => {}
                    _ => *slot = Some(new),
                }
            }
        }
        Ok(out)
    }
}

/// A value that a path leads into: an object is searched further, anything else holds none of
/// the fields.
struct Nested<'f>(PathSeed<'f>);

impl<'de> DeserializeSeed<'de> for Nested<'_> {
    type Value = [Option<Found<'de>>; 3];
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Nested<'_> {
    type Value = [Option<Found<'de>>; 3];

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<Self::Value, A::Error> {
        self.0.visit_map(map)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok([None, None, None])
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<Self::Value, E> {
        Ok([None, None, None])
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<Self::Value, E> {
        Ok([None, None, None])
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<Self::Value, E> {
        Ok([None, None, None])
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<Self::Value, E> {
        Ok([None, None, None])
    }
    fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<Self::Value, E> {
        Ok([None, None, None])
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        Ok([None, None, None])
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
    fn dotted_names_reach_into_objects() {
        let line = r#"{"meta": {"body": "nested text", "url": "https://a.example/1", "n": {"d": "2024-01-02"}}, "text": "top"}"#;
        let f = parse_line(line, "meta.body", "meta.url", Some("meta.n.d")).unwrap();
        assert!(matches!(f.text, Some(Cow::Borrowed("nested text"))));
        assert_eq!((f.id.as_deref(), f.date.as_deref()), (Some("https://a.example/1"), Some("2024-01-02")));
        // A key with the dot in it is taken before the path, wherever it stands in the object.
        for line in [r#"{"a.b": "literal", "a": {"b": "nested"}}"#, r#"{"a": {"b": "nested"}, "a.b": "literal"}"#] {
            assert_eq!(parse_line(line, "a.b", "id", None).unwrap().text.as_deref(), Some("literal"), "{line}");
        }
        // Of two keys that lead to a value, the longer first key wins.
        let f = parse_line(r#"{"a": {"b.c": "short"}, "a.b": {"c": "long"}}"#, "a.b.c", "id", None).unwrap();
        assert_eq!(f.text.as_deref(), Some("long"));
        // A path through something that is not an object finds nothing; arrays are not indexed.
        for line in [r#"{"meta": "x"}"#, r#"{"meta": [{"body": "x"}]}"#, r#"{"meta": null}"#, r#"{"meta": {}}"#] {
            assert!(parse_line(line, "meta.body", "id", None).unwrap().text.is_none(), "{line}");
        }
        // A numeric id inside an object, a null one, and a flat text beside nested ids.
        let f = parse_line(r#"{"text": "t", "m": {"id": 7, "d": null}}"#, "text", "m.id", Some("m.d")).unwrap();
        assert_eq!((f.text.as_deref(), f.id.as_deref(), f.date), (Some("t"), Some("7"), None));
    }

    #[test]
    fn dotted_names_report_errors_as_flat_ones_do() {
        let e = parse_line(r#"{"m": {"body": 5}}"#, "m.body", "id", None).unwrap_err();
        assert!(e.to_string().contains("expected a string in field \"m.body\""), "{e}");
        let e = parse_line(r#"{"m": {"body": "a"}, "m": {"body": "b"}}"#, "m.body", "id", None).unwrap_err();
        assert!(e.to_string().contains("appears twice"), "{e}");
        let e = parse_line(r#"{"m": {"body": "a", "body": "b"}}"#, "m.body", "id", None).unwrap_err();
        assert!(e.to_string().contains("appears twice"), "{e}");
        // Other keys may repeat; a repeated key the path does not go through is no concern.
        assert!(parse_line(r#"{"m": {"body": "a"}, "x": 1, "x": 2}"#, "m.body", "id", None).is_ok());
        let e = parse_line(r#"{"m": {"body": "a"}} x"#, "m.body", "id", None).unwrap_err();
        assert!(e.to_string().contains("trailing"), "{e}");
    }

    /// The dotted-name reader against an oracle over `serde_json::Value`: every split of the name
    /// into keys that leads to a value, the one with the longest keys (first key first) taken.
    #[test]
    fn dotted_names_match_an_oracle() {
        use serde_json::{Value, json};
        fn oracle(v: &Value, name: &str) -> Option<(Vec<usize>, Value)> {
            let obj = v.as_object()?;
            let mut best: Option<(Vec<usize>, Value)> = None;
            for (k, child) in obj {
                let found = if k == name {
                    Some((vec![k.len()], child.clone()))
                } else if let Some(rest) = name.strip_prefix(k.as_str()).and_then(|r| r.strip_prefix('.')) {
                    oracle(child, rest).map(|(mut rank, v)| {
                        rank.insert(0, k.len());
                        (rank, v)
                    })
                } else {
                    None
                };
                if let Some(f) = found
                    && best.as_ref().is_none_or(|b| f.0 > b.0)
                {
                    best = Some(f);
                }
            }
            best
        }
        let keys = ["a", "b", "a.b", "b.a", "a.b.a", ""];
        // Every object of depth 2 over these keys with distinct string leaves, for the names.
        let mut n = 0;
        let mut leaf = || {
            n += 1;
            json!(format!("v{n}"))
        };
        let mut docs = Vec::new();
        for (i, k1) in keys.iter().enumerate() {
            for k2 in &keys[i..] {
                let inner = json!({ *k1: leaf(), *k2: leaf() });
                docs.push(json!({ *k1: inner.clone(), *k2: leaf() }));
                docs.push(json!({ *k2: inner, *k1: leaf() }));
                docs.push(json!({ *k1: { *k2: { *k1: leaf() } } }));
            }
        }
        for doc in &docs {
            let line = doc.to_string();
            for name in ["a.b", "a.b.a", "b.a", "a.a", "a..b", "a.b.a.b", ".a"] {
                let want = oracle(doc, name).and_then(|(_, v)| v.as_str().map(str::to_string));
                let got = parse_line(&line, "t", "i", Some(name)).map(|f| f.date.map(Cow::into_owned));
                assert_eq!(got.ok().flatten(), want, "{name} in {line}");
            }
        }
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
