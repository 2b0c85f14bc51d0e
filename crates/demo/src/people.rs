//! Generated members: ages, dates and categories that pass every rule on a real file, ID
//! numbers with valid check digits matching birth date and gender, and phones.

use super::names;
use super::rng::Rng;
use chrono::{Datelike, Days, Months, NaiveDate};
use jiceng_domain::id_number::check_char;
use jiceng_domain::{Categories, Category, Education, Gender, MemberStatus};
use jiceng_store::members::MemberFields;
use std::collections::HashSet;

pub struct People {
    pub today: NaiveDate,
    used_ids: HashSet<u64>,
}

/// Whose member this is: regional orgs hold residents, unit orgs hold the unit's staff.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Regional,
    Unit,
}

impl People {
    pub fn new(today: NaiveDate) -> People {
        People {
            today,
            used_ids: HashSet::new(),
        }
    }

    pub fn member(
        &mut self,
        rng: &mut Rng,
        side: Side,
        residence: &str,
        employer: Option<i64>,
    ) -> MemberFields {
        let roll = rng.below(100);
        let (employment, age) = match side {
            Side::Regional if roll < 45 => (Some(Category::Retired), rng.range(60, 92)),
            Side::Regional if roll < 70 => (Some(Category::Employed), rng.range(24, 59)),
            Side::Regional if roll < 73 => (Some(Category::Student), rng.range(19, 24)),
            Side::Regional => (None, rng.range(30, 70)),
            Side::Unit if roll < 92 => (Some(Category::Employed), rng.range(23, 59)),
            Side::Unit => (Some(Category::Retired), rng.range(60, 80)),
        };
        let mut cats: Vec<Category> = employment.into_iter().collect();
        let mobile = if side == Side::Unit { 0.03 } else { 0.12 };
        if employment != Some(Category::Retired) && rng.chance(mobile) {
            cats.push(Category::Mobile);
        }
        if rng.chance(if employment == Some(Category::Retired) {
            0.08
        } else {
            0.03
        }) {
            cats.push(Category::Hardship);
        }
        let male = rng.chance(if side == Side::Unit { 0.68 } else { 0.6 });
        let birth_date =
            self.today - Months::new(age as u32 * 12) - Days::new(rng.range(0, 364) as u64);
        let join_age = rng.range(18, age.min(50));
        let mut joined_on =
            birth_date + Months::new(join_age as u32 * 12) + Days::new(rng.range(0, 364) as u64);
        if joined_on > self.today - Days::new(10) {
            joined_on = self.today - Days::new(rng.range(10, 300) as u64);
        }
        if joined_on < birth_date + Months::new(18 * 12) {
            joined_on = birth_date + Months::new(18 * 12) + Days::new(1);
        }
        let full_on = joined_on + Months::new(12) + Days::new(rng.range(0, 20) as u64);
        let (status, full_on) = if full_on <= self.today {
            (MemberStatus::Full, Some(full_on))
        } else {
            (MemberStatus::Probationary, None)
        };
        let education = match age {
            ..35 => *rng.weighted(&[
                (Education::Postgraduate, 15),
                (Education::Bachelor, 50),
                (Education::College, 25),
                (Education::Secondary, 5),
                (Education::HighSchool, 5),
            ]),
            35..60 => *rng.weighted(&[
                (Education::Postgraduate, 5),
                (Education::Bachelor, 35),
                (Education::College, 30),
                (Education::Secondary, 10),
                (Education::HighSchool, 15),
                (Education::Primary, 5),
            ]),
            _ => *rng.weighted(&[
                (Education::Bachelor, 10),
                (Education::College, 15),
                (Education::Secondary, 15),
                (Education::HighSchool, 30),
                (Education::Primary, 30),
            ]),
        };
        let ethnicity = *rng.weighted(&[("汉族", 985), ("畲族", 10), ("回族", 5)]);
        MemberFields {
            name: names::person(rng, male),
            gender: if male { Gender::Male } else { Gender::Female },
            ethnicity: ethnicity.into(),
            birth_date,
            id_number: self.id_number(rng, &residence[..6], birth_date, male),
            phone: Some(format!(
                "1{}{:09}",
                rng.pick(&[3, 5, 7, 8, 9]),
                rng.below(1_000_000_000)
            )),
            education: Some(education),
            joined_on,
            full_on,
            status,
            categories: Categories::of(&cats).map(|c| c.0).unwrap_or(0),
            residence_division: Some(residence.to_string()),
            employer_unit_id: employer,
        }
    }

    /// A number never handed out before in this city: region, birth date, a sequence whose
    /// parity gives the gender, and the check character.
    fn id_number(&mut self, rng: &mut Rng, region: &str, birth: NaiveDate, male: bool) -> String {
        let region_n: u64 = region.parse().unwrap_or(350000);
        let date_n = birth.year() as u64 * 10_000 + birth.month() as u64 * 100 + birth.day() as u64;
        loop {
            let seq = rng.below(500) * 2 + u64::from(male);
            let key = (region_n * 100_000_000 + date_n) * 1000 + seq;
            if self.used_ids.insert(key) {
                let first17 = format!("{region_n:06}{date_n:08}{seq:03}");
                let check = check_char(first17.as_bytes()) as char;
                return format!("{first17}{check}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiceng_domain::IdNumber;
    use jiceng_domain::members::{MemberDates, check_dates, check_identity};

    #[test]
    fn generated_members_pass_every_rule() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let mut people = People::new(today);
        let mut rng = Rng::new(3);
        for i in 0..5000 {
            let side = if i % 3 == 0 {
                Side::Unit
            } else {
                Side::Regional
            };
            let m = people.member(&mut rng, side, "350302001001", None);
            let id = IdNumber::parse(&m.id_number).expect("valid id");
            let gender = m.gender;
            check_identity(&id, Some(m.birth_date), Some(gender)).expect("id matches");
            let status = m.status;
            check_dates(
                &MemberDates {
                    birth_date: m.birth_date,
                    joined_on: m.joined_on,
                    full_on: m.full_on,
                    status,
                },
                today,
            )
            .expect("dates agree");
            jiceng_domain::Phone::parse(m.phone.as_deref().unwrap()).expect("phone");
        }
    }
}
