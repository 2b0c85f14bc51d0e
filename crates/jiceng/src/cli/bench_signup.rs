//! `jiceng bench signup`: signing up for volunteer activities over the current database.
//! `--people` party members are added to the first community (in bulk) and act as
//! themselves, through the desk `serve` takes sign-ups with. First a warm-up, untimed:
//! `--clients` other members sign up twice, so the connections the desk wrote on have
//! prepared its statements, as a running server's have. Then `--clients` of the people at a time sign up
//! for activities of ample places, each sign-up timed: once as newcomers (each sign-up
//! registers its volunteer), then again as the volunteers they now are. Then all of them sign
//! up at once for one activity of `--places` places: the time until every one is answered, and
//! the places given, counted over the rows.
//! The members, volunteers and activities it adds stay: run it on a database for measuring.

use super::bench::percentile;
use super::output::Out;
use jiceng_domain::clock;
use jiceng_domain::{Gender, MemberStatus, Role};
use jiceng_ops::activities::signup::{self, SignupInput};
use jiceng_ops::activities::{self, NewActivityInput, RoleInput};
use jiceng_ops::{Actor, Db, OpsError, UserActor};
use jiceng_store::members::MemberFields;
use serde::Serialize;
use std::time::Instant;

#[derive(Serialize)]
struct Report {
    backend: String,
    people: usize,
    clients: usize,
    first_p50_ms: f64,
    first_p95_ms: f64,
    first_p99_ms: f64,
    signup_p50_ms: f64,
    signup_p95_ms: f64,
    signup_p99_ms: f64,
    rush_places: i64,
    rush_seconds: f64,
    rush_confirmed: usize,
    rush_waiting: usize,
    rush_confirmed_rows: i64,
}

/// `n` members of the first community, written in bulk: their actors.
async fn people(db: &Db, n: usize) -> Result<(String, Vec<Actor>), OpsError> {
    let mut tx = db.write().await?;
    let (community, path) = jiceng_store::cobuilding::communities(&mut tx)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| OpsError::not_found("社区党组织", "（空库，请先运行 jiceng demo）"))?;
    let code = jiceng_store::orgs::by_id(&mut tx, community)
        .await?
        .ok_or_else(|| OpsError::internal("a community is gone"))?
        .code;
    let first = jiceng_store::members::max_id(&mut tx).await? + 1;
    let day = chrono::NaiveDate::from_ymd_opt(1980, 1, 1).expect("a date");
    let rows: Vec<(i64, i64, &str, MemberFields)> = (0..n)
        .map(|i| {
            let id = first + i as i64;
            (
                id,
                community,
                path.as_str(),
                MemberFields {
                    name: format!("压测志愿者{id}"),
                    gender: Gender::Female,
                    ethnicity: "汉族".into(),
                    birth_date: day,
                    id_number: format!("BENCH{id:013}"),
                    phone: None,
                    education: None,
                    joined_on: day,
                    full_on: None,
                    status: MemberStatus::Full,
                    categories: 0,
                    residence_division: None,
                    employer_unit_id: None,
                },
            )
        })
        .collect();
    jiceng_store::members::insert_many(&mut tx, &rows).await?;
    tx.sync_ids(&["members"]).await?;
    jiceng_store::orgs::recount(&mut tx).await?;
    tx.commit().await?;
    let actors = rows
        .iter()
        .map(|(id, _, path, f)| {
            Actor::User(UserActor {
                id: *id,
                username: format!("bench{id}"),
                display_name: f.name.clone(),
                role: Role::Member,
                scope_path: path.to_string(),
                scope_code: None,
                scope_division: None,
                member_id: Some(*id),
                unit_id: None,
                department_id: None,
                read_only: false,
                must_change_password: false,
                owes_second_factor: false,
                duties_split: false,
            })
        })
        .collect();
    Ok((code, actors))
}

