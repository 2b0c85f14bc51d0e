//! The address a request comes from, for the limits kept per address: the connection's peer,
//! or, when the peer is one of the configured trusted proxies, the last address that proxy
//! put in `X-Forwarded-For`. A header from anyone else is ignored, so a client cannot choose
//! its own address.

use crate::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

pub struct ClientAddr(pub String);

/// The address of a request from `peer` with the `X-Forwarded-For` value `forwarded`.
pub fn address(peer: Option<IpAddr>, forwarded: Option<&str>, trusted: &[IpAddr]) -> String {
    let Some(peer) = peer else {
        // Served without a socket (tests): one address for all.
        return "local".into();
    };
    if trusted.contains(&peer)
        && let Some(last) = forwarded
            .and_then(|f| f.rsplit(',').next())
            .and_then(|a| a.trim().parse::<IpAddr>().ok())
    {
        return last.to_string();
    }
    peer.to_string()
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        // An IPv4 proxy reached over an IPv6 socket shows as ::ffff:a.b.c.d.
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_canonical());
        // Every X-Forwarded-For line, in order: a proxy may add its own line after the
        // client's, and the client's own claim is never the last entry.
        let forwarded: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        let forwarded = forwarded.join(",");
        let forwarded = (!forwarded.is_empty()).then_some(forwarded.as_str());
        Ok(ClientAddr(address(peer, forwarded, &state.trusted_proxies)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_trusted_proxy_names_the_client() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let stranger: IpAddr = "203.0.113.9".parse().unwrap();
        let chain = Some("198.51.100.7, 192.0.2.4");
        assert_eq!(address(Some(proxy), chain, &[proxy]), "192.0.2.4");
        assert_eq!(address(Some(stranger), chain, &[proxy]), "203.0.113.9");
        assert_eq!(address(Some(proxy), Some("nonsense"), &[proxy]), "10.0.0.1");
        assert_eq!(address(None, chain, &[proxy]), "local");
    }
}
