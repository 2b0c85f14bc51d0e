//! evaluations: its pages and its part of the API, and the routes that serve them.

pub(crate) mod api;
pub(crate) mod pages;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/evaluations" => pages::page [Scope];
        POST "/evaluations" => pages::rate [Scope];
        POST "/evaluations/{id}/withdraw" => pages::withdraw [Record(Evaluation)];
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::pairs [Scope];
        api::rate [Scope];
        api::withdraw [Record(Evaluation)];
    )
}
