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
#[allow(unreachable_pub)] // `as_str` is `pub` on the test's private enums
mod tests {
    use super::OptionName;

    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Size {
        Small,
        Medium,
        Large,
    }

    option_names! {
        Size, "size" {
            Large => "large",
            Medium => "medium",
            Small => "small",
        }
        aliases { "big" => Large, "s" => Small }
    }

    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Pair {
        Left,
        Right,
    }

    option_names! {
        Pair, "side" {
            Left => "left",
            Right => "right",
        }
    }

    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Unit {
        Only,
    }

    option_names! {
        Unit, "unit" {
            Only => "only",
        }
    }

    fn message<T: std::str::FromStr<Err = crate::Error>>(s: &str) -> String {
        let Err(e) = s.parse::<T>() else { panic!("{s:?} parsed") };
        assert_eq!(e.kind(), crate::ErrorKind::Config);
        e.message().to_string()
    }

    #[test]
    fn names_and_aliases() {
        for v in [Size::Small, Size::Medium, Size::Large] {
            assert_eq!(v.as_str().parse::<Size>().unwrap(), v);
            assert_eq!(Size::from_name(v.as_str()), Some(v));
        }
        assert_eq!(Size::Large.as_str(), "large");
        assert_eq!("big".parse::<Size>().unwrap(), Size::Large);
        assert_eq!("s".parse::<Size>().unwrap(), Size::Small);
        assert_eq!(Size::from_name("big"), None);
        assert_eq!(Size::from_name("s"), None);
        assert_eq!(Size::from_name("Large"), None);
        assert_eq!(Pair::from_name("right"), Some(Pair::Right));
        assert_eq!(Pair::Left.as_str(), "left");
        assert_eq!(Unit::Only.as_str(), "only");
    }

    #[test]
    fn unknown_names_list_the_canonical_names_in_table_order() {
        assert_eq!(message::<Size>("huge"), r#"unknown size "huge" (expected large, medium or small)"#);
        assert_eq!(message::<Size>("Large"), r#"unknown size "Large" (expected large, medium or small)"#);
        assert_eq!(message::<Pair>(""), r#"unknown side "" (expected left or right)"#);
        assert_eq!(message::<Unit>("x"), r#"unknown unit "x" (expected only)"#);
        assert_eq!(Size::unknown("x"), r#"unknown size "x" (expected large, medium or small)"#);
    }
}
