//! The run's date: one place every rule and report asks for "today".
//!
//! `SOURCE_DATE_EPOCH` (seconds since 1970-01-01 UTC, the reproducible-builds convention)
//! overrides the clock, so tests and audit reports are byte-for-byte reproducible. Dates are
//! UTC calendar days; the only times of day are the timestamps reports and the templates
//! lock write ([`rfc3339`], [`parse_rfc3339`]).

use std::fmt;
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

/// A calendar day (proleptic Gregorian, UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

const SECONDS_PER_DAY: i64 = 86_400;

impl Date {
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        let date = Date { year, month, day };
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)).then_some(date)
    }

    /// `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.trim().splitn(3, '-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        let day = parts.next()?.parse().ok()?;
        Date::new(year, month, day)
    }

    /// The day a Unix timestamp falls on (UTC).
    pub fn from_unix_seconds(seconds: i64) -> Date {
        let (year, month, day) = civil_from_days(seconds.div_euclid(SECONDS_PER_DAY));
        Date {
            year: year.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32,
            month,
            day,
        }
    }

    /// The Unix timestamp of the day's start (00:00 UTC).
    pub fn unix_seconds(self) -> i64 {
        days_from_civil(self) * SECONDS_PER_DAY
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `seconds` since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ` (UTC).
pub fn rfc3339(seconds: i64) -> String {
    let (year, month, day) = civil_from_days(seconds.div_euclid(SECONDS_PER_DAY));
    let rest = seconds.rem_euclid(SECONDS_PER_DAY);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// `YYYY-MM-DDTHH:MM:SSZ` (what [`rfc3339`] writes) in seconds since 1970.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let (date, time) = text.split_once('T')?;
    let date = Date::parse(date)?;
    let time = time.strip_suffix('Z')?;
    let mut parts = time.split(':').map(|p| {
        (p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<i64>().ok())
            .flatten()
    });
    let (hours, minutes, seconds) = (parts.next()??, parts.next()??, parts.next()??);
    if parts.next().is_some() || hours > 23 || minutes > 59 || seconds > 60 {
        return None;
    }
    Some(date.unix_seconds() + hours * 3600 + minutes * 60 + seconds)
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 to (year, month, day).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Howard Hinnant's `days_from_civil`: a calendar date to days since 1970-01-01.
fn days_from_civil(date: Date) -> i64 {
    let year = i64::from(date.year) - i64::from(date.month <= 2);
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let month = i64::from(date.month);
    let doy =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(date.day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Today from `SOURCE_DATE_EPOCH` when it holds a whole number of seconds, else the clock.
pub fn today_from(source_date_epoch: Option<&str>, now: SystemTime) -> Date {
    if let Some(seconds) = source_date_epoch.and_then(|s| s.trim().parse::<i64>().ok()) {
        return Date::from_unix_seconds(seconds);
    }
    let seconds = match now.duration_since(UNIX_EPOCH) {
        Ok(elapsed) => i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
    };
    Date::from_unix_seconds(seconds)
}

/// The run's date, read once: every rule and report of a run sees the same day.
pub fn today() -> Date {
    static TODAY: OnceLock<Date> = OnceLock::new();
    *TODAY.get_or_init(|| {
        let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
        today_from(epoch.as_deref(), SystemTime::now())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_days_become_calendar_dates() {
        assert_eq!(Date::from_unix_seconds(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_unix_seconds(-1).to_string(), "1969-12-31");
        // 2025-09-12 00:00:00 UTC and the last second of that day.
        assert_eq!(
            Date::from_unix_seconds(1_757_635_200).to_string(),
            "2025-09-12"
        );
        assert_eq!(
            Date::from_unix_seconds(1_757_721_599).to_string(),
            "2025-09-12"
        );
        assert_eq!(
            Date::from_unix_seconds(951_782_400).to_string(),
            "2000-02-29"
        );
    }

    #[test]
    fn calendar_dates_become_unix_days_and_back() {
        for seconds in [0, -86_400, 951_782_400, 1_757_635_200, 4_102_444_800] {
            let date = Date::from_unix_seconds(seconds);
            assert_eq!(date.unix_seconds(), seconds, "{date}");
        }
        assert_eq!(Date::new(2026, 1, 1).unwrap().unix_seconds(), 1_767_225_600);
    }

    #[test]
    fn source_date_epoch_overrides_the_clock() {
        let clock = UNIX_EPOCH + std::time::Duration::from_secs(1_757_635_200);
        assert_eq!(today_from(Some("0"), clock).to_string(), "1970-01-01");
        assert_eq!(today_from(None, clock).to_string(), "2025-09-12");
        // Not a number: the clock decides.
        assert_eq!(today_from(Some("soon"), clock).to_string(), "2025-09-12");
    }

    #[test]
    fn timestamps_are_utc_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
        for seconds in [0, 1_767_225_600, 1_767_247_199] {
            let text = rfc3339(seconds);
            assert_eq!(parse_rfc3339(&text), Some(seconds), "{text}");
        }
        for bad in [
            "2026-01-01",
            "2026-01-01T00:00:00",
            "2026-01-01T24:00:00Z",
            "2026-01-01T1:00:00Z",
            "yesterday",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

    #[test]
    fn parses_and_orders_iso_dates() {
        let a = Date::parse("2025-09-12").unwrap();
        let b = Date::parse("2026-01-26").unwrap();
        assert!(a < b);
        assert_eq!(Date::parse("2025-02-29"), None);
        assert_eq!(Date::parse("2024-02-29").map(|d| d.day), Some(29));
        assert_eq!(Date::parse("2025-13-01"), None);
        assert_eq!(Date::parse("yesterday"), None);
    }
}
