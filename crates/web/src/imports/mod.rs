//! imports: its pages and its part of the API, and the routes that serve them.

pub(crate) mod api;
pub(crate) mod pages;
mod report;
mod runner;
pub mod sheet;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/import" => pages::form [Scope];
        POST "/import" => pages::upload [Scope], layer(axum::extract::DefaultBodyLimit::max(sheet::MAX_UPLOAD + 64 * 1024));
        GET "/import/template.xlsx" => pages::template [Scope];
        GET "/import/{id}" => pages::show [Record(ImportJob)];
        POST "/import/{id}/mapping" => pages::map [Record(ImportJob)];
        POST "/import/{id}/run" => pages::run [Record(ImportJob)];
        GET "/import/{id}/report.xlsx" => pages::report_xlsx [Record(ImportJob)];
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::upload [Scope], layer(axum::extract::DefaultBodyLimit::max(sheet::MAX_UPLOAD + 64 * 1024));
        api::show [Record(ImportJob)];
        api::map [Record(ImportJob)];
        api::run [Record(ImportJob)];
    )
}
