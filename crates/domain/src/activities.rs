//! 志愿活动: an activity's roles hold places; a sign-up past a role's places waits in line and
//! is offered a place, to confirm by a deadline, when one comes free. Check-in and check-out
//! (by the activity's signed, time-limited QR link or by the organiser) give the minutes served,
//! which become a service record once the organiser confirms them. A volunteer who misses too
//! many activities in a quarter has sign-up paused.

use crate::Invalid;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

labelled_enum! {
    SignupState, "state" {
        Confirmed = "confirmed", "已报名";
        Waiting = "waiting", "候补中";
        Offered = "offered", "候补递补待确认";
        Cancelled = "cancelled", "已取消";
        Lapsed = "lapsed", "逾期未确认";
    }
}

labelled_enum! {
    Audience, "audience" {
        All = "all", "所有志愿者";
        Members = "members", "党员志愿者";
        Team = "team", "本队队员";
    }
}

labelled_enum! {
    ActivityStatus, "status" {
        Published = "published", "已发布";
        Closed = "closed", "工时已确认";
        Cancelled = "cancelled", "已取消";
    }
}

labelled_enum! {
    Scan, "action" {
        In = "in", "签到";
        Out = "out", "签退";
    }
}

impl SignupState {
    /// Whether the sign-up holds one of its role's places.
    pub fn holds_place(self) -> bool {
        matches!(self, SignupState::Confirmed | SignupState::Offered)
    }

    /// Whether the sign-up still counts (holding a place or waiting for one).
    pub fn live(self) -> bool {
        self.holds_place() || self == SignupState::Waiting
    }
}

/// How long one waiting in line has to confirm a place offered to them.
pub const OFFER_HOURS: i64 = 24;

/// When a place offered at `now` must be confirmed by: a day, but never past the start.
pub fn offer_deadline(now: DateTime<Utc>, starts_at: DateTime<Utc>) -> DateTime<Utc> {
    (now + Duration::hours(OFFER_HOURS)).min(starts_at)
}

/// Whether a sign-up may still be cancelled at `now`: until `before_minutes` before the start.
pub fn may_cancel(starts_at: DateTime<Utc>, before_minutes: i64, now: DateTime<Utc>) -> bool {
    now < starts_at - Duration::minutes(before_minutes)
}

/// Check-in opens this long before the start and closes at the end.
pub const EARLY_MINUTES: i64 = 60;

