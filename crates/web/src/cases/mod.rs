//! cases: its pages and its part of the API, and the routes that serve them.

pub(crate) mod api;
pub(crate) mod pages;
pub(crate) mod photos;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/track" => pages::track [Public];
        GET "/track/photos/{id}" => photos::public_photo [Public];
        POST "/track/rate" => pages::rate [Public];
        GET "/disclosure" => pages::disclosure [Public];
        GET "/cases" => pages::desk [Scope];
        POST "/cases" => pages::create [Scope], layer(axum::extract::DefaultBodyLimit::max(photos::MAX_BODY));
        GET "/cases/new" => pages::new_form [Scope];
        GET "/cases/export.xlsx" => pages::export [Scope];
        GET "/cases/{id}" => pages::show [Record(Case)];
        POST "/cases/{id}/reveal" => pages::reveal [Record(Case)];
        POST "/cases/{id}/moves" => pages::make_move [Record(Case)], layer(axum::extract::DefaultBodyLimit::max(photos::MAX_BODY));
        GET "/cases/photos/{id}" => photos::page_photo [Record(CasePhoto)];
        GET "/inbox" => pages::inbox [Scope];
        GET "/rates" => pages::rates_page [Scope];
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::list [Scope];
        api::take_in [Scope], layer(axum::extract::DefaultBodyLimit::max(photos::MAX_BODY));
        api::show [Record(Case)];
        api::reveal [Record(Case)];
        api::make_move [Record(Case)], layer(axum::extract::DefaultBodyLimit::max(photos::MAX_BODY));
        photos::api_photo [Record(CasePhoto)];
        photos::api_public_photo [Public];
        api::inbox [Scope];
        api::rates [Scope];
        api::track [Public];
        api::rate [Public];
        api::departments [Scope];
        api::add_department [Scope];
    )
}
