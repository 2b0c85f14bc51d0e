//! Repairing spreadsheet cells: real files arrive damaged (full-width digits, stray spaces,
//! Excel serial dates, ID numbers turned into 3.50302E+17). What is unambiguous is repaired;
//! what is not becomes a message, never a guess.

use crate::Msg;
use chrono::{Days, NaiveDate};

/// A cell as a spreadsheet reader hands it over.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
}

/// Full-width ASCII to half-width, ideographic spaces to none, trimmed.
pub fn normalize(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\u{3000}' | '\u{00a0}' => None,
            '！'..='～' => char::from_u32(c as u32 - 0xFEE0),
            _ => Some(c),
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// A cell as text, or none when empty. Whole numbers lose their ".0".
pub fn text(cell: &Cell) -> Option<String> {
    let s = match cell {
        Cell::Empty => return None,
        Cell::Text(t) => normalize(t),
        Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
        Cell::Number(n) => n.to_string(),
        Cell::Date(d) => d.to_string(),
    };
    (!s.is_empty()).then_some(s)
}

fn lost_digits() -> Msg {
    msg!("身份证号被 Excel 存成了数字，末几位已丢失，无法还原：请把该列设为“文本”格式后重新录入")
}

/// An ID number cell: numbers of 15+ digits and scientific notation have lost digits.
pub fn id_number(cell: &Cell) -> Result<Option<String>, Msg> {
    match cell {
        Cell::Number(n) if n.abs() >= 1e15 => Err(lost_digits()),
        _ => {
            let t = text(cell);
            if t.as_deref()
                .is_some_and(|s| s.contains(['E', 'e']) && s.contains('+'))
            {
                return Err(lost_digits());
            }
            Ok(t.map(|s| s.replace(' ', "")))
        }
    }
}

/// Excel's day zero: serial 1 is 1900-01-01, with the fictitious 1900-02-29 counted.
fn from_serial(n: f64) -> Option<NaiveDate> {
    if !(1.0..=2_958_465.0).contains(&n) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(Days::new(n.trunc() as u64))
}

/// A date cell as YYYY-MM-DD: real dates, Excel serial numbers, 2020/1/5, 2020.1.5,
/// 2020年1月5日 and 20200105.
pub fn date(cell: &Cell) -> Result<Option<String>, Msg> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Date(d) => Ok(Some(d.to_string())),
        Cell::Number(n) if *n >= 19_000_101.0 && *n <= 21_001_231.0 => {
            date(&Cell::Text(format!("{}", *n as i64)))
        }
        Cell::Number(n) => from_serial(*n)
            .map(|d| Some(d.to_string()))
            .ok_or_else(|| msg!("{n} 不是有效的日期", n = n)),
        Cell::Text(_) => {
            let Some(t) = text(cell) else { return Ok(None) };
            let unified: String = t.replace(['年', '月', '/', '.'], "-").replace('日', "");
            let parts: Vec<&str> = unified.split('-').collect();
            let parsed = match parts.as_slice() {
                [y, m, d] => y
                    .parse()
                    .ok()
                    .zip(m.parse().ok())
                    .zip(d.parse().ok())
                    .and_then(|((y, m), d)| NaiveDate::from_ymd_opt(y, m, d)),
                [one] if one.len() == 8 => NaiveDate::parse_from_str(one, "%Y%m%d").ok(),
                _ => None,
            };
            parsed
                .map(|d| Some(d.to_string()))
                .ok_or_else(|| msg!("“{t}”不是有效的日期，应为 YYYY-MM-DD", t = &t))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_what_is_unambiguous() {
        assert_eq!(
            text(&Cell::Text(" 林\u{3000}小红 ".into())).as_deref(),
            Some("林小红")
        );
        assert_eq!(
            text(&Cell::Number(13800138000.0)).as_deref(),
            Some("13800138000")
        );
        assert_eq!(
            text(&Cell::Text("１３８００１３８０００".into())).as_deref(),
            Some("13800138000")
        );
        assert_eq!(
            id_number(&Cell::Text("11010519491231002x ".into()))
                .unwrap()
                .as_deref(),
            Some("11010519491231002x")
        );
        assert_eq!(
            date(&Cell::Number(45292.0)).unwrap().as_deref(),
            Some("2024-01-01")
        );
        assert_eq!(
            date(&Cell::Text("2020年1月5日".into())).unwrap().as_deref(),
            Some("2020-01-05")
        );
        assert_eq!(
            date(&Cell::Text("2020.1.5".into())).unwrap().as_deref(),
            Some("2020-01-05")
        );
        assert_eq!(
            date(&Cell::Number(20200105.0)).unwrap().as_deref(),
            Some("2020-01-05")
        );
        assert_eq!(date(&Cell::Empty).unwrap(), None);
    }

    #[test]
    fn reports_what_is_lost() {
        assert!(
            id_number(&Cell::Number(350302199001010000.0))
                .unwrap_err()
                .to_string()
                .contains("丢失")
        );
        assert!(
            id_number(&Cell::Text("3.50302E+17".into()))
                .unwrap_err()
                .to_string()
                .contains("丢失")
        );
        assert!(date(&Cell::Text("去年".into())).is_err());
        assert!(date(&Cell::Text("2020-13-01".into())).is_err());
    }
}
