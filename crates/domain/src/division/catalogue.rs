//! The national catalogue of division codes, shipped compressed in the binary and unpacked
//! on first use (data/divisions-2023.tsv.gz, see data/README.md).

use super::{Division, DivisionCode, DivisionLevel};
use std::io::Read;
use std::sync::OnceLock;

static PACKED: &[u8] = include_bytes!("../../../../data/divisions-2023.tsv.gz");

/// All codes with their names, sorted by code.
pub struct Catalogue {
    text: String,
    /// (code as number, byte offset of the name, name length), sorted by code.
    index: Vec<(u64, u32, u16)>,
}

/// The catalogue, unpacked once per process.
pub fn catalogue() -> &'static Catalogue {
    static CAT: OnceLock<Catalogue> = OnceLock::new();
    CAT.get_or_init(|| Catalogue::unpack(PACKED))
}

impl Catalogue {
    fn unpack(packed: &[u8]) -> Catalogue {
        let mut text = String::new();
        flate2::read::GzDecoder::new(packed)
            .read_to_string(&mut text)
            .expect("embedded division catalogue is valid gzip UTF-8");
        let mut index = Vec::with_capacity(700_000);
        let mut offset = 0usize;
        for line in text.split_inclusive('\n') {
            let (code, name) = line.trim_end().split_once('\t').expect("code<TAB>name");
            let padded = format!("{code:0<12}");
            let name_at = offset + code.len() + 1;
            index.push((
                padded.parse().expect("numeric code"),
                name_at as u32,
                name.len() as u16,
            ));
            offset += line.len();
        }
        index.sort_unstable_by_key(|e| e.0);
        Catalogue { text, index }
    }

    fn entry(&self, e: &(u64, u32, u16)) -> Division {
        Division {
            code: DivisionCode(format!("{:012}", e.0)),
            name: self.text[e.1 as usize..e.1 as usize + e.2 as usize].to_string(),
        }
    }

    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    pub fn get(&self, code: &DivisionCode) -> Option<Division> {
        let n: u64 = code.as_str().parse().ok()?;
        let i = self.index.binary_search_by_key(&n, |e| e.0).ok()?;
        Some(self.entry(&self.index[i]))
    }

    /// Every division within `ancestor` (itself included), in code order.
    pub fn subtree(&self, ancestor: &DivisionCode) -> Vec<Division> {
        let short = ancestor.short();
        let width = 12 - short.len() as u32;
        let lo: u64 = ancestor.as_str().parse().unwrap_or(0);
        let hi = lo + 10u64.pow(width);
        let start = self.index.partition_point(|e| e.0 < lo);
        self.index[start..]
            .iter()
            .take_while(|e| e.0 < hi)
            .map(|e| self.entry(e))
            .collect()
    }

    /// Finds a province, city or county by its exact name ("莆田市"). Several counties share
    /// names across provinces, so the first match in code order wins for those.
    pub fn find_by_name(&self, name: &str) -> Option<Division> {
        self.index
            .iter()
            .map(|e| self.entry(e))
            .find(|d| d.name == name && d.code.level() <= DivisionLevel::County)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_putian_and_its_streets() {
        let cat = catalogue();
        assert!(cat.len() > 600_000);
        let putian = cat.find_by_name("莆田市").unwrap();
        assert_eq!(putian.code.as_str(), "350300000000");
        let streets: Vec<_> = cat
            .subtree(&putian.code)
            .into_iter()
            .filter(|d| {
                d.code.level() == DivisionLevel::Township
                    && d.code.township_kind() == Some(super::super::TownshipKind::Street)
            })
            .collect();
        assert_eq!(streets.len(), 8);
        assert_eq!(
            cat.get(&DivisionCode::parse("350302001").unwrap())
                .unwrap()
                .name,
            "龙桥街道"
        );
        assert!(
            cat.get(&DivisionCode::parse("350302099").unwrap())
                .is_none()
        );
    }
}
