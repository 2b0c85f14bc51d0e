//! activities: publishing volunteer activities, signing up with a waiting line, check-in and
//! check-out by QR code, and the hours that become service records — pages, API and routes.

pub(crate) mod api;
pub(crate) mod pages;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/activities" => pages::list [Scope];
        POST "/activities" => pages::publish [Scope];
        POST "/activities/no-show-policy" => pages::set_no_show_policy [Scope];
        GET "/activities/{id}" => pages::show [Record(Activity)];
        POST "/activities/{id}/signup" => pages::sign_up [Record(Activity)];
        POST "/activities/{id}/cancel" => pages::cancel [Record(Activity)];
        POST "/activities/{id}/accept" => pages::accept [Record(Activity)];
        POST "/activities/{id}/attendance" => pages::attendance [Record(Activity)];
        POST "/activities/{id}/confirm" => pages::confirm [Record(Activity)];
        POST "/activities/{id}/call-off" => pages::call_off [Record(Activity)];
        GET "/activities/{id}/codes" => pages::codes [Record(Activity)];
        GET "/activities/{id}/scan" => pages::scan_form [Record(Activity)];
        POST "/activities/{id}/scan" => pages::scan [Record(Activity)];
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::list [Scope];
        api::upcoming [Scope];
        api::mine [Scope];
        api::publish [Scope];
        api::show [Record(Activity)];
        api::sign_up [Record(Activity)];
        api::cancel [Record(Activity)];
        api::accept [Record(Activity)];
        api::codes [Record(Activity)];
        api::scan [Record(Activity)];
        api::attendance [Record(Activity)];
        api::confirm [Record(Activity)];
        api::call_off [Record(Activity)];
        api::no_show_policy [Scope];
        api::set_no_show_policy [Scope];
    )
}
