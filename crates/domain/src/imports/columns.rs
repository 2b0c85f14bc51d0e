//! Which row of a sheet holds the headers, and which field each column is. Real sheets have
//! a merged title row or two above the headers and name their columns in their own words
//! (公民身份号码, 所在支部, 入党时间): the header is the row among the first few that names
//! the most fields, and each field is known by every name people give it.

use super::{Cell, text};
use crate::Msg;
use serde::{Deserialize, Serialize};

/// What a file imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Members,
    Orgs,
    Units,
}

/// A field a column can fill: its code, the template's header, the other headers people
/// use for it (the first names win when two columns claim one field), and whether a row
/// needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub field: &'static str,
    pub header: &'static str,
    pub synonyms: &'static [&'static str],
    pub required: bool,
    pub date: bool,
}

const fn col(
    field: &'static str,
    header: &'static str,
    synonyms: &'static [&'static str],
) -> Column {
    Column {
        field,
        header,
        synonyms,
        required: false,
        date: false,
    }
}

const fn required(c: Column) -> Column {
    Column {
        required: true,
        ..c
    }
}

const fn date(c: Column) -> Column {
    Column { date: true, ..c }
}

/// Member files. The member's number (编号) is on every export: a row that has one corrects
/// that member's file rather than adding a member.
const MEMBERS: &[Column] = &[
    col("number", "编号", &["党员编号"]),
    required(col("name", "姓名", &["党员姓名", "名字"])),
    required(col(
        "id_number",
        "身份证号",
        &[
            "身份证号码",
            "公民身份号码",
            "公民身份证号码",
            "证件号码",
            "身份证",
            "证件号",
        ],
    )),
    required(col(
        "org",
        "党组织代码",
        &[
            "组织代码",
            "所在党组织",
            "党组织",
            "所在支部",
            "所在党支部",
            "所属党组织",
            "党组织名称",
            "所属支部",
        ],
    )),
    col("gender", "性别", &[]),
    col("ethnicity", "民族", &[]),
    date(col(
        "birth_date",
        "出生日期",
        &["出生年月", "出生年月日", "生日"],
    )),
    col(
        "phone",
        "联系电话",
        &["手机号", "手机号码", "手机", "电话", "联系方式", "电话号码"],
    ),
    col("education", "学历", &["文化程度", "最高学历"]),
    required(date(col(
        "joined_on",
        "入党日期",
        &["入党时间", "入党年月"],
    ))),
    date(col("full_on", "转正日期", &["转正时间", "转正年月"])),
    col("status", "状态", &["党员状态", "党籍状态", "党员身份"]),
    col("categories", "类别", &["党员类别", "人员类别", "党员分类"]),
    col(
        "residence_division",
        "居住社区",
        &["居住社区代码", "居住地社区"],
    ),
];

const ORGS: &[Column] = &[
    required(col("code", "组织代码", &["代码", "党组织代码"])),
    required(col("name", "名称", &["组织名称", "党组织名称"])),
    required(col("level", "层级", &["组织层级", "党组织层级"])),
    col("category", "类别", &["组织类别", "党组织类别"]),
    col("parent", "上级组织代码", &["上级党组织代码", "上级代码"]),
    required(col(
        "division_code",
        "行政区划",
        &["行政区划代码", "区划代码", "所在区划"],
    )),
    date(col("founded_on", "成立日期", &["成立时间"])),
    date(col("elected_on", "换届日期", &["换届时间", "上次换届日期"])),
    col("project", "依托项目", &[]),
    date(col("ends_on", "撤销日期", &["撤销时间"])),
];

const UNITS: &[Column] = &[
    required(col("name", "单位名称", &["名称"])),
    required(col("category", "单位类别", &["类别", "单位性质"])),
    required(col(
        "division_code",
        "所在区划",
        &["行政区划", "区划代码", "行政区划代码"],
    )),
    col("address", "地址", &["单位地址", "详细地址"]),
    col("org", "党组织代码", &["单位党组织代码", "党组织"]),
];

