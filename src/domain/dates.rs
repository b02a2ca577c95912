//! Dates as users type them and as the forms count them.

use chrono::{Datelike, Days, Months, NaiveDate};

/// Why a typed date was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Nothing was typed.
    #[error("no date given")]
    Empty,
    /// Not in a form we read (`dd.mm.yyyy` or `yyyy-mm-dd`).
    #[error("'{0}' is not a date (use dd.mm.yyyy)")]
    BadFormat(String),
    /// Well formed, but the day does not exist (31.02.2026).
    #[error("'{0}' is not a day in the calendar")]
    NoSuchDay(String),
    /// A year no date of a school's case can have (0000, 9999): a slip of the keys.
    #[error("'{0}' is outside the years saksgang takes")]
    OutOfRange(String),
}

/// Reads `dd.mm.yyyy` (also `d.m.yyyy`) or ISO `yyyy-mm-dd`.
pub fn parse_date(text: &str) -> Result<NaiveDate, DateError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(DateError::Empty);
    }
    let (year, month, day) = split_date(trimmed).ok_or_else(|| DateError::BadFormat(trimmed.to_string()))?;
    if !TYPED_YEARS.contains(&year) {
        return Err(DateError::OutOfRange(trimmed.to_string()));
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| DateError::NoSuchDay(trimmed.to_string()))
}

/// The years a typed date may have at all: birth dates reach far back, nothing
/// of a case reaches far ahead.
pub const TYPED_YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

/// The first day a step of a case may be dated: older dates are typing errors.
pub const FIRST_CASE_DAY: NaiveDate = NaiveDate::from_ymd_opt(1990, 1, 1).expect("a day");

/// How far ahead of today anything may be planned or expire.
pub const YEARS_AHEAD: u32 = 10;

/// Whether `date` can be a day of a case's life: from 1990 to ten years after today.
pub fn plausible(date: NaiveDate, today: NaiveDate) -> bool {
    let last = today.checked_add_months(Months::new(12 * YEARS_AHEAD)).unwrap_or(NaiveDate::MAX);
    (FIRST_CASE_DAY..=last).contains(&date)
}

fn split_date(text: &str) -> Option<(i32, u32, u32)> {
    let number = |part: &str, min_len: usize, max_len: usize| -> Option<u32> {
        let ok = (min_len..=max_len).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit());
        ok.then(|| part.parse().ok()).flatten()
    };
    let parts: Vec<&str>;
    if text.contains('.') {
        parts = text.split('.').collect();
        if let [d, m, y] = parts[..] {
            return Some((number(y, 4, 4)? as i32, number(m, 1, 2)?, number(d, 1, 2)?));
        }
    } else if text.contains('-') {
        parts = text.split('-').collect();
        if let [y, m, d] = parts[..] {
            return Some((number(y, 4, 4)? as i32, number(m, 2, 2)?, number(d, 2, 2)?));
        }
    }
    None
}

/// The date as Norwegian users read it: `dd.mm.yyyy`.
pub fn format_date(date: NaiveDate) -> String {
    // By hand: a list of 100,000 cases formats as many dates.
    format!("{:02}.{:02}.{:04}", date.day(), date.month(), date.year())
}

/// The date as stored and as scripts read it: `yyyy-mm-dd`.
pub fn iso_date(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// Adds calendar months; a day that does not exist in the target month becomes
/// that month's last day (31.01 + 1 month = 28.02 or 29.02), as the forms count.
pub fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months)).expect("date within chrono's range")
}

/// Adds calendar days.
pub fn add_days(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_add_days(Days::new(days)).expect("date within chrono's range")
}

