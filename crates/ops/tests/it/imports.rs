//! Importing members: a dry run writes nothing, an import writes every row or none.

use crate::common::*;
use jiceng_domain::imports::{Cell, Header, Kind};
use jiceng_ops::imports::records::records;
use jiceng_ops::imports::{self, Record, Row, RowError};
use jiceng_ops::members::NewMember;
use jiceng_ops::{OpsError, members};
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

fn text(v: &str) -> Cell {
    if v.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(v.into())
    }
}

fn sheet_row(cells: &[&str]) -> Vec<Cell> {
    cells.iter().map(|c| text(c)).collect()
}

/// The member sheet an organisation department keeps: a merged title row, its own headers,
/// values written as people write them. Six good rows, ten bad ones (one with two problems).
fn department_sheet() -> Vec<Vec<Cell>> {
    let id = |seq| id_number("1985-03-04", seq);
    let mut rows = vec![
        sheet_row(&["莆田市荔城区党员信息采集表（2026年）"]),
        sheet_row(&[
            "序号",
            "姓名",
            "公民身份号码",
            "性别",
            "民族",
            "所在党组织",
            "入党时间",
            "转正时间",
            "党员类别",
            "学历",
            "联系电话",
        ]),
    ];
    let good: [[&str; 11]; 6] = [
        [
            "1",
            "林一",
            &id(11),
            "男",
            "汉",
            "测试组织B1",
            "2010年7月1日",
            "2011.7.1",
            "在职党员",
            "硕士研究生",
            "+86 138-0594-1238",
        ],
        [
            "2",
            "林二",
            &id(13),
            "M",
            "畲族",
            "B2",
            "2010-07-01",
            "2011-07-01",
            "离退休党员",
            "本科",
            "１３８０５９４１２３９",
        ],
        [
            "3",
            "林三",
            &id(15),
            "1",
            "回",
            "测试组织B1",
            "2010/7/1",
            "2011/7/1",
            "困难党员、流动党员",
            "大专",
            "",
        ],
        [
            "4",
            "林四",
            &id(12),
            "2",
            "汉族",
            "B1",
            "20100701",
            "2011年7月1日",
            "流动党员",
            "博士研究生",
            "138 0594 1240",
        ],
        [
            "5",
            "林五",
            &id(14),
            "F",
            "汉",
            "测试组织B2",
            "2010-07-01",
            "2011-07-01",
            "在职",
            "研究生",
            "",
        ],
        [
            "6",
            "林六",
            &id(16),
            "女",
            "汉",
            "B1",
            "2010-07-01",
            "2011-07-01",
            "",
            "",
            "0594-2345678",
        ],
    ];
    for r in &good {
        rows.push(sheet_row(r));
    }
    let bad: [[&str; 11]; 10] = [
        [
            "7",
            "陈一",
            &id(17),
            "男",
            "汉",
            "B1",
            "2010-07-01",
            "2011-07-01",
            "在职",
            "幼儿园",
            "123",
        ],
        [
            "8",
            "陈二",
            "",
            "男",
            "汉",
            "B1",
            "2010-07-01",
            "2011-07-01",
            "在职",
            "",
            "",
        ],
        [
            "9",
            "陈三",
            &id(19),
            "男",
            "汉",
            "第一党支部",
            "2010-07-01",
            "2011-07-01",
            "",
            "",
            "",
        ],
        [
            "10",
            "陈四",
            &id(21),
            "男",
            "汉",
            "不存在的支部",
            "2010-07-01",
            "2011-07-01",
            "",
            "",
            "",
        ],
        [
            "11",
            "陈五",
            &id(23),
            "男",
            "汉",
            "B1",
            "去年",
            "2011-07-01",
            "",
            "",
            "",
        ],
        [
            "12",
            "陈六",
            &id(25),
            "女",
            "汉",
            "B1",
            "2010-07-01",
            "2011-07-01",
            "",
            "",
            "",
        ],
        [
            "13",
            "陈七",
            &id(27),
            "男",
            "汉",
            "B1",
            "2010-07-01",
            "2011-07-01",
            "在职党员、离退休党员",
            "",
            "",
        ],
        [
            "14",
            "陈八",
            &id(11),
            "男",
            "汉",
            "B1",
            "2010-07-01",
            "2011-07-01",
            "",
            "",
            "",
        ],
        [
            "15",
            "",
            &id(29),
            "男",
            "汉",
            "B1",
            "2010-07-01",
            "2011-07-01",
            "",
            "",
            "",
        ],
        [
            "16",
            "陈十",
            &id(31),
            "男",
            "火星族",
            "B1",
            "2010-07-01",
            "2011-07-01",
            "",
            "",
            "",
        ],
    ];
    for r in &bad {
        rows.push(sheet_row(r));
    }
    // Excel turned this row's ID number into a float: the digits are lost, and its org is
    // ambiguous too.
    rows[10][2] = Cell::Number(3.503021985e17);
    rows
}

