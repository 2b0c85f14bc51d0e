//! settings: its pages and its part of the API, and the routes that serve them.

pub(crate) mod api;
pub(crate) mod pages;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/settings" => pages::page [Scope];
        POST "/settings/rules" => pages::save_rules [Scope];
        POST "/settings/weights" => pages::save_weights [Scope];
        POST "/settings/schemes" => pages::save_scheme [Scope];
        POST "/settings/classification" => pages::save_classification [Scope];
        POST "/settings/calendar" => pages::save_calendar [Scope];
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::classification [Scope];
        api::set_classification [Scope];
        api::calendar [Scope];
        api::set_calendar [Scope];
        api::password_policy [Account];
        api::set_password_policy [Scope];
    )
}
