//! Document dates, for the time window: news copies appear within days of the original, so
//! documents further apart than a window are never linked.
//!
//! A date field is read as (first match wins):
//!
//! * the given `strftime`-style format (`--date-format`, e.g. `%d/%m/%Y`), matched at the start
//!   of the value, when one is given;
//! * a whole number: Unix time in seconds;
//! * ISO 8601 / RFC 3339 dates and date-times (`2024-04-07`, `2024-04-07T09:30:00Z`);
//! * RFC 2822 (e-mail and RSS) date-times (`Sun, 07 Apr 2024 09:30:00 +0000`);
//! * `07-Apr-2024`, `07 Apr 2024` and `April 7, 2024` style dates (month names in any case).
//!
//! Only the calendar day is kept; time zones are not converted (a day's error at most).
//!
//! ```
//! use neardupe::date::parse_day;
//!
//! assert_eq!(parse_day("1970-01-02", None), Some(1));
//! assert_eq!(parse_day("26-FEB-1987 15:01:01.79", None), parse_day("1987-02-26", None));
//! assert_eq!(parse_day("86400", None), Some(1));
//! assert_eq!(parse_day("02/01/1970", Some("%d/%m/%Y")), Some(1));
//! assert_eq!(parse_day("yesterday", None), None);
//! ```

use jiff::civil::Date;
use jiff::fmt::strtime::BrokenDownTime;

/// Formats tried, at the start of the value, after the standard forms.
const FALLBACK_FORMATS: [&str; 5] = ["%d-%b-%Y", "%d %b %Y", "%d %B %Y", "%B %d, %Y", "%b %d, %Y"];

/// The day of a date value, as days since 1970-01-01, or `None` when it is not a date (see the
/// module docs for the forms read). `format` is a `strftime`-style format tried first.
pub fn parse_day(value: &str, format: Option<&str>) -> Option<i32> {
    let v = value.trim();
    if let Some(f) = format {
        return prefix_date(f, v).map(days_since_epoch);
    }
    if (!v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())) || (v.starts_with('-') && v.len() > 1) {
        let secs: i64 = v.parse().ok()?;
        return i32::try_from(secs.div_euclid(86_400)).ok();
    }
    if let Ok(d) = v.parse::<Date>() {
        return Some(days_since_epoch(d));
    }
    // RFC 3339 with `Z`, which civil dates refuse: the date part is the day, once the whole
    // value is a valid timestamp (no hour 25, no trailing text).
    if matches!(v.as_bytes().get(10), Some(b'T' | b't' | b' '))
        && v.parse::<jiff::Timestamp>().is_ok()
        && let Some(d) = v.get(..10).and_then(|p| p.parse::<Date>().ok())
    {
        return Some(days_since_epoch(d));
    }
    if let Ok(z) = jiff::fmt::rfc2822::parse(v) {
        return Some(days_since_epoch(z.date()));
    }
    FALLBACK_FORMATS.iter().find_map(|f| prefix_date(f, v)).map(days_since_epoch)
}

fn prefix_date(format: &str, value: &str) -> Option<Date> {
    let (tm, _) = BrokenDownTime::parse_prefix(format, value).ok()?;
    tm.to_date().ok()
}

/// Days from 1970-01-01 to `d` (negative before), by the civil-from-days inverse of
/// H. Hinnant's algorithm.
fn days_since_epoch(d: Date) -> i32 {
    let (y, m, day) = (i32::from(d.year()), i32::from(d.month()), i32::from(d.day()));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        let d = |s| parse_day(s, None);
        assert_eq!(d("1970-01-01"), Some(0));
        assert_eq!(d("1969-12-31"), Some(-1));
        assert_eq!(d("2024-03-01"), Some(19_783));
        assert_eq!(d("2024-02-29"), Some(19_782));
        assert_eq!(d("2024-03-01T23:59:59Z"), Some(19_783));
        assert_eq!(d("2024-03-01T10:00:00+05:00"), Some(19_783));
        assert_eq!(d("Fri, 01 Mar 2024 10:00:00 +0000"), Some(19_783));
        assert_eq!(d("01-MAR-2024 10:00:00.01"), Some(19_783));
        assert_eq!(d("1 March 2024"), Some(19_783));
        assert_eq!(d("March 1, 2024"), Some(19_783));
        assert_eq!(d(" 1709251200 "), Some(19_783));
        assert_eq!(d("-86400"), Some(-1));
        assert_eq!(d("2024-03-01T10:00:00.5Z"), Some(19_783));
        assert_eq!(d("2024-03-01 10:00:00"), Some(19_783));
        let bad_times = ["2024-03-01T25:00:00Z", "2024-03-01T24:00:00Z", "2024-03-01T10:61:00Z", "2024-03-01Tnoon"];
        for bad in ["", "-", "soon", "2024-13-01", "99999999999999999999", "31-Foo-2024"].into_iter().chain(bad_times) {
            assert_eq!(d(bad), None, "{bad:?}");
        }
        assert_eq!(parse_day("2024|03|01", Some("%Y|%m|%d")), Some(19_783));
        assert_eq!(parse_day("2024-03-01", Some("%d/%m/%Y")), None);
    }
}
