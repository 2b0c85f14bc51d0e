//! units: its pages and its part of the API, and the routes that serve them.

pub(crate) mod api;
pub(crate) mod pages;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/units" => pages::list;
        POST "/units" => pages::create;
        GET "/units/new" => pages::new_form;
        GET "/units/{id}" => pages::show;
        POST "/units/{id}/register" => pages::register;
        POST "/registrations/{id}/end" => pages::end_registration;
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::list;
        api::add;
        api::show;
        api::register;
    )
}
