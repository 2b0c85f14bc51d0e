//! Printing results and errors, as text or JSON.

use jiceng_ops::OpsError;
use serde::Serialize;
use std::process::ExitCode;

pub struct Out {
    pub json: bool,
}

impl Out {
    /// Prints `value` as JSON, or the text `render` gives.
    pub fn show<T: Serialize>(&self, value: &T, render: impl FnOnce(&T) -> String) {
        if self.json {
            println!(
                "{}",
                serde_json::to_string_pretty(value).unwrap_or_default()
            );
        } else {
            println!("{}", render(value));
        }
    }

    pub fn message<T: Serialize>(&self, text: &str, value: &T) {
        self.show(value, |_| text.to_string());
    }

    pub fn fail(&self, e: &OpsError) -> ExitCode {
        if self.json {
            eprintln!(
                "{}",
                serde_json::to_string(&serde_json::json!({ "error": e.body() }))
                    .unwrap_or_default()
            );
        } else {
            eprintln!("错误：{e}");
        }
        ExitCode::from(match e {
            OpsError::Invalid(_) | OpsError::Conflict(_) => 2,
            OpsError::NotFound { .. } => 3,
            OpsError::Forbidden(_) | OpsError::Unauthenticated(_) => 4,
            OpsError::Store(_) | OpsError::Unavailable(_) => 5,
        })
    }
}

/// `value` or a dash.
pub fn or_dash<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref().map_or_else(|| "—".to_string(), T::to_string)
}
