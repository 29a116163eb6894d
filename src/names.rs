//! Names of option values: one table per option enum.
//!
//! An option enum ([`Guard`](crate::Guard), [`Verify`](crate::Verify), ...) declares its names
//! once, with `option_names!`: the canonical name of each variant, then the extra spellings the
//! CLI accepts. The table gives the enum
//!
//! * `as_str`: the canonical name;
//! * `FromStr`: canonical names and aliases; any other string is an [`ErrorKind::Config`]
//!   error, `unknown chaining guard "x" (expected none or representative)`, listing the
//!   canonical names in table order;
//! * [`OptionName::from_name`]: canonical names only.
//!
//! Canonical names are also what saved files store, and files decode them with `from_name`,
//! never through the aliases: renaming a canonical name changes the format, adding an alias
//! does not.
//!
//! The compiler checks each table: a variant without a name makes `as_str` non-exhaustive, and
//! a spelling given twice is an unreachable pattern (denied by `-D warnings`).
//!
//! [`ErrorKind::Config`]: crate::ErrorKind::Config

/// An option enum with a table of names (implemented by `option_names!`).
pub(crate) trait OptionName: Sized {
    /// What the option is called in messages, such as `chaining guard`.
    const WHAT: &'static str;
    /// The canonical names as messages list them, such as `none or representative`.
    const EXPECTED: &'static str;

    /// The value whose canonical name is `name`; aliases are not accepted.
    fn from_name(name: &str) -> Option<Self>;

    /// The message for a string that names no value.
    fn unknown(name: &str) -> String {
        format!("unknown {} {name:?} (expected {})", Self::WHAT, Self::EXPECTED)
    }
}

/// `a`, `a or b`, `a, b or c`... as one string literal, each name between two `$q`.
macro_rules! or_list {
    ($q:literal; $a:literal) => { concat!($q, $a, $q) };
    ($q:literal; $a:literal, $b:literal) => { concat!($q, $a, $q, " or ", $q, $b, $q) };
    ($q:literal; $a:literal, $($rest:literal),+) => {
        concat!($q, $a, $q, ", ", $crate::names::or_list!($q; $($rest),+))
    };
}
pub(crate) use or_list;

