//! assessment: its pages and its part of the API, and the routes that serve them.

pub(crate) mod api;
pub(crate) mod pages;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/assessment" => pages::page;
        POST "/rectifications" => pages::create;
        GET "/rectifications/new" => pages::new_form;
        GET "/rectifications/{id}" => pages::show;
        POST "/rectifications/{id}/follow-up" => pages::follow_up;
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::quarter;
        api::weights;
        api::set_weights;
        api::open;
        api::show;
        api::follow_up;
    )
}
