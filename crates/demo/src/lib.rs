//! `jiceng demo`: builds a realistic city from the national division data, with orgs, units,
//! members, committees and 双报到 in the Putian study's proportions times `scale`. The same
//! seed gives the same city. It loads into an empty database in one transaction.

mod bookings;
pub mod cases;
mod cobuilding;
mod departments;
mod evaluations;
pub mod lists;
pub mod logs;
mod names;
mod orglife;
mod people;
mod points;
mod positions;
mod rng;
mod service;
mod tree;
mod volunteers;
mod wishes;

use chrono::Days;
use jiceng_domain::clock;
use jiceng_domain::msg;
use jiceng_domain::orgs::CommitteePosition;
use jiceng_domain::{Categories, Category, DivisionLevel, Invalid, Role};
use jiceng_ops::{Actor, OpsError, divisions};
use jiceng_store::accounts::{self, NewUserRow};
use jiceng_store::committee::{self, SeatFields};
use jiceng_store::members::{self, MemberFields};
use jiceng_store::registrations::{self, NewRegistration};
use jiceng_store::{Db, audit, orgs, units};
use people::{People, Side};
use rng::Rng;
use serde::Serialize;
use std::time::Instant;
use tree::{Kind, Plan};

pub use tree::putian;

#[derive(Debug, Clone)]
pub struct DemoSpec {
    pub city: String,
    pub scale: f64,
    pub seed: u64,
    /// The day the city is generated as of; today when none. The same seed and day give the
    /// same city.
    pub today: Option<chrono::NaiveDate>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DemoSummary {
    pub city: String,
    pub city_code: String,
    pub streets: usize,
    pub communities: usize,
    pub orgs: usize,
    pub units: usize,
    pub members: u64,
    pub committee_seats: usize,
    pub registrations: usize,
    pub meetings: usize,
    pub points_entries: usize,
    pub evaluations: u64,
    pub commitments: u64,
    pub service_records: usize,
    pub wishes: usize,
    pub needs: usize,
    pub resources: usize,
    pub projects: usize,
    pub errands: usize,
    pub volunteers: usize,
    /// Volunteer activities, past and to come, and their sign-ups.
    pub activities: usize,
    pub signups: usize,
    pub grids: usize,
    pub cases: usize,
    /// One account per role, all with `password`.
    pub accounts: Vec<DemoAccount>,
    /// Shown once; only its hash is stored.
    pub password: String,
    pub seconds: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DemoAccount {
    pub username: String,
    pub role: &'static str,
    pub scope: String,
}

/// Told how far the build has come; the CLI draws a progress bar from it.
pub trait Progress {
    fn stage(&self, label: &str, total: u64);
    fn advance(&self, n: u64);
}

/// Reports nothing.
pub struct Quiet;

impl Progress for Quiet {
    fn stage(&self, _: &str, _: u64) {}
    fn advance(&self, _: u64) {}
}

const BATCH: usize = 5000;

pub async fn build(
    db: &Db,
    actor: &Actor,
    spec: &DemoSpec,
    progress: &dyn Progress,
) -> Result<DemoSummary, OpsError> {
    let started = Instant::now();
    if !(spec.scale > 0.0 && spec.scale <= 100.0) {
        return Err(Invalid::new("scale", spec.scale, msg!("应大于 0 且不超过 100")).into());
    }
    let city = divisions::find(&spec.city)?;
    if city.code.level() != DivisionLevel::City {
        return Err(Invalid::new(
            "city",
            &spec.city,
            msg!("应为地级市的名称或代码，如 莆田市"),
        )
        .into());
    }
    let today = spec.today.unwrap_or_else(clock::today);
    if today > clock::today() {
        return Err(Invalid::new("date", today, msg!("不能晚于今天")).into());
    }
    let mut rng = Rng::new(spec.seed);
    let plan = tree::plan(&mut rng, &city, spec.scale, today);
    if plan.streets.is_empty() {
        return Err(
            Invalid::new("city", &spec.city, msg!("该市没有街道，无法生成城市社区")).into(),
        );
    }

    let mut tx = db.write().await?;
    actor.may_administer()?;
    if orgs::count(&mut tx).await? > 0 {
        return Err(OpsError::conflict(
            "city",
            &spec.city,
            msg!("数据库中已有党组织；演示城市只能建在空库上（换一个 --data-dir 或数据库）"),
        ));
    }
    divisions::take_in_tx(&mut tx, &city.code, true).await?;

    progress.stage("党组织", plan.orgs.len() as u64);
    let placed: Vec<_> = plan.orgs.iter().map(|o| &o.placed).collect();
    for chunk in placed.chunks(BATCH) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|p| jiceng_store::orgs::PlacedOrg {
                id: p.id,
                parent_id: p.parent_id,
                path: p.path.clone(),
                fields: p.fields.clone(),
            })
            .collect();
        orgs::insert_placed(&mut tx, &rows).await?;
        progress.advance(chunk.len() as u64);
    }
    units::insert_many(&mut tx, &plan.units).await?;

