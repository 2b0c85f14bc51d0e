//! 需求清单 from posting to meeting: who posts where, a resident's need waiting for review,
//! repeats joining the first posting, merging, meeting and closing, the resident's rating, and
//! the figures against a recount over the needs. On SQLite or PostgreSQL.

use crate::common::*;
use jiceng_domain::needs::{NeedSource, NeedStatus};
use jiceng_ops::needs::categories::{self, CategoryInput};
use jiceng_ops::needs::figures::{self, FiguresQuery};
use jiceng_ops::needs::{self, ListNeeds, NeedMoveInput, NewNeedInput, RatingInput};
use jiceng_ops::residents::{self, ReviewInput};
use jiceng_ops::{Actor, Db, OpsError};
use jiceng_store::Backend;
use jiceng_testkit::both;

fn need(title: &str, category: &str) -> NewNeedInput {
    NewNeedInput {
        community: s("C"),
        category: s(category),
        title: s(title),
        ..Default::default()
    }
}

fn mv(action: &str) -> NeedMoveInput {
    NeedMoveInput {
        action: s(action),
        ..Default::default()
    }
}

/// A confirmed resident of C in its first building.
async fn confirmed_resident(db: &Db, phone: &str, building: i64) -> Actor {
    let (r, view) = resident(db, phone, "居民", "C", Some(building)).await;
    residents::review(
        db,
        &actor(),
        view.id,
        ReviewInput {
            decision: s("confirm"),
            reason: None,
        },
    )
    .await
    .unwrap();
    r
}

