//! The import page: download the template, upload a filled .xlsx or .csv, see every problem by
//! row and column (dry run), then import all rows at once.

use crate::AppState;
use crate::pages::export::workbook;
use crate::pages::{Layout, Viewer, error_page, render};
use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jiceng_domain::imports::{self as repair, Cell};
use jiceng_domain::{Msg, msg};
use jiceng_ops::OpsError;
use jiceng_ops::imports::{self, Record, Report, Row, RowError};
use jiceng_ops::members::NewMember;
use jiceng_ops::orgs::NewOrg;
use jiceng_ops::units::NewUnit;

/// Largest upload accepted (413 beyond).
pub const MAX_UPLOAD: usize = 10 * 1024 * 1024;

/// What a file imports.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Members,
    Orgs,
    Units,
}

impl Kind {
    fn parse(s: Option<&str>) -> Kind {
        match s {
            Some("orgs") => Kind::Orgs,
            Some("units") => Kind::Units,
            _ => Kind::Members,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Kind::Members => "members",
            Kind::Orgs => "orgs",
            Kind::Units => "units",
        }
    }

    /// (header, field, also accepted as header). The member and org exports use the same
    /// headers, so an exported list can be edited and imported back.
    fn columns(self) -> &'static [(&'static str, &'static str, &'static str)] {
        match self {
            Kind::Members => &[
                ("姓名", "name", ""),
                ("身份证号", "id_number", ""),
                ("党组织代码", "org", ""),
                ("性别", "gender", ""),
                ("民族", "ethnicity", ""),
                ("出生日期", "birth_date", ""),
                ("联系电话", "phone", ""),
                ("学历", "education", ""),
                ("入党日期", "joined_on", ""),
                ("转正日期", "full_on", ""),
                ("状态", "status", ""),
                ("类别", "categories", ""),
                ("居住社区", "residence_division", ""),
            ],
            Kind::Orgs => &[
                ("组织代码", "code", "代码"),
                ("名称", "name", ""),
                ("层级", "level", ""),
                ("类别", "category", ""),
                ("上级组织代码", "parent", ""),
                ("行政区划", "division_code", ""),
                ("成立日期", "founded_on", ""),
                ("换届日期", "elected_on", ""),
                ("依托项目", "project", ""),
                ("撤销日期", "ends_on", ""),
            ],
            Kind::Units => &[
                ("单位名称", "name", ""),
                ("单位类别", "category", ""),
                ("所在区划", "division_code", ""),
                ("地址", "address", ""),
                ("党组织代码", "org", ""),
            ],
        }
    }

    fn required(self) -> &'static [&'static str] {
        match self {
            Kind::Members => &["name", "id_number", "org", "joined_on"],
            Kind::Orgs => &["code", "name", "level", "division_code"],
            Kind::Units => &["name", "category", "division_code"],
        }
    }

    fn example(self) -> &'static [&'static str] {
        match self {
            Kind::Members => &[
                "林小红",
                "350302198503040128",
                "C350302001001",
                "女",
                "汉族",
                "1985-03-04",
                "13800138000",
                "大学本科",
                "2010-07-01",
                "2011-07-01",
                "正式",
                "在职,流动",
                "350302001001",
            ],
            Kind::Orgs => &[
                "350302001001901",
                "太平社区第901网格党支部",
                "党支部",
                "网格党支部",
                "C350302001001",
                "350302001001",
                "2020-05-01",
                "2024-05-01",
                "",
                "",
            ],
            Kind::Units => &[
                "莆田市某某科技有限公司",
                "非公企业",
                "350302001001",
                "龙桥街道100号",
                "",
            ],
        }
    }

    fn is_date(field: &str) -> bool {
        matches!(
            field,
            "birth_date" | "joined_on" | "full_on" | "founded_on" | "elected_on" | "ends_on"
        )
    }

    fn record(self, mut f: std::collections::HashMap<&'static str, String>) -> Record {
        let mut take = |k: &str| f.remove(k);
        match self {
            Kind::Members => Record::Member(NewMember {
                name: take("name"),
                id_number: take("id_number"),
                org: take("org"),
                gender: take("gender"),
                ethnicity: take("ethnicity"),
                birth_date: take("birth_date"),
                phone: take("phone"),
                education: take("education"),
                joined_on: take("joined_on"),
                full_on: take("full_on"),
                status: take("status"),
                categories: take("categories"),
                residence_division: take("residence_division"),
                employer_unit: None,
            }),
            Kind::Orgs => Record::Org(NewOrg {
                code: take("code"),
                name: take("name"),
                level: take("level"),
                category: take("category"),
                parent: take("parent"),
                division_code: take("division_code"),
                founded_on: take("founded_on"),
                elected_on: take("elected_on"),
                project: take("project"),
                ends_on: take("ends_on"),
            }),
            Kind::Units => Record::Unit(NewUnit {
                name: take("name"),
                category: take("category"),
                division_code: take("division_code"),
                address: take("address"),
                org: take("org"),
            }),
        }
    }
}