/// Whether `at` lies where check-in and check-out are taken: from an hour before the start to
/// an hour after the end.
pub fn in_window(at: DateTime<Utc>, starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> bool {
    at >= starts_at - Duration::minutes(EARLY_MINUTES)
        && at <= ends_at + Duration::minutes(EARLY_MINUTES)
}

/// The minutes served between check-in and check-out, counted within the activity's time and
/// down to half hours (as service records keep them). Check-out before check-in is an error.
pub fn served_minutes(
    checked_in: DateTime<Utc>,
    checked_out: DateTime<Utc>,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
) -> Result<i64, Invalid> {
    if checked_out <= checked_in {
        return Err(Invalid::new(
            "checked_out_at",
            crate::clock::stamp(checked_out),
            msg!("签退时间应晚于签到时间"),
        ));
    }
    let from = checked_in.max(starts_at);
    let to = checked_out.min(ends_at);
    let minutes = (to - from).num_minutes().max(0);
    Ok(minutes / 30 * 30)
}

/// Hours the organiser writes for someone, which may not exceed the activity's length.
pub fn hours_within(
    minutes: i64,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
) -> Result<i64, Invalid> {
    let length = (ends_at - starts_at).num_minutes();
    if minutes > length {
        return Err(Invalid::new(
            "hours",
            format!("{}", minutes as f64 / 60.0),
            msg!(
                "不能超过活动时长 {hours} 小时",
                hours = length as f64 / 60.0
            ),
        ));
    }
    Ok(minutes)
}

/// An activity lasts from ten minutes to twelve hours, and ends after it starts.
pub fn span(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> Result<(), Invalid> {
    let minutes = (ends_at - starts_at).num_minutes();
    if !(10..=crate::service::MAX_MINUTES).contains(&minutes) {
        return Err(Invalid::new(
            "ends_at",
            crate::clock::stamp(ends_at),
            msg!("应晚于开始时间，活动时长 10 分钟到 12 小时"),
        ));
    }
    Ok(())
}

/// Places of a role: 1 to 1,000.
pub fn places(n: i64) -> Result<i64, Invalid> {
    if (1..=1000).contains(&n) {
        Ok(n)
    } else {
        Err(Invalid::new(
            "places",
            n,
            msg!("每个岗位应有 1 到 1000 个名额"),
        ))
    }
}

/// Roles as a form writes them, one a line: a name, then its places (`引导员 5`, `讲解员：2`).
pub fn role_lines(raw: &str) -> Result<Vec<(String, i64)>, Invalid> {
    let mut out = Vec::new();
    for line in raw.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let bad = || {
            Invalid::new(
                "roles",
                line,
                msg!("每行写一个岗位：名称 名额，如“引导员 5”"),
            )
        };
        let cut = line.rfind(|c: char| !c.is_ascii_digit()).ok_or_else(bad)? + 1;
        let cut = line.ceil_char_boundary(cut);
        let (name, n) = line.split_at(cut);
        let name = name.trim().trim_end_matches([':', '：', ',', '，']).trim();
        let n: i64 = n.parse().map_err(|_| bad())?;
        out.push((crate::text::name("roles", name, 30)?, places(n)?));
    }
    if out.is_empty() {
        return Err(Invalid::new("roles", raw, msg!("至少设一个岗位")));
    }
    if out.len() > 20 {
        return Err(Invalid::new("roles", out.len(), msg!("岗位不超过 20 个")));
    }
    Ok(out)
}

/// The first day of the quarter holding `day` (no-shows are counted per quarter).
pub fn quarter_start(day: NaiveDate) -> NaiveDate {
    let month = (day.month0() / 3) * 3 + 1;
    NaiveDate::from_ymd_opt(day.year(), month, 1).expect("a quarter's first day")
}

/// The no-show policy that holds: after `max` no-shows in a quarter, sign-up pauses for
/// `pause_days` from the last one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoShowPolicy {
    pub max: i64,
    pub pause_days: i64,
}

impl NoShowPolicy {
    /// Until when sign-up is paused for someone with these no-shows this quarter (the day of
    /// the last one), if it is paused at `today`.
    pub fn paused_until(
        self,
        count: i64,
        last: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Option<NaiveDate> {
        let last = last?;
        if self.max <= 0 || count < self.max {
            return None;
        }
        let until = last + Duration::days(self.pause_days);
        (today < until).then_some(until)
    }
}

/// A check-in or check-out link's token: the activity, the action, when it expires and a
/// signature by the activity's own secret, so a link of one activity opens no other.
pub fn token(secret: &str, activity: i64, action: Scan, expires: i64) -> String {
    let sig = signature(secret, activity, action, expires);
    format!("{activity}.{}.{expires}.{sig}", action.code())
}

fn signature(secret: &str, activity: i64, action: Scan, expires: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{activity}.{}.{expires}", action.code()).as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// How long a check-in link stays good.
pub const TOKEN_MINUTES: i64 = 15;

/// Reads a scanned token for `activity` under its `secret` at `now`: the action it stands for.
/// A token of another activity, a forged one and an expired one are each told apart.
pub fn read_token(
    secret: &str,
    activity: i64,
    raw: &str,
    now: DateTime<Utc>,
) -> Result<Scan, Invalid> {
    let bad = || Invalid::new("scan_code", "", msg!("二维码无效，请重新扫描"));
    let parts: Vec<&str> = raw.trim().split('.').collect();
    let [id, action, expires, sig] = parts[..] else {
        return Err(bad());
    };
    let id: i64 = id.parse().map_err(|_| bad())?;
    if id != activity {
        return Err(Invalid::new("scan_code", "", msg!("二维码属于另一个活动")));
    }
    let action = Scan::parse(action).map_err(|_| bad())?;
    let expires: i64 = expires.parse().map_err(|_| bad())?;
    let want = signature(secret, activity, action, expires);
    if sig.len() != want.len() || !constant_eq(sig.as_bytes(), want.as_bytes()) {
        return Err(bad());
    }
    if now.timestamp() > expires {
        return Err(Invalid::new(
            "scan_code",
            "",
            msg!("二维码已过期，请扫描现场的新二维码"),
        ));
    }
    Ok(action)
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 1, h, m, 0).unwrap()
    }