/// How far down a header may sit below title rows.
pub const HEADER_SEARCH_ROWS: usize = 20;

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Members, Kind::Orgs, Kind::Units];

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == s.trim())
    }

    pub fn code(self) -> &'static str {
        match self {
            Kind::Members => "members",
            Kind::Orgs => "orgs",
            Kind::Units => "units",
        }
    }

    pub fn columns(self) -> &'static [Column] {
        match self {
            Kind::Members => MEMBERS,
            Kind::Orgs => ORGS,
            Kind::Units => UNITS,
        }
    }

    pub fn column(self, field: &str) -> Option<&'static Column> {
        self.columns().iter().find(|c| c.field == field)
    }

    /// The columns of the template: every field but the member's number, which only exports
    /// carry.
    pub fn template(self) -> impl Iterator<Item = &'static Column> {
        self.columns().iter().filter(|c| c.field != "number")
    }
}

/// A header cell as compared: no spaces, no required-marks or notes in brackets.
fn key(raw: &str) -> String {
    let s: String = super::normalize(raw)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '※' | ':' | '：'))
        .collect();
    // "身份证号（必填）", "入党时间(yyyy-mm-dd)": the note goes.
    match s.find(['(', '（']) {
        Some(i) if i > 0 => s[..i].to_string(),
        _ => s,
    }
}

/// The field a header names and how well: 0 for the template's header or the field's code,
/// then each synonym in order.
fn named(kind: Kind, header: &str) -> Option<(&'static str, usize)> {
    let k = key(header);
    if k.is_empty() {
        return None;
    }
    kind.columns().iter().find_map(|c| {
        if k == c.header || k == c.field {
            Some((c.field, 0))
        } else {
            c.synonyms
                .iter()
                .position(|s| *s == k)
                .map(|i| (c.field, i + 1))
        }
    })
}

/// The header row of a sheet and the field of each column (`None`: ignored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// The row's number as the spreadsheet shows it (1 for the first row).
    pub line: usize,
    /// Each column's header text as the file has it.
    pub titles: Vec<String>,
    pub fields: Vec<Option<String>>,
}

impl Header {
    /// The header row among the first [`HEADER_SEARCH_ROWS`]: the one naming the most fields
    /// (at least two), the first of equals. Each field goes to the column naming it best.
    pub fn find(kind: Kind, rows: &[Vec<Cell>]) -> Result<Header, Msg> {
        let mut best: Option<(usize, usize)> = None;
        for (i, row) in rows.iter().take(HEADER_SEARCH_ROWS).enumerate() {
            let n = Self::read(kind, i + 1, row)
                .fields
                .iter()
                .filter(|f| f.is_some())
                .count();
            if n >= 2 && best.is_none_or(|(_, m)| n > m) {
                best = Some((i, n));
            }
        }
        let (i, _) = best.ok_or_else(|| {
            msg!(
                "前 {n} 行中找不到表头：请确认有“{columns}”等列",
                n = HEADER_SEARCH_ROWS,
                columns = kind
                    .columns()
                    .iter()
                    .filter(|c| c.required)
                    .map(|c| c.header)
                    .collect::<Vec<_>>()
                    .join("”“")
            )
        })?;
        Ok(Self::read(kind, i + 1, &rows[i]))
    }

