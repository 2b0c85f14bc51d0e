//! points: its pages and its part of the API, and the routes that serve them.

pub(crate) mod api;
pub(crate) mod pages;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/points" => pages::ranking;
        GET "/points/pending" => pages::pending;
        POST "/points/entries/{id}/{verdict}" => pages::decide;
        GET "/members/{id}/points" => pages::ledger;
        POST "/members/{id}/points" => pages::enter;
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::schemes;
        api::save_scheme;
        api::ranking;
        api::add_entry;
        api::pending;
        api::approve;
        api::reject;
        api::ledger;
    )
}
