//! Party members' e-files: the values on them and the rules that tie them together.

use crate::msg::{Label, Labels};
use crate::{IdNumber, Invalid};
use chrono::{Datelike, Months, NaiveDate};

labelled_enum! {
    Gender, "gender" {
        Male = "male", "男" | "男性" | "1" | "M" | "m";
        Female = "female", "女" | "女性" | "2" | "F" | "f";
    }
}

labelled_enum! {
    Education, "education" {
        Postgraduate = "postgraduate", "研究生" | "硕士研究生" | "博士研究生" | "硕士" | "博士" | "研究生及以上";
        Bachelor = "bachelor", "大学本科" | "本科";
        College = "college", "大学专科" | "大专" | "专科" | "高职";
        Secondary = "secondary", "中专" | "中职";
        HighSchool = "high_school", "高中";
        Primary = "primary", "初中及以下" | "初中" | "小学";
    }
}

labelled_enum! {
    MemberStatus, "status" {
        Full = "full", "正式党员" | "正式";
        Probationary = "probationary", "预备党员" | "预备";
    }
}

labelled_enum! {
    /// Several may apply, but at most one of the employment ones (在职, 离退休, 学生).
    Category, "categories" {
        Employed = "employed", "在职";
        Retired = "retired", "离退休" | "退休";
        Student = "student", "学生" | "在校学生";
        Mobile = "mobile", "流动";
        Hardship = "hardship", "困难";
    }
}

/// A set of member categories, stored as a bit mask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Categories(pub i64);

impl Categories {
    pub fn bit(c: Category) -> i64 {
        1 << (c as u8)
    }

    pub fn contains(self, c: Category) -> bool {
        self.0 & Self::bit(c) != 0
    }

    pub fn list(self) -> Vec<Category> {
        Category::ALL
            .iter()
            .copied()
            .filter(|c| self.contains(*c))
            .collect()
    }

    /// Parses "在职,流动" (also with 、 or ；, and as 在职党员、流动党员) and checks the
    /// combination makes sense.
    pub fn parse(raw: &str) -> Result<Categories, Invalid> {
        let mut set = Categories::default();
        for part in raw
            .split([',', '，', '、', ';', '；', ' ', '/', '／'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let part = part.strip_suffix("党员").unwrap_or(part);
            let c = Category::parse(part).map_err(|e| Invalid {
                value: raw.to_string(),
                ..e
            })?;
            set.0 |= Self::bit(c);
        }
        set.check()?;
        Ok(set)
    }

    pub fn of(cats: &[Category]) -> Result<Categories, Invalid> {
        let set = Categories(cats.iter().fold(0, |m, c| m | Self::bit(*c)));
        set.check()?;
        Ok(set)
    }

    fn check(self) -> Result<(), Invalid> {
        let employment = [Category::Employed, Category::Retired, Category::Student];
        let held: Vec<_> = employment
            .into_iter()
            .filter(|c| self.contains(*c))
            .collect();
        if held.len() > 1 {
            let names: Vec<_> = held.iter().map(|c| c.label()).collect();
            return Err(Invalid::new(
                "categories",
                self,
                msg!("{categories}不能同时成立", categories = Labels(names)),
            ));
        }
        Ok(())
    }
}

impl std::fmt::Display for Categories {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<_> = self.list().iter().map(|c| c.label()).collect();
        f.write_str(&names.join("、"))
    }
}

/// The 56 ethnic groups, in the order of GB/T 3304.
pub const ETHNICITIES: [&str; 56] = [
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
];

/// An ethnic group from the national list; "汉" is read as "汉族".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ethnicity(&'static str);

