//! Helpers for free text people type: names and short labels.

use crate::Invalid;

/// A trimmed, non-empty name of at most `max` characters.
pub fn name(field: &'static str, raw: &str, max: usize) -> Result<String, Invalid> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(Invalid::new(field, raw, msg!("不能为空")));
    }
    if t.chars().count() > max {
        return Err(Invalid::new(
            field,
            raw,
            msg!("不能超过 {max} 个字", max = max),
        ));
    }
    if t.chars().any(char::is_control) {
        return Err(Invalid::new(field, raw, msg!("含有控制字符")));
    }
    Ok(t.to_string())
}

/// A person's name as shown masked: the first character (the surname, as a rule) kept, the
/// rest starred, so "王女士" reads "王**".
pub fn mask_name(s: &str) -> String {
    let mut chars = s.trim().chars();
    match chars.next() {
        Some(first) => {
            let rest = chars.count().max(1);
            format!("{first}{}", "*".repeat(rest))
        }
        None => String::new(),
    }
}

/// Longer text (minutes, notes): line breaks allowed, at most `max` characters.
pub fn long(field: &'static str, raw: &str, max: usize) -> Result<String, Invalid> {
    let t = raw.trim();
    if t.chars().count() > max {
        return Err(Invalid::new(
            field,
            t.chars().take(20).collect::<String>(),
            msg!("不能超过 {max} 个字", max = max),
        ));
    }
    if t.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(Invalid::new(field, "", msg!("含有控制字符")));
    }
    Ok(t.to_string())
}

/// Parses a date written as YYYY-MM-DD (also YYYY/MM/DD or YYYYMMDD).
pub fn date(field: &'static str, raw: &str) -> Result<chrono::NaiveDate, Invalid> {
    let t = raw.trim();
    for fmt in ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"] {
        if let Ok(d) = chrono::NaiveDate::parse_from_str(t, fmt) {
            return Ok(d);
        }
    }
    Err(Invalid::new(
        field,
        raw,
        msg!("不是有效日期，应为 YYYY-MM-DD"),
    ))
}

/// A date that must not lie after `today`.
pub fn past_date(
    field: &'static str,
    raw: &str,
    today: chrono::NaiveDate,
) -> Result<chrono::NaiveDate, Invalid> {
    let d = date(field, raw)?;
    if d > today {
        return Err(Invalid::new(field, raw, msg!("不能晚于今天")));
    }
    Ok(d)
}

/// A moment as people write it in Shanghai time: `2026-11-23 08:30` (seconds optional, a `T`
/// for the space too).
pub fn local_time(
    field: &'static str,
    raw: &str,
) -> Result<chrono::DateTime<chrono::Utc>, Invalid> {
    use chrono::NaiveDateTime;
    let t = raw.trim().replace(' ', "T");
    let naive = NaiveDateTime::parse_from_str(&t, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(&t, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| Invalid::new(field, raw, msg!("时间应写作 2026-11-23 08:30")))?;
    Ok(crate::clock::from_local(naive))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_names_keep_only_the_first_character() {
        assert_eq!(mask_name("王女士"), "王**");
        assert_eq!(mask_name(" 欧阳娜娜 "), "欧***");
        assert_eq!(mask_name("李"), "李*");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(name("name", "  张三 ", 10).unwrap(), "张三");
        assert!(name("name", "   ", 10).is_err());
        assert!(name("name", "一二三四五", 4).is_err());
    }

    #[test]
    fn dates_accept_common_forms_and_refuse_future() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        assert_eq!(date("date", "2020/1/5").unwrap().to_string(), "2020-01-05");
        assert_eq!(date("date", "20200105").unwrap().to_string(), "2020-01-05");
        assert!(date("date", "2020-02-30").is_err());
        assert!(past_date("date", "2027-01-01", today).is_err());
    }
}
