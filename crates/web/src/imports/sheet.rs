//! Reading an uploaded sheet within bounds. Every limit is checked before the allocation that
//! depends on it, so a small file that declares a huge sheet, a zip that inflates to gigabytes
//! or one long string repeated in every cell is refused by name and costs nothing: the
//! archive's declared sizes before anything is inflated, then each cell's position and the
//! text gathered as the sheet streams, never a range sized by what the file claims.

use calamine::{DataRef, Reader, Xlsx};
use jiceng_domain::imports::Cell;
use jiceng_domain::{Msg, msg};
use std::io::Cursor;

/// Largest upload accepted (413 beyond).
pub const MAX_UPLOAD: usize = 10 * 1024 * 1024;
/// Rows of data after the header.
pub const MAX_ROWS: usize = 100_000;
/// Columns of a sheet: the widest template has under 30.
pub const MAX_COLUMNS: usize = 40;
/// What the archive may inflate to, all entries together.
pub const MAX_INFLATED: u64 = 64 << 20;
/// Text gathered from all cells together.
pub const MAX_TEXT: usize = 64 << 20;
const MAX_ENTRIES: usize = 1_000;

/// The cells of the first sheet of an .xlsx or .csv file, row by row.
pub fn read(name: &str, bytes: &[u8]) -> Result<Vec<Vec<Cell>>, Msg> {
    let lower = name.to_lowercase();
    let zipped = bytes.starts_with(b"PK\x03\x04");
    if lower.ends_with(".csv") {
        if zipped {
            return Err(msg!(
                "文件内容不是 CSV 文本（像是 Excel 文件，请检查扩展名）"
            ));
        }
        return csv(bytes);
    }
    if lower.ends_with(".xls") {
        return Err(msg!(
            "不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后上传"
        ));
    }
    if !zipped {
        return Err(msg!("文件内容不是 .xlsx 工作簿（应为 .xlsx 或 .csv）"));
    }
    xlsx(bytes)
}

fn csv(bytes: &[u8]) -> Result<Vec<Vec<Cell>>, Msg> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| msg!("CSV 文件应为 UTF-8 编码（Excel 另存为“CSV UTF-8”）"))?;
    let lines = text.bytes().filter(|b| *b == b'\n').count();
    if lines > MAX_ROWS + 1 {
        return Err(too_many_rows());
    }
    // Before any cell is made: a line with far more commas than columns allowed (commas in
    // quotes counted too, so this only bounds) is refused, so a line of commas cannot make
    // millions of empty cells.
    if text
        .split('\n')
        .any(|l| l.bytes().filter(|b| *b == b',').count() > 4 * MAX_COLUMNS)
    {
        return Err(too_many_columns());
    }
    let rows = csv_rows(text);
    if rows.iter().any(|r| r.len() > MAX_COLUMNS) {
        return Err(too_many_columns());
    }
    Ok(rows
        .into_iter()
        .map(|r| {
            r.into_iter()
                .map(|c| {
                    if c.trim().is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(c)
                    }
                })
                .collect()
        })
        .collect())
}

fn too_many_rows() -> Msg {
    msg!("数据超过 {n} 行，请分成多个文件导入", n = MAX_ROWS)
}

fn too_many_columns() -> Msg {
    msg!("超过 {n} 列，请只保留模板中的列", n = MAX_COLUMNS)
}

fn too_large() -> Msg {
    msg!(
        "文件解压后超过 {mb} MB，请分成多个文件导入",
        mb = MAX_INFLATED >> 20
    )
}

/// The archive's entries by their declared sizes, before calamine inflates any of them.
fn check_archive(bytes: &[u8]) -> Result<(), Msg> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| msg!("无法读取 .xlsx 文件：{reason}", reason = e))?;
    if zip.len() > MAX_ENTRIES {
        return Err(msg!("无法读取 .xlsx 文件：包含的部件过多"));
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| msg!("无法读取 .xlsx 文件：{reason}", reason = e))?;
        total = total.saturating_add(entry.size());
        if total > MAX_INFLATED {
            return Err(too_large());
        }
    }
    Ok(())
}

