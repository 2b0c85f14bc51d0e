//! `jiceng bench lists`: the needs and resources lists at size. The city is grown by
//! `--add-needs` needs (a share `--open` of them open) and `--add-resources` resources; then
//! timed: the needs list's first page (the whole city, the largest street, a community), one
//! need's suggestions scored afresh, the full refresh of every open need's suggestions, and a
//! resident's sign-in code checked.

use super::bench::percentile;
use super::output::Out;
use jiceng_ops::matching::refresh::RefreshReport;
use jiceng_ops::needs::{self, ListNeeds};
use jiceng_ops::residents::{self, CodeSender, SignInInput};
use jiceng_ops::{Actor, Db, OpsError, matching};
use serde::Serialize;
use std::time::Instant;

#[derive(Serialize)]
struct Timing {
    operation: String,
    samples: usize,
    p50_ms: f64,
    p95_ms: f64,
    max_ms: f64,
}

fn timing(operation: String, mut ms: Vec<f64>) -> Timing {
    ms.sort_by(|a, b| a.total_cmp(b));
    Timing {
        operation,
        samples: ms.len(),
        p50_ms: percentile(&ms, 0.5),
        p95_ms: percentile(&ms, 0.95),
        max_ms: *ms.last().unwrap_or(&0.0),
    }
}

#[derive(Serialize)]
struct Report {
    needs: i64,
    open_needs: i64,
    resources: i64,
    timings: Vec<Timing>,
    /// The full refresh over needs whose suggestions were never written (all written).
    refresh: Option<RefreshReport>,
    /// The same refresh run again at once (nothing moved, so little is written).
    refresh_again: Option<RefreshReport>,
}

pub async fn run(
    db: &Db,
    operator: &Actor,
    (add_needs, add_resources, open): (u64, u64, f64),
    samples: usize,
    out: &Out,
) -> Result<(), OpsError> {
    if add_needs + add_resources > 0 {
        let t = Instant::now();
        let (n, r) = jiceng_demo::lists::grow(db, add_needs, add_resources, open, 0x115).await?;
        eprintln!(
            "已添加需求 {n} 条、资源 {r} 项，用时 {:.1} 秒",
            t.elapsed().as_secs_f64()
        );
    }
    let mut timings = Vec::new();
    // Open needs spread over the city; the first one's street and community are timed too.
    let open_ids = {
        let mut tx = db.read().await?;
        let (_, open) = jiceng_store::needs::totals(&mut tx).await?;
        jiceng_store::needs::open_sample(
            &mut tx,
            (open / samples.max(1) as i64).max(1),
            samples as i64,
        )
        .await?
    };
    let (street, community) = match open_ids.first() {
        Some(id) => {
            let mut tx = db.read().await?;
            let n = jiceng_store::needs::by_id(&mut tx, *id).await?;
            n.map_or((0, 0), |n| {
                (n.street_org_id.unwrap_or(0), n.community_org_id)
            })
        }
        None => (0, 0),
    };
    let code = |id: i64| {
        let db = db.clone();
        async move {
            let mut tx = db.read().await?;
            Ok::<_, OpsError>(
                jiceng_store::orgs::by_id(&mut tx, id)
                    .await?
                    .map(|o| o.code),
            )
        }
    };
    for (name, within, status) in [
        ("全市", None, None),
        ("全市（待对接）", None, Some("open")),
        ("街道", code(street).await?, None),
        ("社区", code(community).await?, None),
        ("社区（待对接）", code(community).await?, Some("open")),
    ] {
        let mut ms = Vec::new();
        for _ in 0..samples {
            let t = Instant::now();
            needs::list(
                db,
                operator,
                ListNeeds {
                    within: within.clone(),
                    status: status.map(str::to_string),
                    limit: Some(50),
                    ..Default::default()
                },
            )
            .await?;
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        timings.push(timing(format!("需求清单首页（{name}）"), ms));
    }
    // One need's suggestions scored afresh, for open needs spread over the city.
    if !open_ids.is_empty() {
        let mut ms = Vec::new();
        for id in &open_ids {
            let t = Instant::now();
            matching::suggest(db, operator, *id).await?;
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        timings.push(timing("一条需求的推荐（重新评分并保存前五）".into(), ms));
    }
    // A resident's sign-in code checked: the code sent first, then only the check timed.
    let shown = CodeSender::Log { shown: true };
    let community_code = code(community).await?.unwrap_or_default();
    let mut ms = Vec::new();
    // Numbers of this run, so that runs in a row are not held back as one number's resends.
    let run = jiceng_domain::clock::now().timestamp() % 10_000;
    for i in 0..samples.min(200) {
        let phone = format!("199{run:04}{i:04}");
        let from = format!("bench-{run}-{i}");
        let sent = residents::send_code(db, &shown, &phone, &from).await?;
        let t = Instant::now();
        let signed = residents::sign_in(
            db,
            SignInInput {
                phone: Some(phone.clone()),
                sms_code: sent.shown_code,
                name: Some("测试居民".into()),
                community: Some(community_code.clone()),
                place_id: None,
            },
            from.as_str(),
        )
        .await;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
        if let Err(e) = signed {
            // A community with mapped buildings asks for one: the code was checked first.
            if e.body().field != Some("place_id") {
                return Err(e);
            }
        }
    }
    timings.push(timing("居民验证码登录（校验验证码）".into(), ms));
    let refresh = matching::refresh::all(db, operator).await?;
    let refresh_again = matching::refresh::all(db, operator).await?;
    let mut tx = db.read().await?;
    let (all, open_now) = jiceng_store::needs::totals(&mut tx).await?;
    let resources = jiceng_store::resources::total(&mut tx).await?;
    drop(tx);
    let r = Report {
        needs: all,
        open_needs: open_now,
        resources,
        timings,
        refresh,
        refresh_again,
    };
    out.show(&r, |r| {
        let mut s = format!(
            "需求 {} 条（待对接 {}），资源 {} 项\n",
            r.needs, r.open_needs, r.resources
        );
        for t in &r.timings {
            s.push_str(&format!(
                "{}：{} 次，p50 {:.2} ms，p95 {:.2} ms，最长 {:.2} ms\n",
                t.operation, t.samples, t.p50_ms, t.p95_ms, t.max_ms
            ));
        }
        for (what, f) in [("全部推荐重新计算", &r.refresh), ("再算一次", &r.refresh_again)] {
            if let Some(f) = f {
                s.push_str(&format!(
                    "{what}：{} ms（评分 {} ms，写入 {} ms；{} 条需求，评分 {} 对，保留 {} 条，改写 {} 条需求的推荐）\n",
                    f.millis, f.scoring_millis, f.writing_millis, f.needs, f.scored, f.suggestions, f.changed
                ));
            }
        }
        s
    });
    Ok(())
}
