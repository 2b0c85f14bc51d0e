//! A sheet's cells as rows to import: the header row found (or as the user mapped it), each
//! cell repaired where that is unambiguous, and what cannot be repaired noted by row and
//! column, with the file's own row numbers.

use super::{Record, Row, RowError};
use crate::members::NewMember;
use crate::orgs::NewOrg;
use crate::units::NewUnit;
use jiceng_domain::imports::{self as repair, Cell, Header, Kind};
use std::collections::HashMap;

fn record(kind: Kind, mut f: HashMap<&'static str, String>) -> Record {
    let mut take = |k: &str| f.remove(k);
    match kind {
        Kind::Members => {
            let member = NewMember {
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
            };
            match take("number") {
                Some(n) => Record::Correction(n, member),
                None => Record::Member(member),
            }
        }
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

/// The rows below `header` as records of `kind`, and the cells that could not be repaired.
/// Blank rows are skipped; row numbers are the sheet's.
pub fn records(kind: Kind, header: &Header, sheet: &[Vec<Cell>]) -> (Vec<Row>, Vec<RowError>) {
    let columns: Vec<Option<&'static jiceng_domain::imports::Column>> = header
        .fields
        .iter()
        .map(|f| f.as_deref().and_then(|f| kind.column(f)))
        .collect();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, cells) in sheet.iter().enumerate().skip(header.line) {
        if cells.iter().all(|c| repair::text(c).is_none()) {
            continue;
        }
        let line = i + 1;
        let mut fields = HashMap::new();
        for (col, cell) in cells.iter().enumerate() {
            let Some(Some(column)) = columns.get(col).copied() else {
                continue;
            };
            let value = match column.field {
                "id_number" => repair::id_number(cell),
                _ if column.date => repair::date(cell),
                _ => Ok(repair::text(cell)),
            };
            match value {
                Ok(Some(v)) => {
                    fields.insert(column.field, v);
                }
                Ok(None) => {}
                Err(message) => errors.push(RowError {
                    cell: Some(col),
                    ..RowError::new(
                        line,
                        column.field,
                        repair::text(cell).unwrap_or_default(),
                        message,
                    )
                }),
            }
        }
        out.push(Row {
            line,
            record: record(kind, fields),
        });
    }
    (out, errors)
}

/// Notes on each problem the file's column it came from, by its field.
pub fn place(kind: Kind, header: &Header, errors: &mut [RowError]) {
    let at: HashMap<&str, usize> = header
        .fields
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let c = kind.column(f.as_deref()?)?;
            Some((jiceng_domain::error::field_label(c.field), i))
        })
        .collect();
    for e in errors.iter_mut().filter(|e| e.cell.is_none()) {
        e.cell = at.get(e.column.as_str()).copied();
    }
}
