//! assessment: its pages and its part of the API, and the routes that serve them.

pub(crate) mod api;
pub(crate) mod pages;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/assessment" => pages::page [Scope];
        POST "/rectifications" => pages::create [Scope];
        GET "/rectifications/new" => pages::new_form [Scope];
        GET "/rectifications/{id}" => pages::show [Record(Rectification)];
        POST "/rectifications/{id}/follow-up" => pages::follow_up [Record(Rectification)];
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::quarter [Scope];
        api::weights [Scope];
        api::set_weights [Scope];
        api::open [Scope];
        api::show [Record(Rectification)];
        api::follow_up [Record(Rectification)];
    )
}