#[both]
async fn needs_are_posted_where_the_poster_works_and_a_residents_waits_for_review(on: Backend) {
    let t = city(on).await;
    let (b1, _) = buildings(&t.db).await;
    let worker = account(&t.db, "worker_c", "community_worker", "C", None).await;
    let grid = account(&t.db, "grid_b1", "grid_worker", "B1", None).await;
    let other = account(&t.db, "worker_c2", "community_worker", "C2", None).await;

    // Bad input names its field and writes nothing.
    for (input, field_named) in [
        (need(" ", "convenience.haircut"), "title"),
        (need("理发", "convenience"), "category"),
        (need("理发", "nowhere.x"), "category"),
        (
            NewNeedInput {
                people: Some(0),
                ..need("理发", "convenience.haircut")
            },
            "people",
        ),
        (
            NewNeedInput {
                urgency: s("soon"),
                ..need("理发", "convenience.haircut")
            },
            "urgency",
        ),
        (
            NewNeedInput {
                wanted_from: s("2026-12-10"),
                wanted_until: s("2026-12-01"),
                ..need("理发", "convenience.haircut")
            },
            "wanted_until",
        ),
        (
            NewNeedInput {
                place_id: Some(987654),
                ..need("理发", "convenience.haircut")
            },
            "place_id",
        ),
        (
            NewNeedInput {
                community: s("B1"),
                ..need("理发", "convenience.haircut")
            },
            "community",
        ),
    ] {
        let e = needs::post(&t.db, &worker, input).await.unwrap_err();
        assert_eq!(field(&e), field_named, "{e}");
    }
    let e = needs::post(&t.db, &other, need("理发", "convenience.haircut"))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "community", "another community's worker: {e}");
    assert!(
        needs::list(&t.db, &worker, ListNeeds::default())
            .await
            .unwrap()
            .items
            .is_empty(),
        "nothing was written"
    );

    // A grid worker posts to the community above their grid, open at once.
    let n = needs::post(
        &t.db,
        &grid,
        NewNeedInput {
            community: None,
            place_id: Some(b1),
            people: Some(12),
            ..need("楼道灯不亮", "management.facilities")
        },
    )
    .await
    .unwrap();
    assert_eq!(
        (n.status, n.source),
        (NeedStatus::Open, NeedSource::GridWorker)
    );
    assert_eq!(n.place_name.as_deref(), Some("1号楼"));
    assert!(n.lon.is_some(), "located by its building");

    // A resident posts once confirmed; their need waits for review and only they and the
    // community's readers see it.
    let (pending_r, _) = resident(&t.db, "13800000001", "未确认", "C", Some(b1)).await;
    assert!(matches!(
        needs::post(&t.db, &pending_r, need("想学太极", "culture.sports")).await,
        Err(OpsError::Forbidden(_))
    ));
    let r = confirmed_resident(&t.db, "13800000002", b1).await;
    let mine = needs::post(
        &t.db,
        &r,
        NewNeedInput {
            community: s("C2"),
            ..need("想学太极", "culture.sports")
        },
    )
    .await
    .unwrap();
    assert_eq!(mine.status, NeedStatus::Pending);
    assert_eq!(
        mine.community_org_id, n.community_org_id,
        "always their own community"
    );
    assert_eq!(mine.place_id, Some(b1), "their building by default");
    assert_eq!(mine.resident_name.as_deref(), Some("居民"));
    assert_eq!(
        needs::list(&t.db, &r, ListNeeds::default())
            .await
            .unwrap()
            .items
            .len(),
        1,
        "a resident lists their own"
    );
    let other_r = confirmed_resident(&t.db, "13800000003", b1).await;
    assert!(matches!(
        needs::show(&t.db, &other_r, mine.id).await,
        Err(OpsError::NotFound { .. })
    ));
    assert!(matches!(
        needs::show(&t.db, &other, mine.id).await,
        Err(OpsError::NotFound { .. })
    ));
    assert!(matches!(
        needs::apply(&t.db, &r, mine.id, mv("approve")).await,
        Err(OpsError::Forbidden(_))
    ));
    let shown = needs::show(&t.db, &worker, mine.id).await.unwrap();
    assert!(shown.offers.contains(&"approve") && shown.offers.contains(&"refuse"));
    let e = needs::apply(&t.db, &worker, mine.id, mv("refuse"))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "note", "a refusal says why");
    let approved = needs::apply(&t.db, &worker, mine.id, mv("approve"))
        .await
        .unwrap();
    assert_eq!(approved.status, NeedStatus::Open);
    let e = needs::apply(&t.db, &worker, mine.id, mv("approve"))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "move");

    // The resident rates only once it is met, once.
    let e = needs::rate(
        &t.db,
        &r,
        mine.id,
        RatingInput {
            rating: Some(5),
            note: None,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), "rating");
    let e = needs::apply(
        &t.db,
        &worker,
        mine.id,
        NeedMoveInput {
            met_by: s("volunteering"),
            on: s("2000-01-01"),
            ..mv("meet")
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), "on", "not before it was posted");
    let met = needs::apply(
        &t.db,
        &worker,
        mine.id,
        NeedMoveInput {
            met_by: s("volunteering"),
            note: s("志愿者每周六教太极"),
            ..mv("meet")
        },
    )
    .await
    .unwrap();
    assert_eq!(met.status, NeedStatus::Met);
    assert!(matches!(
        needs::rate(
            &t.db,
            &worker,
            mine.id,
            RatingInput {
                rating: Some(5),
                note: None
            }
        )
        .await,
        Err(OpsError::Forbidden(_))
    ));
    let e = needs::rate(
        &t.db,
        &r,
        mine.id,
        RatingInput {
            rating: Some(6),
            note: None,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), "rating");
    let rated = needs::rate(
        &t.db,
        &r,
        mine.id,
        RatingInput {
            rating: Some(4),
            note: s("很好"),
        },
    )
    .await
    .unwrap();
    assert_eq!(rated.rating, Some(4));
    assert!(
        needs::rate(
            &t.db,
            &r,
            mine.id,
            RatingInput {
                rating: Some(5),
                note: None
            }
        )
        .await
        .is_err()
    );
}

