//! The browsable API reference.

use super::{Layout, render};
use crate::accounts::session::bare_layout;
use askama::Template;
use axum::http::HeaderMap;
use axum::response::Response;

#[derive(Template)]
#[template(path = "api_docs.html")]
struct ApiDocs {
    l: Layout,
    description: &'static str,
    groups: Vec<(String, Vec<crate::api::openapi::OpView>)>,
    schemas: Vec<crate::api::openapi::SchemaView>,
}

/// The browsable API reference, rendered from the same document as openapi.json, with every
/// schema's fields; embedded, so it works offline.
pub async fn api_docs(headers: HeaderMap) -> Response {
    render(&ApiDocs {
        l: bare_layout(&headers, "api.title"),
        description: crate::api::openapi::description(),
        groups: crate::api::openapi::grouped(),
        schemas: crate::api::openapi::schemas(),
    })
}
