//! cases: its pages and its part of the API, and the routes that serve them.

pub(crate) mod api;
pub(crate) mod pages;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/track" => pages::track;
        POST "/track/rate" => pages::rate;
        GET "/disclosure" => pages::disclosure;
        GET "/cases" => pages::desk;
        POST "/cases" => pages::create;
        GET "/cases/new" => pages::new_form;
        GET "/cases/export.xlsx" => pages::export;
        GET "/cases/{id}" => pages::show;
        POST "/cases/{id}/moves" => pages::make_move;
        GET "/inbox" => pages::inbox;
        GET "/rates" => pages::rates_page;
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::list;
        api::take_in;
        api::show;
        api::make_move;
        api::inbox;
        api::rates;
        api::track;
        api::rate;
        api::departments;
        api::add_department;
    )
}