#[both]
async fn the_same_need_twice_joins_the_first_and_repeats_are_merged(on: Backend) {
    let t = city(on).await;
    let worker = account(&t.db, "worker_c", "community_worker", "C", None).await;
    let first = needs::post(
        &t.db,
        &worker,
        NewNeedInput {
            people: Some(3),
            ..need("小区路灯坏了", "management.facilities")
        },
    )
    .await
    .unwrap();
    let again = needs::post(
        &t.db,
        &worker,
        NewNeedInput {
            people: Some(2),
            ..need("小区 路灯坏了！", "management.facilities")
        },
    )
    .await
    .unwrap();
    assert_eq!(again.id, first.id, "a repeat joins the first posting");
    assert_eq!((again.supporters, again.people), (2, 5));
    let similar = needs::post(
        &t.db,
        &worker,
        need("3号楼路灯不亮", "management.facilities"),
    )
    .await
    .unwrap();
    assert_ne!(similar.id, first.id);
    // Merged by hand into the first: its people go with it, and it leaves the open list.
    let e = needs::apply(
        &t.db,
        &worker,
        similar.id,
        NeedMoveInput {
            into: Some(similar.id),
            ..mv("merge")
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), "into");
    let e = needs::apply(
        &t.db,
        &worker,
        similar.id,
        NeedMoveInput {
            into: Some(987654),
            ..mv("merge")
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), "into");
    let merged = needs::apply(
        &t.db,
        &worker,
        similar.id,
        NeedMoveInput {
            into: Some(first.id),
            ..mv("merge")
        },
    )
    .await
    .unwrap();
    assert_eq!(
        (merged.status, merged.merged_into),
        (NeedStatus::Merged, Some(first.id))
    );
    let target = needs::show(&t.db, &worker, first.id).await.unwrap();
    assert_eq!((target.supporters, target.people), (3, 6));
    let open = needs::list(
        &t.db,
        &worker,
        ListNeeds {
            status: s("open"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        open.items.iter().map(|n| n.id).collect::<Vec<_>>(),
        vec![first.id]
    );
    // Once it is met, the same title opens a new need.
    needs::apply(
        &t.db,
        &worker,
        first.id,
        NeedMoveInput {
            met_by: s("direct"),
            ..mv("meet")
        },
    )
    .await
    .unwrap();
    let fresh = needs::post(
        &t.db,
        &worker,
        need("小区路灯坏了", "management.facilities"),
    )
    .await
    .unwrap();
    assert_ne!(fresh.id, first.id);
}

/// The figures recounted over the needs themselves: (top, collected, met) and the days.
async fn recount(db: &Db, year: i32) -> (Vec<(String, i64, i64)>, Vec<i64>) {
    let rows: Vec<(String, String, chrono::NaiveDate, Option<chrono::NaiveDate>)> = match db {
        Db::Sqlite(p, _) => sqlx::query_as(
            "SELECT top_category, status, posted_on, met_on FROM needs WHERE year = $1",
        )
        .bind(i64::from(year))
        .fetch_all(p)
        .await
        .unwrap(),
        Db::Pg(p) => sqlx::query_as(
            "SELECT top_category, status, posted_on, met_on FROM needs WHERE year = $1",
        )
        .bind(i64::from(year))
        .fetch_all(p)
        .await
        .unwrap(),
    };
    let mut by: std::collections::BTreeMap<String, (i64, i64)> = Default::default();
    let mut days = Vec::new();
    for (top, status, posted, met) in rows {
        let s = NeedStatus::parse(&status).unwrap();
        if s.collected() {
            by.entry(top.clone()).or_default().0 += 1;
        }
        if s == NeedStatus::Met {
            by.entry(top).or_default().1 += 1;
            days.push((met.unwrap() - posted).num_days());
        }
    }
    (by.into_iter().map(|(k, (c, m))| (k, c, m)).collect(), days)
}

#[both]
async fn the_figures_are_a_recount_of_the_needs(on: Backend) {
    let t = city(on).await;
    let worker = account(&t.db, "worker_c", "community_worker", "C", None).await;
    let worker2 = account(&t.db, "worker_c2", "community_worker", "C2", None).await;
    let street = account(&t.db, "street_s", "street_admin", "S", None).await;
    // Posted at the start of June, met ten and fourteen days later.
    let june = |day: u32| {
        chrono::NaiveDate::from_ymd_opt(2026, 6, day)
            .unwrap()
            .and_hms_opt(4, 0, 0)
            .unwrap()
            .and_utc()
    };
    let posting = jiceng_domain::clock::fix(june(1));
    let mut ids = Vec::new();
    for (i, (who, cat)) in [
        (&worker, "culture.arts"),
        (&worker, "culture.sports"),
        (&worker, "management.parking"),
        (&worker2, "culture.reading"),
        (&worker2, "employment.training"),
        (&worker2, "convenience.meals"),
        (&worker, "other.legal"),
    ]
    .into_iter()
    .enumerate()
    {
        ids.push((
            who,
            needs::post(&t.db, who, need(&format!("需求{i}"), cat).clone_for(who))
                .await
                .unwrap()
                .id,
        ));
    }
    drop(posting);
    // Two met on different days, one closed, one merged away.
    let _later = jiceng_domain::clock::fix(june(20));
    needs::apply(
        &t.db,
        ids[0].0,
        ids[0].1,
        NeedMoveInput {
            met_by: s("project"),
            on: s("2026-06-11"),
            ..mv("meet")
        },
    )
    .await
    .unwrap();
    needs::apply(
        &t.db,
        ids[3].0,
        ids[3].1,
        NeedMoveInput {
            met_by: s("wish"),
            on: s("2026-06-15"),
            ..mv("meet")
        },
    )
    .await
    .unwrap();
    needs::apply(
        &t.db,
        ids[2].0,
        ids[2].1,
        NeedMoveInput {
            note: s("不属社区事务"),
            ..mv("close")
        },
    )
    .await
    .unwrap();
    needs::apply(
        &t.db,
        ids[1].0,
        ids[1].1,
        NeedMoveInput {
            into: Some(ids[6].1),
            ..mv("merge")
        },
    )
    .await
    .unwrap();
    let year = 2026;
    let (want, days) = recount(&t.db, year).await;
    assert_eq!(days, vec![10, 14]);
    let city_figures = figures::figures(
        &t.db,
        &actor(),
        FiguresQuery {
            within: None,
            year: Some(2026),
        },
    )
    .await
    .unwrap();
    let got: Vec<(String, i64, i64)> = {
        let mut v: Vec<_> = city_figures
            .by_category
            .iter()
            .filter(|c| c.collected > 0 || c.met > 0)
            .map(|c| (c.category.clone(), c.collected, c.met))
            .collect();
        v.sort();
        v
    };
    assert_eq!(got, want, "by category, the city");
    assert_eq!(city_figures.collected, 6);
    assert_eq!(city_figures.met, 2);
    assert_eq!(city_figures.share_met, Some(2.0 / 6.0));
    assert_eq!(
        city_figures.median_days,
        Some(days.iter().sum::<i64>() as f64 / days.len() as f64)
    );
    let shares: f64 = city_figures.by_category.iter().map(|c| c.share).sum();
    assert!(
        (shares - 1.0).abs() < 1e-9,
        "shares add up to one: {shares}"
    );
    // The street holds both communities; each community its own.
    let s_fig = figures::figures(
        &t.db,
        &street,
        FiguresQuery {
            within: None,
            year: Some(2026),
        },
    )
    .await
    .unwrap();
    assert_eq!((s_fig.collected, s_fig.met), (6, 2));
    let c_fig = figures::figures(
        &t.db,
        &worker,
        FiguresQuery {
            within: None,
            year: Some(2026),
        },
    )
    .await
    .unwrap();
    assert_eq!((c_fig.collected, c_fig.met), (3, 1));
    let c2_fig = figures::figures(
        &t.db,
        &worker2,
        FiguresQuery {
            within: None,
            year: Some(2026),
        },
    )
    .await
    .unwrap();
    assert_eq!((c2_fig.collected, c2_fig.met), (3, 1));
    assert!(matches!(
        figures::figures(
            &t.db,
            &worker,
            FiguresQuery {
                within: s("C2"),
                year: None
            }
        )
        .await,
        Err(OpsError::NotFound { .. } | OpsError::Invalid(_))
    ));
}

trait For {
    fn clone_for(self, who: &Actor) -> Self;
}

impl For for NewNeedInput {
    /// The community of the worker posting it.
    fn clone_for(self, who: &Actor) -> Self {
        NewNeedInput {
            community: who.scope_code().map(str::to_string),
            ..self
        }
    }
}

#[both]
async fn categories_are_data_the_administrators_keep(on: Backend) {
    let t = city(on).await;
    let worker = account(&t.db, "worker_c", "community_worker", "C", None).await;
    let all = categories::list(&t.db).await.unwrap();
    let tops: Vec<&str> = all
        .iter()
        .filter(|c| c.parent.is_none())
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(
        tops,
        ["文化娱乐", "社区管理", "便民服务", "就业创业", "其他"]
    );
    let put = |code: &str, name: &str| CategoryInput {
        code: s(code),
        name: s(name),
    };
    assert!(matches!(
        categories::put(&t.db, &worker, put("culture.opera", "戏曲")).await,
        Err(OpsError::Forbidden(_))
    ));
    let e = categories::put(&t.db, &actor(), put("nowhere.opera", "戏曲"))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "code");
    categories::put(&t.db, &actor(), put("culture.opera", "戏曲"))
        .await
        .unwrap();
    categories::put(&t.db, &actor(), put("culture.opera", "戏曲曲艺"))
        .await
        .unwrap();
    let all = categories::list(&t.db).await.unwrap();
    let opera = all.iter().find(|c| c.code == "culture.opera").unwrap();
    assert_eq!(
        (opera.name.as_str(), opera.parent.as_deref()),
        ("戏曲曲艺", Some("culture"))
    );
    let culture_at = all.iter().position(|c| c.code == "culture").unwrap();
    let management_at = all.iter().position(|c| c.code == "management").unwrap();
    let opera_at = all.iter().position(|c| c.code == "culture.opera").unwrap();
    assert!(
        culture_at < opera_at && opera_at < management_at,
        "listed under its top"
    );
    needs::post(&t.db, &worker, need("想听越剧", "culture.opera"))
        .await
        .unwrap();
}
