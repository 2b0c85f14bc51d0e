//! Statistical division codes (统计用区划代码): 12 digits, province(2) city(2) county(2)
//! township(3) village(3). Shorter published forms are padded with zeros.

mod catalogue;

pub use catalogue::{Catalogue, catalogue};

use crate::Invalid;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct DivisionCode(String);

labelled_enum! {
    DivisionLevel, "level" {
        Province = "province", "省级";
        City = "city", "地级";
        County = "county", "县级";
        Township = "township", "乡级";
        Village = "village", "村级";
    }
}

/// What kind of township-level division a code is, by its range (001–099 streets …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TownshipKind {
    Street,
    Town,
    Township,
    Other,
}

/// A division with its name, as kept in the catalogue and the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Division {
    pub code: DivisionCode,
    pub name: String,
}

impl DivisionCode {
    /// Validates the shape of a code: digits only, 2/4/6/9/12 long, no non-zero segment
    /// below a zero one. Whether it exists is the catalogue's or the store's question.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let t = raw.trim();
        if !t.bytes().all(|b| b.is_ascii_digit()) || t.is_empty() {
            return Err(Invalid::new("division_code", raw, msg!("只能由数字组成")));
        }
        if ![2, 4, 6, 9, 12].contains(&t.len()) {
            return Err(Invalid::new(
                "division_code",
                raw,
                msg!("长度应为 12 位（或 2/4/6/9 位的上级代码）"),
            ));
        }
        let mut s = t.to_string();
        while s.len() < 12 {
            s.push('0');
        }
        let segs = [&s[0..2], &s[2..4], &s[4..6], &s[6..9], &s[9..12]];
        if segs[0] == "00" {
            return Err(Invalid::new(
                "division_code",
                raw,
                msg!("省级代码不能为 00"),
            ));
        }
        // A few prefecture cities have no counties (东莞, 中山, 儋州, 嘉峪关): their streets and
        // towns sit directly under the city with a zero county segment.
        let zero = |g: &str| g.bytes().all(|b| b == b'0');
        let first_zero = segs
            .iter()
            .enumerate()
            .position(|(i, g)| zero(g) && !(i == 2 && !zero(segs[1]) && !zero(segs[3])));
        if let Some(z) = first_zero
            && segs[z..].iter().any(|g| !zero(g))
        {
            return Err(Invalid::new(
                "division_code",
                raw,
                msg!("上级段为零而下级段不为零"),
            ));
        }
        Ok(DivisionCode(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> DivisionLevel {
        let s = &self.0;
        if &s[9..12] != "000" {
            DivisionLevel::Village
        } else if &s[6..9] != "000" {
            DivisionLevel::Township
        } else if &s[4..6] != "00" {
            DivisionLevel::County
        } else if &s[2..4] != "00" {
            DivisionLevel::City
        } else {
            DivisionLevel::Province
        }
    }

    /// The significant digits: "350302001" for a street.
    pub fn short(&self) -> &str {
        let n = match self.level() {
            DivisionLevel::Province => 2,
            DivisionLevel::City => 4,
            DivisionLevel::County => 6,
            DivisionLevel::Township => 9,
            DivisionLevel::Village => 12,
        };
        &self.0[..n]
    }

    pub fn parent(&self) -> Option<DivisionCode> {
        let keep = match self.level() {
            DivisionLevel::Province => return None,
            DivisionLevel::City => 2,
            DivisionLevel::County => 4,
            DivisionLevel::Township => 6,
            DivisionLevel::Village => 9,
        };
        let mut s = self.0[..keep].to_string();
        while s.len() < 12 {
            s.push('0');
        }
        Some(DivisionCode(s))
    }

    /// Whether `self` lies within `ancestor` (or is it).
    pub fn is_within(&self, ancestor: &DivisionCode) -> bool {
        self.0.starts_with(ancestor.short())
    }

    pub fn township_kind(&self) -> Option<TownshipKind> {
        if self.level() < DivisionLevel::Township {
            return None;
        }
        let n: u32 = self.0[6..9].parse().unwrap_or(0);
        Some(match n {
            1..=99 => TownshipKind::Street,
            100..=199 => TownshipKind::Town,
            200..=399 => TownshipKind::Township,
            _ => TownshipKind::Other,
        })
    }

    /// A village-level code in 001–199 is a residents' committee (社区), 200–399 a villagers' one.
    pub fn is_community(&self) -> bool {
        self.level() == DivisionLevel::Village
            && matches!(self.0[9..12].parse::<u32>(), Ok(1..=199))
    }
}

impl fmt::Display for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for DivisionCode {
    type Error = Invalid;
    fn try_from(s: String) -> Result<Self, Invalid> {
        DivisionCode::parse(&s)
    }
}

impl From<DivisionCode> for String {
    fn from(c: DivisionCode) -> String {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_and_classifies() {
        let c = DivisionCode::parse("350302001").unwrap();
        assert_eq!(c.as_str(), "350302001000");
        assert_eq!(c.level(), DivisionLevel::Township);
        assert_eq!(c.township_kind(), Some(TownshipKind::Street));
        assert_eq!(c.parent().unwrap().as_str(), "350302000000");
        let town = DivisionCode::parse("350302100").unwrap();
        assert_eq!(town.township_kind(), Some(TownshipKind::Town));
        let village = DivisionCode::parse("350302100201").unwrap();
        assert!(!village.is_community());
        assert!(DivisionCode::parse("350302001001").unwrap().is_community());
        assert!(village.is_within(&DivisionCode::parse("3503").unwrap()));
        let dongguan_street = DivisionCode::parse("441900003").unwrap();
        assert_eq!(dongguan_street.level(), DivisionLevel::Township);
        assert_eq!(dongguan_street.parent().unwrap().as_str(), "441900000000");
        assert!(super::catalogue().get(&dongguan_street).is_some());
    }

    #[test]
    fn refuses_bad_shapes() {
        for bad in [
            "",
            "35030200100",
            "3503020010a1",
            "350000001001",
            "000000000000",
            "３５",
        ] {
            let e = DivisionCode::parse(bad).unwrap_err();
            assert_eq!(e.field, "division_code", "{bad}");
        }
    }
}
