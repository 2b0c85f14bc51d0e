//! One form page for the simple records (orgs, units, committee seats): fields described as
//! data, values kept after an error, and the field the error names marked.

use super::{Layout, Viewer};
use askama::Template;
use jiceng_domain::Lang;
use jiceng_domain::msg::translate;
use jiceng_ops::OpsError;
use std::collections::HashMap;

pub type Values = HashMap<String, String>;

/// What kind of input a field is; a choice lists (code, Chinese label).
pub enum Input {
    Text,
    Date,
    Choice(&'static [(&'static str, &'static str)]),
}

/// (form name, catalogue key of the label, input, required)
pub type Spec = (&'static str, &'static str, Input, bool);

pub struct FieldView {
    pub name: &'static str,
    pub label: String,
    pub value: String,
    pub kind: &'static str,
    pub options: Vec<(&'static str, String)>,
    pub required: bool,
    pub error: bool,
}

#[derive(Template)]
#[template(path = "form.html")]
pub struct FormPage {
    pub l: Layout,
    pub action: String,
    pub back: String,
    pub fields: Vec<FieldView>,
    pub error: String,
}

pub fn form_page(
    v: &Viewer,
    title_key: &str,
    (action, back): (String, String),
    specs: &[Spec],
    values: &Values,
    error: Option<&OpsError>,
) -> FormPage {
    let l = v.layout(v.t(title_key).to_string());
    let bad = error.and_then(|e| e.body().field);
    let fields = specs
        .iter()
        .map(|(name, key, input, required)| FieldView {
            name,
            label: l.t(key).to_string(),
            value: values.get(*name).cloned().unwrap_or_default(),
            kind: match input {
                Input::Text => "text",
                Input::Date => "date",
                Input::Choice(_) => "choice",
            },
            options: match input {
                Input::Choice(opts) => opts
                    .iter()
                    .map(|(code, label)| (*code, translate(v.lang, label).to_string()))
                    .collect(),
                _ => Vec::new(),
            },
            required: *required,
            error: bad == Some(*name),
        })
        .collect();
    FormPage {
        l,
        action,
        back,
        fields,
        error: error.map(|e| e.render(v.lang)).unwrap_or_default(),
    }
}

pub fn value(m: &Values, k: &str) -> Option<String> {
    m.get(k)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// An optional whole-number field (an id typed into a form); a value that is not one is an
/// error naming the field.
pub fn int(m: &Values, k: &'static str) -> Result<Option<i64>, jiceng_ops::OpsError> {
    match value(m, k) {
        None => Ok(None),
        Some(raw) => raw.parse().map(Some).map_err(|_| {
            jiceng_domain::Invalid::new(k, &raw, jiceng_domain::msg!("应为整数")).into()
        }),
    }
}

/// A decimal field (a coordinate, a factor), named when it is not one.
pub fn decimal(m: &Values, k: &'static str) -> Result<Option<f64>, jiceng_ops::OpsError> {
    match value(m, k) {
        None => Ok(None),
        Some(raw) => raw.parse::<f64>().map(Some).map_err(|_| {
            jiceng_domain::Invalid::new(k, &raw, jiceng_domain::msg!("应为数字")).into()
        }),
    }
}

/// Links to the first page (when this is not it) and the next page of a keyset list whose
/// filters are in `base` (`/path?k=v&…`, ending in `?` or `&`).
pub fn keyset_links(base: &str, q: &Values, next: Option<&str>) -> (String, String) {
    (
        if value(q, "after").is_some() {
            base.trim_end_matches(['?', '&']).to_string()
        } else {
            String::new()
        },
        next.map_or_else(String::new, |n| {
            format!("{base}after={}", crate::pages::encode(n))
        }),
    )
}

/// [`keyset_links`] of a list at `path` filtered by the query's `keys`, which its links keep.
pub fn filtered_links(
    path: &str,
    keys: &[&str],
    q: &Values,
    next: Option<&str>,
) -> (String, String) {
    let mut base = format!("{path}?");
    for k in keys {
        base.push_str(&format!(
            "{k}={}&",
            crate::pages::encode(&value(q, k).unwrap_or_default())
        ));
    }
    keyset_links(&base, q, next)
}

/// A value or a dash, for a fact that may be missing.
pub fn dash<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map_or_else(|| "—".to_string(), T::to_string)
}

/// Labels shown together, each in the page's language.
pub fn labels(lang: Lang, ls: &[&str]) -> String {
    let sep = if lang == Lang::Zh { "、" } else { ", " };
    ls.iter()
        .map(|l| translate(lang, l))
        .collect::<Vec<_>>()
        .join(sep)
}

/// A query string of the non-empty pairs, each value encoded.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", super::encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// JSON to embed in a `<script type="application/json">` block: `<`, `>` and `&` written as
/// JSON escapes, so no name can close the block or open a comment in it.
pub fn script_json(v: &serde_json::Value) -> String {
    v.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    #[test]
    fn script_json_cannot_close_its_block() {
        let v = serde_json::json!({ "name": "</script><!--<script>&" });
        let s = super::script_json(&v);
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v, "the same value when parsed");
    }
}
