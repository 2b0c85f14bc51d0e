//! Lays out the demo city's organisation tree and stationed units in memory: the real streets
//! and communities of the city, and everything below them in the Putian study's proportions.

use super::names;
use super::rng::Rng;
use chrono::{Days, Months, NaiveDate};
use jiceng_domain::division::catalogue;
use jiceng_domain::orgs::term_due;
use jiceng_domain::{
    Division, DivisionLevel, OrgCategory, OrgLevel, OrgPath, TownshipKind, UnitCategory,
};
use jiceng_store::orgs::{OrgFields, PlacedOrg};
use jiceng_store::units::UnitFields;
use std::collections::HashMap;

/// The Putian study's figures for one unit of `--scale`.
pub mod putian {
    pub const MEMBERS: u64 = 31_040;
    pub const GRIDS: u64 = 200;
    pub const TEMPORARY_BRANCHES: u64 = 77;
    /// (category, party orgs, their members): 112 unit orgs with 9,983 members split over
    /// agencies, institutions and state firms; 16 market, 85 non-public and 24 social orgs.
    pub const UNIT_ORGS: [(&str, u64, u64); 6] = [
        ("agency", 40, 3_600),
        ("institution", 40, 3_500),
        ("state_enterprise", 32, 2_883),
        ("market", 16, 1_331),
        ("private_enterprise", 85, 425),
        ("social_organisation", 24, 238),
    ];
    /// Small firms and buildings with no party org of their own.
    pub const UNITS_WITHOUT_ORG: u64 = 100;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    District,
    Street,
    Community,
    Grid,
    Group,
    Household,
    Compound,
    Temporary,
    Unit,
}

pub struct PlanOrg {
    pub placed: PlacedOrg,
    pub kind: Kind,
    /// The community members of this org live in (regional orgs), or where its unit sits.
    pub community: Option<String>,
    pub street: usize,
    pub unit_id: Option<i64>,
    pub quota: u64,
}

pub struct Plan {
    pub orgs: Vec<PlanOrg>,
    pub units: Vec<(i64, UnitFields)>,
    pub streets: Vec<Division>,
    pub communities: Vec<Vec<Division>>,
    /// Community division code → its org id.
    pub community_org: HashMap<String, i64>,
    /// Units with a party org, by the community they sit in.
    pub units_by_community: HashMap<String, Vec<i64>>,
}

fn scaled(base: u64, scale: f64) -> u64 {
    ((base as f64 * scale).round() as u64).max(1)
}

struct Builder<'a> {
    rng: &'a mut Rng,
    today: NaiveDate,
    orgs: Vec<PlanOrg>,
}

impl Builder<'_> {
    /// An election date: mostly within the term, about one in eight overdue.
    fn elected(&mut self, years: u32) -> NaiveDate {
        let term_days = (years * 365) as i64;
        let back = if self.rng.chance(0.12) {
            term_days + self.rng.range(20, 330)
        } else {
            self.rng.range(30, term_days - 20)
        };
        self.today - Days::new(back as u64)
    }

    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        parent: Option<usize>,
        kind: Kind,
        code: String,
        name: String,
        level: OrgLevel,
        category: OrgCategory,
        division: &str,
        street: usize,
    ) -> usize {
        let id = self.orgs.len() as i64 + 1;
        let path = match parent {
            Some(p) => OrgPath(self.orgs[p].placed.path.clone()).child(id).0,
            None => OrgPath::root(id).0,
        };
        let years = level.term_years(category);
        let elected_on = years.map(|y| self.elected(y));
        let founded_on = Some(self.today - Days::new(self.rng.range(3 * 365, 40 * 365) as u64));
        self.orgs.push(PlanOrg {
            placed: PlacedOrg {
                id,
                parent_id: parent.map(|p| self.orgs[p].placed.id),
                path,
                fields: OrgFields {
                    code,
                    name,
                    level,
                    category,
                    division_code: division.to_string(),
                    founded_on,
                    elected_on,
                    term_years: years.map(i64::from),
                    term_due: elected_on.zip(years).map(|(d, y)| term_due(d, y)),
                    project: None,
                    ends_on: None,
                },
            },
            kind,
            community: None,
            street,
            unit_id: None,
            quota: 0,
        });
        self.orgs.len() - 1
    }
}

