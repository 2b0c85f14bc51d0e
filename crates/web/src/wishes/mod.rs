//! wishes: its pages and its part of the API, and the routes that serve them.

pub(crate) mod api;
pub(crate) mod pages;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/wishes" => pages::list [Scope];
        POST "/wishes" => pages::post [Scope];
        POST "/wishes/{id}/move" => pages::act [Record(Wish)];
        POST "/wishes/{id}/rating" => pages::rate [Record(Wish)];
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::list [Scope];
        api::post [Scope];
        api::act [Record(Wish)];
        api::rate [Record(Wish)];
    )
}
