//! 项目清单 and the matching meeting: a project drawn from needs and resources, all or
//! nothing; finished, its needs are met and counted; dropped, they open again and its
//! resources are given back; the meeting's accepted matches become projects. On SQLite or
//! PostgreSQL.

use crate::common::*;
use crate::resources::offer;
use jiceng_domain::needs::NeedStatus;
use jiceng_domain::projects::ProjectStatus;
use jiceng_ops::matching::meeting::{self, AcceptInput, AgendaQuery, Match};
use jiceng_ops::needs::figures::{self, FiguresQuery};
use jiceng_ops::needs::{self, NewNeedInput, RatingInput};
use jiceng_ops::projects::{self, DrawInput, NewProjectInput, ProjectMoveInput};
use jiceng_ops::residents::{self, ReviewInput};
use jiceng_ops::resources::{self, NewResourceInput};
use jiceng_ops::{Actor, Db, OpsError};
use jiceng_store::Backend;
use jiceng_testkit::both;

async fn need(db: &Db, who: &Actor, title: &str, people: i64) -> i64 {
    needs::post(
        db,
        who,
        NewNeedInput {
            community: s("C"),
            category: s("convenience.haircut"),
            title: s(title),
            people: Some(people),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id
}

fn project(needs: Vec<i64>, draws: Vec<(i64, i64)>) -> NewProjectInput {
    NewProjectInput {
        title: s("上门理发"),
        owner: None,
        needs,
        resources: draws
            .into_iter()
            .map(|(resource_id, amount)| DrawInput {
                resource_id,
                amount,
            })
            .collect(),
        starts_on: s("2026-01-05"),
        ends_on: s("2026-12-31"),
    }
}

fn mv(action: &str, note: Option<&str>) -> ProjectMoveInput {
    ProjectMoveInput {
        action: s(action),
        note: note.map(str::to_string),
        on: None,
    }
}

#[both]
async fn a_project_draws_what_is_left_and_meets_its_needs(on: Backend) {
    let t = city(on).await;
    let worker = account(&t.db, "worker_c", "community_worker", "C", None).await;
    let other = account(&t.db, "worker_c2", "community_worker", "C2", None).await;
    let n1 = need(&t.db, &worker, "老人上门理发", 6).await;
    let n2 = need(&t.db, &worker, "残疾人上门理发", 2).await;
    let r = resources::post(
        &t.db,
        &worker,
        NewResourceInput {
            capacity: Some(10),
            ..offer("C", "志愿理发", "convenience.haircut")
        },
    )
    .await
    .unwrap();
    // Bad input: each names its field, and nothing is written.
    for (input, named) in [
        (
            NewProjectInput {
                ends_on: None,
                ..project(vec![n1], vec![(r.id, 5)])
            },
            "ends_on",
        ),
        (
            NewProjectInput {
                ends_on: s("2025-12-31"),
                ..project(vec![n1], vec![(r.id, 5)])
            },
            "ends_on",
        ),
        (project(vec![], vec![(r.id, 5)]), "needs"),
        (project(vec![n1], vec![(r.id, 11)]), "amount"),
        (project(vec![n1], vec![(r.id, 0)]), "amount"),
        (project(vec![n1, n1], vec![(r.id, 1)]), "needs"),
        (project(vec![n1], vec![]), "owner"),
        (project(vec![n1, 987_654], vec![(r.id, 1)]), "needs"),
        (project(vec![n1], vec![(987_654, 1)]), "resources"),
    ] {
        let e = projects::create(&t.db, &worker, input).await.unwrap_err();
        assert_eq!(field(&e), named, "{e}");
    }
    assert!(
        matches!(
            projects::create(&t.db, &other, project(vec![n1], vec![(r.id, 1)])).await,
            Err(OpsError::Invalid(_))
        ),
        "another community's need is not found as theirs"
    );
    assert_eq!(
        resources::show(&t.db, &worker, r.id).await.unwrap().used,
        0,
        "nothing drawn"
    );
    assert_eq!(
        needs::show(&t.db, &worker, n1).await.unwrap().status,
        NeedStatus::Open
    );

    let p = projects::create(&t.db, &worker, project(vec![n1, n2], vec![(r.id, 8)]))
        .await
        .unwrap();
    assert_eq!(p.status, ProjectStatus::Planned);
    assert_eq!(
        p.owner_name, "测试组织C",
        "the resource's owner answers for it"
    );
    assert_eq!(resources::show(&t.db, &worker, r.id).await.unwrap().used, 8);
    assert_eq!(
        needs::show(&t.db, &worker, n1).await.unwrap().status,
        NeedStatus::InProject
    );
    // What is left is all another project may draw.
    let n3 = need(&t.db, &worker, "理发", 1).await;
    let e = projects::create(&t.db, &worker, project(vec![n3], vec![(r.id, 3)]))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "amount");
    let e = projects::create(&t.db, &worker, project(vec![n1], vec![(r.id, 1)]))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "needs", "a need already in a project");

    let e = projects::apply(&t.db, &worker, p.id, mv("finish", Some("x")))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "move", "started before finished");
    projects::apply(&t.db, &worker, p.id, mv("start", None))
        .await
        .unwrap();
    let e = projects::apply(&t.db, &worker, p.id, mv("finish", None))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "note");
    let done = projects::apply(&t.db, &worker, p.id, mv("finish", Some("理发 8 人次")))
        .await
        .unwrap();
    assert_eq!(done.status, ProjectStatus::Done);
    for n in [n1, n2] {
        let got = needs::show(&t.db, &worker, n).await.unwrap();
        assert_eq!(
            (got.status, got.met_by.map(|m| m.code())),
            (NeedStatus::Met, Some("project"))
        );
    }
    let year = chrono::Datelike::year(&jiceng_domain::clock::today());
    let fig = figures::figures(
        &t.db,
        &worker,
        FiguresQuery {
            within: None,
            year: Some(year),
        },
    )
    .await
    .unwrap();
    assert_eq!((fig.collected, fig.met, fig.resources_used), (3, 2, 1));
}

