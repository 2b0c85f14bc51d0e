//! The kept 双向评价 pairs and tallies equal a recount over the registrations and grades after
//! every kind of write that changes them, and the list pages through them alike in every
//! scope and filter, on SQLite or PostgreSQL.

use crate::common::*;
use crate::evaluations::liaison;
use jiceng_ops::evaluations::{self, ListPairs, NewEvaluation};
use jiceng_ops::orgs::{self, NewOrg};
use jiceng_ops::units::{self, NewUnit};
use jiceng_ops::{Actor, Db, OpsError, members, registrations};
use jiceng_store::Backend;
use jiceng_testkit::both;

/// The pairs a year owes, recounted from the registrations and grades as
/// `subject:community:rated:rater path:grade or -`.
fn recount(year: i32) -> String {
    let active = format!(
        "r.registered_on <= '{year}-12-31' AND (r.ended_on IS NULL OR r.ended_on >= '{year}-01-01')"
    );
    let row = |subject: &str, rated: &str, path: &str| {
        format!(
            "'{subject}:' || CAST(r.community_org_id AS TEXT) || ':' || CAST({rated} AS TEXT) || ':' || {path} \
             || ':' || COALESCE(CAST(e.id AS TEXT), '-') AS k"
        )
    };
    format!(
        "SELECT DISTINCT {} FROM registrations r JOIN orgs c ON c.id = r.community_org_id \
           LEFT JOIN evaluations e ON e.member_id = r.member_id AND e.year = {year} AND e.community_org_id = r.community_org_id \
           WHERE r.member_id IS NOT NULL AND {active} \
         UNION SELECT DISTINCT {} FROM registrations r JOIN orgs c ON c.id = r.community_org_id \
           LEFT JOIN evaluations e ON e.unit_id = r.unit_id AND e.subject = 'unit' AND e.year = {year} AND e.community_org_id = r.community_org_id \
           WHERE r.unit_id IS NOT NULL AND {active} \
         UNION SELECT DISTINCT {} FROM registrations r JOIN units u ON u.id = r.unit_id JOIN orgs uo ON uo.id = u.org_id \
           LEFT JOIN evaluations e ON e.unit_id = r.unit_id AND e.subject = 'community' AND e.year = {year} AND e.community_org_id = r.community_org_id \
           WHERE r.unit_id IS NOT NULL AND {active}",
        row("member", "r.member_id", "c.path"),
        row("unit", "r.unit_id", "c.path"),
        row("community", "r.unit_id", "uo.path"),
    )
}

/// Every kept year's pairs and tallies against a recount.
async fn agrees(db: &Db, years: &[i32], after: &str) {
    for &year in years {
        let kept = texts(
            db,
            &format!(
                "SELECT subject || ':' || CAST(community_org_id AS TEXT) || ':' || CAST(rated_id AS TEXT) || ':' \
                 || rater_path || ':' || COALESCE(CAST(evaluation_id AS TEXT), '-') FROM evaluation_pairs \
                 WHERE year = {year} ORDER BY 1"
            ),
        )
        .await;
        let recounted = texts(
            db,
            &format!("SELECT k FROM ({}) x ORDER BY 1", recount(year)),
        )
        .await;
        assert_eq!(kept, recounted, "pairs of {year} after {after}");
        let tallies = texts(
            db,
            &format!(
                "SELECT rater_path || ':' || subject || ':' || CAST(owed AS TEXT) || ':' || CAST(done AS TEXT) \
                 FROM evaluation_tallies WHERE year = {year} ORDER BY 1"
            ),
        )
        .await;
        let retallied = texts(
            db,
            &format!(
                "SELECT rater_path || ':' || subject || ':' || CAST(COUNT(*) AS TEXT) || ':' || CAST(COUNT(evaluation_id) AS TEXT) \
                 FROM evaluation_pairs WHERE year = {year} GROUP BY rater_path, subject ORDER BY 1"
            ),
        )
        .await;
        assert_eq!(tallies, retallied, "tallies of {year} after {after}");
    }
}

/// Every page of a list, one pair a page, as `subject:community:rated`, with its progress.
async fn every_page(db: &Db, a: &Actor, q: ListPairs) -> (Vec<String>, Vec<(String, i64, i64)>) {
    let (mut seen, mut after) = (Vec::new(), None);
    loop {
        let p = evaluations::pairs(
            db,
            a,
            ListPairs {
                after: after.take(),
                limit: Some(1),
                ..q.clone()
            },
        )
        .await
        .unwrap();
        let progress = p
            .progress
            .iter()
            .map(|x| (x.subject.code().to_string(), x.owed, x.done))
            .collect();
        for r in &p.page.items {
            seen.push(format!(
                "{}:{}:{}",
                r.subject.code(),
                r.community_org_id,
                r.member_id.or(r.unit_id).unwrap()
            ));
        }
        match p.page.next {
            Some(n) => after = Some(n),
            None => return (seen, progress),
        }
    }
}