    let total_members: u64 = plan.orgs.iter().map(|o| o.quota).sum();
    progress.stage("党员", total_members);
    let (members, seats, regs, first_grid_member) =
        load_members(&mut tx, &plan, &mut rng, today, progress).await?;

    progress.stage("委员会与双报到", (seats.len() + regs.len()) as u64);
    committee::insert_many(&mut tx, &seats).await?;
    progress.advance(seats.len() as u64);
    registrations::insert_many(&mut tx, &regs).await?;
    progress.advance(regs.len() as u64);

    let departments = departments::load(&mut tx).await?;
    let (password, accounts) = demo_accounts(
        &mut tx,
        &plan,
        first_grid_member,
        departments.first().copied(),
    )
    .await?;

    progress.stage("统计", 1);
    orgs::recount(&mut tx).await?;
    let meetings = orglife::load(&mut tx, &mut rng, today, progress).await?;
    jiceng_store::orglife::recount_months(&mut tx).await?;
    let points_entries = points::load(&mut tx, &mut rng, today).await?;
    let evaluations = evaluations::load(&mut tx, today).await?;
    let commitments = cobuilding::load(&mut tx, &mut rng, today).await?;
    let service_records = service::load(&mut tx, &mut rng, today).await?;
    let wishes = wishes::load(&mut tx, &mut rng, today).await?;
    progress.stage("网格与案件", 1);
    let loaded = cases::load(&mut tx, &mut rng, &plan, &departments, today).await?;
    progress.advance(1);
    // Needs, resources and positions stand at the mapped buildings, which the grids bring.
    progress.stage("需求、资源与项目", 1);
    let lists = lists::load(&mut tx, &mut rng, today, spec.scale).await?;
    positions::load(&mut tx, &mut rng).await?;
    // Volunteers serve from the positions: their activities are held there.
    let (volunteers, _teams, activities, signups) =
        volunteers::load(&mut tx, &mut rng, today).await?;
    // Units and street centres open rooms to the communities around them.
    bookings::load(&mut tx, &mut rng, today).await?;
    progress.advance(1);
    // A demo is tried without an authenticator app: its administrators sign in with the
    // password alone. A deployment's default asks them for a second factor.
    let policy = jiceng_domain::passwords::PasswordPolicy {
        second_factor_for_admins: false,
        ..Default::default()
    };
    jiceng_store::assessment::set_setting(
        &mut tx,
        "password_policy",
        &serde_json::to_string(&policy).expect("a policy serialises"),
    )
    .await?;
    tx.sync_ids(&[
        "orgs",
        "units",
        "members",
        "users",
        "meetings",
        "points_entries",
        "grids",
        "cases",
        "agreements",
    ])
    .await?;
    let summary = DemoSummary {
        city: city.name.clone(),
        city_code: city.code.to_string(),
        streets: plan.streets.len(),
        communities: plan.communities.iter().map(Vec::len).sum(),
        orgs: plan.orgs.len(),
        units: plan.units.len(),
        members,
        committee_seats: seats.len(),
        registrations: regs.len(),
        meetings,
        points_entries,
        evaluations,
        commitments,
        service_records,
        wishes,
        needs: lists.needs,
        resources: lists.resources,
        projects: lists.projects,
        errands: lists.errands,
        volunteers,
        activities,
        signups,
        grids: loaded.grids,
        cases: loaded.cases,
        accounts,
        password,
        seconds: 0.0,
    };
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "demo.build",
            target: &format!("division:{}", city.code),
            path: None,
            before: None,
            after: serde_json::to_string(
                &serde_json::json!({"scale": spec.scale, "seed": spec.seed, "summary": &summary}),
            )
            .ok(),
        },
    )
    .await?;
    tx.commit().await?;
    let mut tx = db.write().await?;
    tx.analyze().await?;
    tx.commit().await?;
    // The points of this year and last, kept before anyone ranks them.
    let year = chrono::Datelike::year(&today);
    for (scheme, y) in [("accrual", year), ("accrual", year - 1), ("twelve", year)] {
        jiceng_ops::points::keep(db, actor, scheme, &y.to_string()).await?;
    }
    // Every open need's suggested resources, as the hourly refresh keeps them.
    jiceng_ops::matching::refresh::all(db, actor).await?;
    progress.advance(1);
    Ok(DemoSummary {
        seconds: started.elapsed().as_secs_f64(),
        ..summary
    })
}