async fn publish(db: &Db, actor: &Actor, community: &str, places: i64) -> Result<i64, OpsError> {
    let start = clock::local(clock::now() + chrono::Duration::days(3));
    let at = |h| {
        (start + chrono::Duration::hours(h))
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    let new = NewActivityInput {
        title: Some("压测活动".into()),
        community: Some(community.into()),
        place: Some("社区广场".into()),
        starts_at: Some(at(0)),
        ends_at: Some(at(3)),
        roles: vec![RoleInput {
            name: Some("志愿者".into()),
            places: Some(places),
        }],
        ..Default::default()
    };
    Ok(activities::publish(db, actor, new).await?.activity.id)
}

/// Each of `people` signs up once, `clients` at a time, for activities with a place for
/// everyone: each sign-up's time in ms, sorted.
async fn timed(
    db: &Db,
    actor: &Actor,
    desk: &signup::Desk,
    community: &str,
    people: &[Actor],
    clients: usize,
) -> Result<Vec<f64>, OpsError> {
    let mut latencies = Vec::with_capacity(people.len());
    for batch in people.chunks(clients.max(1)) {
        let id = publish(db, actor, community, 1000).await?;
        let mut set = tokio::task::JoinSet::new();
        for who in batch {
            let (desk, who) = (desk.clone(), who.clone());
            set.spawn(async move {
                let t = Instant::now();
                desk.sign_up(&who, id, SignupInput::default())
                    .await
                    .map(|_| t.elapsed())
            });
        }
        while let Some(r) = set.join_next().await {
            let took = r.map_err(OpsError::internal)??;
            latencies.push(took.as_secs_f64() * 1000.0);
        }
    }
    latencies.sort_by(f64::total_cmp);
    Ok(latencies)
}

pub async fn run(
    db: &Db,
    actor: &Actor,
    (n, clients, places): (usize, usize, i64),
    out: &Out,
) -> Result<(), OpsError> {
    let (community, people) = people(db, n).await?;
    let (_, warm) = self::people(db, clients).await?;
    // Filled in bulk: counted and mapped now, not by autovacuum in the middle of the timing.
    db.vacuum("members").await?;
    // As `serve` takes them: through the desk that writes sign-ups in batches.
    let desk = signup::Desk::spawn(db.clone());
    for _ in 0..2 {
        timed(db, actor, &desk, &community, &warm, clients).await?;
    }
    let first = timed(db, actor, &desk, &community, &people, clients).await?;
    let again = timed(db, actor, &desk, &community, &people, clients).await?;
    // Everyone at once for the same places.
    let rush = publish(db, actor, &community, places).await?;
    let started = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for who in &people {
        let (desk, who) = (desk.clone(), who.clone());
        set.spawn(async move { desk.sign_up(&who, rush, SignupInput::default()).await });
    }
    let (mut confirmed, mut waiting) = (0, 0);
    while let Some(r) = set.join_next().await {
        let d = r.map_err(OpsError::internal)??;
        match d.mine.map(|m| m.state) {
            Some(jiceng_domain::activities::SignupState::Confirmed) => confirmed += 1,
            _ => waiting += 1,
        }
    }
    let rush_seconds = started.elapsed().as_secs_f64();
    let shown = activities::show(db, actor, rush).await?;
    let rows = shown
        .roster
        .iter()
        .filter(|s| s.state == jiceng_domain::activities::SignupState::Confirmed)
        .count() as i64;
    let report = Report {
        backend: format!("{:?}", db.backend()),
        people: n,
        clients,
        first_p50_ms: percentile(&first, 0.5),
        first_p95_ms: percentile(&first, 0.95),
        first_p99_ms: percentile(&first, 0.99),
        signup_p50_ms: percentile(&again, 0.5),
        signup_p95_ms: percentile(&again, 0.95),
        signup_p99_ms: percentile(&again, 0.99),
        rush_places: places,
        rush_seconds,
        rush_confirmed: confirmed,
        rush_waiting: waiting,
        rush_confirmed_rows: rows,
    };
    out.show(&report, |r| {
        format!(
            "{}：{} 人、{} 个并发客户端报名\n首次报名（同时登记为志愿者）：p50 {:.2} ms，p95 {:.2} ms，p99 {:.2} ms\n志愿者报名：p50 {:.2} ms，p95 {:.2} ms，p99 {:.2} ms\n{} 人同时报名 {} 个名额：{:.2} 秒全部得到答复；得到名额 {} 人（按记录 {} 人），候补 {} 人",
            r.backend, r.people, r.clients, r.first_p50_ms, r.first_p95_ms, r.first_p99_ms,
            r.signup_p50_ms, r.signup_p95_ms, r.signup_p99_ms,
            r.people, r.rush_places, r.rush_seconds, r.rush_confirmed, r.rush_confirmed_rows, r.rush_waiting
        )
    });
    Ok(())
}
