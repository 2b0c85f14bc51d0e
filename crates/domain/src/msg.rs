//! Messages people read (validation errors, refusals, enum labels) in zh-CN and English.
//!
//! Gettext-style: the zh-CN text is the key, so code reads naturally, and `i18n/messages.tsv`
//! gives its English. A message is a template with named `{args}`, filled in at render time
//! so the English sentence can order them its own way. Labels passed as args are translated too.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

static CATALOGUE: &str = include_str!("../i18n/messages.tsv");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn from_cookie(v: Option<&str>) -> Lang {
        if v == Some("en") { Lang::En } else { Lang::Zh }
    }

    /// The language an `Accept-Language` header prefers among the two we have.
    pub fn from_accept(header: Option<&str>) -> Lang {
        let first = header.and_then(|h| h.split(',').next()).unwrap_or("");
        if first.trim().to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Zh
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> &'static str {
        match self {
            Lang::Zh => "en",
            Lang::En => "zh",
        }
    }
}

fn table() -> &'static HashMap<&'static str, &'static str> {
    static T: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    T.get_or_init(|| {
        CATALOGUE
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once('\t'))
            .collect()
    })
}

/// `zh` in `lang`: itself in Chinese, its catalogue English otherwise (itself when missing,
/// so a gap shows rather than hides).
pub fn translate(lang: Lang, zh: &str) -> &str {
    match lang {
        Lang::Zh => zh,
        Lang::En => table().get(zh).copied().unwrap_or(zh),
    }
}

/// Whether the catalogue has an English text for `zh`; tests use it to find gaps.
pub fn has_translation(zh: &str) -> bool {
    table().get(zh).is_some_and(|en| !en.is_empty())
}

/// A label (an enum's Chinese name, a field name) that is translated when rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label(pub &'static str);

/// Several labels, joined in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels(pub Vec<&'static str>);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Text(String),
    Label(&'static str),
    Labels(Vec<&'static str>),
}

impl Arg {
    fn render(&self, lang: Lang) -> String {
        match self {
            Arg::Text(s) => s.clone(),
            Arg::Label(l) => translate(lang, l).to_string(),
            Arg::Labels(ls) => {
                let sep = if lang == Lang::Zh { "、" } else { ", " };
                ls.iter()
                    .map(|l| translate(lang, l))
                    .collect::<Vec<_>>()
                    .join(sep)
            }
        }
    }
}

pub trait IntoArg {
    fn into_arg(self) -> Arg;
}

impl<T: fmt::Display> IntoArg for T {
    fn into_arg(self) -> Arg {
        Arg::Text(self.to_string())
    }
}

impl IntoArg for Label {
    fn into_arg(self) -> Arg {
        Arg::Label(self.0)
    }
}

impl IntoArg for Labels {
    fn into_arg(self) -> Arg {
        Arg::Labels(self.0)
    }
}

/// A message template (zh-CN, the catalogue key) with its named arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    template: &'static str,
    args: Vec<(&'static str, Arg)>,
}

impl Msg {
    pub fn new(template: &'static str) -> Msg {
        Msg {
            template,
            args: Vec::new(),
        }
    }

    pub fn arg(mut self, name: &'static str, value: impl IntoArg) -> Msg {
        self.args.push((name, value.into_arg()));
        self
    }

    pub fn template(&self) -> &'static str {
        self.template
    }

    pub fn render(&self, lang: Lang) -> String {
        let mut out = translate(lang, self.template).to_string();
        for (name, value) in &self.args {
            out = out.replace(&format!("{{{name}}}"), &value.render(lang));
        }
        out
    }
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::Zh))
    }
}

/// Serialised as the zh-CN sentence, for the JSON API and `--json`.
impl serde::Serialize for Msg {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.render(Lang::Zh))
    }
}

/// `msg!("不能超过 {max} 个字", max = 50)`: a [`Msg`] whose literal the catalogue test can find.
#[macro_export]
macro_rules! msg {
    ($t:literal $(, $k:ident = $v:expr)* $(,)?) => {
        $crate::Msg::new($t)$(.arg(stringify!($k), $v))*
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_args_in_either_language() {
        let m = msg!("不能超过 {max} 个字", max = 50);
        assert_eq!(m.render(Lang::Zh), "不能超过 50 个字");
        assert_eq!(m.render(Lang::En), "must be at most 50 characters");
    }

    #[test]
    fn labels_are_translated_and_joined() {
        let m = msg!(
            "应为以下之一：{options}",
            options = Labels(vec!["男", "女"])
        );
        assert_eq!(m.render(Lang::Zh), "应为以下之一：男、女");
        assert_eq!(m.render(Lang::En), "must be one of: male, female");
    }

    #[test]
    fn accept_language_picks_english_only_when_first() {
        assert_eq!(Lang::from_accept(Some("en-GB,en;q=0.9")), Lang::En);
        assert_eq!(Lang::from_accept(Some("zh-CN,en;q=0.5")), Lang::Zh);
        assert_eq!(Lang::from_accept(None), Lang::Zh);
    }

    /// Every `msg!` and `not_found` literal in the crates' sources, and every field and enum
    /// label, has English.
    #[test]
    fn catalogue_covers_every_message_in_code() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        let mut missing = Vec::new();
        let mut found = 0;
        let mut stack = vec![std::path::PathBuf::from(root)];
        while let Some(p) = stack.pop() {
            if p.is_dir() {
                for e in std::fs::read_dir(&p).unwrap() {
                    stack.push(e.unwrap().path());
                }
            } else if p.extension().is_some_and(|x| x == "rs") {
                let src = std::fs::read_to_string(&p).unwrap();
                // Messages, and the labels `OpsError::not_found` names a missing record by;
                // rustfmt may put the literal on the next line.
                for opener in [concat!("msg", "!("), concat!("not_found", "(")] {
                    for part in src.split(opener).skip(1) {
                        let Some(part) = part.trim_start().strip_prefix('"') else {
                            continue;
                        };
                        let key = part.split('"').next().unwrap();
                        found += 1;
                        if !has_translation(key) {
                            missing.push(key.to_string());
                        }
                    }
                }
            }
        }
        assert!(found > 50, "the scan found only {found} messages");
        for l in crate::all_labels() {
            if !has_translation(l) {
                missing.push(l.to_string());
            }
        }
        assert!(missing.is_empty(), "missing English for: {missing:#?}");
    }
}