impl Ethnicity {
    pub fn parse(raw: &str) -> Result<Ethnicity, Invalid> {
        let t = raw.trim();
        ETHNICITIES
            .iter()
            .find(|e| **e == t || e.strip_suffix('族') == Some(t))
            .map(|e| Ethnicity(e))
            .ok_or_else(|| Invalid::new("ethnicity", raw, msg!("不是 56 个民族之一")))
    }

    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

/// The dated facts of a member file that must agree with each other.
pub struct MemberDates {
    pub birth_date: NaiveDate,
    pub joined_on: NaiveDate,
    pub full_on: Option<NaiveDate>,
    pub status: MemberStatus,
}

/// Checks the dates on a file against each other and against `today`.
pub fn check_dates(d: &MemberDates, today: NaiveDate) -> Result<(), Invalid> {
    if d.birth_date > today {
        return Err(Invalid::new(
            "birth_date",
            d.birth_date,
            msg!("不能晚于今天"),
        ));
    }
    if d.joined_on > today {
        return Err(Invalid::new("joined_on", d.joined_on, msg!("不能晚于今天")));
    }
    if d.joined_on < crate::orgs::PARTY_FOUNDED {
        return Err(Invalid::new(
            "joined_on",
            d.joined_on,
            msg!("早于 1921 年 7 月 1 日建党"),
        ));
    }
    if d.joined_on < d.birth_date + Months::new(12 * 18) {
        return Err(Invalid::new(
            "joined_on",
            d.joined_on,
            msg!("入党时应年满十八周岁"),
        ));
    }
    match (d.status, d.full_on) {
        (MemberStatus::Full, None) => {
            Err(Invalid::new("full_on", "", msg!("正式党员须填写转正日期")))
        }
        (MemberStatus::Full, Some(f)) if f > today => {
            Err(Invalid::new("full_on", f, msg!("不能晚于今天")))
        }
        (MemberStatus::Full, Some(f)) if f < d.joined_on + Months::new(12) => Err(Invalid::new(
            "full_on",
            f,
            msg!("预备期为一年，转正日期应在入党一年之后"),
        )),
        (MemberStatus::Probationary, Some(f)) => {
            Err(Invalid::new("full_on", f, msg!("预备党员没有转正日期")))
        }
        (MemberStatus::Probationary, None) if d.joined_on + Months::new(24) < today => {
            Err(Invalid::new(
                "status",
                d.status,
                msg!("预备期最长两年，入党已超过两年仍为预备党员"),
            ))
        }
        _ => Ok(()),
    }
}

/// Birth date and gender written on the file must match the ID number.
pub fn check_identity(
    id: &IdNumber,
    birth_date: Option<NaiveDate>,
    gender: Option<Gender>,
) -> Result<(NaiveDate, Gender), Invalid> {
    let from_id = id.birth_date();
    if let Some(b) = birth_date
        && b != from_id
    {
        return Err(Invalid::new(
            "birth_date",
            b,
            msg!("与身份证号中的出生日期 {date} 不符", date = from_id),
        ));
    }
    if let Some(g) = gender
        && g != id.gender()
    {
        return Err(Invalid::new(
            "gender",
            g,
            msg!(
                "与身份证号中的性别（{gender}）不符",
                gender = Label(id.gender().label())
            ),
        ));
    }
    Ok((from_id, id.gender()))
}

/// Age in whole years on `day`.
pub fn age_on(birth: NaiveDate, day: NaiveDate) -> i32 {
    let mut age = day.year() - birth.year();
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn category_combinations() {
        let c = Categories::parse("在职，流动").unwrap();
        assert!(c.contains(Category::Employed) && c.contains(Category::Mobile));
        for (written, category) in [
            ("在职党员", Category::Employed),
            ("离退休党员", Category::Retired),
            ("困难党员", Category::Hardship),
            ("流动党员", Category::Mobile),
        ] {
            assert_eq!(Categories::parse(written).unwrap().list(), vec![category]);
        }
        assert_eq!(c.to_string(), "在职、流动");
        let e = Categories::parse("在职、离退休").unwrap_err();
        assert_eq!(e.field, "categories");
        assert!(e.to_string().contains("在职、离退休不能同时成立"));
        assert!(
            e.render(crate::Lang::En)
                .contains("employed, retired cannot both hold")
        );
        assert!(Categories::parse("困难,外星人").is_err());
        assert_eq!(Categories::parse("").unwrap(), Categories(0));
    }

    #[test]
    fn date_rules() {
        let today = d("2026-11-22");
        let ok = MemberDates {
            birth_date: d("1980-01-01"),
            joined_on: d("2005-07-01"),
            full_on: Some(d("2006-07-01")),
            status: MemberStatus::Full,
        };
        assert!(check_dates(&ok, today).is_ok());
        let young = MemberDates {
            joined_on: d("1997-01-01"),
            ..ok
        };
        assert_eq!(check_dates(&young, today).unwrap_err().field, "joined_on");
        let early = MemberDates {
            birth_date: d("1980-01-01"),
            joined_on: d("2005-07-01"),
            full_on: Some(d("2006-01-01")),
            status: MemberStatus::Full,
        };
        assert_eq!(check_dates(&early, today).unwrap_err().field, "full_on");
        let stale = MemberDates {
            birth_date: d("1980-01-01"),
            joined_on: d("2020-07-01"),
            full_on: None,
            status: MemberStatus::Probationary,
        };
        assert_eq!(check_dates(&stale, today).unwrap_err().field, "status");
        let fresh = MemberDates {
            joined_on: d("2026-07-01"),
            ..stale
        };
        assert!(check_dates(&fresh, today).is_ok());
    }

    #[test]
    fn identity_must_match_id_number() {
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(
            check_identity(&id, None, None).unwrap(),
            (d("1949-12-31"), Gender::Female)
        );
        assert_eq!(
            check_identity(&id, Some(d("1950-01-01")), None)
                .unwrap_err()
                .field,
            "birth_date"
        );
        assert_eq!(
            check_identity(&id, None, Some(Gender::Male))
                .unwrap_err()
                .field,
            "gender"
        );
        assert_eq!(Gender::parse("1").unwrap(), Gender::Male);
        assert_eq!(Gender::parse("F").unwrap(), Gender::Female);
        assert_eq!(Gender::parse("女性").unwrap(), Gender::Female);
        for (written, level) in [
            ("硕士研究生", Education::Postgraduate),
            ("博士研究生", Education::Postgraduate),
            ("研究生", Education::Postgraduate),
            ("本科", Education::Bachelor),
            ("大专", Education::College),
        ] {
            assert_eq!(Education::parse(written).unwrap(), level, "{written}");
        }
        assert_eq!(Ethnicity::parse("汉").unwrap().as_str(), "汉族");
        assert_eq!(Ethnicity::parse("畲族").unwrap().as_str(), "畲族");
        assert_eq!(Ethnicity::parse("维吾尔").unwrap().as_str(), "维吾尔族");
        assert!(Ethnicity::parse("火星").is_err());
    }

    #[test]
    fn ethnicity_and_age() {
        assert_eq!(Ethnicity::parse("汉").unwrap().as_str(), "汉族");
        assert!(Ethnicity::parse("火星族").is_err());
        assert_eq!(age_on(d("1980-06-02"), d("2026-06-01")), 45);
    }
}
