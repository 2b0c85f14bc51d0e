//! `#[jiceng_testkit::both]` on `async fn name(on: Backend) { … }` makes two tests of it,
//! `name::sqlite` and `name::postgres`. The first always runs. The second runs when
//! `JICENG_TEST_DATABASE_URL` names a PostgreSQL server, and fails (never skips) when that
//! server cannot be reached; without the variable it says so and passes, so a plain
//! `cargo test` needs no server. The test builds its database with `TestDb::on(on)` or a
//! fixture that takes the backend.

use proc_macro::TokenStream;
use quote::{format_ident, quote};
use syn::{ItemFn, parse_macro_input};

#[proc_macro_attribute]
pub fn both(_args: TokenStream, item: TokenStream) -> TokenStream {
    let f = parse_macro_input!(item as ItemFn);
    let name = f.sig.ident.clone();
    let inner = format_ident!("{}_on", name);
    let mut body = f.clone();
    body.sig.ident = inner.clone();
    let attrs = &f.attrs;
    quote! {
        #body

        mod #name {
            #[tokio::test]
            #(#attrs)*
            async fn sqlite() {
                super::#inner(jiceng_store::Backend::Sqlite).await
            }

            #[tokio::test]
            #(#attrs)*
            async fn postgres() {
                if jiceng_store::testing::postgres_url().is_none() {
                    eprintln!("JICENG_TEST_DATABASE_URL is not set: the PostgreSQL run is skipped");
                    return;
                }
                super::#inner(jiceng_store::Backend::Postgres).await
            }
        }
    }
    .into()
}