/// Generates and inserts every org's members in batches, and returns the committee seats and
/// registrations that refer to them.
async fn load_members(
    tx: &mut jiceng_store::Tx,
    plan: &Plan,
    rng: &mut Rng,
    today: chrono::NaiveDate,
    progress: &dyn Progress,
) -> Result<(u64, Vec<SeatFields>, Vec<NewRegistration>, Option<i64>), OpsError> {
    let mut people = People::new(today);
    let mut batch: Vec<(i64, i64, &str, MemberFields)> = Vec::with_capacity(BATCH);
    let mut seats = Vec::new();
    let mut regs = Vec::new();
    let mut next_id = 1i64;
    let first_grid = plan
        .orgs
        .iter()
        .find(|o| o.kind == Kind::Grid)
        .map(|o| o.placed.id);
    let mut first_grid_member = None;
    let all_communities: Vec<&str> = plan
        .communities
        .iter()
        .flatten()
        .map(|d| d.code.as_str())
        .collect();
    for org in &plan.orgs {
        let side = if org.kind == Kind::Unit {
            Side::Unit
        } else {
            Side::Regional
        };
        let home = org.community.as_deref();
        let mut first: Vec<(i64, String)> = Vec::new();
        for _ in 0..org.quota {
            // Unit staff mostly live in the street where the unit sits.
            let residence = match (side, home) {
                (Side::Regional, Some(h)) => h,
                (_, Some(h)) if rng.chance(0.6) => {
                    let street = &plan.communities[org.street];
                    if street.is_empty() {
                        h
                    } else {
                        rng.pick(street).code.as_str()
                    }
                }
                _ => rng.pick(&all_communities),
            };
            let m = people.member(rng, side, residence, org.unit_id);
            let id = next_id;
            next_id += 1;
            if first.len() < 3 {
                first.push((id, m.name.clone()));
            }
            if Some(org.placed.id) == first_grid && first_grid_member.is_none() {
                first_grid_member = Some(id);
            }
            if side == Side::Unit
                && Categories(m.categories).contains(Category::Employed)
                && rng.chance(0.6)
                && let Some(&community_org_id) = plan.community_org.get(residence)
            {
                let back = Days::new(rng.range(20, 1500) as u64);
                regs.push(NewRegistration {
                    community_org_id,
                    member_id: Some(id),
                    unit_id: None,
                    registered_on: (today - back).max(m.joined_on),
                });
            }
            batch.push((id, org.placed.id, org.placed.path.as_str(), m));
            if batch.len() == BATCH {
                members::insert_many(tx, &batch).await?;
                progress.advance(batch.len() as u64);
                batch.clear();
            }
        }
        seats.extend(committee_of(rng, plan, org, &first));
        if let Some(unit_id) = org.unit_id
            && let Some(community) = org.community.as_deref()
            && let Some(&community_org_id) = plan.community_org.get(community)
            && rng.chance(0.9)
        {
            regs.push(NewRegistration {
                community_org_id,
                member_id: None,
                unit_id: Some(unit_id),
                registered_on: today - Days::new(rng.range(30, 1800) as u64),
            });
        }
    }
    members::insert_many(tx, &batch).await?;
    progress.advance(batch.len() as u64);
    Ok(((next_id - 1) as u64, seats, regs, first_grid_member))
}