fn xlsx(bytes: &[u8]) -> Result<Vec<Vec<Cell>>, Msg> {
    check_archive(bytes)?;
    let unreadable = |e: calamine::XlsxError| msg!("无法读取 .xlsx 文件：{reason}", reason = e);
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let first = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| msg!("文件中没有工作表"))?;
    let mut cells = book.worksheet_cells_reader(&first).map_err(unreadable)?;
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut text = 0usize;
    while let Some(cell) = cells.next_cell().map_err(unreadable)? {
        let (row, col) = cell.get_position();
        let (row, col) = (row as usize, col as usize);
        // The header row plus MAX_ROWS rows of data, at most MAX_COLUMNS wide: checked on the
        // cell's position before any row or column is made for it.
        if row > MAX_ROWS {
            return Err(too_many_rows());
        }
        if col >= MAX_COLUMNS {
            return Err(too_many_columns());
        }
        let value = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
                text += s.len();
                Cell::Text(s.clone())
            }
            DataRef::SharedString(s) => {
                text += s.len();
                Cell::Text(s.to_string())
            }
            DataRef::Float(f) => Cell::Number(*f),
            DataRef::Int(i) => Cell::Number(*i as f64),
            DataRef::Bool(b) => Cell::Text(b.to_string()),
            DataRef::DateTime(dt) => dt
                .as_datetime()
                .map(|t| Cell::Date(t.date()))
                .unwrap_or(Cell::Number(dt.as_f64())),
            DataRef::Error(e) => Cell::Text(format!("{e:?}")),
        };
        if text > MAX_TEXT {
            return Err(too_large());
        }
        if rows.len() <= row {
            rows.resize_with(row + 1, Vec::new);
        }
        let r = &mut rows[row];
        if r.len() <= col {
            r.resize(col + 1, Cell::Empty);
        }
        r[col] = value;
    }
    Ok(rows)
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

/// Uploads parsed at once, each on a blocking thread: more wait their turn.
static PARSING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// The sheet's cells, read within the bounds of [`super::sheet`] off the async threads.
pub async fn parse(name: String, bytes: Vec<u8>) -> Result<Vec<Vec<Cell>>, Msg> {
    let _turn = PARSING
        .acquire()
        .await
        .map_err(|_| msg!("服务器正在关闭"))?;
    tokio::task::spawn_blocking(move || read(&name, &bytes))
        .await
        .map_err(|_| msg!("无法读取文件"))?
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workbook of one sheet holding `cells` (reference, inline text), with `dimension`
    /// declared.
    pub(crate) fn workbook(dimension: &str, cells: &[(&str, &str)]) -> Vec<u8> {
        use std::io::Write;
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default();
        let sheet_cells: String = cells
            .iter()
            .map(|(at, v)| {
                let row: String = at.chars().filter(char::is_ascii_digit).collect();
                format!(r#"<row r="{row}"><c r="{at}" t="inlineStr"><is><t>{v}</t></is></c></row>"#)
            })
            .collect();
        for (path, body) in [
            ("[Content_Types].xml", r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string()),
            ("_rels/.rels", r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
            ("xl/workbook.xml", r#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string()),
            ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string()),
            ("xl/worksheets/sheet1.xml", format!(r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{sheet_cells}</sheetData></worksheet>"#)),
        ] {
            zip.start_file(path, opts).unwrap();
            zip.write_all(body.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
        out.into_inner()
    }

    #[test]
    fn a_small_sheet_reads() {
        let book = workbook("A1:B2", &[("A1", "姓名"), ("B2", "林某")]);
        let rows = read("members.xlsx", &book).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1][1], Cell::Text("林某".into()));
    }

    #[test]
    fn a_cell_at_the_sheets_far_corner_is_refused_before_anything_is_sized_by_it() {
        let book = workbook("A1:XFD1048576", &[("A1", "姓名"), ("XFD1048576", "x")]);
        assert!(book.len() < 4096, "a small file");
        let e = read("bomb.xlsx", &book).unwrap_err();
        assert!(
            e.to_string().contains("列") || e.to_string().contains("行"),
            "{e}"
        );
        let far_down = workbook("A1:A1", &[("A1", "姓名"), ("A1048576", "x")]);
        let e = read("bomb.xlsx", &far_down).unwrap_err();
        assert!(e.to_string().contains("100000"), "{e}");
    }

    #[test]
    fn a_zip_that_inflates_past_the_limit_is_refused_by_its_declared_size() {
        use std::io::Write;
        let mut out = Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        zip.start_file(
            "xl/sharedStrings.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..(MAX_INFLATED >> 20) + 1 {
            zip.write_all(&chunk).unwrap();
        }
        zip.finish().unwrap();
        let bomb = out.into_inner();
        assert!(bomb.len() < 1 << 20, "compressed to {}", bomb.len());
        let e = read("bomb.xlsx", &bomb).unwrap_err();
        assert!(e.to_string().contains("解压后超过"), "{e}");
    }

    #[test]
    fn wrong_magic_bytes_and_old_xls_are_named() {
        let e = read("members.xlsx", b"name,phone\n").unwrap_err();
        assert!(e.to_string().contains("不是 .xlsx"), "{e}");
        let book = workbook("A1:A1", &[("A1", "姓名")]);
        let e = read("members.csv", &book).unwrap_err();
        assert!(e.to_string().contains("不是 CSV"), "{e}");
        let e = read("old.xls", b"\xd0\xcf\x11\xe0").unwrap_err();
        assert!(e.to_string().contains(".xls"), "{e}");
    }

    #[test]
    fn a_csv_over_the_row_limit_is_refused_by_counting_lines() {
        let big = "姓名\n".to_string() + &"林某\n".repeat(MAX_ROWS + 1);
        let e = read("big.csv", big.as_bytes()).unwrap_err();
        assert!(e.to_string().contains("100000"), "{e}");
    }

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
}
