//! accounts: its pages and its part of the API, and the routes that serve them.

pub(crate) mod api;
pub(crate) mod login_log;
pub(crate) mod me;
pub(crate) mod pages;
pub(crate) mod second_factor;
pub(crate) mod security;
pub(crate) mod session;
pub(crate) mod sessions;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/login" => session::login_form [Public];
        POST "/login" => session::login [Public];
        POST "/logout" => session::logout [Account];
        GET "/password" => session::password_form [Account];
        POST "/password" => session::password [Account];
        GET "/users" => pages::list [Scope];
        POST "/users" => pages::create [Scope];
        GET "/users/new" => pages::new_form [Scope];
        GET "/tokens" => pages::tokens [Account];
        POST "/tokens" => pages::create_token [Account];
        POST "/tokens/{id}/revoke" => pages::revoke_token [Record(Token)];
        POST "/users/{id}/active" => pages::set_active [Record(User)];
        POST "/users/{id}/tokens/revoke" => pages::revoke_user_tokens [Record(User)];
        GET "/totp" => second_factor::page [Account];
        POST "/totp" => second_factor::submit [Account];
        POST "/totp/recovery-codes" => second_factor::renew_from_page [Account];
        POST "/users/{id}/totp" => second_factor::manage_from_page [Record(User)];
        GET "/sessions" => sessions::page [Account];
        GET "/me" => me::page [Account];
        POST "/sessions/{id}/end" => sessions::end_from_page [Record(Session)];
        GET "/security" => security::page [Scope];
        POST "/security/password-policy" => security::save_password_policy [Scope];
        POST "/security/retention" => security::save_retention [Scope];
        POST "/users/{id}/role" => pages::assign_role [Record(User)];
        POST "/users/{id}/password" => pages::reset_password [Record(User)];
        GET "/login-log" => login_log::page [Scope];
        GET "/login-log/export.xlsx" => login_log::export [Scope];
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        login_log::api [Scope];
        sessions::list [Account];
        second_factor::give [Account];
        second_factor::start [Account];
        second_factor::confirm [Account];
        second_factor::renew [Account];
        second_factor::manage [Record(User)];
        sessions::end [Record(Session)];
        api::login [Public];
        api::logout [Account];
        api::me [Account];
        api::agenda [Account];
        api::change_password [Account];
        api::tokens [Account];
        api::create_token [Account];
        api::revoke_token [Record(Token)];
        api::users [Scope];
        api::create_user [Scope];
        api::set_active [Record(User)];
        api::revoke_user_tokens [Record(User)];
        api::assign_role [Record(User)];
        api::reset_password [Record(User)];
        api::duties [Scope];
    )
}