#[both]
async fn a_dropped_project_gives_back_what_it_drew(on: Backend) {
    let t = city(on).await;
    let worker = account(&t.db, "worker_c", "community_worker", "C", None).await;
    let n = need(&t.db, &worker, "老人上门理发", 6).await;
    let r = resources::post(
        &t.db,
        &worker,
        NewResourceInput {
            // All of it: the need, open again, finds it whole.
            capacity: Some(6),
            ..offer("C", "志愿理发", "convenience.haircut")
        },
    )
    .await
    .unwrap();
    let p = projects::create(&t.db, &worker, project(vec![n], vec![(r.id, 6)]))
        .await
        .unwrap();
    let year = chrono::Datelike::year(&jiceng_domain::clock::today());
    let used = || async {
        figures::figures(
            &t.db,
            &worker,
            FiguresQuery {
                within: None,
                year: Some(year),
            },
        )
        .await
        .unwrap()
        .resources_used
    };
    assert_eq!(used().await, 1);
    let e = projects::apply(&t.db, &worker, p.id, mv("drop", None))
        .await
        .unwrap_err();
    assert_eq!(field(&e), "note");
    projects::apply(&t.db, &worker, p.id, mv("drop", Some("志愿者不足")))
        .await
        .unwrap();
    assert_eq!(resources::show(&t.db, &worker, r.id).await.unwrap().used, 0);
    assert_eq!(used().await, 0, "a dropped project used nothing");
    assert_eq!(count(&t.db, "SELECT COUNT(*) FROM resource_uses").await, 0);
    let back = needs::show(&t.db, &worker, n).await.unwrap();
    assert_eq!(back.status, NeedStatus::Open);
    let sugg = jiceng_ops::matching::suggestions(&t.db, &worker, n)
        .await
        .unwrap();
    assert_eq!(
        sugg.first().map(|s| s.resource_id),
        Some(r.id),
        "scored again once open"
    );
    // Drawn on by two projects, the resource counts once, and still once one is dropped.
    let n2 = need(&t.db, &worker, "老人上门剪指甲", 2).await;
    let p1 = projects::create(&t.db, &worker, project(vec![n], vec![(r.id, 3)]))
        .await
        .unwrap();
    projects::create(&t.db, &worker, project(vec![n2], vec![(r.id, 2)]))
        .await
        .unwrap();
    assert_eq!(used().await, 1);
    projects::apply(&t.db, &worker, p1.id, mv("drop", Some("改期")))
        .await
        .unwrap();
    assert_eq!(used().await, 1, "the other project still draws on it");
    assert_eq!(resources::show(&t.db, &worker, r.id).await.unwrap().used, 2);
}