#[derive(Template)]
#[template(path = "imports/import.html")]
struct ImportPage {
    l: Layout,
    kind: &'static str,
    report: Option<Report>,
    file: String,
    error: String,
}

fn page(v: &Viewer) -> Layout {
    let title = v.layout("", "").t("import.title").to_string();
    v.layout("import", title)
}

pub async fn form(v: Viewer) -> Response {
    if let Err(e) = imports::may_import(&v.actor) {
        return error_page(v.lang, &e);
    }
    render(&ImportPage {
        l: page(&v),
        kind: Kind::Members.code(),
        report: None,
        file: String::new(),
        error: String::new(),
    })
}

pub async fn template(
    v: Viewer,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let kind = Kind::parse(q.get("kind").map(String::as_str));
    let head: Vec<&str> = kind.columns().iter().map(|c| c.0).collect();
    let example: Vec<String> = kind.example().iter().map(|s| s.to_string()).collect();
    match workbook("导入", &head, &[example], false) {
        Ok(b) => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}-template.xlsx\"", kind.code()),
                ),
            ],
            b,
        )
            .into_response(),
        Err(e) => error_page(
            v.lang,
            &OpsError::Invalid(jiceng_domain::Invalid::new(
                "file",
                "",
                msg!("无法生成模板：{reason}", reason = e),
            )),
        ),
    }
}

/// Splits CSV text into rows of cells: quoted fields, doubled quotes, CRLF.
pub fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.trim_start_matches('\u{feff}').chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => row.push(std::mem::take(&mut cell)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (c, _) => cell.push(c),
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    rows
}

/// Turns sheet rows into records of `kind`, repairing cells and noting what cannot be repaired.
fn rows(kind: Kind, sheet: Vec<Vec<Cell>>) -> Result<(Vec<Row>, Vec<RowError>), Msg> {
    let columns = kind.columns();
    let mut it = sheet.into_iter().enumerate();
    let (_, head) = it.next().ok_or_else(|| msg!("文件是空的"))?;
    let head: Vec<Option<(&'static str, &'static str)>> = head
        .iter()
        .map(|c| {
            repair::text(c).and_then(|h| {
                columns
                    .iter()
                    .find(|(label, field, alias)| {
                        *label == h || *field == h || (!alias.is_empty() && *alias == h)
                    })
                    .map(|c| (c.1, c.0))
            })
        })
        .collect();
    let missing: Vec<&str> = kind
        .required()
        .iter()
        .filter(|f| !head.iter().any(|h| h.map(|h| h.0) == Some(**f)))
        .map(|f| columns.iter().find(|c| c.1 == *f).map(|c| c.0).unwrap_or(f))
        .collect();
    if !missing.is_empty() {
        // The file's own headers, as the template names them, so they stay in Chinese.
        return Err(msg!(
            "表头缺少必填列：{columns}（请使用模板）",
            columns = missing.join("、")
        ));
    }
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, cells) in it {
        if cells.iter().all(|c| repair::text(c).is_none()) {
            continue;
        }
        let line = i + 1;
        let mut fields = std::collections::HashMap::new();
        for (col, cell) in cells.iter().enumerate() {
            let Some(Some((field, label))) = head.get(col).copied() else {
                continue;
            };
            let value = match field {
                "id_number" => repair::id_number(cell),
                f if Kind::is_date(f) => repair::date(cell),
                _ => Ok(repair::text(cell)),
            };
            match value {
                Ok(Some(v)) => {
                    fields.insert(field, v);
                }
                Ok(None) => {}
                Err(message) => errors.push(RowError {
                    line,
                    column: label,
                    value: repair::text(cell).unwrap_or_default(),
                    message,
                }),
            }
        }
        out.push(Row {
            line,
            record: kind.record(fields),
        });
    }
    Ok((out, errors))
}

/// Uploads parsed at once, each on a blocking thread: more wait their turn.
static PARSING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// The sheet's cells, read within the bounds of [`super::sheet`] off the async threads.
async fn parse(name: String, bytes: Vec<u8>) -> Result<Vec<Vec<Cell>>, Msg> {
    let _turn = PARSING
        .acquire()
        .await
        .map_err(|_| msg!("服务器正在关闭"))?;
    tokio::task::spawn_blocking(move || super::sheet::read(&name, &bytes))
        .await
        .map_err(|_| msg!("无法读取文件"))?
}