/// Two branches of one name in two communities: the name alone is ambiguous.
async fn two_branches_of_one_name(t: &jiceng_store::testing::TestDb) {
    for (code, parent, div) in [
        ("Y1", "C", COMMUNITY_DIV),
        ("Y2", "C2", OTHER_COMMUNITY_DIV),
    ] {
        jiceng_ops::orgs::add(
            &t.db,
            &actor(),
            jiceng_ops::orgs::NewOrg {
                name: s("第一党支部"),
                ..new_org(code, "branch", Some(parent), div)
            },
        )
        .await
        .unwrap();
    }
}

#[both]
async fn a_department_sheet_imports_its_good_rows_and_names_every_problem(on: Backend) {
    let t = city(on).await;
    two_branches_of_one_name(&t).await;
    let a = actor();
    let sheet = department_sheet();
    let header = Header::find(Kind::Members, &sheet).unwrap();
    assert_eq!(header.line, 2);
    assert!(header.missing(Kind::Members).is_empty());
    let (rows, found) = records(Kind::Members, &header, &sheet);
    assert_eq!(rows.len(), 16);
    let report = imports::rows(&t.db, &a, rows.clone(), found.clone(), true)
        .await
        .unwrap();
    let mut named: Vec<(usize, &str)> = report
        .errors
        .iter()
        .map(|e| (e.line, e.column.as_str()))
        .collect();
    named.sort();
    assert_eq!(
        named,
        vec![
            (9, "学历"),
            (9, "联系电话"),
            (10, "身份证号"),
            (11, "所在党组织"),
            (11, "身份证号"),
            (12, "所在党组织"),
            (13, "入党日期"),
            (14, "性别"),
            (15, "党员类别"),
            (16, "身份证号"),
            (17, "姓名/名称"),
            (18, "民族"),
        ],
        "{:#?}",
        report.errors
    );
    let ambiguous = report
        .errors
        .iter()
        .find(|e| e.line == 11 && e.column == "所在党组织")
        .unwrap();
    let said = ambiguous.message.to_string();
    assert!(said.contains("Y1") && said.contains("Y2"), "{said}");
    assert!(
        report.errors.iter().all(|e| e.line > 8),
        "every good row passes"
    );
    // Nothing is written while any row is wrong.
    let report = imports::rows(&t.db, &a, rows.clone(), found, false)
        .await
        .unwrap();
    assert_eq!(report.imported, 0);
    assert_eq!(count(&t.db, "SELECT COUNT(*) FROM members").await, 0);
    // The good rows alone import, every value repaired.
    let good: Vec<Row> = rows.into_iter().filter(|r| r.line <= 8).collect();
    let report = imports::rows(&t.db, &a, good, vec![], false).await.unwrap();
    assert_eq!(
        (report.imported, report.errors.len()),
        (6, 0),
        "{:?}",
        report.errors
    );
    let list = members::list(&t.db, &a, Default::default()).await.unwrap();
    let one = list.items.iter().find(|m| m.name == "林一").unwrap();
    assert_eq!(one.org_code, "B1", "the org by its full name");
    assert_eq!(one.education, Some("研究生"));
    assert_eq!(one.categories, vec!["在职"]);
    assert_eq!(one.ethnicity, "汉族");
    assert_eq!(
        one.full_on.map(|d| d.to_string()).as_deref(),
        Some("2011-07-01")
    );
    let shown = members::show(&t.db, &a, one.id, true).await.unwrap();
    assert_eq!(shown.member.phone.as_deref(), Some("13805941238"));
    let three = list.items.iter().find(|m| m.name == "林三").unwrap();
    assert_eq!(three.categories, vec!["流动", "困难"]);
}