#[both]
async fn the_meeting_accepts_matches_as_projects_and_the_resident_rates_them(on: Backend) {
    let t = city(on).await;
    let (b1, _) = buildings(&t.db).await;
    let worker = account(&t.db, "worker_c", "community_worker", "C", None).await;
    let l = liaison(&t.db).await;
    let (r_actor, r_view) = resident(&t.db, "13800000009", "居民", "C", Some(b1)).await;
    residents::review(
        &t.db,
        &worker,
        r_view.id,
        ReviewInput {
            decision: s("confirm"),
            reason: None,
        },
    )
    .await
    .unwrap();
    let mine = needs::post(
        &t.db,
        &r_actor,
        NewNeedInput {
            category: s("convenience.haircut"),
            title: s("家里老人行动不便，需要上门理发"),
            people: Some(2),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id;
    needs::apply(
        &t.db,
        &worker,
        mine,
        needs::NeedMoveInput {
            action: s("approve"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let haircut = resources::post(
        &t.db,
        &l,
        NewResourceInput {
            place_id: Some(b1),
            ..offer("C", "为老人上门理发", "convenience.haircut")
        },
    )
    .await
    .unwrap();
    let agenda = meeting::agenda(&t.db, &worker, AgendaQuery::default())
        .await
        .unwrap();
    let item = agenda
        .items
        .iter()
        .find(|i| i.need.id == mine)
        .expect("the open need is on the agenda");
    assert_eq!(item.suggestions[0].resource_id, haircut.id);
    let e = meeting::agenda(
        &t.db,
        &worker,
        AgendaQuery {
            quarter: s("2026"),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), "quarter");
    let e = meeting::accept(&t.db, &worker, AcceptInput::default())
        .await
        .unwrap_err();
    assert_eq!(field(&e), "matches");
    // A bad match among good ones: nothing is made.
    let other = need(&t.db, &worker, "理发", 1).await;
    let e = meeting::accept(
        &t.db,
        &worker,
        AcceptInput {
            matches: vec![
                Match {
                    need_id: other,
                    resource_id: haircut.id,
                    amount: None,
                },
                Match {
                    need_id: mine,
                    resource_id: haircut.id,
                    amount: Some(1000),
                },
            ],
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), "amount");
    assert_eq!(
        needs::show(&t.db, &worker, other).await.unwrap().status,
        NeedStatus::Open,
        "all or none"
    );
    let made = meeting::accept(
        &t.db,
        &worker,
        AcceptInput {
            matches: vec![Match {
                need_id: mine,
                resource_id: haircut.id,
                amount: None,
            }],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(made.len(), 1);
    let p = &made[0];
    assert_eq!(p.owner_name, "莆田理发学校");
    assert_eq!(p.resources[0].amount, 2, "the need's people by default");
    projects::apply(&t.db, &worker, p.id, mv("start", None))
        .await
        .unwrap();
    projects::apply(&t.db, &worker, p.id, mv("finish", Some("已上门理发")))
        .await
        .unwrap();
    needs::rate(
        &t.db,
        &r_actor,
        mine,
        RatingInput {
            rating: Some(5),
            note: s("师傅很耐心"),
        },
    )
    .await
    .unwrap();
    let rated = projects::show(&t.db, &worker, p.id).await.unwrap();
    assert_eq!((rated.rating, rated.ratings), (Some(5.0), 1));
}

#[both]
async fn a_units_lists_are_its_agreement_and_open_items_carry_over(on: Backend) {
    use jiceng_ops::cobuilding::{self, CommitmentInput, NewAgreementInput};
    use jiceng_ops::problems::{self, NewProblemInput};
    let t = city(on).await;
    let worker = account(&t.db, "worker_c", "community_worker", "C", None).await;
    let l = liaison(&t.db).await;
    let unit = l.unit_id().unwrap();
    let year = chrono::Datelike::year(&jiceng_domain::clock::today());
    // Posted before the agreement is signed: it joins when it is.
    let early = needs::post(
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
    .unwrap()
    .id;
    let signed = cobuilding::sign(
        &t.db,
        &worker,
        NewAgreementInput {
            unit_id: Some(unit),
            org: s("C"),
            year: Some(year),
            commitments: vec![
                CommitmentInput {
                    title: s("开放职工食堂"),
                    due_on: s(&format!("{year}-06-30")),
                },
                CommitmentInput {
                    title: s("捐赠图书"),
                    due_on: s(&format!("{year}-09-30")),
                },
            ],
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let id = signed.agreement.id;
    let listed = |d: &cobuilding::AgreementDetail, list: &str| {
        d.lists
            .iter()
            .filter(|i| i.list == list)
            .map(|i| i.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(listed(&signed, "needs"), vec![early]);
    // Posted after: joins at once; a project the unit owns and a problem it raises too.
    let r = resources::post(
        &t.db,
        &l,
        NewResourceInput {
            capacity: Some(20),
            ..offer("C", "职业技能培训", "employment.training")
        },
    )
    .await
    .unwrap();
    let met = needs::post(
        &t.db,
        &l,
        NewNeedInput {
            community: s("C"),
            category: s("employment.training"),
            title: s("电工培训"),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .id;
    let p = projects::create(&t.db, &worker, project(vec![met], vec![(r.id, 5)]))
        .await
        .unwrap();
    let problem = problems::post(
        &t.db,
        &l,
        NewProblemInput {
            community: s("C"),
            title: s("门前停车"),
            owner: s("交警大队"),
            due_on: s(&format!("{year}-12-31")),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let d = cobuilding::show(&t.db, &worker, id).await.unwrap();
    assert_eq!(listed(&d, "needs").len(), 2);
    assert_eq!(listed(&d, "resources"), vec![r.id]);
    assert_eq!(listed(&d, "projects"), vec![p.id]);
    assert_eq!(listed(&d, "problems"), vec![problem.id]);
    // The project finished, its need is met; renewing carries what is still open.
    projects::apply(&t.db, &worker, p.id, mv("start", None))
        .await
        .unwrap();
    projects::apply(&t.db, &worker, p.id, mv("finish", Some("培训 5 人")))
        .await
        .unwrap();
    cobuilding::set_done(&t.db, &worker, signed.commitments[0].id, None, false)
        .await
        .unwrap();
    {
        let renewed = cobuilding::renew(&t.db, &worker, id).await.unwrap();
        assert_eq!(renewed.agreement.year, year + 1);
        assert_eq!(
            renewed
                .commitments
                .iter()
                .map(|c| c.title.as_str())
                .collect::<Vec<_>>(),
            vec!["捐赠图书"]
        );
        assert_eq!(
            listed(&renewed, "needs"),
            vec![early],
            "the open need, not the met one"
        );
        assert_eq!(listed(&renewed, "resources"), vec![r.id]);
        assert!(
            listed(&renewed, "projects").is_empty(),
            "the project is done"
        );
        assert_eq!(listed(&renewed, "problems"), vec![problem.id]);
        let old = cobuilding::show(&t.db, &worker, id).await.unwrap();
        assert_eq!(listed(&old, "needs"), vec![met]);
        let e = cobuilding::renew(&t.db, &worker, id).await.unwrap_err();
        assert_eq!(field(&e), "year", "renewed once");
        let other = account(&t.db, "worker_c2", "community_worker", "C2", None).await;
        assert!(matches!(
            cobuilding::renew(&t.db, &other, id).await,
            Err(OpsError::NotFound { .. })
        ));
    }
}
