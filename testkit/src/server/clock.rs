//! The server's clock: wall-clock time plus an offset that tests move forward to expire things,
//! and durations in whole seconds as they are stored.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Wall-clock time plus an offset that tests can move forward to expire things.
#[derive(Debug, Default)]
pub struct Clock {
    offset_secs: AtomicI64,
}

impl Clock {
    /// A clock that reads `start` (unix seconds) now and runs on from there at the wall clock's
    /// pace.
    pub fn starting_at(start: i64) -> Self {
        Self {
            offset_secs: AtomicI64::new(start.saturating_sub(wall_secs())),
        }
    }

    /// Unix seconds, as the server sees them.
    pub fn now(&self) -> i64 {
        wall_secs().saturating_add(self.offset_secs.load(Ordering::Relaxed))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let secs = i64::try_from(by.as_secs()).unwrap_or(i64::MAX);
        self.offset_secs.fetch_add(secs, Ordering::Relaxed);
    }
}

/// The wall clock's unix seconds (0 before 1970, which no machine running this reads).
fn wall_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A duration in whole seconds as stored (validated configs keep these far from overflow).
pub fn secs(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX / 2)
}

/// `unix` seconds as a UTC date and time for a sentence, e.g. `2026-12-04 15:22 UTC`.
pub fn utc_text(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let minute_of_day = unix.rem_euclid(86_400) / 60;
    // Days since 1970-01-01 to a proleptic Gregorian date, counted in 400-year eras of 146 097
    // days starting on 0000-03-01 (so that the leap day is the last day of a year).
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        minute_of_day / 60,
        minute_of_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_started_at_a_date_reads_it_and_runs_on() {
        let start = 1_780_304_400; // 2026-06-01 09:00 UTC
        let clock = Clock::starting_at(start);
        let first = clock.now();
        assert!((start..start + 60).contains(&first), "{first}");
        clock.advance(Duration::from_secs(3_600));
        assert!(clock.now() >= first + 3_600);
        assert_eq!(utc_text(start), "2026-06-01 09:00 UTC");
    }

    #[test]
    fn unix_seconds_read_as_utc() {
        assert_eq!(utc_text(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc_text(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(utc_text(951_868_799), "2000-02-29 23:59 UTC");
        assert_eq!(utc_text(1_798_761_600), "2027-01-01 00:00 UTC");
        assert_eq!(utc_text(1_796_486_520), "2026-12-05 16:02 UTC");
        assert_eq!(utc_text(-1), "1969-12-31 23:59 UTC");
    }
}
