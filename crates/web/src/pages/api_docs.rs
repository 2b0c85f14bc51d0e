//! The browsable API reference.

use super::session::bare_layout;
use super::{Layout, render};
use askama::Template;
use axum::http::HeaderMap;
use axum::response::Response;

#[derive(Template)]
#[template(path = "api_docs.html")]
struct ApiDocs {
    l: Layout,
    description: String,
    groups: Vec<(&'static str, Vec<crate::api::openapi::OpView>)>,
}

/// The browsable API reference, rendered from the same table as openapi.json; works offline.
pub async fn api_docs(headers: HeaderMap) -> Response {
    render(&ApiDocs {
        l: bare_layout(&headers, "api.title"),
        description: crate::api::openapi::description(),
        groups: crate::api::openapi::grouped(),
    })
}