/// The list of a scope read page by page against the recount: the same pairs in the order
/// of their grading side, and progress as counted.
async fn lists_as_recounted(
    db: &Db,
    year: i32,
    within: &str,
    subject: Option<&str>,
    pending: bool,
) {
    let path = texts(
        db,
        &format!("SELECT path FROM orgs WHERE code = '{within}'"),
    )
    .await[0]
        .clone();
    let all = texts(db, &format!("SELECT k FROM ({}) x", recount(year))).await;
    let mut want: Vec<(String, String, i64, i64, String, bool)> = all
        .iter()
        .map(|k| {
            let f: Vec<&str> = k.split(':').collect();
            (
                f[3].to_string(),
                f[0].to_string(),
                f[2].parse().unwrap(),
                f[1].parse().unwrap(),
                k.clone(),
                f[4] == "-",
            )
        })
        .filter(|w| w.0.starts_with(&path) && subject.is_none_or(|s| s == w.1))
        .collect();
    let mut progress: Vec<(String, i64, i64)> = Vec::new();
    for w in &want {
        match progress.iter_mut().find(|p| p.0 == w.1) {
            Some(p) => {
                p.1 += 1;
                p.2 += i64::from(!w.5);
            }
            None => progress.push((w.1.clone(), 1, i64::from(!w.5))),
        }
    }
    progress.sort();
    want.retain(|w| !pending || w.5);
    want.sort_by(|a, b| (&a.0, &a.1, a.2, a.3).cmp(&(&b.0, &b.1, b.2, b.3)));
    let want: Vec<String> = want
        .iter()
        .map(|w| format!("{}:{}:{}", w.1, w.3, w.2))
        .collect();
    let (seen, got) = every_page(
        db,
        &actor(),
        ListPairs {
            year: Some(year.to_string()),
            within: s(within),
            subject: subject.map(str::to_string),
            pending,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(
        seen, want,
        "{year} within {within}, {subject:?}, pending {pending}"
    );
    assert_eq!(
        got, progress,
        "progress of {year} within {within}, {subject:?}"
    );
}

fn grade(year: i32, subject: &str, who: i64) -> NewEvaluation {
    NewEvaluation {
        year: Some(year.to_string()),
        subject: s(subject),
        community: s("C"),
        member: (subject == "member").then(|| who.to_string()),
        unit: (subject != "member").then(|| who.to_string()),
        grade: s("good"),
        comment: None,
    }
}

async fn listed(db: &Db, year: i32) {
    evaluations::pairs(
        db,
        &actor(),
        ListPairs {
            year: Some(year.to_string()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
}

#[both]
async fn kept_pairs_equal_a_recount_after_every_write(on: Backend) {
    let t = city(on).await;
    let (a, db) = (actor(), &t.db);
    let mut units_ = Vec::new();
    for (code, name) in [("U1", "莆田市城市管理局"), ("U2", "莆田市供电公司")] {
        orgs::add(
            db,
            &a,
            NewOrg {
                category: s("unit"),
                ..new_org(code, "branch", Some("C"), COMMUNITY_DIV)
            },
        )
        .await
        .unwrap();
        let u = units::add(
            db,
            &a,
            NewUnit {
                name: s(name),
                category: s("机关"),
                division_code: s(COMMUNITY_DIV),
                org: s(code),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        units_.push(u.row.id);
    }
    let mut ms = Vec::new();
    for (i, org) in ["B1", "B2", "B1", "B2"].iter().enumerate() {
        let m = members::add(
            db,
            &a,
            new_member(&format!("党员{i}"), 61 + 2 * i as u32, org),
        )
        .await
        .unwrap();
        ms.push(m.id);
    }
    // 2025 is kept from its first listing, before anyone registered.
    listed(db, 2025).await;
    agrees(db, &[2025], "keeping an empty year").await;
    registrations::register_unit(db, &a, units_[0], "C", s("2025-03-01"))
        .await
        .unwrap();
    registrations::register_unit(db, &a, units_[1], "C", s("2025-04-01"))
        .await
        .unwrap();
    for (m, on) in [
        (ms[0], "2025-02-01"),
        (ms[1], "2025-06-01"),
        (ms[2], "2025-07-01"),
    ] {
        registrations::register_member(db, &a, m, "C", s(on))
            .await
            .unwrap();
    }
    agrees(db, &[2025], "registering").await;
    for (subject, who) in [("unit", units_[0]), ("member", ms[0]), ("member", ms[1])] {
        evaluations::rate(db, &a, grade(2025, subject, who))
            .await
            .unwrap();
    }
    let l = liaison(db, units_[0]).await;
    let back = evaluations::rate(db, &l, grade(2025, "community", units_[0]))
        .await
        .unwrap();
    agrees(db, &[2025], "grading").await;
    evaluations::withdraw(db, &l, back.id).await.unwrap();
    agrees(db, &[2025], "withdrawing").await;
    // A member leaves at the end of September and comes back the next January: one pair in
    // 2025; the year 2026 is kept from its first listing, then someone new registers in it.
    let reg = members::show(db, &a, ms[1], false)
        .await
        .unwrap()
        .registrations[0]
        .id;
    registrations::end(db, &a, reg, s("2025-09-30"))
        .await
        .unwrap();
    agrees(db, &[2025], "ending a registration").await;
    registrations::register_member(db, &a, ms[1], "C", s("2026-01-10"))
        .await
        .unwrap();
    listed(db, 2026).await;
    registrations::register_member(db, &a, ms[3], "C", s("2026-01-05"))
        .await
        .unwrap();
    let reg = members::show(db, &a, ms[2], false)
        .await
        .unwrap()
        .registrations[0]
        .id;
    registrations::end(db, &a, reg, s("2025-12-31"))
        .await
        .unwrap();
    agrees(db, &[2025, 2026], "registering in the next year").await;
    evaluations::rate(db, &a, grade(2026, "member", ms[3]))
        .await
        .unwrap();
    agrees(
        db,
        &[2025, 2026],
        "grading a kept year that is not the first",
    )
    .await;

    // A community moved to another street takes its pairs along; the unit's grade of it
    // stays with the unit's org, which moved along too.
    orgs::add(db, &a, new_org("S2", "street", Some("D"), "350302001"))
        .await
        .unwrap();
    orgs::move_to(db, &a, "C", "S2").await.unwrap();
    agrees(db, &[2025, 2026], "moving the community").await;
    for year in [2025, 2026] {
        for within in ["D", "S", "S2", "C", "U1", "B1"] {
            for subject in [None, Some("member"), Some("unit"), Some("community")] {
                for pending in [false, true] {
                    lists_as_recounted(db, year, within, subject, pending).await;
                }
            }
        }
    }
    let (seen, _) = every_page(
        db,
        &a,
        ListPairs {
            year: s("2025"),
            within: s("S"),
            ..Default::default()
        },
    )
    .await;
    assert!(
        seen.is_empty(),
        "the old street holds none of them: {seen:?}"
    );

    // A liaison pages through their own unit's pairs alone.
    let (seen, progress) = every_page(
        db,
        &l,
        ListPairs {
            year: s("2025"),
            ..Default::default()
        },
    )
    .await;
    let c = ints(db, "SELECT id FROM orgs WHERE code = 'C'").await[0];
    let u = units_[0];
    assert_eq!(
        seen,
        vec![format!("unit:{c}:{u}"), format!("community:{c}:{u}")],
        "by grading side: the community, then the unit's org below it"
    );
    assert_eq!(
        progress,
        vec![("community".into(), 1, 0), ("unit".into(), 1, 1)]
    );
}

#[both]
async fn a_cursor_from_outside_the_list_is_refused_alike(on: Backend) {
    let t = city(on).await;
    let (a, db) = (actor(), &t.db);
    let mut ids = Vec::new();
    for (i, org) in ["B1", "B2"].iter().enumerate() {
        let m = members::add(
            db,
            &a,
            new_member(&format!("党员{i}"), 71 + 2 * i as u32, org),
        )
        .await
        .unwrap();
        registrations::register_member(db, &a, m.id, "C", s("2025-02-01"))
            .await
            .unwrap();
        ids.push(m.id);
    }
    let q = |within: &str, after: &str| ListPairs {
        year: s("2025"),
        within: s(within),
        after: s(after),
        limit: Some(1),
        ..Default::default()
    };
    let c = ints(db, "SELECT id FROM orgs WHERE code = 'C'").await[0];
    let first = format!("member.{c}.{}", ids[0]);
    let next = evaluations::pairs(db, &a, q("C", &first)).await.unwrap();
    assert_eq!(
        next.page.items[0].member_id,
        Some(ids[1]),
        "the page after the first pair"
    );
    for (within, after) in [
        ("C2", first.clone()),
        ("C", format!("member.{c}.999999")),
        ("C", format!("unit.{c}.{}", ids[0])),
        ("C", "member.1".to_string()),
        ("C", "x.y.z".to_string()),
    ] {
        let e = evaluations::pairs(db, &a, q(within, &after))
            .await
            .unwrap_err();
        assert!(
            matches!(&e, OpsError::Invalid(i) if i.field == "after"),
            "{within} {after}: {e}"
        );
    }
}
