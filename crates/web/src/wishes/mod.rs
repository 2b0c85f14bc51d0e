//! wishes: its pages and its part of the API, and the routes that serve them.

pub(crate) mod api;
pub(crate) mod pages;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/wishes" => pages::list;
        POST "/wishes" => pages::post;
        POST "/wishes/{id}/move" => pages::act;
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::list;
        api::post;
        api::act;
    )
}
