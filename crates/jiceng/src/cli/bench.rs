//! `jiceng bench …`: latency of real operations over the current database, as the
//! benchmarks in BENCHMARKS.md quote them.

use super::output::Out;
use clap::Subcommand;
use jiceng_domain::clock;
use jiceng_ops::members::{self, ListMembers};
use jiceng_ops::orglife::compliance;
use jiceng_ops::orgs::{self, ListOrgs};
use jiceng_ops::{Actor, Db, OpsError};
use serde::Serialize;
use std::time::Instant;

#[derive(Subcommand)]
pub enum BenchCmd {
    /// One page of members within an org's subtree: the first page and pages after random
    /// members of the subtree.
    Members {
        /// The org whose subtree to page through (default: the largest district).
        #[arg(long)]
        within: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
        #[arg(long, default_value_t = 2000)]
        samples: usize,
    },
    /// Points: a ranking of every member of the largest district and of the whole city, and
    /// one member's ledger for members spread over the city.
    Points {
        #[arg(long, default_value = "accrual")]
        scheme: String,
        /// 2026 (default: last year).
        #[arg(long)]
        period: Option<String>,
        #[arg(long, default_value_t = 5)]
        samples: usize,
        #[arg(long, default_value_t = 500)]
        ledgers: usize,
        /// Meetings to record (held in the period, at branches and communities of the largest
        /// district) once the period is kept, timing what keeping it costs a write.
        #[arg(long, default_value_t = 0)]
        writes: usize,
    },
    /// 三会一课 compliance of every org in a scope for one period, computed afresh each time.
    Compliance {
        /// The org whose subtree to judge (default: the whole deployment).
        #[arg(long)]
        within: Option<String>,
        /// 2026, 2026-Q3 or 2026-07 (default: the last full quarter).
        #[arg(long)]
        period: Option<String>,
        #[arg(long, default_value_t = 10)]
        samples: usize,
    },
    /// The audit trail and the login log, grown by years of use, read by the whole
    /// deployment, the largest district and its largest and smallest street.
    Logs {
        #[arg(long, default_value_t = 0)]
        add_entries: u64,
        #[arg(long, default_value_t = 0)]
        add_logins: u64,
        #[arg(long, default_value_t = 20)]
        samples: usize,
    },
    /// The two-way evaluation pairs of last year (双向评价): pages 1 and 100 of the city and
    /// the largest district, all, one subject and pending; then `--writes` grades, withdrawals
    /// and registrations ended and begun again in that district.
    Evaluations {
        #[arg(long, default_value_t = 5)]
        samples: usize,
        #[arg(long, default_value_t = 0)]
        writes: usize,
    },
    /// The quarterly assessment of every org in a scope (default: the whole deployment, the
    /// last full quarter), computed afresh each time.
    Assessment {
        #[arg(long)]
        within: Option<String>,
        #[arg(long)]
        period: Option<String>,
        #[arg(long, default_value_t = 5)]
        samples: usize,
    },
    /// The rates (三率, on-time closure …) of the whole city over the last twelve months,
    /// broken down by street, by department and by category.
    Rates {
        /// First add this many generated cases to the city (for volumes beyond the demo's).
        #[arg(long)]
        add_cases: Option<u64>,
        #[arg(long, default_value_t = 200)]
        samples: usize,
    },
    /// The needs and resources lists: the needs list's first page, one need's suggestions,
    /// the full refresh of every open need's suggestions, and a resident's code check, with
    /// the city first grown by generated needs and resources.
    Lists {
        #[arg(long, default_value_t = 0)]
        add_needs: u64,
        #[arg(long, default_value_t = 0)]
        add_resources: u64,
        /// The share of added needs left open (the rest met).
        #[arg(long, default_value_t = 0.1)]
        open: f64,
        #[arg(long, default_value_t = 50)]
        samples: usize,
    },
    /// The service circle over a generated city in memory: coverage by positions, and the
    /// best new sites among every building.
    Circle {
        #[arg(long, default_value_t = 200_000)]
        buildings: usize,
        #[arg(long, default_value_t = 2_000)]
        positions: usize,
        #[arg(long, default_value_t = 5)]
        k: usize,
        #[arg(long, default_value_t = 20)]
        samples: usize,
    },
    /// Signing up for volunteer activities: each sign-up timed with `--clients` at once, then
    /// all `--people` at once for one activity of `--places` places.
    Signup {
        #[arg(long, default_value_t = 1000)]
        people: usize,
        #[arg(long, default_value_t = 100)]
        clients: usize,
        #[arg(long, default_value_t = 100)]
        places: i64,
    },
    /// The conflict check of a room booking over `--bookings` bookings in `--rooms` rooms.
    Bookings {
        #[arg(long, default_value_t = 100_000)]
        bookings: u64,
        #[arg(long, default_value_t = 100)]
        rooms: usize,
        #[arg(long, default_value_t = 500)]
        samples: usize,
    },
    /// The dispatcher's desk (first and 100th page; city and one street; with and without a
    /// status filter), with the city grown by generated cases to each total of `--steps`.
    Cases {
        /// Totals of cases to grow the city to, measuring at each: 10000,100000,1000000.
        #[arg(long, value_delimiter = ',')]
        steps: Vec<u64>,
        #[arg(long, default_value_t = 50)]
        samples: usize,
    },
}