/// An org's committee: its first members take the seats where it has members, generated
/// people otherwise; communities and streets add part-time members from their units.
fn committee_of(
    rng: &mut Rng,
    plan: &Plan,
    org: &tree::PlanOrg,
    members: &[(i64, String)],
) -> Vec<SeatFields> {
    let positions: &[&str] = match org.kind {
        Kind::District => &[
            "secretary",
            "deputy",
            "deputy",
            "member",
            "member",
            "member",
            "member",
        ],
        Kind::Street | Kind::Community => &["secretary", "deputy", "member", "member", "member"],
        Kind::Grid | Kind::Compound | Kind::Temporary | Kind::Unit => {
            &["secretary", "member", "member"]
        }
        Kind::Group | Kind::Household => &[],
    };
    let since = org
        .placed
        .fields
        .elected_on
        .or(org.placed.fields.founded_on);
    let mut seats: Vec<SeatFields> = positions
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (member_id, name) = match members.get(i) {
                Some((id, name)) => (Some(*id), name.clone()),
                None => {
                    let male = rng.chance(0.6);
                    (None, names::person(rng, male))
                }
            };
            SeatFields {
                org_id: org.placed.id,
                position: CommitteePosition::parse(p).expect("the demo's positions"),
                name,
                member_id,
                unit_id: None,
                part_time: false,
                since,
            }
        })
        .collect();
    let part_time = match org.kind {
        Kind::Community => rng.range(3, 7) as usize,
        Kind::Street => rng.range(2, 4) as usize,
        _ => 0,
    };
    let pool: Vec<i64> = match (org.kind, org.community.as_deref()) {
        (Kind::Community, Some(c)) => plan.units_by_community.get(c).cloned().unwrap_or_default(),
        (Kind::Street, _) => plan.communities[org.street]
            .iter()
            .flat_map(|c| {
                plan.units_by_community
                    .get(c.code.as_str())
                    .cloned()
                    .unwrap_or_default()
            })
            .collect(),
        _ => Vec::new(),
    };
    for unit_id in pool.into_iter().take(part_time) {
        seats.push(SeatFields {
            org_id: org.placed.id,
            position: CommitteePosition::Member,
            name: {
                let male = rng.chance(0.6);
                names::person(rng, male)
            },
            member_id: None,
            unit_id: Some(unit_id),
            part_time: true,
            since,
        });
    }
    seats
}

/// One account per role on the first street, community, grid, unit and member of the city,
/// sharing one random password that the summary shows once.
async fn demo_accounts(
    tx: &mut jiceng_store::Tx,
    plan: &Plan,
    member: Option<i64>,
    department: Option<i64>,
) -> Result<(String, Vec<DemoAccount>), OpsError> {
    // Upper and lower case, digits and a symbol, as the default password policy asks.
    let password = format!("Jc-{}8", jiceng_ops::accounts::secret(5));
    let hash = jiceng_ops::accounts::hash_password(&password)?;
    let first = |kind: Kind| plan.orgs.iter().find(|o| o.kind == kind);
    let street = first(Kind::Street);
    let community = first(Kind::Community);
    let grid = first(Kind::Grid);
    // The liaison's unit sits in the community whose secretary and worker sign in, so the
    // demo's co-building, needs and resources meet in one place.
    let unit = plan
        .orgs
        .iter()
        .find(|o| {
            o.kind == Kind::Unit
                && o.community.is_some()
                && o.community == community.and_then(|c| c.community.clone())
        })
        .or_else(|| first(Kind::Unit));
    let member_org = grid;
    // (username, role, scope org, member, unit)
    type Spec<'a> = (
        &'a str,
        Role,
        Option<&'a tree::PlanOrg>,
        Option<i64>,
        Option<i64>,
    );
    let specs: [Spec; 8] = [
        ("admin", Role::DistrictAdmin, None, None, None),
        ("street", Role::StreetAdmin, street, None, None),
        ("secretary", Role::CommunitySecretary, community, None, None),
        ("worker", Role::CommunityWorker, community, None, None),
        ("grid", Role::GridWorker, grid, None, None),
        ("handler", Role::DepartmentHandler, street, None, None),
        (
            "liaison",
            Role::UnitLiaison,
            unit,
            None,
            unit.and_then(|u| u.unit_id),
        ),
        ("member", Role::Member, member_org, member, None),
    ];
    let mut accounts = Vec::new();
    for (username, role, scope, member_id, unit_id) in specs {
        if (role != Role::DistrictAdmin && scope.is_none())
            || (role == Role::Member && member_id.is_none())
        {
            continue;
        }
        accounts::insert(
            tx,
            &NewUserRow {
                username: username.into(),
                display_name: format!("演示{}", role.label()),
                password_hash: hash.clone(),
                role,
                scope_org_id: scope.map(|o| o.placed.id),
                member_id,
                unit_id,
                department_id: (role == Role::DepartmentHandler)
                    .then_some(department)
                    .flatten(),
                must_change: false,
                granted: true,
            },
        )
        .await?;
        accounts.push(DemoAccount {
            username: username.into(),
            role: role.label(),
            scope: scope.map_or_else(|| "全域".to_string(), |o| o.placed.fields.name.clone()),
        });
    }
    Ok((password, accounts))
}