    fn read(kind: Kind, line: usize, row: &[Cell]) -> Header {
        let titles: Vec<String> = row.iter().map(|c| text(c).unwrap_or_default()).collect();
        let named: Vec<Option<(&str, usize)>> = titles.iter().map(|t| named(kind, t)).collect();
        let fields = named
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let (field, rank) = (*n)?;
                // Another column naming the same field better (or as well, further left) has it.
                let beaten = named.iter().enumerate().any(|(j, m)| {
                    j != i
                        && m.is_some_and(|(f, r)| f == field && (r < rank || (r == rank && j < i)))
                });
                (!beaten).then(|| field.to_string())
            })
            .collect();
        Header {
            line,
            titles,
            fields,
        }
    }

    /// What identifies files laid out alike: the kind and the header texts, as compared.
    pub fn signature(&self, kind: Kind) -> String {
        let keys: Vec<String> = self.titles.iter().map(|t| key(t)).collect();
        format!("{}:{}", kind.code(), keys.join("|"))
    }

    /// Puts `fields` (one per column, `None` or "" to ignore a column) in place of the found
    /// ones: each must be a field of `kind` and none may be given twice.
    pub fn remap(&mut self, kind: Kind, fields: &[Option<String>]) -> Result<(), Msg> {
        let mut taken: Vec<&str> = Vec::new();
        let mut out = Vec::with_capacity(self.titles.len());
        for i in 0..self.titles.len() {
            let f = fields
                .get(i)
                .cloned()
                .flatten()
                .filter(|f| !f.trim().is_empty());
            if let Some(f) = &f {
                let c = kind
                    .column(f)
                    .ok_or_else(|| msg!("没有“{field}”这一字段", field = f))?;
                if taken.contains(&c.field) {
                    return Err(msg!("“{header}”只能对应一列", header = c.header));
                }
                taken.push(c.field);
            }
            out.push(f);
        }
        self.fields = out;
        Ok(())
    }

    /// The required fields no column fills, by their template headers.
    pub fn missing(&self, kind: Kind) -> Vec<&'static str> {
        kind.columns()
            .iter()
            .filter(|c| c.required && !self.fields.iter().any(|f| f.as_deref() == Some(c.field)))
            .map(|c| c.header)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<Cell> {
        cells
            .iter()
            .map(|c| {
                if c.is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(c.to_string())
                }
            })
            .collect()
    }

    #[test]
    fn the_header_is_found_below_a_merged_title_by_the_names_people_use() {
        let sheet = vec![
            row(&["莆田市荔城区党员信息采集表（2026年）"]),
            row(&["填报单位：镇海街道", "", "", "填报日期：2026-03-01"]),
            row(&[
                "序号",
                "姓名",
                "公民身份号码",
                "所在党组织",
                "入党时间",
                "转正时间",
                "党员类别",
                "学历",
                "手机号码",
            ]),
            row(&["1", "林小红", "350302198503040128"]),
        ];
        let h = Header::find(Kind::Members, &sheet).unwrap();
        assert_eq!(h.line, 3);
        let f: Vec<Option<&str>> = h.fields.iter().map(|f| f.as_deref()).collect();
        assert_eq!(
            f,
            vec![
                None,
                Some("name"),
                Some("id_number"),
                Some("org"),
                Some("joined_on"),
                Some("full_on"),
                Some("categories"),
                Some("education"),
                Some("phone"),
            ]
        );
        assert!(h.missing(Kind::Members).is_empty());
    }

    #[test]
    fn two_columns_for_one_field_go_to_the_better_name() {
        // The member export has both the org's code and its name.
        let sheet = vec![row(&[
            "编号",
            "姓名",
            "身份证号",
            "所在党组织",
            "党组织代码",
            "入党日期",
        ])];
        let h = Header::find(Kind::Members, &sheet).unwrap();
        assert_eq!(h.fields[3], None);
        assert_eq!(h.fields[4].as_deref(), Some("org"));
        assert_eq!(h.fields[0].as_deref(), Some("number"));
    }

    #[test]
    fn notes_and_marks_in_headers_are_ignored() {
        let sheet = vec![row(&[
            "*姓名",
            "身份证号（必填）",
            "入党日期(yyyy-mm-dd)",
            " 所在 支部 ",
        ])];
        let h = Header::find(Kind::Members, &sheet).unwrap();
        assert_eq!(h.fields.iter().flatten().count(), 4);
    }

    #[test]
    fn no_header_and_a_missing_column_are_named() {
        let e = Header::find(Kind::Members, &[row(&["标题"]), row(&["张三", "李四"])]).unwrap_err();
        assert!(e.to_string().contains("找不到表头"), "{e}");
        let h = Header::find(Kind::Members, &[row(&["姓名", "身份证号"])]).unwrap();
        assert_eq!(h.missing(Kind::Members), vec!["党组织代码", "入党日期"]);
    }

    #[test]
    fn a_mapping_is_corrected_and_checked() {
        let mut h =
            Header::find(Kind::Members, &[row(&["姓名", "身份证号", "支部", "日期"])]).unwrap();
        assert_eq!(h.missing(Kind::Members).len(), 2);
        let fix =
            |v: &[&str]| -> Vec<Option<String>> { v.iter().map(|s| Some(s.to_string())).collect() };
        h.remap(
            Kind::Members,
            &fix(&["name", "id_number", "org", "joined_on"]),
        )
        .unwrap();
        assert!(h.missing(Kind::Members).is_empty());
        assert!(h.remap(Kind::Members, &fix(&["name", "name"])).is_err());
        assert!(h.remap(Kind::Members, &fix(&["salary"])).is_err());
        let same =
            Header::find(Kind::Members, &[row(&["姓名", "身份证号", "支部", "日期"])]).unwrap();
        assert_eq!(h.signature(Kind::Members), same.signature(Kind::Members));
    }
}
