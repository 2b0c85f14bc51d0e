//! Phone numbers: mainland mobiles (11 digits, 1[3-9]…) or landlines with an area code.

use crate::Invalid;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let s: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                '－' | '—' | '‐' | '–' => '-',
                '＋' => '+',
                _ => c,
            })
            .collect();
        let s = s
            .strip_prefix("+86")
            .or_else(|| s.strip_prefix("0086"))
            .map(|rest| rest.trim_start_matches('-'))
            .unwrap_or(&s)
            .to_string();
        // A mobile written in groups (138-0594-1238) is still a mobile; a landline keeps the
        // hyphen after its area code.
        let digits: String = s.chars().filter(|c| *c != '-').collect();
        let s = if digits.len() == 11 && digits.starts_with('1') {
            digits
        } else {
            s
        };
        let b = s.as_bytes();
        let mobile = b.len() == 11
            && b[0] == b'1'
            && (b'3'..=b'9').contains(&b[1])
            && b.iter().all(u8::is_ascii_digit);
        let landline = match s.split_once('-') {
            Some((area, local)) => is_area(area) && is_local(local),
            None => {
                b.first() == Some(&b'0')
                    && (10..=12).contains(&b.len())
                    && b.iter().all(u8::is_ascii_digit)
            }
        };
        if mobile || landline {
            Ok(Phone(s))
        } else {
            Err(Invalid::new(
                "phone",
                raw,
                msg!("应为 11 位手机号（1 开头）或带区号的固定电话"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

fn is_area(s: &str) -> bool {
    s.starts_with('0') && (3..=4).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_local(s: &str) -> bool {
    (7..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// Masks a stored phone string: 138****5678.
pub fn mask(s: &str) -> String {
    let n = s.chars().count();
    if n < 7 {
        return "*".repeat(n);
    }
    let head: String = s.chars().take(3).collect();
    let tail: String = s.chars().skip(n - 4).collect();
    format!("{head}{}{tail}", "*".repeat(n - 7))
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Phone {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        Phone::parse(&s)
    }
}

impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobiles_and_landlines() {
        assert_eq!(
            Phone::parse("138 0013 8000").unwrap().as_str(),
            "13800138000"
        );
        assert_eq!(
            Phone::parse("+8613800138000").unwrap().as_str(),
            "13800138000"
        );
        for written in [
            "+86 138-0594-1238",
            "＋８６ １３８０５９４１２３８",
            "0086-13805941238",
            "138 0594 1238",
        ] {
            assert_eq!(
                Phone::parse(written).unwrap().as_str(),
                "13805941238",
                "{written}"
            );
        }
        assert!(
            Phone::parse("+86 0594-23456").is_err(),
            "too short a landline"
        );
        assert_eq!(
            Phone::parse("0594-2345678").unwrap().as_str(),
            "0594-2345678"
        );
        assert_eq!(Phone::parse("13800138000").unwrap().masked(), "138****8000");
        for bad in ["12800138000", "1380013800", "abc", "594-2345678", ""] {
            assert_eq!(Phone::parse(bad).unwrap_err().field, "phone", "{bad}");
        }
    }
}
