//! The demo city's grids and a year of cases. Grids tile each community's square on a
//! lattice around Putian, with their buildings and the community's units mapped inside; cases arrive in every grid through the year and go round the loop
//! with realistic timing: most on time, some late, some returned, reworked or whistled to
//! two departments, recent ones still open. The counts behind the rates come from the same
//! accounting the live moves use.

use super::rng::Rng;
use super::tree::{Kind, Plan};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use jiceng_domain::DivisionCode;
use jiceng_domain::cases::{
    self as domain, Action, Calendar, Classification, Satisfaction, Urgency,
};
use jiceng_domain::clock;
use jiceng_domain::grids::{GridCode, PlaceKind};
use jiceng_ops::OpsError;
use jiceng_ops::cases::stats::accounting;
use jiceng_store::Tx;
use jiceng_store::cases::{self as store, CaseRow, Delta, NewGrid, StepSeed, SummonsSeed};
use jiceng_store::places::NewPlace;
use std::collections::HashMap;

/// Cases a grid takes in per month, on average.
const PER_GRID_MONTH: u64 = 6;

/// Which department handles a top-level category (by index into the demo's departments).
fn department_for(top: &str, rng: &mut Rng) -> usize {
    match top {
        "environment" => 0,
        "facilities" => *rng.pick(&[1usize, 11]),
        "utilities" => *rng.pick(&[5usize, 6, 7]),
        "property" => 1,
        "safety" => 3,
        _ => *rng.pick(&[8usize, 9, 10]),
    }
}

pub struct Loaded {
    pub grids: usize,
    pub cases: usize,
}

struct Grid {
    id: i64,
    community_org_id: i64,
    street_org_id: Option<i64>,
    path: String,
    rect: (f64, f64, f64, f64),
}

/// Draws the grids and generates the cases up to `today`.
pub async fn load(
    tx: &mut Tx,
    rng: &mut Rng,
    plan: &Plan,
    departments: &[i64],
    today: NaiveDate,
) -> Result<Loaded, OpsError> {
    let grids = draw_grids(tx, rng, plan).await?;
    let classification = Classification::standard();
    let calendar = Calendar::default();
    let leaves = leaves(&classification);
    let (start, now) = year_before(today);
    let mut cases: Vec<CaseRow> = Vec::new();
    let mut steps: Vec<StepSeed> = Vec::new();
    let mut summons: Vec<SummonsSeed> = Vec::new();
    let mut counts: HashMap<Key, Delta> = HashMap::new();
    let per_grid = PER_GRID_MONTH * 12;
    let mut total = 0i64;
    for g in &grids {
        // Written a batch at a time, so memory stays flat whatever the scale.
        if cases.len() >= FLUSH {
            flush(tx, &mut cases, &mut steps, &mut summons).await?;
        }
        let n = per_grid / 2 + rng.below(per_grid);
        for _ in 0..n {
            total += 1;
            let id = total;
            let received = start + Duration::minutes(rng.below(365 * 24 * 60) as i64);
            let (leaf, top) = *rng.pick(&leaves);
            let urgency = *rng.weighted(&[
                (Urgency::Normal, 85),
                (Urgency::Urgent, 10),
                (Urgency::Emergency, 5),
            ]);
            let mut sim = Sim {
                c: new_case(id, g, leaf, top, urgency, received, rng),
                steps: &mut steps,
                counts: &mut counts,
                now,
                summoned: Vec::new(),
            };
            sim.run(rng, &classification, &calendar, departments, &mut summons);
            cases.push(sim.c);
        }
    }
    flush(tx, &mut cases, &mut steps, &mut summons).await?;
    for ((month, street, dept, top, shared), d) in &counts {
        store::bump(tx, *shared, *month, *street, *dept, top, d).await?;
    }
    store::category_uses::recount(tx).await?;
    Ok(Loaded {
        grids: grids.len(),
        cases: total as usize,
    })
}

/// Cases generated before a batch is written.
const FLUSH: usize = 20_000;

