//! How the console writes times: "3 min" ages computed from the server's ISO-8601 timestamps (both
//! sides render the same text, so hydration matches).

/// Seconds since 1970 of an ISO-8601 UTC time `YYYY-MM-DDTHH:MM:SSZ`.
fn unix_seconds(iso: &str) -> Option<i64> {
    let num = |r: std::ops::Range<usize>| iso.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// How long ago `since` was at `now`, coarsely: "just now", "5 min", "3 h", "2 d".
pub fn age(since: &str, now: &str) -> String {
    let (Some(a), Some(b)) = (unix_seconds(since), unix_seconds(now)) else {
        return since.to_string();
    };
    match (b - a).max(0) {
        s if s < 60 => "just now".into(),
        s if s < 3600 => format!("{} min", s / 60),
        s if s < 86_400 => format!("{} h", s / 3600),
        s => format!("{} d", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_seconds_of_known_dates() {
        assert_eq!(unix_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(unix_seconds("2026-02-01T00:00:00Z"), Some(1_769_904_000));
        assert_eq!(unix_seconds("2024-02-29T12:00:00Z"), Some(1_709_208_000));
        assert_eq!(unix_seconds("yesterday"), None);
    }

    #[test]
    fn ages() {
        let t = "2026-03-01T10:00:00Z";
        assert_eq!(age(t, "2026-03-01T10:00:30Z"), "just now");
        assert_eq!(age(t, "2026-03-01T10:05:59Z"), "5 min");
        assert_eq!(age(t, "2026-03-01T13:00:00Z"), "3 h");
        assert_eq!(age("2026-02-27T10:00:00Z", t), "2 d");
        assert_eq!(age("garbage", t), "garbage");
    }
}
