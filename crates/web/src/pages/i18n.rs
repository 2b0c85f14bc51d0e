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
        // Templates and page code live in each feature's folder: read them all.
        fn read_all(dir: &std::path::Path, out: &mut Vec<String>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let path = e.unwrap().path();
                if path.is_dir() {
                    read_all(&path, out);
                } else {
                    out.push(std::fs::read_to_string(path).unwrap());
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut sources = Vec::new();
        read_all(&root.join("templates"), &mut sources);
        read_all(&root.join("src"), &mut sources);
        assert!(sources.len() > 80, "{}", sources.len());
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
