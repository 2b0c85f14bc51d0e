//! 资源清单 and matching: who offers resources where, the refusals, suggestions that follow
//! needs and resources as they change, and the full refresh agreeing with one need's scoring.
//! On SQLite or PostgreSQL.

use crate::common::*;
use jiceng_ops::OpsError;
use jiceng_ops::matching::{self, refresh};
use jiceng_ops::needs::{self, NeedMoveInput, NewNeedInput};
use jiceng_ops::resources::{self, NewResourceInput};
use jiceng_store::Backend;
use jiceng_testkit::both;

pub(crate) fn offer(community: &str, title: &str, category: &str) -> NewResourceInput {
    NewResourceInput {
        community: s(community),
        kind: s("expertise"),
        category: s(category),
        title: s(title),
        capacity: Some(30),
        ..Default::default()
    }
}

#[both]
async fn resources_are_offered_where_the_offerer_serves(on: Backend) {
    let t = city(on).await;
    let (b1, _) = buildings(&t.db).await;
    let l = liaison(&t.db).await;
    let worker = account(&t.db, "worker_c", "community_worker", "C", None).await;
    for (input, named) in [
        (
            NewResourceInput {
                capacity: Some(0),
                ..offer("C", "理发", "convenience.haircut")
            },
            "capacity",
        ),
        (
            NewResourceInput {
                days: s("8"),
                ..offer("C", "理发", "convenience.haircut")
            },
            "days",
        ),
        (
            NewResourceInput {
                reach_m: Some(50.0),
                ..offer("C", "理发", "convenience.haircut")
            },
            "reach_m",
        ),
        (offer("C", "理发", "convenience"), "category"),
        (
            NewResourceInput {
                kind: s("money"),
                ..offer("C", "理发", "convenience.haircut")
            },
            "kind",
        ),
        (offer("C2", "理发", "convenience.haircut"), "community"),
        (
            NewResourceInput {
                owner_kind: s("community"),
                ..offer("C", "理发", "convenience.haircut")
            },
            "owner_kind",
        ),
    ] {
        let e = resources::post(&t.db, &l, input).await.unwrap_err();
        assert_eq!(field(&e), named, "{e}");
    }
    let r = resources::post(
        &t.db,
        &l,
        NewResourceInput {
            days: s("6,7"),
            place_id: Some(b1),
            ..offer("C", "志愿理发：为老人上门理发", "convenience.haircut")
        },
    )
    .await
    .unwrap();
    assert_eq!(
        (r.owner_name.as_str(), r.days.as_str()),
        ("莆田理发学校", "67")
    );
    assert_eq!(r.place_name.as_deref(), Some("1号楼"));
    // A worker offers the community's own, or a volunteer team's by name.
    let e = resources::post(
        &t.db,
        &worker,
        NewResourceInput {
            owner_kind: s("volunteer_team"),
            ..offer("C", "义诊", "convenience.health")
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), "owner_name");
    let team = resources::post(
        &t.db,
        &worker,
        NewResourceInput {
            owner_kind: s("volunteer_team"),
            owner_name: s("红马甲志愿服务队"),
            ..offer("C", "义诊", "convenience.health")
        },
    )
    .await
    .unwrap();
    assert_eq!(team.owner_name, "红马甲志愿服务队");
    // The liaison lists their unit's; the worker the community's; another community sees none.
    let mine = resources::list(&t.db, &l, Default::default())
        .await
        .unwrap();
    assert_eq!(
        mine.items.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![r.id]
    );
    assert_eq!(
        resources::list(&t.db, &worker, Default::default())
            .await
            .unwrap()
            .items
            .len(),
        2
    );
    let other = account(&t.db, "worker_c2", "community_worker", "C2", None).await;
    assert!(matches!(
        resources::show(&t.db, &other, r.id).await,
        Err(OpsError::NotFound { .. })
    ));
    assert!(matches!(
        resources::withdraw(&t.db, &other, r.id).await,
        Err(OpsError::NotFound { .. })
    ));
    let gone = resources::withdraw(&t.db, &l, r.id).await.unwrap();
    assert_eq!(gone.status.code(), "withdrawn");
    let e = resources::withdraw(&t.db, &worker, r.id).await.unwrap_err();
    assert_eq!(field(&e), "status");
    // A liaison posts needs to the community their unit serves, not elsewhere.
    let n = needs::post(
        &t.db,
        &l,
        NewNeedInput {
            community: s("C"),
            category: s("employment.training"),
            title: s("员工子女暑期托管"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(n.source.code(), "unit");
    let e = needs::post(
        &t.db,
        &l,
        NewNeedInput {
            community: s("C2"),
            category: s("employment.training"),
            title: s("员工培训"),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), "community");
}

#[both]
async fn suggestions_follow_needs_and_resources_and_say_why(on: Backend) {
    let t = city(on).await;
    let (b1, b2) = buildings(&t.db).await;
    let l = liaison(&t.db).await;
    let worker = account(&t.db, "worker_c", "community_worker", "C", None).await;
    let need = needs::post(
        &t.db,
        &worker,
        NewNeedInput {
            community: s("C"),
            category: s("convenience.haircut"),
            title: s("行动不便的老人需要上门理发"),
            place_id: Some(b2),
            people: Some(6),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(
        matching::suggestions(&t.db, &worker, need.id)
            .await
            .unwrap()
            .is_empty()
    );
    let haircut = resources::post(
        &t.db,
        &l,
        NewResourceInput {
            place_id: Some(b1),
            days: s("6"),
            ..offer("C", "志愿理发：为老人上门理发", "convenience.haircut")
        },
    )
    .await
    .unwrap();
    let meals = resources::post(
        &t.db,
        &worker,
        offer("C", "长者食堂送餐", "convenience.meals"),
    )
    .await
    .unwrap();
    resources::post(&t.db, &worker, offer("C", "书法培训", "culture.arts"))
        .await
        .unwrap();
    let got = matching::suggestions(&t.db, &worker, need.id)
        .await
        .unwrap();
    assert_eq!(
        got.iter().map(|s| s.resource_id).collect::<Vec<_>>(),
        vec![haircut.id, meals.id],
        "the same kind first, another top category not at all"
    );
    let top = &got[0];
    assert!(top.why.same_sub && top.why.metres.is_some());
    assert!(top.why.words.iter().any(|w| w == "理发"), "{:?}", top.why);
    assert!(
        top.reasons.starts_with("同类 · ")
            && top.reasons.contains("周六可用")
            && top.reasons.contains("关键词"),
        "{}",
        top.reasons
    );
    assert!(got[0].score > got[1].score);
    // Out of reach: a resource 100 m reach placed at b1, the need at b2 (~600 m away).
    let near_only = resources::post(
        &t.db,
        &worker,
        NewResourceInput {
            place_id: Some(b1),
            reach_m: Some(100.0),
            ..offer("C", "楼下理发点", "convenience.haircut")
        },
    )
    .await
    .unwrap();
    let got = matching::suggestions(&t.db, &worker, need.id)
        .await
        .unwrap();
    assert!(
        !got.iter().any(|s| s.resource_id == near_only.id),
        "beyond its reach"
    );
    // Withdrawn, it is suggested no more; a need met keeps none.
    resources::withdraw(&t.db, &l, haircut.id).await.unwrap();
    let got = matching::suggestions(&t.db, &worker, need.id)
        .await
        .unwrap();
    assert!(!got.iter().any(|s| s.resource_id == haircut.id));
    needs::apply(
        &t.db,
        &worker,
        need.id,
        NeedMoveInput {
            action: s("meet"),
            met_by: s("direct"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(
        matching::suggestions(&t.db, &worker, need.id)
            .await
            .unwrap()
            .is_empty()
    );
    // Those who cannot see the need see none of its suggestions.
    let other = account(&t.db, "worker_c2", "community_worker", "C2", None).await;
    assert!(matches!(
        matching::suggestions(&t.db, &other, need.id).await,
        Err(OpsError::NotFound { .. })
    ));
}

#[both]
async fn the_full_refresh_agrees_with_scoring_each_need(on: Backend) {
    let t = city(on).await;
    let (b1, b2) = buildings(&t.db).await;
    let worker = account(&t.db, "worker_c", "community_worker", "C", None).await;
    let worker2 = account(&t.db, "worker_c2", "community_worker", "C2", None).await;
    let mut need_ids = Vec::new();
    for (i, (who, community, cat, title, place)) in [
        (
            &worker,
            "C",
            "convenience.haircut",
            "老人上门理发",
            Some(b1),
        ),
        (&worker, "C", "convenience.meals", "独居老人送餐", Some(b2)),
        (&worker, "C", "culture.arts", "广场舞场地", None),
        (&worker2, "C2", "convenience.haircut", "理发", None),
        (
            &worker,
            "C",
            "employment.training",
            "电工技能培训",
            Some(b2),
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let n = needs::post(
            &t.db,
            who,
            NewNeedInput {
                community: s(community),
                category: s(cat),
                title: s(title),
                place_id: place,
                people: Some(i as i64 + 1),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        need_ids.push((who.clone(), n.id));
    }
    for (i, (who, community, cat, title, place)) in [
        (
            &worker,
            "C",
            "convenience.haircut",
            "理发志愿队为老人理发",
            Some(b2),
        ),
        (&worker, "C", "convenience.haircut", "社区理发室", None),
        (&worker, "C", "convenience.meals", "长者食堂", Some(b1)),
        (&worker2, "C2", "convenience.meals", "爱心餐", None),
        (&worker, "C", "culture.arts", "文化礼堂", Some(b1)),
        (
            &worker,
            "C",
            "employment.training",
            "职业技能培训学校",
            None,
        ),
        (&worker2, "C2", "convenience.haircut", "理发店义剪", None),
    ]
    .into_iter()
    .enumerate()
    {
        resources::post(
            &t.db,
            who,
            NewResourceInput {
                place_id: place,
                capacity: Some(10 + i as i64),
                ..offer(community, title, cat)
            },
        )
        .await
        .unwrap();
    }
    // Each need scored on its own, as it stands now.
    let mut one_by_one = Vec::new();
    for (who, id) in &need_ids {
        let got = matching::suggest(&t.db, who, *id).await.unwrap();
        one_by_one.push(
            got.iter()
                .map(|s| (s.resource_id, s.score))
                .collect::<Vec<_>>(),
        );
    }
    assert!(one_by_one.iter().any(|s| s.len() >= 2), "{one_by_one:?}");
    assert!(matches!(
        refresh::all(&t.db, &worker).await,
        Err(OpsError::Forbidden(_))
    ));
    let report = refresh::all(&t.db, &actor())
        .await
        .unwrap()
        .expect("the lease is free");
    assert_eq!(report.needs, 5);
    assert_eq!(report.resources, 7);
    let mut bulk = Vec::new();
    for (who, id) in &need_ids {
        let got = matching::suggestions(&t.db, who, *id).await.unwrap();
        bulk.push(
            got.iter()
                .map(|s| (s.resource_id, s.score))
                .collect::<Vec<_>>(),
        );
    }
    assert_eq!(
        bulk, one_by_one,
        "the bulk refresh scores as one need's does"
    );
    assert_eq!(
        report.suggestions,
        bulk.iter().map(Vec::len).sum::<usize>() as i64
    );
    // Each need was scored just before, so none changed; run again at once, still none.
    assert_eq!(report.changed, 0, "{report:?}");
    let again = refresh::all(&t.db, &actor()).await.unwrap().unwrap();
    assert_eq!((again.changed, again.suggestions), (0, report.suggestions));
    // Suggestions lost (as for needs never scored) are all written again, the same.
    let ids: Vec<i64> = need_ids.iter().map(|(_, id)| *id).collect();
    let mut tx = t.db.write().await.unwrap();
    jiceng_store::matching::replace(&mut tx, &ids, &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let cold = refresh::all(&t.db, &actor()).await.unwrap().unwrap();
    let with_some = one_by_one.iter().filter(|s| !s.is_empty()).count() as i64;
    assert_eq!(
        (cold.changed, cold.suggestions),
        (with_some, report.suggestions)
    );
    let mut rewritten = Vec::new();
    for (who, id) in &need_ids {
        let got = matching::suggestions(&t.db, who, *id).await.unwrap();
        rewritten.push(
            got.iter()
                .map(|s| (s.resource_id, s.score))
                .collect::<Vec<_>>(),
        );
    }
    assert_eq!(rewritten, one_by_one);
    // A need scored on its own after a refresh began (as it, or a resource around it, moved)
    // keeps what that left it: here, as if it had lost every suggestion since.
    let (who, first) = &need_ids[0];
    {
        let _later =
            jiceng_domain::clock::fix(jiceng_domain::clock::now() + chrono::Duration::hours(1));
        matching::suggest(&t.db, who, *first).await.unwrap();
    }
    let mut tx = t.db.write().await.unwrap();
    jiceng_store::matching::replace(&mut tx, &[*first], &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let skipped = refresh::all(&t.db, &actor()).await.unwrap().unwrap();
    assert!(
        matching::suggestions(&t.db, who, *first)
            .await
            .unwrap()
            .is_empty(),
        "the fresher state stands"
    );
    assert_eq!(skipped.changed, 0, "{skipped:?}");
}
