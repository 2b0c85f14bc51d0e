//! How sign-in codes reach a phone. By default they are written to the server's log (and, in
//! a demo, shown on the page); a deployment points them at an adapter for the city's SMS
//! gateway, which holds the gateway's own signature (签名) and template (模板): jiceng posts
//! `{phone, template, params}` to it over the local network, signed with a shared key so the
//! adapter texts only what jiceng asked for.

use crate::OpsError;
use hmac::{Hmac, Mac};
use jiceng_domain::msg;
use jiceng_domain::residents::CODE_TTL;
use sha2::Sha256;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Where codes go.
#[derive(Debug, Clone)]
pub enum CodeSender {
    /// Into the server's log; `shown` also hands the code back to the page (demo only).
    Log { shown: bool },
    /// Posted to an SMS adapter at `url` (http://host:port/path), signed with `key`.
    Http(HttpSender),
}

impl Default for CodeSender {
    /// The log, without showing codes on the page.
    fn default() -> Self {
        CodeSender::Log { shown: false }
    }
}

#[derive(Clone)]
pub struct HttpSender {
    host: String,
    port: u16,
    path: String,
    key: String,
    template: String,
}

impl std::fmt::Debug for HttpSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key stays out of logs.
        write!(
            f,
            "HttpSender(http://{}:{}{})",
            self.host, self.port, self.path
        )
    }
}

/// How long the adapter has to answer.
const ADAPTER_TIMEOUT: Duration = Duration::from_secs(5);

impl HttpSender {
    /// An adapter at `url`, which must be plain http on the local network (the adapter
    /// itself speaks to the gateway); a key of at least 16 characters signs each request.
    pub fn new(url: &str, key: &str, template: &str) -> Result<HttpSender, String> {
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| format!("短信适配器地址须以 http:// 开头：{url}"))?;
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => (
                h,
                p.parse::<u16>()
                    .map_err(|_| format!("短信适配器端口无效：{url}"))?,
            ),
            None => (authority, 80),
        };
        if host.is_empty() || path.contains(|c: char| c.is_whitespace() || c.is_control()) {
            return Err(format!("短信适配器地址无效：{url}"));
        }
        if key.chars().count() < 16 {
            return Err("短信适配器签名密钥至少 16 个字符".into());
        }
        if template.trim().is_empty() {
            return Err("须指定短信模板编号".into());
        }
        Ok(HttpSender {
            host: host.into(),
            port,
            path: path.into(),
            key: key.into(),
            template: template.trim().into(),
        })
    }

    /// The request body and its signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of
    /// "<t>.<body>">`, so the adapter can refuse old or altered requests.
    pub fn signed(&self, phone: &str, code: &str, at: i64) -> (String, String) {
        let body = serde_json::json!({
            "phone": phone,
            "template": self.template,
            "params": { "code": code, "minutes": CODE_TTL.num_minutes() },
        })
        .to_string();
        let mut mac =
            Hmac::<Sha256>::new_from_slice(self.key.as_bytes()).expect("any key length works");
        mac.update(format!("{at}.{body}").as_bytes());
        let sig: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        (body, format!("t={at},v1={sig}"))
    }

    async fn post(&self, phone: &str, code: &str) -> Result<(), String> {
        let (body, sig) = self.signed(phone, code, jiceng_domain::clock::now().timestamp());
        let request = format!(
            "POST {} HTTP/1.1\r\nHost: {}:{}\r\nContent-Type: application/json\r\nX-Jiceng-Signature: {sig}\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.path,
            self.host,
            self.port,
            body.len()
        );
        let mut stream = tokio::net::TcpStream::connect((self.host.as_str(), self.port))
            .await
            .map_err(|e| e.to_string())?;
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        // The status line is all that is read: a 2xx means the adapter took the text.
        let mut head = [0u8; 64];
        let n = stream.read(&mut head).await.map_err(|e| e.to_string())?;
        let line = String::from_utf8_lossy(&head[..n]);
        let status = line.split_whitespace().nth(1).unwrap_or("");
        if status.starts_with('2') && status.len() == 3 {
            Ok(())
        } else {
            Err(format!("adapter answered {status:?}"))
        }
    }
}

impl CodeSender {
    /// Sends `code` to `phone`; returns the code when the page may show it (demo).
    pub(crate) async fn send(&self, phone: &str, code: &str) -> Result<Option<String>, OpsError> {
        match self {
            CodeSender::Log { shown } => {
                tracing::info!(phone, code, "sign-in code (log sender)");
                Ok(shown.then(|| code.to_string()))
            }
            CodeSender::Http(h) => {
                match tokio::time::timeout(ADAPTER_TIMEOUT, h.post(phone, code)).await {
                    Ok(Ok(())) => Ok(None),
                    Ok(Err(why)) => {
                        tracing::warn!(%why, adapter = ?h, "SMS adapter refused a code");
                        Err(unavailable())
                    }
                    Err(_) => {
                        tracing::warn!(adapter = ?h, "SMS adapter timed out");
                        Err(unavailable())
                    }
                }
            }
        }
    }
}

fn unavailable() -> OpsError {
    OpsError::Unavailable(msg!("短信发送失败，请稍后再试"))
}
