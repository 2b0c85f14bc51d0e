//! The desk and the inbox page by keyset over a demo city: walking every page gives each
//! case of the scope once, in order, as a recount over the cases' paths says.

use super::{build, ids};
use jiceng_ops::accounts::{self, NewUser};
use jiceng_ops::cases::views::{self, InboxQuery, ListCases};
use jiceng_ops::{Actor, Page};

/// The ids of every page of a list, each read from the `next` of the one before.
async fn every_page<T, F, Fut>(mut read: F, id: impl Fn(&T) -> i64) -> Vec<i64>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<Page<T>, jiceng_ops::OpsError>>,
{
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let p = read(after.take()).await.unwrap();
        out.extend(p.items.iter().map(&id));
        match p.next {
            Some(n) => after = Some(n),
            None => return out,
        }
    }
}

/// Every page of the desk for `q`, 97 a page.
async fn walk(db: &jiceng_ops::Db, a: &Actor, q: ListCases) -> Vec<i64> {
    every_page(
        |after| {
            views::list(
                db,
                a,
                ListCases {
                    after,
                    limit: Some(97),
                    ..q.clone()
                },
            )
        },
        |c| c.row.id,
    )
    .await
}

async fn walk_inbox(db: &jiceng_ops::Db, a: &Actor, tab: &str) -> Vec<i64> {
    every_page(
        |after| {
            views::inbox(
                db,
                a,
                InboxQuery {
                    tab: Some(tab.into()),
                    after,
                    limit: Some(13),
                },
            )
        },
        |c| c.row.id,
    )
    .await
}