pub async fn upload(State(s): State<AppState>, v: Viewer, mut form: Multipart) -> Response {
    // Asked before a byte of the file is read.
    if let Err(e) = imports::may_import(&v.actor) {
        return error_page(v.lang, &e);
    }
    let mut file = None;
    let mut dry_run = true;
    let mut kind = Kind::Members;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("file") => {
                    let name = field.file_name().unwrap_or("upload.xlsx").to_string();
                    match field.bytes().await {
                        Ok(b) => file = Some((name, b.to_vec())),
                        Err(e) => {
                            return fail(
                                &v,
                                kind,
                                "",
                                msg!(
                                    "上传失败（文件上限 {mb} MB）：{reason}",
                                    mb = MAX_UPLOAD >> 20,
                                    reason = e
                                ),
                            );
                        }
                    }
                }
                Some("mode") => dry_run = field.text().await.map(|t| t != "commit").unwrap_or(true),
                Some("kind") => kind = Kind::parse(field.text().await.ok().as_deref()),
                _ => {}
            },
            Ok(None) => break,
            Err(e) => {
                return fail(
                    &v,
                    kind,
                    "",
                    msg!(
                        "上传失败（文件上限 {mb} MB）：{reason}",
                        mb = MAX_UPLOAD >> 20,
                        reason = e
                    ),
                );
            }
        }
    }
    let Some((name, bytes)) = file.filter(|f| !f.1.is_empty()) else {
        return fail(&v, kind, "", msg!("请选择要导入的文件"));
    };
    let parsed = parse(name.clone(), bytes)
        .await
        .and_then(|sheet| rows(kind, sheet));
    let (rows, found) = match parsed {
        Ok(p) => p,
        Err(message) => return fail(&v, kind, &name, message),
    };
    match imports::rows(&s.db, &v.actor, rows, found, dry_run).await {
        Ok(report) => render(&ImportPage {
            l: page(&v),
            kind: kind.code(),
            report: Some(report),
            file: name,
            error: String::new(),
        }),
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => {
            let l = page(&v);
            let why = e.render(l.lang);
            render(&ImportPage {
                l,
                kind: kind.code(),
                report: None,
                file: name,
                error: why,
            })
        }
    }
}

fn fail(v: &Viewer, kind: Kind, file: &str, error: Msg) -> Response {
    let l = page(v);
    let error = l.msg(&error);
    render(&ImportPage {
        l,
        kind: kind.code(),
        report: None,
        file: file.into(),
        error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_quotes_and_crlf() {
        let rows = csv_rows("\u{feff}姓名,类别\r\n林一,\"在职,流动\"\r\n\"说\"\"好\"\"\",\n");
        assert_eq!(
            rows,
            vec![
                vec!["姓名", "类别"],
                vec!["林一", "在职,流动"],
                vec!["说\"好\"", ""]
            ]
        );
    }

    #[test]
    fn rows_repair_cells_and_name_what_is_lost() {
        let sheet = vec![
            vec![
                Cell::Text("姓名".into()),
                Cell::Text("身份证号".into()),
                Cell::Text("党组织代码".into()),
                Cell::Text("入党日期".into()),
            ],
            vec![
                Cell::Text(" 林一 ".into()),
                Cell::Number(3.503021985e17),
                Cell::Text("C1".into()),
                Cell::Number(40360.0),
            ],
            vec![
                Cell::Text("林二".into()),
                Cell::Text("３５０３０２１９８５０３０４０１２８".into()),
                Cell::Text("C1".into()),
                Cell::Text("2010年7月1日".into()),
            ],
        ];
        let (rows, errors) = super::rows(Kind::Members, sheet).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(errors.len(), 1);
        assert_eq!((errors[0].line, errors[0].column), (2, "身份证号"));
        let Record::Member(first) = &rows[0].record else {
            panic!("a member row")
        };
        assert_eq!(first.name.as_deref(), Some("林一"));
        assert_eq!(first.joined_on.as_deref(), Some("2010-07-01"));
        let Record::Member(second) = &rows[1].record else {
            panic!("a member row")
        };
        assert_eq!(second.id_number.as_deref(), Some("350302198503040128"));
        assert!(
            super::rows(Kind::Members, vec![vec![Cell::Text("姓名".into())]])
                .unwrap_err()
                .to_string()
                .contains("身份证号")
        );
        let orgs = vec![
            vec![
                Cell::Text("代码".into()),
                Cell::Text("名称".into()),
                Cell::Text("层级".into()),
                Cell::Text("行政区划".into()),
            ],
            vec![
                Cell::Text("X1".into()),
                Cell::Text("支部".into()),
                Cell::Text("党支部".into()),
                Cell::Number(350302001001.0),
            ],
        ];
        let (rows, errors) = super::rows(Kind::Orgs, orgs).unwrap();
        assert!(errors.is_empty());
        let Record::Org(o) = &rows[0].record else {
            panic!("an org row")
        };
        assert_eq!(
            o.division_code.as_deref(),
            Some("350302001001"),
            "a division code typed as a number is kept whole"
        );
    }
}
