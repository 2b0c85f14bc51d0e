//! imports: its pages and its part of the API, and the routes that serve them.

pub(crate) mod pages;
mod sheet;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/import" => pages::form [Scope], layer(axum::extract::DefaultBodyLimit::max(pages::MAX_UPLOAD));
        POST "/import" => pages::upload [Scope], layer(axum::extract::DefaultBodyLimit::max(pages::MAX_UPLOAD));
        GET "/import/template.xlsx" => pages::template [Scope];
    )
}
