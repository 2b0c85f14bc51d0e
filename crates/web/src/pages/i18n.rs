//! The string catalogue: every UI string lives in i18n/strings.tsv, in zh-CN (the default)
//! and English, so no page carries text of its own.

use std::collections::HashMap;
use std::sync::OnceLock;

static CATALOGUE: &str = include_str!("../../i18n/strings.tsv");

pub use jiceng_domain::Lang;

fn table() -> &'static HashMap<&'static str, (&'static str, &'static str)> {
    static T: OnceLock<HashMap<&'static str, (&'static str, &'static str)>> = OnceLock::new();
    T.get_or_init(|| {
        CATALOGUE
            .lines()
            .skip(1)
            .filter_map(|l| {
                let mut f = l.split('\t');
                Some((f.next()?, (f.next()?, f.next()?)))
            })
            .collect()
    })
}

/// The string for `key` in `lang`; the key itself when missing, so a gap shows rather than hides.
pub fn t(lang: Lang, key: &str) -> &str {
    match table().get(key) {
        Some((zh, en)) => match lang {
            Lang::Zh => zh,
            Lang::En => en,
        },
        None => key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key a template or page uses is in the catalogue, in both languages.
    #[test]
    fn catalogue_covers_every_key_used() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut sources: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect();
        let pages = concat!(env!("CARGO_MANIFEST_DIR"), "/src/pages");
        for e in std::fs::read_dir(pages).unwrap() {
            sources.push(std::fs::read_to_string(e.unwrap().path()).unwrap());
        }
        let mut missing = Vec::new();
        for src in &sources {
            for part in src.split(".t(\"").skip(1) {
                let key = part.split('"').next().unwrap();
                if !table().contains_key(key) {
                    missing.push(key.to_string());
                }
            }
        }
        assert!(missing.is_empty(), "missing keys: {missing:?}");
        assert!(
            table()
                .values()
                .all(|(zh, en)| !zh.is_empty() && !en.is_empty())
        );
        assert_eq!(t(Lang::Zh, "nav.home"), "首页");
        assert_eq!(t(Lang::En, "nav.home"), "Home");
    }
}
