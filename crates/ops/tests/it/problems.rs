//! 问题清单: raised with an owner and a due date, turned into a case of the community (the
//! link kept), or settled. On SQLite or PostgreSQL.

use crate::common::*;
use jiceng_domain::problems::ProblemStatus;
use jiceng_ops::OpsError;
use jiceng_ops::problems::{self, NewProblemInput, ProblemMoveInput};
use jiceng_store::Backend;
use jiceng_testkit::both;

fn raise(title: &str) -> NewProblemInput {
    NewProblemInput {
        community: s("C"),
        title: s(title),
        detail: s("小区东门外排水沟长期堵塞，涉及市政与物业"),
        owner: s("城市管理局"),
        due_on: s("2026-12-31"),
    }
}

#[both]
async fn a_problem_becomes_a_case_and_keeps_the_link(on: Backend) {
    let t = city(on).await;
    let worker = account(&t.db, "worker_c", "community_worker", "C", None).await;
    let other = account(&t.db, "worker_c2", "community_worker", "C2", None).await;
    let l = liaison(&t.db).await;
    for (input, named) in [
        (
            NewProblemInput {
                owner: None,
                ..raise("排水沟堵塞")
            },
            "owner",
        ),
        (
            NewProblemInput {
                due_on: None,
                ..raise("排水沟堵塞")
            },
            "due_on",
        ),
        (
            NewProblemInput {
                title: s(" "),
                ..raise("排水沟堵塞")
            },
            "title",
        ),
        (
            NewProblemInput {
                community: s("C2"),
                ..raise("排水沟堵塞")
            },
            "community",
        ),
    ] {
        let e = problems::post(&t.db, &worker, input).await.unwrap_err();
        assert_eq!(field(&e), named, "{e}");
    }
    let by_unit = problems::post(&t.db, &l, raise("单位门前停车混乱"))
        .await
        .unwrap();
    assert_eq!(by_unit.unit_name.as_deref(), Some("莆田理发学校"));
    let p = problems::post(&t.db, &worker, raise("排水沟堵塞"))
        .await
        .unwrap();
    assert!(p.offers.contains(&"to_case"));
    assert!(matches!(
        problems::show(&t.db, &other, p.id).await,
        Err(OpsError::NotFound { .. })
    ));
    assert!(
        matches!(
            problems::apply(
                &t.db,
                &l,
                p.id,
                ProblemMoveInput {
                    action: s("to_case"),
                    ..Default::default()
                }
            )
            .await,
            Err(OpsError::NotFound { .. })
        ),
        "a liaison moves no problem it did not raise (and sees none but its own)"
    );
    let e = problems::apply(
        &t.db,
        &worker,
        p.id,
        ProblemMoveInput {
            action: s("close"),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), "note");
    let moved = problems::apply(
        &t.db,
        &worker,
        p.id,
        ProblemMoveInput {
            action: s("to_case"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(moved.status, ProblemStatus::InCase);
    let case = moved.case_id.expect("the case it became");
    let shown = jiceng_ops::cases::views::show(&t.db, &worker, case, false)
        .await
        .unwrap();
    assert_eq!(shown.case.row.title, "排水沟堵塞");
    assert!(
        shown
            .case
            .row
            .description
            .as_deref()
            .unwrap_or("")
            .contains(&format!("问题清单 #{}", p.id))
    );
    let e = problems::apply(
        &t.db,
        &worker,
        p.id,
        ProblemMoveInput {
            action: s("to_case"),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), "move", "a case once");
    let done = problems::apply(
        &t.db,
        &worker,
        p.id,
        ProblemMoveInput {
            action: s("resolve"),
            note: s("城管局已疏通"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        (done.status, done.case_id),
        (ProblemStatus::Resolved, Some(case))
    );
}
