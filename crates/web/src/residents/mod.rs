//! residents: signing in with a phone code, the resident's own page, and the community's
//! confirmation queue; pages and API.

pub(crate) mod api;
pub(crate) mod pages;
pub(crate) mod sign_in;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/resident/login" => sign_in::form [Public];
        POST "/resident/code" => sign_in::code [Public];
        POST "/resident/login" => sign_in::submit [Public];
        GET "/resident/communities" => sign_in::communities [Public];
        GET "/resident/buildings" => sign_in::buildings [Public];
        GET "/resident" => pages::me [Account];
        GET "/residents" => pages::list [Scope];
        POST "/residents/{id}/review" => pages::review [Record(Resident)];
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::send_code [Public];
        api::sign_in [Public];
        api::buildings [Public];
        api::me [Account];
        api::list [Scope];
        api::show [Record(Resident)];
        api::review [Record(Resident)];
    )
}
