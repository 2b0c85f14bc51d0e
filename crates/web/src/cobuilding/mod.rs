//! cobuilding: its pages and its part of the API, and the routes that serve them.

pub(crate) mod api;
pub(crate) mod pages;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/cobuilding" => pages::list;
        POST "/cobuilding" => pages::sign;
        GET "/cobuilding/{id}" => pages::show;
        POST "/cobuilding/{id}/commitments" => pages::add_commitment;
        POST "/commitments/{id}/done" => pages::mark;
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::list;
        api::sign;
        api::show;
        api::add_commitment;
        api::done;
        api::undo;
    )
}
