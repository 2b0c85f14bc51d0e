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

/// The browser's `User-Agent`, as the login log keeps it; empty when not sent.
pub struct UserAgent(pub String);

impl<S: Send + Sync> FromRequestParts<S> for UserAgent {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(UserAgent(
            parts
                .headers
                .get(axum::http::header::USER_AGENT)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .unwrap_or_default(),
        ))
    }
}

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
        return counted(last.to_canonical());
    }
    counted(peer)
}

/// An address as the limits count it: an IPv6 address by its /64, which one subscriber is
/// given whole, so walking through it does not make a new client at every step.
fn counted(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
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

    #[test]
    fn an_ipv6_subscriber_counts_once_across_its_slash_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff:1:2:3".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(address(Some(a), None, &[]), address(Some(b), None, &[]));
        assert_ne!(address(Some(a), None, &[]), address(Some(other), None, &[]));
        assert_eq!(address(Some(a), None, &[]), "2001:db8:1:2::/64");
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        assert_eq!(
            address(Some(proxy), Some("2001:db8:1:2::9"), &[proxy]),
            "2001:db8:1:2::/64"
        );
        assert_eq!(
            address(Some(proxy), Some("::ffff:192.0.2.4"), &[proxy]),
            "192.0.2.4"
        );
    }
}
