//! Excel exports of the list views: the same filters and the same access checks as the page,
//! read a page at a time through the use cases and streamed (see [`stream`]), capped so one
//! request stays bounded. Small sheets (ledgers, an import's report) are built in memory.

pub mod lists;
pub mod stream;

use super::{PageResult, Viewer};
use crate::AppState;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiceng_ops::audit::BrowseAudit;
use jiceng_ops::members::ListMembers;
use jiceng_ops::orgs::ListOrgs;
use jiceng_ops::units::ListUnits;
use jiceng_ops::{audit, members, orgs, units};
use rust_xlsxwriter::{Format, Workbook};
use std::collections::HashMap;
use stream::Sheet;

/// Most rows one export holds; the sheet says so when it stops there.
pub const MAX_ROWS: usize = 100_000;

fn field(q: &HashMap<String, String>, k: &str) -> Option<String> {
    q.get(k)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// A workbook of one sheet: a bold header row, then the rows.
pub fn workbook(
    sheet: &str,
    head: &[&str],
    rows: &[Vec<String>],
    truncated: bool,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet)?;
    let bold = Format::new().set_bold();
    for (c, h) in head.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
        ws.set_column_width(c as u16, 16)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            // Text cells, so ID numbers and codes never turn into 3.50302E+17.
            ws.write_string(r as u32 + 1, c as u16, v)?;
        }
    }
    if truncated {
        ws.write_string(
            rows.len() as u32 + 1,
            0,
            format!("（仅导出前 {MAX_ROWS} 行，请缩小筛选范围）"),
        )?;
    }
    ws.set_freeze_panes(1, 0)?;
    wb.save_to_buffer()
}

/// The workbook as a download named `name`.xlsx, or a 500 logged if it could not be built.
pub fn xlsx(name: &str, bytes: Result<Vec<u8>, rust_xlsxwriter::XlsxError>) -> Response {
    match bytes {
        Ok(b) => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}.xlsx\""),
                ),
            ],
            b,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "xlsx export failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "export failed").into_response()
        }
    }
}

pub async fn members_xlsx(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let mut out = Sheet::new("党员", &MEMBER_HEAD);
    let mut after = None;
    let truncated = loop {
        let page = members::list(
            &s.db,
            &v.actor,
            ListMembers {
                within: field(&q, "within"),
                status: field(&q, "status"),
                category: field(&q, "category"),
                name: field(&q, "name"),
                after: after.clone(),
                limit: Some(500),
            },
        )
        .await;
        let page = page?;
        if !out
            .page(
                page.items
                    .into_iter()
                    .map(|m| {
                        vec![
                            m.id.to_string(),
                            m.name,
                            m.gender.to_string(),
                            m.ethnicity,
                            m.birth_date.to_string(),
                            m.id_number,
                            m.phone.unwrap_or_default(),
                            m.education.unwrap_or("").to_string(),
                            m.joined_on.to_string(),
                            m.full_on.map(|d| d.to_string()).unwrap_or_default(),
                            m.status.to_string(),
                            m.categories.join("、"),
                            m.org_code,
                            m.org_name,
                            m.residence_division.unwrap_or_default(),
                        ]
                    })
                    .collect(),
            )
            .await?
        {
            break false;
        }
        match page.next {
            Some(n) if out.rows() < MAX_ROWS => after = Some(n),
            Some(_) => break true,
            None => break false,
        }
    };
    Ok(out.finish("党员名册", truncated).await?)
}

const MEMBER_HEAD: [&str; 15] = [
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
];

pub async fn orgs_xlsx(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let mut out = Sheet::new("党组织", &ORG_HEAD);
    let mut page_no = 1;
    let truncated = loop {
        let page = orgs::list(
            &s.db,
            &v.actor,
            ListOrgs {
                within: field(&q, "within"),
                level: field(&q, "level"),
                category: field(&q, "category"),
                text: field(&q, "q"),
                term_due_before: field(&q, "term_due_before"),
                page: Some(page_no),
                per_page: Some(500),
            },
        )
        .await;
        let page = page?;
        if !out
            .page(
                page.items
                    .into_iter()
                    .map(|o| {
                        let r = o.row;
                        vec![
                            r.code,
                            r.name,
                            o.level_label.to_string(),
                            o.category_label.to_string(),
                            r.division_code,
                            r.founded_on.map(|d| d.to_string()).unwrap_or_default(),
                            r.elected_on.map(|d| d.to_string()).unwrap_or_default(),
                            r.term_due.map(|d| d.to_string()).unwrap_or_default(),
                            r.member_count.to_string(),
                            r.subtree_member_count.to_string(),
                        ]
                    })
                    .collect(),
            )
            .await?
        {
            break false;
        }
        match page.next {
            Some(_) if out.rows() < MAX_ROWS => page_no += 1,
            Some(_) => break true,
            None => break false,
        }
    };
    Ok(out.finish("党组织", truncated).await?)
}

const ORG_HEAD: [&str; 10] = [
    "代码",
    "名称",
    "层级",
    "类别",
    "行政区划",
    "成立日期",
    "换届日期",
    "下次换届",
    "直属党员",
    "党员总数",
];

pub async fn audit_xlsx(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let mut out = Sheet::new(
        "审计",
        &["序号", "时间", "操作者", "操作", "对象", "修改前", "修改后"],
    );
    let mut before = None;
    let truncated = loop {
        let page = audit::browse(
            &s.db,
            &v.actor,
            BrowseAudit {
                actor: field(&q, "actor"),
                operation: field(&q, "operation"),
                target: field(&q, "target"),
                from: field(&q, "from"),
                to: field(&q, "to"),
                before,
                limit: Some(500),
            },
        )
        .await;
        let page = page?;
        if !out
            .page(
                page.items
                    .into_iter()
                    .map(|e| {
                        vec![
                            e.seq.unwrap_or(0).to_string(),
                            jiceng_domain::clock::stamp(e.at),
                            e.actor,
                            e.operation,
                            e.target,
                            e.before_json.unwrap_or_default(),
                            e.after_json.unwrap_or_default(),
                        ]
                    })
                    .collect(),
            )
            .await?
        {
            break false;
        }
        match page.next.and_then(|n| n.parse().ok()) {
            Some(n) if out.rows() < MAX_ROWS => before = Some(n),
            Some(_) => break true,
            None => break false,
        }
    };
    Ok(out.finish("审计日志", truncated).await?)
}

pub async fn units_xlsx(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    let mut out = Sheet::new("驻区单位", &UNIT_HEAD);
    let mut page_no = 1;
    let truncated = loop {
        let query = ListUnits {
            within: field(&q, "within"),
            q: field(&q, "q"),
            page: Some(page_no),
            per_page: Some(500),
        };
        let page = units::list(&s.db, &v.actor, query).await?;
        if !out
            .page(
                page.items
                    .into_iter()
                    .map(|u| {
                        let r = u.row;
                        vec![
                            r.id.to_string(),
                            r.name,
                            u.category_label.to_string(),
                            r.division_code,
                            r.address.unwrap_or_default(),
                            r.org_code.unwrap_or_default(),
                            r.org_name.unwrap_or_default(),
                        ]
                    })
                    .collect(),
            )
            .await?
        {
            break false;
        }
        match page.next {
            Some(_) if out.rows() < MAX_ROWS => page_no += 1,
            Some(_) => break true,
            None => break false,
        }
    };
    Ok(out.finish("驻区单位", truncated).await?)
}

const UNIT_HEAD: [&str; 7] = [
    "编号",
    "单位名称",
    "类别",
    "所在区划",
    "地址",
    "党组织代码",
    "党组织",
];
