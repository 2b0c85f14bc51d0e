//! settings: its pages and its part of the API, and the routes that serve them.

pub(crate) mod api;
pub(crate) mod pages;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/settings" => pages::page;
        POST "/settings/rules" => pages::save_rules;
        POST "/settings/weights" => pages::save_weights;
        POST "/settings/schemes" => pages::save_scheme;
        POST "/settings/classification" => pages::save_classification;
        POST "/settings/calendar" => pages::save_calendar;
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::classification;
        api::set_classification;
        api::calendar;
        api::set_calendar;
    )
}
