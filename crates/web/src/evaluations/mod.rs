//! evaluations: its pages and its part of the API, and the routes that serve them.

pub(crate) mod api;
pub(crate) mod pages;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/evaluations" => pages::page;
        POST "/evaluations" => pages::rate;
        POST "/evaluations/{id}/withdraw" => pages::withdraw;
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::pairs;
        api::rate;
        api::withdraw;
    )
}
