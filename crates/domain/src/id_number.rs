//! Resident ID numbers (公民身份号码, GB 11643-1999): 6-digit region, 8-digit birth date,
//! 3-digit sequence whose last digit is odd for men, and an ISO 7064 MOD 11-2 check character.

use crate::{Gender, Invalid};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct IdNumber(String);

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [u8; 11] = *b"10X98765432";

/// The check character for the first 17 digits.
pub fn check_char(first17: &[u8]) -> u8 {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| (d - b'0') as u32 * w)
        .sum();
    CHECK[(sum % 11) as usize]
}

impl IdNumber {
    /// Accepts full-width digits, a lower-case x and stray spaces; refuses anything else.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let s: String = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                'x' | 'ｘ' | 'Ｘ' => 'X',
                _ => c,
            })
            .collect();
        let b = s.as_bytes();
        if b.len() != 18 {
            return Err(Invalid::new("id_number", raw, msg!("应为 18 位")));
        }
        if !b[..17].iter().all(u8::is_ascii_digit) || !(b[17].is_ascii_digit() || b[17] == b'X') {
            return Err(Invalid::new(
                "id_number",
                raw,
                msg!("前 17 位应为数字，末位为数字或 X"),
            ));
        }
        if NaiveDate::parse_from_str(&s[6..14], "%Y%m%d").is_err() {
            return Err(Invalid::new(
                "id_number",
                raw,
                msg!("第 7–14 位不是有效的出生日期"),
            ));
        }
        if check_char(&b[..17]) != b[17] {
            return Err(Invalid::new("id_number", raw, msg!("校验位错误")));
        }
        Ok(IdNumber(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").expect("validated on parse")
    }

    pub fn gender(&self) -> Gender {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 {
            Gender::Male
        } else {
            Gender::Female
        }
    }

    /// Shown to roles that do not need the whole number: 350302********123X.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// Masks a stored ID number string, keeping the region and the last four characters.
pub fn mask(s: &str) -> String {
    if s.len() != 18 {
        return "*".repeat(s.chars().count());
    }
    format!("{}********{}", &s[..6], &s[14..])
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for IdNumber {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        IdNumber::parse(&s)
    }
}

impl From<IdNumber> for String {
    fn from(i: IdNumber) -> String {
        i.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A well-known sample number from GB 11643's own example.
    const SAMPLE: &str = "11010519491231002X";

    #[test]
    fn accepts_valid_and_repairs_form() {
        let id = IdNumber::parse(SAMPLE).unwrap();
        assert_eq!(id.birth_date().to_string(), "1949-12-31");
        assert_eq!(id.gender(), Gender::Female);
        assert_eq!(IdNumber::parse(" 11010519491231002x ").unwrap(), id);
        assert_eq!(
            IdNumber::parse("１１０１０５１９４９１２３１００２Ｘ").unwrap(),
            id
        );
        assert_eq!(id.masked(), "110105********002X");
    }

    #[test]
    fn refuses_wrong_check_date_or_length() {
        assert_eq!(
            IdNumber::parse("110105194912310021")
                .unwrap_err()
                .message
                .template(),
            "校验位错误"
        );
        assert!(IdNumber::parse("110105194913310023").is_err());
        assert!(IdNumber::parse("3.50302E+17").is_err());
        assert!(IdNumber::parse("11010519491231002").is_err());
    }

    #[test]
    fn check_char_matches_definition() {
        let mut base = *b"35030219900101001";
        for seq in 0..10u8 {
            base[16] = b'0' + seq;
            let c = check_char(&base);
            let full = format!("{}{}", std::str::from_utf8(&base).unwrap(), c as char);
            assert!(IdNumber::parse(&full).is_ok());
        }
    }
}