pub fn plan(rng: &mut Rng, city: &Division, scale: f64, today: NaiveDate) -> Plan {
    let all = catalogue().subtree(&city.code);
    let streets: Vec<Division> = all
        .iter()
        .filter(|d| {
            d.code.level() == DivisionLevel::Township
                && d.code.township_kind() == Some(TownshipKind::Street)
        })
        .cloned()
        .collect();
    let communities: Vec<Vec<Division>> = streets
        .iter()
        .map(|s| {
            all.iter()
                .filter(|d| d.code.is_community() && d.code.is_within(&s.code))
                .cloned()
                .collect()
        })
        .collect();
    let counties: Vec<Division> = {
        let mut codes: Vec<_> = streets.iter().filter_map(|s| s.code.parent()).collect();
        codes.dedup();
        codes.iter().filter_map(|c| catalogue().get(c)).collect()
    };
    let city_short = names::short_place(&city.name).to_string();
    let mut b = Builder {
        rng,
        today,
        orgs: Vec::new(),
    };

    let mut district_of = HashMap::new();
    for county in &counties {
        let i = b.add(
            None,
            Kind::District,
            format!("D{}", county.code.short()),
            format!("中共{}委员会", county.name),
            OrgLevel::District,
            OrgCategory::Regional,
            county.code.as_str(),
            0,
        );
        district_of.insert(county.code.clone(), i);
    }
    let mut street_idx = Vec::new();
    let mut community_idx: Vec<Vec<usize>> = Vec::new();
    let mut community_org = HashMap::new();
    let mut community_name: HashMap<usize, String> = HashMap::new();
    for (si, street) in streets.iter().enumerate() {
        let parent = street
            .code
            .parent()
            .and_then(|c| district_of.get(&c).copied());
        let s = b.add(
            parent,
            Kind::Street,
            format!("S{}", street.code.short()),
            format!("中共{}工作委员会", street.name),
            OrgLevel::Street,
            OrgCategory::Regional,
            street.code.as_str(),
            si,
        );
        street_idx.push(s);
        let mut cs = Vec::new();
        for c in &communities[si] {
            let ci = b.add(
                Some(s),
                Kind::Community,
                format!("C{}", c.code.as_str()),
                format!("中共{}委员会", names::short_place(&c.name)),
                OrgLevel::Community,
                OrgCategory::Regional,
                c.code.as_str(),
                si,
            );
            b.orgs[ci].community = Some(c.code.to_string());
            community_org.insert(c.code.to_string(), b.orgs[ci].placed.id);
            community_name.insert(ci, names::short_place(&c.name).to_string());
            cs.push(ci);
        }
        community_idx.push(cs);
    }
    let flat: Vec<(usize, usize)> = community_idx
        .iter()
        .enumerate()
        .flat_map(|(si, cs)| cs.iter().map(move |c| (si, *c)))
        .collect();

    // Grids, round-robin over communities: one branch per grid, two building groups each,
    // two central households per group.
    let mut grids = Vec::new();
    let mut seq: HashMap<usize, u32> = HashMap::new();
    for g in 0..scaled(putian::GRIDS, scale) as usize {
        if flat.is_empty() {
            break;
        }
        let (si, ci) = flat[g % flat.len()];
        let n = seq.entry(ci).or_insert(0);
        *n += 1;
        let n = *n;
        let com = b.orgs[ci].community.clone().unwrap_or_default();
        let com_name = community_name.get(&ci).cloned().unwrap_or_default();
        let grid_code = format!("{com}{n:03}");
        let gi = b.add(
            Some(ci),
            Kind::Grid,
            grid_code.clone(),
            format!("{com_name}第{n}网格党支部"),
            OrgLevel::Branch,
            OrgCategory::Grid,
            &com,
            si,
        );
        b.orgs[gi].community = Some(com.clone());
        let mut members_of_grid = vec![gi];
        for k in 1..=2 {
            let gr = b.add(
                Some(gi),
                Kind::Group,
                format!("{grid_code}-{k}"),
                format!("{com_name}第{n}网格{k}号楼栋党小组"),
                OrgLevel::Group,
                OrgCategory::Regional,
                &com,
                si,
            );
            b.orgs[gr].community = Some(com.clone());
            members_of_grid.push(gr);
            for m in 1..=2 {
                let male = b.rng.chance(0.6);
                let host = names::person(b.rng, male);
                let h = b.add(
                    Some(gr),
                    Kind::Household,
                    format!("{grid_code}-{k}-{m}"),
                    format!("{host}党员中心户"),
                    OrgLevel::CentralHousehold,
                    OrgCategory::Regional,
                    &com,
                    si,
                );
                b.orgs[h].community = Some(com.clone());
                members_of_grid.push(h);
            }
        }
        grids.push(members_of_grid);
    }

    // Residential-compound branches: `scale` per community.
    let mut compounds = Vec::new();
    for &(si, ci) in &flat {
        let com = b.orgs[ci].community.clone().unwrap_or_default();
        for k in 1..=scaled(1, scale) {
            let name = format!("{}党支部", names::compound(b.rng));
            let x = b.add(
                Some(ci),
                Kind::Compound,
                format!("X{com}{k:03}"),
                name,
                OrgLevel::Branch,
                OrgCategory::Compound,
                &com,
                si,
            );
            b.orgs[x].community = Some(com.clone());
            compounds.push(x);
        }
    }

    // Temporary branches on city projects, under the streets.
    for t in 0..scaled(putian::TEMPORARY_BRANCHES, scale) as usize {
        let si = t % streets.len().max(1);
        let Some(&s) = street_idx.get(si) else { break };
        let project = names::project(b.rng, &streets[si].name);
        let i = b.add(
            Some(s),
            Kind::Temporary,
            format!("T{}{:04}", streets[si].code.short(), t / streets.len() + 1),
            format!("{project}临时党支部"),
            OrgLevel::Branch,
            OrgCategory::Temporary,
            streets[si].code.as_str(),
            si,
        );
        let founded = today - Days::new(b.rng.range(30, 700) as u64);
        let fields = &mut b.orgs[i].placed.fields;
        fields.founded_on = Some(founded);
        fields.ends_on = Some(founded + Months::new(b.rng.range(12, 36) as u32));
        fields.project = Some(project);
    }

    // Stationed units with their party orgs, and their members.
    let mut units = Vec::new();
    let mut units_by_community: HashMap<String, Vec<i64>> = HashMap::new();
    for (category, orgs, members) in putian::UNIT_ORGS {
        let n = scaled(orgs, scale) as usize;
        let quotas = b.rng.split(scaled(members, scale), n);
        let big = !matches!(category, "private_enterprise" | "social_organisation");
        for quota in quotas {
            if flat.is_empty() {
                break;
            }
            let (si, ci) = *b.rng.pick(&flat);
            let com = b.orgs[ci].community.clone().unwrap_or_default();
            let unit_name = names::unit(b.rng, category, &city_short, &streets[si].name);
            let unit_id = units.len() as i64 + 1;
            let (parent, level, suffix) = if big {
                (street_idx[si], OrgLevel::Community, "委员会")
            } else {
                (ci, OrgLevel::Branch, "支部委员会")
            };
            let oi = b.add(
                Some(parent),
                Kind::Unit,
                format!("U{unit_id:06}"),
                format!("中共{unit_name}{suffix}"),
                level,
                OrgCategory::Unit,
                &com,
                si,
            );
            b.orgs[oi].community = Some(com.clone());
            b.orgs[oi].unit_id = Some(unit_id);
            b.orgs[oi].quota = quota;
            units.push((
                unit_id,
                UnitFields {
                    name: unit_name,
                    category: UnitCategory::parse(category).expect("the study's unit categories"),
                    division_code: com.clone(),
                    address: Some(format!("{}{}号", streets[si].name, b.rng.range(1, 300))),
                    org_id: Some(b.orgs[oi].placed.id),
                },
            ));
            units_by_community.entry(com).or_default().push(unit_id);
        }
    }
    for _ in 0..scaled(putian::UNITS_WITHOUT_ORG, scale) {
        if flat.is_empty() {
            break;
        }
        let (si, ci) = *b.rng.pick(&flat);
        let category = *b
            .rng
            .pick(&["private_enterprise", "office_building", "ecommerce"]);
        let unit_id = units.len() as i64 + 1;
        units.push((
            unit_id,
            UnitFields {
                name: names::unit(b.rng, category, &city_short, &streets[si].name),
                category: UnitCategory::parse(category).expect("the study's unit categories"),
                division_code: b.orgs[ci].community.clone().unwrap_or_default(),
                address: Some(format!("{}{}号", streets[si].name, b.rng.range(1, 300))),
                org_id: None,
            },
        ));
    }

    // Regional members: three quarters in grids, a fifth in compounds, the rest directly
    // in the community committees.
    let unit_members: u64 = putian::UNIT_ORGS.iter().map(|u| scaled(u.2, scale)).sum();
    let regional = scaled(putian::MEMBERS, scale).saturating_sub(unit_members);
    let grid_total = regional * 75 / 100;
    let compound_total = regional * 20 / 100;
    let direct_total = regional - grid_total - compound_total;
    let grid_quotas = b.rng.split(grid_total, grids.len());
    for (grid, quota) in grids.iter().zip(grid_quotas) {
        let parts = b.rng.split(quota, grid.len());
        for (&oi, q) in grid.iter().zip(parts) {
            b.orgs[oi].quota = q;
        }
    }
    for (&oi, q) in compounds
        .iter()
        .zip(b.rng.split(compound_total, compounds.len()))
    {
        b.orgs[oi].quota = q;
    }
    let direct = b.rng.split(direct_total, flat.len());
    for (&(_, ci), q) in flat.iter().zip(direct) {
        b.orgs[ci].quota = q;
    }

    Plan {
        orgs: b.orgs,
        units,
        streets,
        communities,
        community_org,
        units_by_community,
    }
}
