//! Importing members: a dry run writes nothing, an import writes every row or none.

use crate::common::*;
use jiceng_ops::imports::{self, Record, Row, RowError};
use jiceng_ops::members::NewMember;
use jiceng_store::Backend;
use jiceng_testkit::both;

fn rows(list: Vec<NewMember>) -> Vec<Row> {
    list.into_iter()
        .enumerate()
        .map(|(i, m)| Row {
            line: i + 2,
            record: Record::Member(m),
        })
        .collect()
}

#[both]
async fn dry_run_reports_every_row_and_writes_nothing(on: Backend) {
    let t = city(on).await;
    let a = actor();
    let good = new_member("林一", 11, "B1");
    let bad_phone = NewMember {
        phone: s("123"),
        ..new_member("林二", 13, "B1")
    };
    let dup = new_member("林一甲", 11, "B2");
    let bad_org = NewMember {
        org: s("NOPE"),
        ..new_member("林三", 15, "B1")
    };
    let found = vec![RowError::new(
        9,
        "id_number",
        "3.50302E+17",
        jiceng_domain::msg!("{n} 不是有效的日期", n = "丢失"),
    )];
    let report = imports::rows(
        &t.db,
        &a,
        rows(vec![good.clone(), bad_phone, dup, bad_org]),
        found,
        true,
    )
    .await
    .unwrap();
    let lines: Vec<(usize, &str)> = report
        .errors
        .iter()
        .map(|e| (e.line, e.column.as_str()))
        .collect();
    assert_eq!(
        lines,
        vec![
            (3, "联系电话"),
            (4, "身份证号"),
            (5, "所在党组织"),
            (9, "身份证号")
        ]
    );
    assert_eq!(report.imported, 0);
    assert_eq!(count(&t.db, "SELECT COUNT(*) FROM members").await, 0);

    // A real run with one bad row writes nothing either.
    let report = imports::rows(
        &t.db,
        &a,
        rows(vec![
            good.clone(),
            NewMember {
                phone: s("123"),
                ..new_member("林二", 13, "B1")
            },
        ]),
        vec![],
        false,
    )
    .await
    .unwrap();
    assert_eq!((report.imported, report.errors.len()), (0, 1));
    assert_eq!(count(&t.db, "SELECT COUNT(*) FROM members").await, 0);

    let report = imports::rows(
        &t.db,
        &a,
        rows(vec![good, new_member("林二", 13, "B2")]),
        vec![],
        false,
    )
    .await
    .unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.imported, 2);
    assert_eq!(count(&t.db, "SELECT COUNT(*) FROM members").await, 2);
    assert_eq!(
        count(
            &t.db,
            "SELECT COUNT(*) FROM audit_log WHERE operation = 'member.add'"
        )
        .await,
        2
    );
    let c = jiceng_ops::orgs::show(&t.db, &a, "C").await.unwrap();
    assert_eq!(c.org.row.subtree_member_count, 2);
}

#[both]
async fn orgs_and_units_import_in_file_order(on: Backend) {
    let t = city(on).await;
    let a = actor();
    let rows = vec![
        Row {
            line: 2,
            record: Record::Org(jiceng_ops::orgs::NewOrg {
                category: s("unit"),
                ..new_org("UX", "branch", Some("C"), COMMUNITY_DIV)
            }),
        },
        Row {
            line: 3,
            record: Record::Org(new_org("GX", "group", Some("B1"), COMMUNITY_DIV)),
        },
        Row {
            line: 4,
            record: Record::Unit(jiceng_ops::units::NewUnit {
                name: s("莆田市水务集团"),
                category: s("国企"),
                division_code: s(COMMUNITY_DIV),
                org: s("UX"),
                ..Default::default()
            }),
        },
        Row {
            line: 5,
            record: Record::Org(new_org("BAD", "street", Some("C"), COMMUNITY_DIV)),
        },
    ];
    let report = imports::rows(&t.db, &a, rows.clone(), vec![], false)
        .await
        .unwrap();
    assert_eq!(
        report
            .errors
            .iter()
            .map(|e| (e.line, e.column.as_str()))
            .collect::<Vec<_>>(),
        vec![(5, "上级党组织")]
    );
    assert_eq!(
        count(&t.db, "SELECT COUNT(*) FROM units").await,
        0,
        "nothing written"
    );
    let report = imports::rows(&t.db, &a, rows[..3].to_vec(), vec![], false)
        .await
        .unwrap();
    assert_eq!(report.imported, 3);
    let ux = jiceng_ops::orgs::show(&t.db, &a, "UX").await.unwrap();
    assert_eq!(
        ux.unit.map(|u| u.name).as_deref(),
        Some("莆田市水务集团"),
        "a unit can name an org added earlier in the same file"
    );
}

/// Finding 10: a dry run gives the write lock up between chunks, so a writer waiting on it
/// gets in long before a large file is checked; and it reports what a real run would: an org
/// under an org added chunks earlier in the file is fine, and a code used twice, chunks apart,
/// is named with the row that used it first.
#[both]
async fn a_dry_run_lets_writers_in_and_sees_across_its_chunks(on: Backend) {
    let t = city(on).await;
    let a = actor();
    // A branch of C, then groups under it, far more than a chunk holds.
    let mut rows = vec![Row {
        line: 2,
        record: Record::Org(new_org("Q0", "branch", Some("C"), COMMUNITY_DIV)),
    }];
    for i in 1..2000 {
        rows.push(Row {
            line: i + 2,
            record: Record::Org(new_org(
                &format!("Q{i}"),
                "group",
                Some("Q0"),
                COMMUNITY_DIV,
            )),
        });
    }
    rows.push(Row {
        line: 2002,
        record: Record::Org(new_org("Q5", "group", Some("Q0"), COMMUNITY_DIV)),
    });
    let start = std::time::Instant::now();
    let dry = {
        let (db, rows) = (t.db.clone(), rows.clone());
        tokio::spawn(async move {
            let r = imports::rows(&db, &actor(), rows, vec![], true).await;
            (r, start.elapsed())
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    jiceng_ops::units::add(
        &t.db,
        &a,
        jiceng_ops::units::NewUnit {
            name: s("莆田市水务集团"),
            category: s("国企"),
            division_code: s(COMMUNITY_DIV),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let waited = start.elapsed();
    let (report, took) = dry.await.unwrap();
    let report = report.unwrap();
    // Four chunks: the writer waits for the first at most, not for the whole file.
    assert!(
        waited * 2 < took,
        "the writer got in after {waited:?} of the dry run's {took:?}"
    );
    assert_eq!(
        report
            .errors
            .iter()
            .map(|e| (e.line, e.column.as_str(), e.message.to_string()))
            .collect::<Vec<_>>(),
        vec![(2002, "组织代码", "与第 7 行重复".to_string())],
        "rows under Q0, added in the first chunk, check in every later one"
    );
    assert_eq!(
        count(&t.db, "SELECT COUNT(*) FROM orgs WHERE code LIKE 'Q%'").await,
        0
    );
}
