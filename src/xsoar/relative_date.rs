//! Relative date phrases for `arg_to_datetime`, read the way Python's dateparser reads them
//! for XSOAR: a bare duration ("3 days") means that long ago, "in 3 days" is in the future,
//! and months and years are calendar steps like dateutil's `relativedelta`.

use chrono::{DateTime, Months, TimeDelta, Utc};

const MINUTE: i64 = 60;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
const WEEK: i64 = 7 * DAY;

/// Resolves a relative phrase ("3 days", "2 hours ago", "in 1 week", "yesterday") against
/// `now`; `None` when `text` is not such a phrase or the result leaves chrono's range.
pub(crate) fn resolve(text: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    parse_phrase(text)?.apply(now)
}

/// How far a phrase moves from now, and in which direction.
#[derive(Debug, Default, PartialEq, Eq)]
struct Offset {
    months: u32,
    seconds: i64,
    future: bool,
}

impl Offset {
    fn apply(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        // relativedelta steps calendar months first (clamping the day), then exact time.
        let months = Months::new(self.months);
        let exact = TimeDelta::try_seconds(self.seconds)?;
        if self.future {
            now.checked_add_months(months)?.checked_add_signed(exact)
        } else {
            now.checked_sub_months(months)?.checked_sub_signed(exact)
        }
    }

    fn add(&mut self, amount: i64, unit: Unit) -> Option<()> {
        match unit {
            Unit::Seconds(size) => {
                self.seconds = self.seconds.checked_add(amount.checked_mul(size)?)?;
            }
            Unit::Months(size) => {
                let months = u32::try_from(amount).ok()?.checked_mul(size)?;
                self.months = self.months.checked_add(months)?;
            }
        }
        Some(())
    }
}

/// A unit of a relative phrase: exact seconds, or calendar months.
#[derive(Debug, Clone, Copy)]
enum Unit {
    Seconds(i64),
    Months(u32),
}

fn parse_phrase(text: &str) -> Option<Offset> {
    let lowered = text.to_lowercase().replace(',', " ");
    let words: Vec<&str> = lowered.split_whitespace().collect();
    let day = |future| Offset {
        seconds: DAY,
        future,
        ..Offset::default()
    };
    match words.as_slice() {
        ["now" | "today"] => Some(Offset::default()),
        ["yesterday"] => Some(day(false)),
        ["tomorrow"] => Some(day(true)),
        ["in", pairs @ ..] => parse_pairs(pairs, true),
        [pairs @ .., "ago"] => parse_pairs(pairs, false),
        pairs => parse_pairs(pairs, false),
    }
}

/// Reads "<amount> <unit>" pairs, optionally joined by "and" ("1 day and 2 hours").
fn parse_pairs(mut words: &[&str], future: bool) -> Option<Offset> {
    let mut offset = Offset {
        future,
        ..Offset::default()
    };
    // Only a complete pair may end the phrase or be followed by "and".
    let mut after_pair = false;
    loop {
        words = match words {
            [] if after_pair => return Some(offset),
            ["and", rest @ ..] if after_pair => {
                after_pair = false;
                rest
            }
            [amount_word, unit_word, rest @ ..] => {
                offset.add(amount(amount_word)?, unit(unit_word)?)?;
                after_pair = true;
                rest
            }
            _ => return None,
        };
    }
}

fn amount(word: &str) -> Option<i64> {
    match word {
        "a" | "an" => Some(1),
        digits if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            digits.parse().ok()
        }
        _ => None,
    }
}

fn unit(word: &str) -> Option<Unit> {
    Some(match word {
        "second" | "seconds" | "sec" | "secs" => Unit::Seconds(1),
        "minute" | "minutes" | "min" | "mins" => Unit::Seconds(MINUTE),
        "hour" | "hours" | "hr" | "hrs" => Unit::Seconds(HOUR),
        "day" | "days" => Unit::Seconds(DAY),
        "week" | "weeks" => Unit::Seconds(WEEK),
        "month" | "months" => Unit::Months(1),
        "year" | "years" => Unit::Months(12),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    #[test]
    fn month_steps_clamp_the_day_like_relativedelta() {
        let now = utc("2024-01-31T08:00:00Z");
        assert_eq!(resolve("1 month", now), Some(utc("2023-12-31T08:00:00Z")));
        assert_eq!(
            resolve("in 1 month", now),
            Some(utc("2024-02-29T08:00:00Z"))
        );
        assert_eq!(
            resolve("1 year", utc("2024-02-29T00:00:00Z")),
            Some(utc("2023-02-28T00:00:00Z"))
        );
    }

    #[test]
    fn several_pairs_add_up() {
        let now = utc("2024-05-15T12:00:00Z");
        let want = Some(utc("2024-05-14T10:00:00Z"));
        assert_eq!(resolve("1 day 2 hours ago", now), want);
        assert_eq!(resolve("1 Day, 2 HRS", now), want);
        assert_eq!(resolve("1 day and 2 hours ago", now), want);
    }

    #[test]
    fn malformed_phrases_are_not_relative() {
        let now = utc("2024-05-15T12:00:00Z");
        for text in [
            "in 3 days ago",
            "days",
            "3",
            "3 fortnights",
            "and 1 day",
            "1 day and",
            "ago",
            "-3 days",
            "3.5 days",
        ] {
            assert_eq!(resolve(text, now), None, "{text}");
        }
    }

    #[test]
    fn overflow_is_not_a_panic() {
        let now = utc("2024-05-15T12:00:00Z");
        for text in [
            "9223372036854775807 weeks",
            "99999999999999999999 days",
            "4294967295 years",
            "300000 years",
        ] {
            assert_eq!(resolve(text, now), None, "{text}");
        }
    }
}