async fn flush(
    tx: &mut Tx,
    cases: &mut Vec<CaseRow>,
    steps: &mut Vec<StepSeed>,
    summons: &mut Vec<SummonsSeed>,
) -> Result<(), OpsError> {
    store::insert_many(tx, cases).await?;
    store::add_steps(tx, steps).await?;
    store::add_summons(tx, summons).await?;
    cases.clear();
    steps.clear();
    summons.clear();
    Ok(())
}

/// (min lon, min lat, max lon, max lat)
type Rect = (f64, f64, f64, f64);

/// (grid, kind, name, point, households, unit)
type PlaceSeed = (i64, &'static str, String, (f64, f64), i64, Option<i64>);

/// (id, code, name, community org, branch org, GeoJSON, bounding box, households, buildings)
type GridSeed = (
    i64,
    String,
    String,
    i64,
    i64,
    String,
    (f64, f64, f64, f64),
    i64,
    i64,
);

async fn draw_grids(tx: &mut Tx, rng: &mut Rng, plan: &Plan) -> Result<Vec<Grid>, OpsError> {
    let communities: Vec<_> = plan
        .orgs
        .iter()
        .filter(|o| o.kind == Kind::Community)
        .collect();
    let width = (communities.len() as f64).sqrt().ceil().max(1.0) as usize;
    let mut out = Vec::new();
    let mut rows: Vec<GridSeed> = Vec::new();
    let mut places: Vec<PlaceSeed> = Vec::new();
    let mut by_community: HashMap<&str, Vec<(i64, Rect)>> = HashMap::new();
    for (i, c) in communities.iter().enumerate() {
        let Some(code) = c.community.as_deref() else {
            continue;
        };
        let Ok(division) = DivisionCode::parse(code) else {
            continue;
        };
        let branches: Vec<_> = plan
            .orgs
            .iter()
            .filter(|o| o.kind == Kind::Grid && o.placed.path.starts_with(&c.placed.path))
            .collect();
        let (x0, y0) = (
            118.95 + (i % width) as f64 * 0.012,
            25.38 + (i / width) as f64 * 0.012,
        );
        let k = branches.len().max(1);
        let strip = 0.01 / k as f64;
        for (j, b) in branches.iter().enumerate() {
            let Ok(gcode) = GridCode::new(&division, j as u32 + 1) else {
                continue;
            };
            let rect = (
                x0 + j as f64 * strip,
                y0,
                x0 + (j + 1) as f64 * strip,
                y0 + 0.01,
            );
            let geometry = serde_json::json!({ "type": "Polygon", "coordinates": [[
                [rect.0, rect.1], [rect.2, rect.1], [rect.2, rect.3], [rect.0, rect.3], [rect.0, rect.1]]] })
            .to_string();
            let id = rows.len() as i64 + 1;
            let buildings = 5 + rng.below(20) as i64;
            let mut households = 0;
            for n in 0..buildings {
                let h = 8 + rng.below(40) as i64;
                households += h;
                places.push((
                    id,
                    "building",
                    format!("{}号楼", n + 1),
                    inside(rect, rng),
                    h,
                    None,
                ));
            }
            by_community.entry(code).or_default().push((id, rect));
            rows.push((
                id,
                gcode.to_string(),
                format!(
                    "{}第{}网格",
                    c.placed
                        .fields
                        .name
                        .trim_start_matches("中共")
                        .trim_end_matches("委员会"),
                    j + 1
                ),
                c.placed.id,
                b.placed.id,
                geometry,
                rect,
                households,
                buildings,
            ));
            out.push(Grid {
                id,
                community_org_id: c.placed.id,
                street_org_id: c.placed.parent_id,
                path: c.placed.path.clone(),
                rect,
            });
        }
    }
    let seeds: Vec<(i64, NewGrid<'_>)> = rows
        .iter()
        .map(
            |(id, code, name, community, branch, geometry, rect, households, buildings)| {
                (
                    *id,
                    NewGrid {
                        code,
                        name,
                        community_org_id: *community,
                        branch_org_id: Some(*branch),
                        geometry,
                        bbox: *rect,
                        households: *households,
                        buildings: *buildings,
                    },
                )
            },
        )
        .collect();
    store::add_grids(tx, &seeds).await?;
    for (unit, fields) in &plan.units {
        if let Some(grids) = by_community.get(fields.division_code.as_str()) {
            let (grid, rect) = *rng.pick(grids);
            places.push((
                grid,
                "unit",
                fields.name.clone(),
                inside(rect, rng),
                0,
                Some(*unit),
            ));
        }
    }
    let places: Vec<NewPlace<'_>> = places
        .iter()
        .map(
            |(grid_id, kind, name, (lon, lat), households, unit_id)| NewPlace {
                grid_id: *grid_id,
                kind: PlaceKind::parse(kind).expect("the demo's place kinds"),
                name,
                lon: *lon,
                lat: *lat,
                households: *households,
                unit_id: *unit_id,
            },
        )
        .collect();
    jiceng_store::places::add_counted(tx, &places).await?;
    // Each grid's team: a leader, a full-time worker, and a part-time one in every other grid.
    for g in &out {
        let roles: &[&str] = if g.id % 2 == 0 {
            &["leader", "full_time", "part_time"]
        } else {
            &["leader", "full_time"]
        };
        for role in roles {
            let male = rng.chance(0.5);
            let name = super::names::person(rng, male);
            let phone = format!("139{:08}", rng.below(100_000_000));
            store::add_team_member(tx, g.id, role, &name, Some(&phone), None).await?;
        }
    }
    Ok(out)
}

/// A point inside a rectangle, off its edges.
fn inside((x0, y0, x1, y1): Rect, rng: &mut Rng) -> (f64, f64) {
    let at = |a: f64, b: f64, r: &mut Rng| a + (b - a) * (50.0 + r.below(900) as f64) / 1000.0;
    (at(x0, x1, rng), at(y0, y1, rng))
}

/// Every 小类 with its 大类.
fn leaves(c: &Classification) -> Vec<(&str, &str)> {
    c.categories
        .iter()
        .filter_map(|x| x.parent.as_deref().map(|p| (x.code.as_str(), p)))
        .collect()
}

/// The year of cases a city gets: up to 10:00 on `today` (or now, if earlier).
fn year_before(today: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let now = clock::from_local(today.and_hms_opt(10, 0, 0).expect("valid")).min(clock::now());
    (now - Duration::days(365), now)
}

fn new_case(
    id: i64,
    g: &Grid,
    leaf: &str,
    top: &str,
    urgency: Urgency,
    received: DateTime<Utc>,
    rng: &mut Rng,
) -> CaseRow {
    let (x0, y0, x1, y1) = g.rect;
    let at = |a: f64, b: f64, r: &mut Rng| a + (b - a) * (r.below(1000) as f64 + 0.5) / 1000.0;
    let channel = *rng.weighted(&[
        (domain::Channel::Hotline, 50),
        (domain::Channel::GridWorker, 30),
        (domain::Channel::Web, 15),
        (domain::Channel::WalkIn, 5),
    ]);
    let title = TITLES
        .iter()
        .find(|(c, _)| *c == leaf)
        .map_or("群众反映问题", |(_, t)| t);
    CaseRow {
        id,
        code: format!("D{:08}", id),
        channel,
        category: Some(leaf.into()),
        category_top: Some(top.into()),
        urgency,
        status: domain::CaseStatus::Registered,
        title: title.to_string(),
        lon: Some(at(x0, x1, rng)),
        lat: Some(at(y0, y1, rng)),
        routed: domain::Routing::Grid,
        grid_id: Some(g.id),
        community_org_id: Some(g.community_org_id),
        street_org_id: g.street_org_id,
        district_org_id: jiceng_domain::OrgPath(g.path.clone())
            .ids()
            .first()
            .copied(),
        org_path: g.path.clone(),
        reporter_phone: Some(format!("139{:08}", rng.below(100_000_000))),
        received_at: received,
        registered_at: Some(received),
        created_by: "demo".into(),
        ..CaseRow::default()
    }
}

const TITLES: [(&str, &str); 16] = [
    ("garbage", "小区垃圾未及时清运"),
    ("illegal_building", "楼顶违章搭建"),
    ("occupation", "商铺占道经营"),
    ("road", "路面坑洼破损"),
    ("streetlight", "路灯不亮"),
    ("manhole", "井盖缺失"),
    ("water", "小区停水"),
    ("power", "楼栋停电"),
    ("gas", "燃气管道异味"),
    ("property_service", "物业服务不到位"),
    ("elevator", "电梯故障停运"),
    ("dispute", "邻里噪音纠纷"),
    ("hazard", "楼道堆放杂物"),
    ("elderly", "独居老人需要帮扶"),
    ("social_security", "医保报销咨询"),
    ("other", "其他诉求"),
];

/// A row of the counts: month, street, department, category and whether it is a summoned
/// department's share.
type Key = (i64, i64, i64, String, bool);

/// One case going round the loop in generated time; stops at the first move after `now`.
struct Sim<'a> {
    c: CaseRow,
    steps: &'a mut Vec<StepSeed>,
    counts: &'a mut HashMap<Key, Delta>,
    now: DateTime<Utc>,
    /// The departments a whistle summoned to the case.
    summoned: Vec<i64>,
}

impl Sim<'_> {
    /// Makes `action` at `at` if it is not in the future; `change` sets the row's fields.
    fn step(
        &mut self,
        action: Action,
        at: DateTime<Utc>,
        dept: Option<i64>,
        change: impl FnOnce(&mut CaseRow),
    ) -> bool {
        self.step_summoning(action, at, dept, &[], change)
    }

    /// As [`Sim::step`], summoning `summon` by a whistle in the same move.
    fn step_summoning(
        &mut self,
        action: Action,
        at: DateTime<Utc>,
        dept: Option<i64>,
        summon: &[i64],
        change: impl FnOnce(&mut CaseRow),
    ) -> bool {
        if at > self.now {
            return false;
        }
        let before = self.c.clone();
        change(&mut self.c);
        let state = domain::State {
            status: before.status,
            suspended_from: None,
            extension_pending: before.extension_pending,
            extensions: before.extensions as u32,
            supervision: None,
            satisfaction: None,
        };
        let after = domain::next(&state, action, 1).expect("the demo follows the loop");
        self.c.status = after.status;
        self.c.extension_pending = after.extension_pending;
        self.c.extensions = i64::from(after.extensions);
        self.c.satisfaction = after.satisfaction;
        let was = self.summoned.clone();
        self.summoned.extend_from_slice(summon);
        let month = jiceng_ops::cases::intake::month_of(&self.c);
        for b in accounting(action, &before, &self.c, dept, (&was, &self.summoned), at) {
            let key = (
                month,
                self.c.street_org_id.unwrap_or(0),
                b.department,
                self.c.category_top.clone().unwrap_or_default(),
                b.shared,
            );
            *self.counts.entry(key).or_default() += b.delta;
        }
        self.steps
            .push((self.c.id, action.code(), "demo".into(), at, None, dept));
        true
    }

    fn run(
        &mut self,
        rng: &mut Rng,
        cl: &Classification,
        cal: &Calendar,
        departments: &[i64],
        summons: &mut Vec<SummonsSeed>,
    ) {
        let t0 = self.c.received_at;
        self.steps
            .push((self.c.id, "intake", "demo".into(), t0, None, None));
        self.steps
            .push((self.c.id, "register", "demo".into(), t0, None, None));
        let d = self.counts.entry((
            jiceng_ops::cases::intake::month_of(&self.c),
            self.c.street_org_id.unwrap_or(0),
            0,
            self.c.category_top.clone().unwrap_or_default(),
            false,
        ));
        d.or_default().received += 1;
        let top = self.c.category_top.clone().unwrap_or_default();
        let urgency = self.c.urgency;
        let limit = cl
            .limit_for(self.c.category.as_deref().unwrap_or_default(), urgency)
            .expect("standard");
        let minutes = |lo: i64, hi: i64, r: &mut Rng| Duration::minutes(r.range(lo, hi));
        let mut dept =
            (!rng.chance(0.35)).then(|| departments[department_for(&top, rng) % departments.len()]);
        let mut t = t0 + minutes(5, 120, rng);
        // Some dispatches whistle a second department along with the first.
        let whistled = dept
            .filter(|_| rng.chance(0.06))
            .map(|lead| {
                (
                    lead,
                    departments[rng.below(departments.len() as u64) as usize],
                )
            })
            .filter(|(lead, other)| lead != other);
        let dispatch = |sim: &mut Sim, t: DateTime<Utc>, d: Option<i64>, summon: &[i64]| {
            let due = domain::deadline(cal, clock::local(t), limit, 0);
            sim.step_summoning(Action::Dispatch, t, d, summon, |c| {
                c.department_id = d;
                c.dispatched_at = Some(t);
                c.response_due_at = Some(t + Duration::minutes(i64::from(cl.response_minutes)));
                c.due_at = Some(clock::from_local(due));
            })
        };
        let summon: Vec<i64> = whistled.map_or(vec![], |(lead, other)| vec![lead, other]);
        if !dispatch(self, t, dept, &summon) {
            return;
        }
        let due = t + Duration::minutes(i64::from(cl.report_minutes));
        for d in summon {
            let rep = t + minutes(5, 45, rng);
            let reported = (rep <= self.now).then_some(rep);
            summons.push((self.c.id, d, t, due, reported, self.c.received_at));
            if let Some(r) = reported {
                self.steps
                    .push((self.c.id, "report", "demo".into(), r, None, Some(d)));
            }
        }
        if dept.is_some() && rng.chance(0.04) {
            t += minutes(30, 200, rng);
            let returning = dept;
            if !self.step(Action::Return, t, returning, |c| {
                c.returns += 1;
                c.department_id = None;
            }) {
                return;
            }
            dept = Some(departments[rng.below(departments.len() as u64) as usize]);
            t += minutes(10, 60, rng);
            if !dispatch(self, t, dept, &[]) {
                return;
            }
        }
        t += if rng.chance(0.9) {
            minutes(10, 100, rng)
        } else {
            minutes(130, 600, rng)
        };
        if !self.step(Action::Accept, t, dept, |c| c.responded_at = Some(t)) {
            return;
        }
        let due = self.c.due_at.expect("dispatched");
        let span = (due - self.c.dispatched_at.expect("dispatched"))
            .num_minutes()
            .max(60);
        let share = if rng.chance(0.85) {
            rng.range(10, 90)
        } else {
            rng.range(101, 150)
        };
        t = self.c.dispatched_at.expect("dispatched") + Duration::minutes(span * share / 100);
        if !self.step(Action::Feedback, t, dept, |c| c.feedback_at = Some(t)) {
            return;
        }
        if rng.chance(0.07) {
            t += minutes(60, 24 * 60, rng);
            if !self.step(Action::Verify { fixed: false }, t, None, |c| c.reworks += 1) {
                return;
            }
            t += minutes(60, 48 * 60, rng);
            if !self.step(Action::Feedback, t, dept, |c| c.feedback_at = Some(t)) {
                return;
            }
        }
        t += minutes(30, 24 * 60, rng);
        if !self.step(Action::Verify { fixed: true }, t, None, |c| {
            c.closed_at = Some(t)
        }) {
            return;
        }
        if rng.chance(0.8) {
            t += minutes(60, 72 * 60, rng);
            let s = *rng.weighted(&[
                (Satisfaction::Satisfied, 85),
                (Satisfaction::Basic, 10),
                (Satisfaction::Unsatisfied, 5),
            ]);
            self.step(Action::FollowUp(s), t, None, |_| {});
        }
    }
}