    #[test]
    fn minutes_count_inside_the_activity_in_half_hours() {
        let (s, e) = (at(1, 0), at(4, 0));
        assert_eq!(served_minutes(at(0, 30), at(3, 10), s, e).unwrap(), 120);
        assert_eq!(served_minutes(at(1, 5), at(5, 0), s, e).unwrap(), 150);
        assert_eq!(served_minutes(at(1, 0), at(1, 20), s, e).unwrap(), 0);
        assert_eq!(
            served_minutes(at(3, 0), at(2, 0), s, e).unwrap_err().field,
            "checked_out_at"
        );
        assert_eq!(hours_within(180, s, e).unwrap(), 180);
        assert_eq!(hours_within(210, s, e).unwrap_err().field, "hours");
    }

    #[test]
    fn an_offer_lasts_a_day_but_not_past_the_start() {
        assert_eq!(
            offer_deadline(at(1, 0), at(1, 0) + Duration::days(3)),
            at(1, 0) + Duration::days(1)
        );
        assert_eq!(offer_deadline(at(1, 0), at(5, 0)), at(5, 0));
        assert!(may_cancel(at(5, 0), 120, at(2, 59)));
        assert!(!may_cancel(at(5, 0), 120, at(3, 0)));
    }

    #[test]
    fn no_shows_pause_sign_up_after_the_limit() {
        let p = NoShowPolicy {
            max: 3,
            pause_days: 30,
        };
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        assert_eq!(p.paused_until(2, Some(d(5, 1)), d(5, 2)), None);
        assert_eq!(p.paused_until(3, Some(d(5, 1)), d(5, 2)), Some(d(5, 31)));
        assert_eq!(p.paused_until(3, Some(d(5, 1)), d(5, 31)), None);
        assert_eq!(quarter_start(d(5, 17)), d(4, 1));
        assert_eq!(quarter_start(d(12, 31)), d(10, 1));
    }

    #[test]
    fn a_token_opens_its_own_activity_until_it_expires() {
        let now = at(1, 0);
        let exp = now.timestamp() + 900;
        let t = token("s1", 7, Scan::In, exp);
        assert_eq!(read_token("s1", 7, &t, now).unwrap(), Scan::In);
        assert_eq!(
            read_token("s1", 8, &t, now)
                .unwrap_err()
                .message
                .to_string(),
            "二维码属于另一个活动"
        );
        assert!(read_token("s2", 7, &t, now).is_err());
        let forged = t.replace(".in.", ".out.");
        assert!(read_token("s1", 7, &forged, now).is_err());
        let late = now + Duration::seconds(901);
        assert!(
            read_token("s1", 7, &t, late)
                .unwrap_err()
                .message
                .to_string()
                .contains("过期")
        );
        assert!(read_token("s1", 7, "junk", now).is_err());
    }

    #[test]
    fn roles_read_one_a_line() {
        assert_eq!(
            role_lines("引导员 5\n\n讲解员：2").unwrap(),
            vec![("引导员".to_string(), 5), ("讲解员".to_string(), 2)]
        );
        for bad in ["", "引导员", "引导员 0", "5", "引导员 1001"] {
            assert!(role_lines(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_places_held_or_awaited_are_live() {
        assert!(SignupState::Offered.holds_place());
        assert!(SignupState::Waiting.live() && !SignupState::Waiting.holds_place());
        assert!(!SignupState::Cancelled.live() && !SignupState::Lapsed.live());
    }
}