#[tokio::test]
async fn desk_pages_give_each_case_of_the_scope_once_in_order() {
    let (t, _) = build(0.1, 13).await;
    let a = Actor::operator();
    // One case in seven received at the same instant: pages break ties by id.
    super::exec(
        &t.db,
        "UPDATE cases SET received_at = (SELECT received_at FROM cases WHERE id = \
         (SELECT MIN(id) FROM cases)) WHERE id % 7 = 0",
    )
    .await;
    let newest = "ORDER BY received_at DESC, id DESC";
    let all = ids(&t.db, &format!("SELECT id FROM cases {newest}")).await;
    assert!(all.len() > 500, "{} cases", all.len());
    assert_eq!(walk(&t.db, &a, ListCases::default()).await, all);
    let scopes: Vec<(String, String)> = sqlx_rows(
        &t.db,
        "SELECT o.code, o.path FROM orgs o WHERE o.level IN ('district', 'street', 'community') \
         AND EXISTS (SELECT 1 FROM cases c WHERE c.community_org_id = o.id \
         OR c.street_org_id = o.id OR c.district_org_id = o.id) ORDER BY o.path LIMIT 6",
    )
    .await;
    assert!(scopes.len() >= 3, "{scopes:?}");
    for (code, path) in scopes {
        let within = |status: Option<&str>| ListCases {
            within: Some(code.clone()),
            status: status.map(str::to_string),
            ..Default::default()
        };
        let recount = ids(
            &t.db,
            &format!("SELECT id FROM cases WHERE org_path LIKE '{path}%' {newest}"),
        )
        .await;
        assert!(!recount.is_empty(), "{code}");
        assert_eq!(walk(&t.db, &a, within(None)).await, recount, "{code}");
        let two = ids(
            &t.db,
            &format!(
                "SELECT id FROM cases WHERE org_path LIKE '{path}%' \
                 AND status IN ('closed', 'dispatched') {newest}"
            ),
        )
        .await;
        assert_eq!(
            walk(&t.db, &a, within(Some("dispatched,closed,closed"))).await,
            two,
            "{code}: two statuses merged"
        );
    }
    let late = ids(
        &t.db,
        &format!(
            "SELECT id FROM cases WHERE due_at IS NOT NULL \
             AND COALESCE(closed_at, CURRENT_TIMESTAMP) > due_at {newest}"
        ),
    )
    .await;
    let got = walk(
        &t.db,
        &a,
        ListCases {
            late: true,
            ..Default::default()
        },
    )
    .await;
    assert!(!late.is_empty());
    assert_eq!(got, late);
    let e = views::list(
        &t.db,
        &a,
        ListCases {
            q: Some("小区".into()),
            from: Some("2024-01-01".into()),
            to: Some("2026-06-30".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        e.body().field,
        Some("from"),
        "a search over more than a year"
    );
    let bad = views::list(
        &t.db,
        &a,
        ListCases {
            after: Some("1.2".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(bad.body().field, Some("after"));
}

#[tokio::test]
async fn an_inbox_merges_held_and_summoned_cases_by_their_keys() {
    let (t, _) = build(0.1, 17).await;
    let op = Actor::operator();
    let (dept, code): (i64, String) = sqlx_rows(
        &t.db,
        "SELECT d.id, d.code FROM departments d JOIN case_summons s ON s.department_id = d.id \
         JOIN cases c ON c.id = s.case_id AND (c.department_id IS NULL OR c.department_id <> d.id) \
         GROUP BY d.id, d.code ORDER BY COUNT(*) DESC LIMIT 1",
    )
    .await
    .into_iter()
    .next()
    .expect("a department summoned besides a lead");
    let (district, path): (String, String) = sqlx_rows(
        &t.db,
        "SELECT code, path FROM orgs WHERE level = 'district' ORDER BY id LIMIT 1",
    )
    .await
    .into_iter()
    .next()
    .unwrap();
    accounts::create(
        &t.db,
        &op,
        NewUser {
            username: Some("inbox1".into()),
            password: Some("Correct-horse-42".into()),
            role: Some("department_handler".into()),
            department: Some(code),
            scope: Some(district),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let session = accounts::login(&t.db, "inbox1", "Correct-horse-42", "test")
        .await
        .unwrap();
    let handler = accounts::session_actor(&t.db, &session.token)
        .await
        .unwrap()
        .0;
    let summoned = format!(
        "SELECT s.case_id AS id, s.due_at AS due, c.received_at AS received FROM case_summons s \
         JOIN cases c ON c.id = s.case_id WHERE s.department_id = {dept} \
         AND (c.department_id IS NULL OR c.department_id <> {dept}) AND c.org_path LIKE '{path}%'"
    );
    let inside = format!("AND org_path LIKE '{path}%'");
    let all = ids(
        &t.db,
        &format!(
            "SELECT id FROM (SELECT id, received_at AS received FROM cases WHERE department_id = {dept} {inside} \
             UNION ALL SELECT id, received FROM ({summoned}) x) y ORDER BY received DESC, id DESC"
        ),
    )
    .await;
    let open = ids(
        &t.db,
        &format!(
            "SELECT id FROM (SELECT id, due_at AS due FROM cases WHERE department_id = {dept} {inside} \
             AND closed_at IS NULL AND due_at IS NOT NULL \
             UNION ALL SELECT x.id, x.due FROM ({summoned}) x JOIN case_summons s2 \
             ON s2.case_id = x.id AND s2.department_id = {dept} JOIN cases c2 ON c2.id = x.id \
             WHERE s2.reported_at IS NULL AND c2.closed_at IS NULL) y ORDER BY due, id"
        ),
    )
    .await;
    assert!(all.len() > 13, "more than a page: {}", all.len());
    assert_eq!(walk_inbox(&t.db, &handler, "all").await, all);
    assert_eq!(walk_inbox(&t.db, &handler, "open").await, open);
}

async fn sqlx_rows<R>(db: &jiceng_ops::Db, sql: &str) -> Vec<R>
where
    R: Send + Unpin,
    R: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>,
    R: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    match db {
        jiceng_ops::Db::Sqlite(p, _) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
        jiceng_ops::Db::Pg(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
    }
}

#[tokio::test]
async fn meeting_pages_give_each_meeting_of_the_scope_once_in_order() {
    use jiceng_ops::orglife::meetings::{self, ListMeetings};
    let (t, _) = build(0.1, 19).await;
    let a = Actor::operator();
    let walk = async |q: ListMeetings| {
        every_page(
            |after| {
                meetings::list(
                    &t.db,
                    &a,
                    ListMeetings {
                        after,
                        limit: Some(113),
                        ..q.clone()
                    },
                )
            },
            |m| m.row.id,
        )
        .await
    };
    let latest = "ORDER BY held_on DESC, id DESC";
    let scopes: Vec<(String, String)> = sqlx_rows(
        &t.db,
        "SELECT code, path FROM (SELECT code, path, level, ROW_NUMBER() OVER (PARTITION BY level ORDER BY id) AS n \
         FROM orgs WHERE level IN ('district', 'street', 'community', 'branch')) x WHERE n <= 2 ORDER BY path",
    )
    .await;
    assert!(scopes.len() >= 6, "{scopes:?}");
    for (code, path) in scopes {
        let recount = ids(
            &t.db,
            &format!("SELECT id FROM meetings WHERE org_path LIKE '{path}%' {latest}"),
        )
        .await;
        let got = walk(ListMeetings {
            within: Some(code.clone()),
            ..Default::default()
        })
        .await;
        assert_eq!(got, recount, "{code}");
        let held_2025 = ids(
            &t.db,
            &format!(
                "SELECT id FROM meetings WHERE org_path LIKE '{path}%' AND status = 'held' \
                 AND held_on >= '2025-01-01' AND held_on <= '2025-12-31' {latest}"
            ),
        )
        .await;
        let got = walk(ListMeetings {
            within: Some(code.clone()),
            status: Some("held".into()),
            from: Some("2025-01-01".into()),
            to: Some("2025-12-31".into()),
            ..Default::default()
        })
        .await;
        assert_eq!(got, held_2025, "{code} in 2025");
    }
    let all = ids(&t.db, &format!("SELECT id FROM meetings {latest}")).await;
    assert!(all.len() > 1000, "{} meetings", all.len());
    assert_eq!(walk(ListMeetings::default()).await, all);
}

#[tokio::test]
async fn service_and_wish_pages_give_each_row_of_the_scope_once_in_order() {
    use jiceng_ops::service::{self, ListService};
    use jiceng_ops::wishes::{self, ListWishes};
    let (t, _) = build(0.2, 23).await;
    let a = Actor::operator();
    let scopes: Vec<(String, String)> = sqlx_rows(
        &t.db,
        "SELECT code, path FROM (SELECT code, path, ROW_NUMBER() OVER (PARTITION BY level ORDER BY id) AS n \
         FROM orgs WHERE level IN ('district', 'street', 'community')) x WHERE n <= 2 ORDER BY path",
    )
    .await;
    for (code, path) in scopes
        .into_iter()
        .map(|(c, p)| (Some(c), p))
        .chain([(None, "/".to_string())])
    {
        let got = every_page(
            |after| {
                service::list(
                    &t.db,
                    &a,
                    ListService {
                        within: code.clone(),
                        from: Some("2024-01-01".into()),
                        to: Some("2026-06-30".into()),
                        after,
                        limit: Some(211),
                    },
                )
            },
            |s| s.id,
        )
        .await;
        let recount = ids(
            &t.db,
            &format!(
                "SELECT s.id FROM service_records s JOIN orgs c ON c.id = s.community_org_id \
                 WHERE c.path LIKE '{path}%' AND s.served_on >= '2024-01-01' AND s.served_on <= '2026-06-30' \
                 ORDER BY s.served_on DESC, s.id DESC"
            ),
        )
        .await;
        assert!(!recount.is_empty(), "{code:?}");
        assert_eq!(got, recount, "service within {code:?}");
        let got = every_page(
            |after| {
                wishes::list(
                    &t.db,
                    &a,
                    ListWishes {
                        within: code.clone(),
                        after,
                        limit: Some(7),
                        ..Default::default()
                    },
                )
            },
            |w| w.id,
        )
        .await;
        let recount = ids(
            &t.db,
            &format!(
                "SELECT id FROM wishes WHERE community_path LIKE '{path}%' ORDER BY posted_on DESC, id DESC"
            ),
        )
        .await;
        assert_eq!(got, recount, "wishes within {code:?}");
    }
}

#[tokio::test]
async fn a_communitys_registrations_page_by_keyset() {
    let (t, _) = build(0.2, 29).await;
    let a = Actor::operator();
    let (code, id): (String, i64) = sqlx_rows(
        &t.db,
        "SELECT o.code, o.id FROM orgs o JOIN registrations r ON r.community_org_id = o.id \
         GROUP BY o.code, o.id ORDER BY COUNT(*) DESC LIMIT 1",
    )
    .await
    .into_iter()
    .next()
    .unwrap();
    for active in [true, false] {
        let got = every_page(
            |after| {
                let code = code.clone();
                let (db, a) = (t.db.clone(), a.clone());
                async move {
                    jiceng_ops::registrations::of_community(
                        &db,
                        &a,
                        &code,
                        active,
                        after.as_deref(),
                        9,
                    )
                    .await
                }
            },
            |r| r.id,
        )
        .await;
        let only = if active { "AND ended_on IS NULL" } else { "" };
        let recount = ids(
            &t.db,
            &format!(
                "SELECT id FROM registrations WHERE community_org_id = {id} {only} \
                 ORDER BY registered_on DESC, id DESC"
            ),
        )
        .await;
        assert!(recount.len() > 9, "more than a page");
        assert_eq!(got, recount, "active only: {active}");
    }
}