/// Adds `count` more cases to a built city, spread over the year before `today`, in the
/// demo's grids and with the demo's timing, for benchmarks at volumes beyond the demo's.
/// Their steps are not written (the rates never read them); rows, summons and the counts
/// behind the rates are. Returns how many were written.
pub async fn add_cases(
    db: &jiceng_store::Db,
    count: u64,
    seed: u64,
    today: NaiveDate,
    progress: &dyn super::Progress,
) -> Result<u64, OpsError> {
    let mut rng = Rng::new(seed);
    let (grids, departments, mut next_id) = {
        let mut tx = db.read().await?;
        let mut grids = Vec::new();
        for g in store::grids_within(&mut tx, "/").await? {
            let poly = jiceng_ops::grids::parse_geometry(&g.geometry)?;
            let community = jiceng_store::orgs::by_id(&mut tx, g.community_org_id)
                .await?
                .ok_or_else(|| OpsError::not_found("党组织", g.community_org_id))?;
            grids.push(Grid {
                id: g.id,
                community_org_id: g.community_org_id,
                street_org_id: community.parent_id,
                path: community.path,
                rect: poly.bbox(),
            });
        }
        let departments: Vec<i64> = store::departments(&mut tx)
            .await?
            .iter()
            .map(|d| d.id)
            .collect();
        (grids, departments, store::max_id(&mut tx).await? + 1)
    };
    if grids.is_empty() || departments.is_empty() {
        return Err(OpsError::not_found("网格", "（请先运行 jiceng demo）"));
    }
    let classification = Classification::standard();
    let calendar = Calendar::default();
    let leaves = leaves(&classification);
    let (start, now) = year_before(today);
    progress.stage("案件", count);
    let mut written = 0u64;
    while written < count {
        let n = (count - written).min(20_000);
        let mut cases = Vec::with_capacity(n as usize);
        let mut steps: Vec<StepSeed> = Vec::new();
        let mut summons: Vec<SummonsSeed> = Vec::new();
        let mut counts: HashMap<Key, Delta> = HashMap::new();
        for _ in 0..n {
            let g = &grids[rng.below(grids.len() as u64) as usize];
            let received = start + Duration::minutes(rng.below(365 * 24 * 60) as i64);
            let (leaf, top) = *rng.pick(&leaves);
            let urgency = *rng.weighted(&[
                (Urgency::Normal, 85),
                (Urgency::Urgent, 10),
                (Urgency::Emergency, 5),
            ]);
            let mut c = new_case(next_id, g, leaf, top, urgency, received, &mut rng);
            c.code = format!("B{next_id:09}");
            next_id += 1;
            let mut sim = Sim {
                c,
                steps: &mut steps,
                counts: &mut counts,
                now,
                summoned: Vec::new(),
            };
            sim.run(
                &mut rng,
                &classification,
                &calendar,
                &departments,
                &mut summons,
            );
            cases.push(sim.c);
            steps.clear();
        }
        let mut uses: HashMap<&str, i64> = HashMap::new();
        for c in &cases {
            if let Some(k) = &c.category {
                *uses.entry(k).or_default() += 1;
            }
        }
        let mut tx = db.write().await?;
        store::insert_many(&mut tx, &cases).await?;
        store::add_summons(&mut tx, &summons).await?;
        for (category, n) in uses {
            store::category_uses::bump(&mut tx, category, n).await?;
        }
        for ((month, street, dept, top, shared), d) in &counts {
            store::bump(&mut tx, *shared, *month, *street, *dept, top, d).await?;
        }
        tx.sync_ids(&["cases"]).await?;
        tx.commit().await?;
        written += n;
        progress.advance(n);
    }
    // The planner's statistics, refreshed after a bulk load as after the demo's build: read
    // with the figures of an empty table, a grown one can be planned as a scan.
    let mut tx = db.write().await?;
    tx.analyze().await?;
    tx.commit().await?;
    Ok(written)
}