/// An exported member list imports again to the same records: matched on the member's
/// number, the masked ID number and phone kept as they are on file.
#[both]
async fn an_exported_member_list_imports_again_to_the_same_records(on: Backend) {
    let t = city(on).await;
    let a = actor();
    for (i, name) in ["王一", "王二", "王三"].iter().enumerate() {
        members::add(&t.db, &a, new_member(name, 41 + i as u32 * 2, "B1"))
            .await
            .unwrap();
    }
    let before = members::list(&t.db, &a, Default::default()).await.unwrap();
    // The member export's columns, as /members/export.xlsx writes them.
    let mut sheet = vec![sheet_row(&[
        "编号",
        "姓名",
        "性别",
        "民族",
        "出生日期",
        "身份证号",
        "联系电话",
        "学历",
        "入党日期",
        "转正日期",
        "状态",
        "类别",
        "党组织代码",
        "所在党组织",
        "居住社区",
    ])];
    for m in &before.items {
        assert!(m.id_number.contains('*'), "exports mask ID numbers");
        sheet.push(sheet_row(&[
            &m.id.to_string(),
            &m.name,
            m.gender,
            &m.ethnicity,
            &m.birth_date.to_string(),
            &m.id_number,
            m.phone.as_deref().unwrap_or(""),
            m.education.unwrap_or(""),
            &m.joined_on.to_string(),
            &m.full_on.map(|d| d.to_string()).unwrap_or_default(),
            m.status,
            &m.categories.join("、"),
            &m.org_code,
            &m.org_name,
            m.residence_division.as_deref().unwrap_or(""),
        ]));
    }
    let header = Header::find(Kind::Members, &sheet).unwrap();
    let (rows, found) = records(Kind::Members, &header, &sheet);
    assert!(
        rows.iter()
            .all(|r| matches!(r.record, Record::Correction(..)))
    );
    let report = imports::rows(&t.db, &a, rows, found, false).await.unwrap();
    assert_eq!(
        (report.imported, report.errors.len()),
        (3, 0),
        "{:?}",
        report.errors
    );
    let after = members::list(&t.db, &a, Default::default()).await.unwrap();
    let key = |p: &jiceng_ops::Page<jiceng_ops::members::MemberView>| {
        p.items.iter().map(|m| format!("{m:?}")).collect::<Vec<_>>()
    };
    assert_eq!(key(&after), key(&before), "the same records, unchanged");
    assert_eq!(count(&t.db, "SELECT COUNT(*) FROM members").await, 3);
    // A row whose 编号 names another member (a sheet numbering its rows) is refused, not
    // written over them.
    let mut stranger = sheet.clone();
    stranger[1][5] = text(&jiceng_domain::id_number::mask(&id_number(
        "1990-01-01",
        77,
    )));
    stranger[1][1] = text("外人");
    let (rows, found) = records(Kind::Members, &header, &stranger);
    let report = imports::rows(&t.db, &a, rows, found, false).await.unwrap();
    assert_eq!(
        report
            .errors
            .iter()
            .map(|e| (e.line, e.column.as_str()))
            .collect::<Vec<_>>(),
        vec![(2, "编号")]
    );
    assert_eq!(
        key(&members::list(&t.db, &a, Default::default()).await.unwrap()),
        key(&before)
    );
    // An edit in the sheet corrects that member; a number out of reach is not found.
    sheet[1][1] = text("王一改");
    sheet[2][0] = text("999999");
    let (rows, found) = records(Kind::Members, &header, &sheet);
    let report = imports::rows(&t.db, &a, rows, found, true).await.unwrap();
    assert_eq!(
        report
            .errors
            .iter()
            .map(|e| (e.line, e.column.as_str()))
            .collect::<Vec<_>>(),
        vec![(3, "编号")]
    );
}

