//! The case page offers each role exactly the moves it may make. A case is walked through its
//! life; at each step every demo role opens its page, and every move offered there is made by
//! that role on a twin case brought to the same step, and must succeed.

use crate::pages::{files_dir, get, post_form, sign_in};
use axum::http::StatusCode;
use jiceng_ops::Actor;
use jiceng_ops::cases::intake::{self, NewCase};
use std::collections::{BTreeMap, BTreeSet};

const ROLES: [&str; 8] = [
    "admin",
    "street",
    "secretary",
    "worker",
    "grid",
    "handler",
    "liaison",
    "member",
];

/// Whatever any move may need; a move reads only its own fields.
const FIELDS: &str =
    "note=已核实处理&level=yellow&satisfaction=satisfied&category=water&urgency=normal";

fn offered(page: &str) -> BTreeSet<String> {
    page.split("name=\"action\" value=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect()
}

struct World {
    router: axum::Router,
    db: jiceng_ops::Db,
    community: String,
    sessions: BTreeMap<&'static str, (String, String)>,
}

impl World {
    async fn case(&self, n: usize) -> i64 {
        intake::take_in(
            &self.db,
            &Actor::operator(),
            NewCase {
                channel: Some("hotline".into()),
                category: Some("water".into()),
                urgency: Some("normal".into()),
                title: Some(format!("小区停水 {n}")),
                community: Some(self.community.clone()),
                reporter_name: Some("王女士".into()),
                reporter_phone: Some("13912345678".into()),
                ..NewCase::default()
            },
        )
        .await
        .unwrap()
        .id
    }

    async fn make(&self, user: &str, case: i64, body: &str) -> (StatusCode, String) {
        let (cookie, csrf) = &self.sessions[user];
        post_form(
            &self.router,
            &format!("/cases/{case}/moves"),
            cookie,
            csrf,
            body,
        )
        .await
    }
}

#[tokio::test]
async fn the_case_page_offers_each_role_only_the_moves_it_may_make() {
    let (t, summary) = crate::city::demo().await;
    let router = jiceng_web::router(t.db.clone(), files_dir());
    let mut sessions = BTreeMap::new();
    let mut actors = BTreeMap::new();
    for user in ROLES {
        let cookie = sign_in(&router, user, &summary.password).await;
        let token = cookie.split_once('=').unwrap().1.to_string();
        let (actor, csrf) = jiceng_ops::accounts::session_actor(&t.db, &token)
            .await
            .unwrap();
        sessions.insert(user, (cookie, csrf));
        actors.insert(user, actor);
    }
    let community = actors["secretary"].scope_code().unwrap().to_string();
    // The handler's department and one other are summoned together (a whistle).
    let departments = jiceng_ops::cases::departments::list(&t.db).await.unwrap();
    let mine = actors["handler"].department_id().unwrap();
    let own = departments.iter().find(|d| d.id == mine).unwrap();
    let other = departments.iter().find(|d| d.id != mine).unwrap();
    let dispatch = format!(
        "action=dispatch&departments={}&departments={}",
        own.code, other.code
    );
    let script: Vec<(&str, String)> = vec![
        ("street", dispatch.clone()),
        ("handler", "action=report".into()),
        ("handler", "action=accept".into()),
        ("handler", "action=feedback&note=已恢复供水".into()),
        ("secretary", "action=verify".into()),
        (
            "secretary",
            "action=follow_up&satisfaction=satisfied".into(),
        ),
    ];
    let w = World {
        router,
        db: t.db.clone(),
        community: community.clone(),
        sessions,
    };
    let first = w.case(0).await;
    let first_code = jiceng_ops::cases::views::show(&t.db, &Actor::operator(), first, false)
        .await
        .unwrap()
        .case
        .row
        .code;
    let main = w.case(1).await;
    let mut twins = 2;
    let mut offered_at: Vec<BTreeMap<&str, BTreeSet<String>>> = Vec::new();
    for step in 0..=script.len() {
        let mut here = BTreeMap::new();
        for user in ROLES {
            let (st, page, _) =
                get(&w.router, &format!("/cases/{main}"), &w.sessions[user].0).await;
            let moves = if st == StatusCode::OK {
                offered(&page)
            } else {
                BTreeSet::new()
            };
            for m in &moves {
                let twin = w.case(twins).await;
                twins += 1;
                for (by, body) in &script[..step] {
                    let (st, page) = w.make(by, twin, body).await;
                    assert_eq!(
                        st,
                        StatusCode::SEE_OTHER,
                        "replaying {body} as {by}: {page}"
                    );
                }
                let body = match m.as_str() {
                    "dispatch" => dispatch.clone(),
                    "duplicate" => format!("action=duplicate&duplicate_of={first_code}"),
                    "register" => format!("action=register&{FIELDS}&community={community}"),
                    _ => format!("action={m}&{FIELDS}"),
                };
                let (st, page) = w.make(user, twin, &body).await;
                assert_eq!(
                    st,
                    StatusCode::SEE_OTHER,
                    "step {step}: {user} was offered {m}, which must succeed: {page}"
                );
            }
            here.insert(user, moves);
        }
        offered_at.push(here);
        if let Some((by, body)) = script.get(step) {
            let (st, page) = w.make(by, main, body).await;
            assert_eq!(st, StatusCode::SEE_OTHER, "{body} as {by}: {page}");
        }
    }
    let at = |step: usize, user: &str| offered_at[step][user].clone();
    // Roles that act on no case are offered nothing at any step.
    for step in 0..offered_at.len() {
        for user in ["member", "liaison"] {
            assert!(
                at(step, user).is_empty(),
                "step {step}: {user} offered {:?}",
                at(step, user)
            );
        }
        assert!(
            !at(step, "handler").contains("dispatch") && !at(step, "handler").contains("supervise"),
            "step {step}: a department handler neither dispatches nor supervises"
        );
    }
    assert!(at(0, "street").contains("dispatch") && at(0, "secretary").contains("dispatch"));
    assert_eq!(
        at(1, "handler"),
        BTreeSet::from([
            "report".to_string(),
            "accept".to_string(),
            "return".to_string()
        ]),
        "the summoned handler reports, accepts or returns"
    );
    assert!(
        !at(1, "street").contains("report"),
        "only the summoned report"
    );
    assert!(at(4, "secretary").contains("verify") && !at(4, "handler").contains("verify"));
    assert!(at(5, "secretary").contains("follow_up"));
    assert!(at(6, "secretary").is_empty(), "a rated case is done");
}