/// The day itself on a weekday, else the Monday after: meetings are not proposed
/// for a weekend.
pub fn weekday_from(date: NaiveDate) -> NaiveDate {
    match date.weekday() {
        chrono::Weekday::Sat => add_days(date, 2),
        chrono::Weekday::Sun => add_days(date, 1),
        _ => date,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_weekend_day_moves_on_to_monday() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        assert_eq!(weekday_from(day(5)), day(7), "Saturday");
        assert_eq!(weekday_from(day(6)), day(7), "Sunday");
        assert_eq!(weekday_from(day(4)), day(4), "Friday stays");
    }
    use chrono::Datelike;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn reads_norwegian_and_iso_dates() {
        assert_eq!(parse_date("05.11.2026"), Ok(d(2026, 11, 5)));
        assert_eq!(parse_date("5.1.2026"), Ok(d(2026, 1, 5)));
        assert_eq!(parse_date(" 2026-11-05 "), Ok(d(2026, 11, 5)));
    }

    #[test]
    fn refuses_malformed_dates_with_the_reason() {
        assert_eq!(parse_date(""), Err(DateError::Empty));
        assert_eq!(parse_date("   "), Err(DateError::Empty));
        for bad in ["5/11/2026", "05.11.26", "2026-1-5", "i går", "05.11", "05..2026", "2026-11-05x", "+5.11.2026"] {
            assert_eq!(parse_date(bad), Err(DateError::BadFormat(bad.to_string())), "{bad}");
        }
        assert_eq!(parse_date("31.02.2026"), Err(DateError::NoSuchDay("31.02.2026".into())));
        assert_eq!(parse_date("29.02.2027"), Err(DateError::NoSuchDay("29.02.2027".into())));
        assert_eq!(parse_date("2026-13-01"), Err(DateError::NoSuchDay("2026-13-01".into())));
    }

    #[test]
    fn formats_both_ways() {
        assert_eq!(format_date(d(2026, 3, 7)), "07.03.2026");
        assert_eq!(iso_date(d(2026, 3, 7)), "2026-03-07");
    }

    #[test]
    fn months_clamp_at_month_end() {
        assert_eq!(add_months(d(2026, 1, 31), 1), d(2026, 2, 28));
        assert_eq!(add_months(d(2028, 1, 31), 1), d(2028, 2, 29));
        assert_eq!(add_months(d(2026, 12, 31), 2), d(2027, 2, 28));
        assert_eq!(add_months(d(2026, 11, 30), 1), d(2026, 12, 30));
        assert_eq!(add_months(d(2026, 12, 15), 1), d(2027, 1, 15));
        assert_eq!(add_days(d(2026, 12, 25), 14), d(2027, 1, 8));
    }

    fn days_in_month(year: i32, month: u32) -> u32 {
        let first_next = if month == 12 { d(year + 1, 1, 1) } else { d(year, month + 1, 1) };
        first_next.pred_opt().unwrap().day()
    }

    fn any_date() -> impl Strategy<Value = NaiveDate> {
        (1990i32..2100, 1u32..=12, 1u32..=31)
            .prop_map(|(y, m, day)| NaiveDate::from_ymd_opt(y, m, day.min(days_in_month(y, m))).unwrap())
    }

    proptest! {
        #[test]
        fn adding_months_lands_in_the_right_month_on_the_clamped_day(date in any_date(), months in 0u32..36) {
            let result = add_months(date, months);
            let total = date.year() * 12 + date.month0() as i32 + months as i32;
            prop_assert_eq!(result.year(), total.div_euclid(12));
            prop_assert_eq!(result.month0() as i32, total.rem_euclid(12));
            prop_assert_eq!(result.day(), date.day().min(days_in_month(result.year(), result.month())));
        }

        #[test]
        fn adding_months_never_goes_back_and_never_skips_a_month(date in any_date(), months in 1u32..36) {
            let result = add_months(date, months);
            prop_assert!(result > date);
            prop_assert!(add_months(date, months - 1) < result);
            // Never beyond the same day number of the month after.
            prop_assert!(result < add_months(date.with_day(1).unwrap(), months + 1));
        }

        #[test]
        fn adding_days_is_exact(date in any_date(), days in 0u64..400) {
            prop_assert_eq!((add_days(date, days) - date).num_days(), days as i64);
        }

        #[test]
        fn typed_dates_round_trip(date in any_date()) {
            prop_assert_eq!(parse_date(&format_date(date)), Ok(date));
            prop_assert_eq!(parse_date(&iso_date(date)), Ok(date));
        }

        #[test]
        fn parsing_never_panics(text in "\\PC{0,14}") {
            let _ = parse_date(&text);
        }
    }
}