#[derive(Serialize)]
struct Latency {
    operation: String,
    within: String,
    subtree_members: i64,
    samples: usize,
    p50_ms: f64,
    p95_ms: f64,
    p99_ms: f64,
    max_ms: f64,
}

pub(super) fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

pub async fn run(db: &Db, actor: &Actor, cmd: BenchCmd, out: &Out) -> Result<(), OpsError> {
    let (within, limit, samples) = match cmd {
        BenchCmd::Members {
            within,
            limit,
            samples,
        } => (within, limit, samples),
        BenchCmd::Compliance {
            within,
            period,
            samples,
        } => return compliance(db, actor, within, period, samples, out).await,
        BenchCmd::Circle {
            buildings,
            positions,
            k,
            samples,
        } => return super::bench_circle::run((buildings, positions, k), samples, out),
        BenchCmd::Lists {
            add_needs,
            add_resources,
            open,
            samples,
        } => {
            return super::bench_lists::run(
                db,
                actor,
                (add_needs, add_resources, open),
                samples,
                out,
            )
            .await;
        }
        BenchCmd::Points {
            scheme,
            period,
            samples,
            ledgers,
            writes,
        } => return points(db, actor, &scheme, period, (samples, ledgers, writes), out).await,
        BenchCmd::Logs {
            add_entries,
            add_logins,
            samples,
        } => {
            return super::bench_logs::run(db, actor, (add_entries, add_logins), samples, out)
                .await;
        }
        BenchCmd::Evaluations { samples, writes } => {
            return super::bench_evaluations::run(db, actor, samples, writes, out).await;
        }
        BenchCmd::Assessment {
            within,
            period,
            samples,
        } => return assessment(db, actor, within, period, samples, out).await,
        BenchCmd::Rates { add_cases, samples } => {
            return rates(db, actor, add_cases, samples, out).await;
        }
        BenchCmd::Signup {
            people,
            clients,
            places,
        } => return super::bench_signup::run(db, actor, (people, clients, places), out).await,
        BenchCmd::Bookings {
            bookings,
            rooms,
            samples,
        } => return super::bench_bookings::run(db, actor, (rooms, bookings), samples, out).await,
        BenchCmd::Cases { steps, samples } => {
            return super::bench_cases::run(db, actor, steps, samples, out).await;
        }
    };
    let targets = match within {
        Some(c) => {
            let total = orgs::show(db, actor, &c)
                .await?
                .org
                .row
                .subtree_member_count;
            vec![(Some(c), total)]
        }
        None => {
            let q = ListOrgs {
                level: Some("district".into()),
                per_page: Some(500),
                ..Default::default()
            };
            let districts = orgs::list(db, actor, q).await?.items;
            let city_total = districts.iter().map(|o| o.row.subtree_member_count).sum();
            let largest = districts
                .into_iter()
                .max_by_key(|o| o.row.subtree_member_count)
                .ok_or_else(|| OpsError::not_found("区县党委", "（空库，请先运行 jiceng demo）"))?;
            let total = largest.row.subtree_member_count;
            vec![(Some(largest.row.code), total), (None, city_total)]
        }
    };
    let mut results = Vec::new();
    for (target, total) in targets {
        results.push(measure(db, actor, target, total, limit, samples).await?);
    }
    out.show(&results, |rs| {
        rs.iter()
            .map(|r| {
                format!(
                    "{} 于 {}（{} 名党员），{} 次：p50 {:.2} ms，p95 {:.2} ms，p99 {:.2} ms，最大 {:.2} ms",
                    r.operation, r.within, r.subtree_members, r.samples, r.p50_ms, r.p95_ms, r.p99_ms, r.max_ms
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

/// Pages of `limit` members after cursors spread evenly over the subtree (the last member of
/// every 500-row page), plus the first page.
async fn measure(
    db: &Db,
    actor: &Actor,
    within: Option<String>,
    members_in: i64,
    limit: i64,
    samples: usize,
) -> Result<Latency, OpsError> {
    let label = match &within {
        Some(c) => {
            let o = orgs::show(db, actor, c).await?.org.row;
            format!("{} {}", o.code, o.name)
        }
        None => "全市".to_string(),
    };
    let mut cursors: Vec<Option<String>> = vec![None];
    while cursors.len() < samples {
        let after = cursors.last().cloned().flatten();
        let page = members::list(
            db,
            actor,
            ListMembers {
                within: within.clone(),
                after,
                limit: Some(500),
                ..Default::default()
            },
        )
        .await?;
        match page.next {
            Some(n) => cursors.push(Some(n)),
            None => break,
        }
    }
    let mut times = Vec::with_capacity(samples);
    for i in 0..samples {
        let after = cursors[i % cursors.len()].clone();
        let t = Instant::now();
        let page = members::list(
            db,
            actor,
            ListMembers {
                within: within.clone(),
                after,
                limit: Some(limit),
                ..Default::default()
            },
        )
        .await?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(page);
    }
    times.sort_by(f64::total_cmp);
    Ok(Latency {
        operation: format!("members::list, {limit} rows"),
        within: label,
        subtree_members: members_in,
        samples: times.len(),
        p50_ms: percentile(&times, 0.5),
        p95_ms: percentile(&times, 0.95),
        p99_ms: percentile(&times, 0.99),
        max_ms: percentile(&times, 1.0),
    })
}

#[derive(Serialize)]
struct ComplianceTiming {
    within: String,
    period: String,
    orgs: usize,
    meetings_held: i64,
    complying: usize,
    samples: usize,
    p50_ms: f64,
    max_ms: f64,
}

async fn compliance(
    db: &Db,
    actor: &Actor,
    within: Option<String>,
    period: Option<String>,
    samples: usize,
    out: &Out,
) -> Result<(), OpsError> {
    let period = period.unwrap_or_else(|| {
        let q = jiceng_domain::orglife::Period::quarter_of(clock::today()).previous();
        q.to_string()
    });
    let mut times = Vec::with_capacity(samples);
    let mut last = None;
    for _ in 0..samples.max(1) {
        let t = Instant::now();
        let r = compliance::report(db, actor, within.as_deref(), &period).await?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        last = Some(r);
    }
    times.sort_by(f64::total_cmp);
    let r = last.expect("at least one sample");
    let timing = ComplianceTiming {
        within: within.unwrap_or_else(|| "全市".into()),
        period,
        orgs: r.orgs.len(),
        meetings_held: r.orgs.iter().map(|o| o.held).sum(),
        complying: r.complying,
        samples: times.len(),
        p50_ms: percentile(&times, 0.5),
        max_ms: percentile(&times, 1.0),
    };
    out.show(&timing, |t| {
        format!(
            "compliance::report 于 {} {}：{} 个组织、{} 次会议、{} 个达标，{} 次：p50 {:.0} ms，最大 {:.0} ms",
            t.within, t.period, t.orgs, t.meetings_held, t.complying, t.samples, t.p50_ms, t.max_ms
        )
    });
    Ok(())
}

#[derive(Serialize)]
struct PointsTiming {
    operation: String,
    within: String,
    members: usize,
    samples: usize,
    p50_ms: f64,
    p95_ms: f64,
    max_ms: f64,
}

impl PointsTiming {
    /// The percentiles of `times` (ms, in any order); `None` when nothing was timed.
    fn of(operation: String, within: String, members: usize, mut times: Vec<f64>) -> Option<Self> {
        if times.is_empty() {
            return None;
        }
        times.sort_by(f64::total_cmp);
        Some(PointsTiming {
            operation,
            within,
            members,
            samples: times.len(),
            p50_ms: percentile(&times, 0.5),
            p95_ms: percentile(&times, 0.95),
            max_ms: percentile(&times, 1.0),
        })
    }
}

async fn points(
    db: &Db,
    actor: &Actor,
    scheme: &str,
    period: Option<String>,
    (samples, ledgers, writes): (usize, usize, usize),
    out: &Out,
) -> Result<(), OpsError> {
    use jiceng_ops::points::{self, RankingQuery};
    let period =
        period.unwrap_or_else(|| (chrono::Datelike::year(&clock::today()) - 1).to_string());
    let q = ListOrgs {
        level: Some("district".into()),
        per_page: Some(500),
        ..Default::default()
    };
    let largest = orgs::list(db, actor, q)
        .await?
        .items
        .into_iter()
        .max_by_key(|o| o.row.subtree_member_count)
        .ok_or_else(|| OpsError::not_found("区县党委", "（空库，请先运行 jiceng demo）"))?;
    let mut results = Vec::new();
    let ranking = |within: Option<String>, page: usize| {
        points::ranking(
            db,
            actor,
            RankingQuery {
                within,
                scheme: Some(scheme.into()),
                period: Some(period.clone()),
                page: Some(page),
                ..Default::default()
            },
        )
    };
    // The first ranking of a period keeps it: every member counted and written once. Later
    // runs find it kept and time only a read.
    let t = Instant::now();
    let first = ranking(None, 1).await?;
    results.extend(PointsTiming::of(
        format!("points::ranking {scheme} {period}, first (keeps the period)"),
        "全市".into(),
        first.members,
        vec![t.elapsed().as_secs_f64() * 1000.0],
    ));
    for within in [Some(largest.row.code.clone()), None] {
        for page in [1, 100] {
            let mut times = Vec::new();
            let mut members = 0;
            for _ in 0..samples.max(1) {
                let t = Instant::now();
                let r = ranking(within.clone(), page).await?;
                times.push(t.elapsed().as_secs_f64() * 1000.0);
                members = r.members;
            }
            results.extend(PointsTiming::of(
                format!("points::ranking {scheme} {period}, page {page}"),
                within
                    .as_ref()
                    .map_or("全市".into(), |c| format!("{c} {}", largest.row.name)),
                members,
                times,
            ));
        }
    }
    for level in ["branch", "community"] {
        if writes == 0 {
            break;
        }
        let q = ListOrgs {
            within: Some(largest.row.code.clone()),
            level: Some(level.into()),
            per_page: Some(writes as i64),
            ..Default::default()
        };
        let mut times = Vec::new();
        let mut members = 0;
        for org in orgs::list(db, actor, q).await?.items {
            let held_on = format!("{}-06-15", &period[..4]);
            let t = Instant::now();
            jiceng_ops::orglife::meetings::record(
                db,
                actor,
                jiceng_ops::orglife::meetings::NewMeeting {
                    org: Some(org.row.code.clone()),
                    kind: Some("themed_day".into()),
                    held_on: Some(held_on),
                    topic: Some("基准测试".into()),
                    ..Default::default()
                },
            )
            .await?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            members = members.max(org.row.subtree_member_count as usize);
        }
        results.extend(PointsTiming::of(
            format!("meetings::record at a {level}, {period} kept"),
            format!("{} {}", largest.row.code, largest.row.name),
            members,
            times,
        ));
    }
    // Ledgers of members spread over the city: the first of every page of 500.
    let mut ids = Vec::new();
    let mut after = None;
    while ids.len() < ledgers {
        let page = members::list(
            db,
            actor,
            ListMembers {
                after: after.clone(),
                limit: Some(500),
                ..Default::default()
            },
        )
        .await?;
        if let Some(m) = page.items.first() {
            ids.push(m.id);
        }
        match page.next {
            Some(n) => after = Some(n),
            None => break,
        }
    }
    let mut times = Vec::new();
    for id in &ids {
        let t = Instant::now();
        std::hint::black_box(points::ledger(db, actor, *id, scheme, Some(&period)).await?);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    results.extend(PointsTiming::of(
        format!("points::ledger {scheme} {period}"),
        "全市".into(),
        1,
        times,
    ));
    out.show(&results, |rs| {
        rs.iter()
            .map(|r| {
                format!(
                    "{} 于 {}（{} 名党员），{} 次：p50 {:.1} ms，p95 {:.1} ms，最大 {:.1} ms",
                    r.operation, r.within, r.members, r.samples, r.p50_ms, r.p95_ms, r.max_ms
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

#[derive(Serialize)]
struct RatesTiming {
    by: String,
    cases: i64,
    lines: usize,
    samples: usize,
    p50_ms: f64,
    p95_ms: f64,
    max_ms: f64,
}

async fn rates(
    db: &Db,
    actor: &Actor,
    add_cases: Option<u64>,
    samples: usize,
    out: &Out,
) -> Result<(), OpsError> {
    if let Some(n) = add_cases {
        let t = Instant::now();
        let seed = 0x5eed;
        jiceng_demo::cases::add_cases(db, n, seed, clock::today(), &jiceng_demo::Quiet).await?;
        eprintln!(
            "已添加 {n} 件案件，用时 {:.1} 秒",
            t.elapsed().as_secs_f64()
        );
    }
    let mut results = Vec::new();
    for by in ["street", "department", "category"] {
        let mut times = Vec::with_capacity(samples);
        let mut last = None;
        for _ in 0..samples.max(1) {
            let q = jiceng_ops::cases::rates::RatesQuery {
                by: Some(by.into()),
                ..Default::default()
            };
            let t = Instant::now();
            let r = jiceng_ops::cases::rates::rates(db, actor, q).await?;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            last = Some(r);
        }
        times.sort_by(f64::total_cmp);
        let r = last.expect("at least one sample");
        results.push(RatesTiming {
            by: by.into(),
            cases: r.total.counts.received,
            lines: r.lines.len(),
            samples: times.len(),
            p50_ms: percentile(&times, 0.5),
            p95_ms: percentile(&times, 0.95),
            max_ms: percentile(&times, 1.0),
        });
    }
    out.show(&results, |rs| {
        rs.iter()
            .map(|t| {
                format!(
                    "cases::rates 全市近 12 个月，按 {} 分 {} 组（{} 件立案），{} 次：p50 {:.2} ms，p95 {:.2} ms，最大 {:.2} ms",
                    t.by, t.lines, t.cases, t.samples, t.p50_ms, t.p95_ms, t.max_ms
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

#[derive(Serialize)]
struct AssessmentTiming {
    within: String,
    period: String,
    orgs: usize,
    weak: usize,
    samples: usize,
    p50_ms: f64,
    max_ms: f64,
}

async fn assessment(
    db: &Db,
    actor: &Actor,
    within: Option<String>,
    period: Option<String>,
    samples: usize,
    out: &Out,
) -> Result<(), OpsError> {
    let period = period.unwrap_or_else(|| {
        jiceng_domain::orglife::Period::quarter_of(clock::today())
            .previous()
            .to_string()
    });
    let mut times = Vec::with_capacity(samples);
    let mut last = None;
    for _ in 0..samples.max(1) {
        let t = Instant::now();
        let r = jiceng_ops::assessment::quarter(db, actor, within.as_deref(), &period).await?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        last = Some(r);
    }
    times.sort_by(f64::total_cmp);
    let r = last.expect("at least one sample");
    let timing = AssessmentTiming {
        within: within.unwrap_or_else(|| "全市".into()),
        period,
        orgs: r.orgs.len(),
        weak: r.weak,
        samples: times.len(),
        p50_ms: percentile(&times, 0.5),
        max_ms: percentile(&times, 1.0),
    };
    out.show(&timing, |t| {
        format!(
            "assessment::quarter 于 {} {}：{} 个组织、{} 个列为软弱涣散，{} 次：p50 {:.0} ms，最大 {:.0} ms",
            t.within, t.period, t.orgs, t.weak, t.samples, t.p50_ms, t.max_ms
        )
    });
    Ok(())
}
