//! cobuilding: its pages and its part of the API, and the routes that serve them.

pub(crate) mod api;
pub(crate) mod pages;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/cobuilding" => pages::list [Scope];
        POST "/cobuilding" => pages::sign [Scope];
        GET "/cobuilding/{id}" => pages::show [Record(Agreement)];
        POST "/cobuilding/{id}/commitments" => pages::add_commitment [Record(Agreement)];
        POST "/cobuilding/{id}/renew" => pages::renew [Record(Agreement)];
        POST "/commitments/{id}/done" => pages::mark [Record(Commitment)];
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::list [Scope];
        api::sign [Scope];
        api::show [Record(Agreement)];
        api::add_commitment [Record(Agreement)];
        api::renew [Record(Agreement)];
        api::done [Record(Commitment)];
        api::undo [Record(Commitment)];
    )
}