/// Defines `as_str`, [`OptionName`] and `FromStr` for the enum `$ty` from its table:
///
/// ```ignore
/// option_names! {
///     Guard, "chaining guard" {
///         None => "none",
///         Representative => "representative",
///     }
///     aliases { "off" => None, "core" => Representative }
/// }
/// ```
///
/// Canonical names are listed in the order error messages give them; `aliases` is optional.
macro_rules! option_names {
    (
        $ty:ident, $what:literal {
            $($variant:ident => $name:literal),+ $(,)?
        }
        $(aliases { $($alias:literal => $target:ident),+ $(,)? })?
    ) => {
        impl $ty {
            #[doc = concat!("A stable name: ", $crate::names::or_list!("`"; $($name),+), ".")]
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name,)+
                }
            }
        }

        impl $crate::names::OptionName for $ty {
            const WHAT: &'static str = $what;
            const EXPECTED: &'static str = $crate::names::or_list!(""; $($name),+);

            fn from_name(name: &str) -> Option<$ty> {
                match name {
                    $($name => Some($ty::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $crate::Error;
            fn from_str(s: &str) -> $crate::Result<$ty> {
                match s {
                    $($name => Ok($ty::$variant),)+
                    $($($alias => Ok($ty::$target),)+)?
                    _ => Err($crate::Error::config(<$ty as $crate::names::OptionName>::unknown(s))),
                }
            }
        }
    };
}
pub(crate) use option_names;

#[cfg(test)]
mod tests {
    use super::OptionName;
    use crate::cluster::{Guard, Representative};
    use crate::corpus::InputFormat;
    use crate::minhash::Algorithm;
    use crate::output::ClusterFormat;
    use crate::shingle::ShingleUnit;
    use crate::verify::{Similarity, Verify};

    fn message<T: std::str::FromStr<Err = crate::Error>>(s: &str) -> String {
        match s.parse::<T>() {
            Ok(_) => panic!("{s:?} parsed"),
            Err(e) => {
                assert_eq!(e.kind(), crate::ErrorKind::Config);
                e.message().to_string()
            }
        }
    }

    /// The messages are the ones the hand-written parsers gave, word for word.
    #[test]
    fn unknown_names_list_the_canonical_names() {
        assert_eq!(message::<Guard>("x"), r#"unknown chaining guard "x" (expected none or representative)"#);
        assert_eq!(message::<Representative>("x"), r#"unknown representative policy "x" (expected first or longest)"#);
        assert_eq!(message::<Verify>("x"), r#"unknown verification "x" (expected hybrid, estimate, exact or none)"#);
        assert_eq!(message::<Similarity>("x"), r#"unknown similarity "x" (expected containment or jaccard)"#);
        assert_eq!(message::<Algorithm>("x"), r#"unknown MinHash algorithm "x" (expected classic or oph)"#);
        assert_eq!(message::<InputFormat>("x"), r#"unknown input format "x" (expected auto, jsonl or text)"#);
        assert_eq!(message::<ClusterFormat>("x"), r#"unknown output format "x" (expected jsonl or csv)"#);
        assert_eq!(message::<ShingleUnit>("x"), r#"unknown shingle unit "x" (expected words or chars)"#);
        // Names are case-sensitive, as before.
        assert_eq!(message::<Guard>("None"), r#"unknown chaining guard "None" (expected none or representative)"#);
    }

    /// Every spelling the hand-written parsers accepted, and only canonical names by `from_name`.
    #[test]
    fn aliases_parse_but_are_not_names() {
        fn check<T>(canonical: &[(&str, T)], aliases: &[(&str, T)])
        where
            T: OptionName + std::str::FromStr<Err = crate::Error> + Copy + PartialEq + std::fmt::Debug,
        {
            for &(s, v) in canonical {
                assert_eq!(s.parse::<T>().unwrap(), v, "{s}");
                assert_eq!(T::from_name(s), Some(v), "{s}");
            }
            for &(s, v) in aliases {
                assert_eq!(s.parse::<T>().unwrap(), v, "{s}");
                assert_eq!(T::from_name(s), None, "{s}");
            }
        }
        check(
            &[("none", Guard::None), ("representative", Guard::Representative)],
            &[("off", Guard::None), ("core", Guard::Representative)],
        );
        check(&[("first", Representative::First), ("longest", Representative::Longest)], &[]);
        check(
            &[
                ("none", Verify::None),
                ("estimate", Verify::Estimate),
                ("exact", Verify::Exact),
                ("hybrid", Verify::Hybrid),
            ],
            &[("off", Verify::None), ("signature", Verify::Estimate), ("on", Verify::Estimate)],
        );
        check(&[("jaccard", Similarity::Jaccard), ("containment", Similarity::Containment)], &[]);
        check(
            &[("classic", Algorithm::Classic), ("oph", Algorithm::OnePermutation)],
            &[("one-permutation", Algorithm::OnePermutation)],
        );
        check(
            &[("auto", InputFormat::Auto), ("jsonl", InputFormat::Jsonl), ("text", InputFormat::Text)],
            &[("ndjson", InputFormat::Jsonl), ("txt", InputFormat::Text)],
        );
        check(&[("jsonl", ClusterFormat::Jsonl), ("csv", ClusterFormat::Csv)], &[("json", ClusterFormat::Jsonl)]);
        check(&[("words", ShingleUnit::Words), ("chars", ShingleUnit::Chars)], &[]);
    }

    #[test]
    fn as_str_gives_the_canonical_name() {
        assert_eq!(Guard::None.as_str(), "none");
        assert_eq!(Guard::Representative.as_str(), "representative");
        assert_eq!(Verify::Hybrid.as_str(), "hybrid");
        assert_eq!(Verify::Estimate.as_str(), "estimate");
        assert_eq!(Algorithm::OnePermutation.as_str(), "oph");
        assert_eq!(Similarity::Containment.as_str(), "containment");
        assert_eq!(Representative::Longest.as_str(), "longest");
        assert_eq!(ShingleUnit::Chars.as_str(), "chars");
        assert_eq!(InputFormat::Text.as_str(), "text");
        assert_eq!(ClusterFormat::Csv.as_str(), "csv");
    }
}