/// A job keeps the file and the header found in it; a corrected mapping is remembered for the
/// next file with the same headers; a job runs once at a time, keeps its report, and is its
/// owner's alone.
#[both]
async fn an_import_job_is_mapped_run_and_reported_to_its_owner_only(on: Backend) {
    use jiceng_ops::imports::jobs;
    let t = city(on).await;
    let owner =
        crate::access::account(&t.db, "sec1", "community_secretary", Some("C"), None, None).await;
    let other =
        crate::access::account(&t.db, "sec2", "community_secretary", Some("C"), None, None).await;
    let mut sheet = department_sheet();
    // A column nobody names this way: the header has no org column until it is mapped.
    sheet[1][5] = text("支部");
    let job = jobs::start(&t.db, &owner, Kind::Members, "采集表.xlsx", b"file", &sheet)
        .await
        .unwrap();
    assert_eq!(
        (job.header_line, job.total, job.state.as_str()),
        (2, 16, "mapping")
    );
    assert_eq!(job.missing, vec!["党组织代码"]);
    assert_eq!(job.columns[1].sample, "林一");
    let e = jobs::begin(&t.db, &owner, job.id, true).await.unwrap_err();
    assert_eq!(
        e.body().field,
        Some("fields"),
        "a required column is missing"
    );
    let mut fields: Vec<Option<String>> = job.columns.iter().map(|c| c.field.clone()).collect();
    fields[5] = s("org");
    let mapped = jobs::map(&t.db, &owner, job.id, fields).await.unwrap();
    assert!(mapped.missing.is_empty());
    // Another file laid out alike gets the mapping it was given.
    let again = jobs::start(
        &t.db,
        &owner,
        Kind::Members,
        "采集表2.xlsx",
        b"file",
        &sheet,
    )
    .await
    .unwrap();
    assert!(again.missing.is_empty(), "{:?}", again.columns);
    // Someone else's job answers as missing, whatever they ask.
    for e in [
        jobs::show(&t.db, &other, job.id).await.unwrap_err(),
        jobs::begin(&t.db, &other, job.id, true).await.unwrap_err(),
        jobs::map(&t.db, &other, job.id, vec![]).await.unwrap_err(),
    ] {
        assert!(matches!(e, OpsError::NotFound { .. }), "{e}");
    }
    let run = jobs::begin(&t.db, &owner, job.id, true).await.unwrap();
    let e = jobs::begin(&t.db, &owner, job.id, true).await.unwrap_err();
    assert!(matches!(e, OpsError::Conflict(_)), "one run at a time: {e}");
    // A run that lost its job to a later one writes nothing.
    jobs::run(&t.db, &owner, (job.id, run - 1), true, sheet.clone())
        .await
        .unwrap();
    assert_eq!(
        jobs::show(&t.db, &owner, job.id).await.unwrap().state,
        "checking"
    );
    jobs::run(&t.db, &owner, (job.id, run), true, sheet.clone())
        .await
        .unwrap();
    let done = jobs::show(&t.db, &owner, job.id).await.unwrap();
    assert_eq!((done.state.as_str(), done.done), ("checked", 16));
    let report = done.report.unwrap();
    assert_eq!(report.problems.len(), 12);
    let phone = report
        .problems
        .iter()
        .find(|p| p.column == "联系电话")
        .unwrap();
    assert_eq!(
        (phone.line, phone.cell),
        (9, Some(10)),
        "the file's row and column"
    );
    assert!(phone.message_en.contains("mobile"), "{}", phone.message_en);
    assert_eq!(count(&t.db, "SELECT COUNT(*) FROM members").await, 0);
    assert_eq!(jobs::list(&t.db, &owner).await.unwrap().len(), 2);
    assert!(jobs::list(&t.db, &other).await.unwrap().is_empty());
}

/// An org or unit row names every problem of its own fields at once.
#[both]
async fn org_and_unit_rows_name_every_problem(on: Backend) {
    let t = city(on).await;
    let rows = vec![
        Row {
            line: 2,
            record: Record::Org(jiceng_ops::orgs::NewOrg {
                code: s("坏 代码"),
                level: s("宇宙"),
                founded_on: s("去年"),
                ..new_org("X", "branch", Some("C"), COMMUNITY_DIV)
            }),
        },
        Row {
            line: 3,
            record: Record::Unit(jiceng_ops::units::NewUnit {
                name: s(""),
                category: s("外星企业"),
                division_code: s("999999999999"),
                ..Default::default()
            }),
        },
    ];
    let report = imports::rows(&t.db, &actor(), rows, vec![], true)
        .await
        .unwrap();
    let mut named: Vec<(usize, &str)> = report
        .errors
        .iter()
        .map(|e| (e.line, e.column.as_str()))
        .collect();
    named.sort();
    assert_eq!(
        named,
        vec![
            (2, "成立日期"),
            (2, "组织代码"),
            (2, "组织层级"),
            (3, "姓名/名称"),
            (3, "类别"),
            (3, "行政区划代码"),
        ],
        "{:#?}",
        report.errors
    );
}
