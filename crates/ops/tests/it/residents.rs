//! Residents sign in with a code sent to their phone, register on the first sign-in, and are
//! confirmed by their community; the codes' limits; the SMS adapter's signed requests. On
//! SQLite or PostgreSQL.

use crate::common::*;
use jiceng_domain::clock;
use jiceng_domain::residents::ResidentStatus;
use jiceng_ops::OpsError;
use jiceng_ops::accounts::{self, NewUser};
use jiceng_ops::residents::{
    self, CodeSender, HttpSender, ListResidents, ReviewInput, SignInInput,
};
use jiceng_store::Backend;
use jiceng_testkit::both;

const SHOWN: CodeSender = CodeSender::Log { shown: true };

fn sign(phone: &str, code: Option<String>) -> SignInInput {
    SignInInput {
        phone: s(phone),
        sms_code: code,
        ..Default::default()
    }
}

#[both]
async fn a_first_sign_in_registers_and_the_community_confirms(on: Backend) {
    let t = city(on).await;
    let (b1, _) = buildings(&t.db).await;
    let sent = residents::send_code(&t.db, &SHOWN, "138 0013 8000", "1.1.1.1")
        .await
        .unwrap();
    assert_eq!(sent.phone, "138****8000");
    assert_eq!(sent.expires_in, 300);
    let code = sent.shown_code.clone();
    assert_eq!(code.as_deref().map(str::len), Some(6));

    // A new number must say who and where; the code holds meanwhile.
    let e = residents::sign_in(&t.db, sign("13800138000", code.clone()), "1.1.1.1")
        .await
        .unwrap_err();
    assert_eq!(field(&e), "name", "{e}");
    let first = |community: &str, place: Option<i64>| SignInInput {
        name: s("王阿姨"),
        community: s(community),
        place_id: place,
        ..sign("13800138000", code.clone())
    };
    let e = residents::sign_in(&t.db, first("C", None), "1.1.1.1")
        .await
        .unwrap_err();
    assert_eq!(
        field(&e),
        "place_id",
        "C has mapped buildings: one is chosen"
    );
    let e = residents::sign_in(&t.db, first("C2", Some(b1)), "1.1.1.1")
        .await
        .unwrap_err();
    assert_eq!(field(&e), "place_id", "a building of another community");
    let e = residents::sign_in(&t.db, first("B1", None), "1.1.1.1")
        .await
        .unwrap_err();
    assert_eq!(field(&e), "community", "a branch is not a community");
    let session = residents::sign_in(&t.db, first("C", Some(b1)), "1.1.1.1")
        .await
        .unwrap();
    assert!(session.created);
    let me = session.resident;
    assert_eq!(me.status, ResidentStatus::Pending);
    assert_eq!(me.phone, "13800138000", "a resident sees their own number");
    assert_eq!(me.place_name.as_deref(), Some("1号楼"));
    let actor_r = accounts::session_actor(&t.db, &session.token)
        .await
        .unwrap()
        .0;
    assert_eq!(actor_r.role(), Some(jiceng_domain::Role::Resident));
    assert_eq!(residents::me(&t.db, &actor_r).await.unwrap().id, me.id);

    // The code is used once; the next sign-in needs a new one, and does not register again.
    let e = residents::sign_in(&t.db, sign("13800138000", code), "1.1.1.1")
        .await
        .unwrap_err();
    assert_eq!(field(&e), "sms_code");
    {
        let _later = clock::fix(clock::now() + chrono::Duration::seconds(61));
        let again = residents::send_code(&t.db, &SHOWN, "13800138000", "1.1.1.1")
            .await
            .unwrap();
        let back = residents::sign_in(&t.db, sign("13800138000", again.shown_code), "1.1.1.1")
            .await
            .unwrap();
        assert!(!back.created);
        assert_eq!(back.resident.id, me.id);
    }

    // The community's workers see them waiting, phone masked; a worker elsewhere does not.
    let worker = account(&t.db, "worker_c", "community_worker", "C", None).await;
    let other = account(&t.db, "worker_c2", "community_worker", "C2", None).await;
    let waiting = residents::list(&t.db, &worker, ListResidents::default())
        .await
        .unwrap();
    assert_eq!(waiting.items.len(), 1);
    assert_eq!(waiting.items[0].phone, "138****8000");
    assert!(waiting.items[0].may_review);
    assert!(
        residents::list(&t.db, &other, ListResidents::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let confirm = || ReviewInput {
        decision: s("confirm"),
        reason: None,
    };
    assert!(matches!(
        residents::review(&t.db, &other, me.id, confirm()).await,
        Err(OpsError::NotFound { .. })
    ));
    assert!(matches!(
        residents::review(&t.db, &actor_r, me.id, confirm()).await,
        Err(OpsError::NotFound { .. })
    ));
    let e = residents::review(
        &t.db,
        &worker,
        me.id,
        ReviewInput {
            decision: s("refuse"),
            reason: None,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), "reason", "a refusal says why");
    let done = residents::review(&t.db, &worker, me.id, confirm())
        .await
        .unwrap();
    assert_eq!(done.status, ResidentStatus::Confirmed);
    let e = residents::review(&t.db, &worker, me.id, confirm())
        .await
        .unwrap_err();
    assert_eq!(field(&e), "decision", "reviewed once");
    assert!(
        residents::list(&t.db, &worker, ListResidents::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let confirmed = residents::list(
        &t.db,
        &worker,
        ListResidents {
            status: s("confirmed"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(confirmed.items[0].id, me.id);
    // Only a role that handles personal data reveals the number, and it is audited.
    assert!(matches!(
        residents::get(&t.db, &worker, me.id, true).await,
        Err(OpsError::Forbidden(_))
    ));
    let secretary = account(&t.db, "secretary_c", "community_secretary", "C", None).await;
    assert_eq!(
        residents::get(&t.db, &secretary, me.id, true)
            .await
            .unwrap()
            .phone,
        "13800138000"
    );
}

#[both]
async fn residents_are_not_staff_accounts(on: Backend) {
    let t = city(on).await;
    let (r, view) = resident(&t.db, "13900139000", "李叔", "C2", None).await;
    assert!(view.place_id.is_none(), "C2 has no mapped buildings");
    let e = accounts::create(
        &t.db,
        &actor(),
        NewUser {
            username: s("fake"),
            password: s(PW),
            role: s("resident"),
            scope: s("C"),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), "role");
    // No password signs a resident's account in.
    let jiceng_ops::Actor::User(u) = &r else {
        panic!("a user")
    };
    assert!(
        accounts::login(&t.db, &u.username, "!", "test")
            .await
            .is_err()
    );
    assert!(
        accounts::login(&t.db, &u.username, "", "test")
            .await
            .is_err()
    );
    // A resident reads no records.
    assert!(matches!(
        residents::list(&t.db, &r, ListResidents::default()).await,
        Err(OpsError::Forbidden(_))
    ));
    assert!(matches!(
        jiceng_ops::members::list(&t.db, &r, Default::default()).await,
        Err(OpsError::Forbidden(_))
    ));
    assert!(matches!(
        residents::get(&t.db, &r, view.id, false).await,
        Err(OpsError::NotFound { .. })
    ));
}

#[both]
async fn codes_lapse_take_five_wrong_tries_and_are_rationed(on: Backend) {
    let t = city(on).await;
    let start = clock::now();
    let phone = "13700137000";
    let sent = residents::send_code(&t.db, &SHOWN, phone, "2.2.2.2")
        .await
        .unwrap();
    // A second code within the minute is refused, naming the number.
    let e = residents::send_code(&t.db, &SHOWN, phone, "2.2.2.2")
        .await
        .unwrap_err();
    assert_eq!(field(&e), "phone");
    assert!(e.to_string().contains("秒后"), "{e}");
    let right = sent.shown_code.unwrap();
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    // Wrong, lapsed, voided or never sent: one answer, which tells a stranger nothing.
    const REFUSED: &str = "验证码不正确或已失效";
    let e = residents::sign_in(&t.db, sign("13700137999", s(wrong)), "2.2.2.2")
        .await
        .unwrap_err();
    assert_eq!(field(&e), "sms_code");
    assert!(e.to_string().contains(REFUSED), "no code was sent: {e}");
    for _ in 0..5 {
        let e = residents::sign_in(&t.db, sign(phone, s(wrong)), "2.2.2.2")
            .await
            .unwrap_err();
        assert_eq!(field(&e), "sms_code");
        assert!(e.to_string().contains(REFUSED), "{e}");
    }
    let e = residents::sign_in(&t.db, sign(phone, Some(right)), "2.2.2.2")
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains(REFUSED),
        "the right code after five wrong ones is void too: {e}"
    );
    // A new code lapses after five minutes.
    let mut at = start + chrono::Duration::seconds(61);
    let code = {
        let _t = clock::fix(at);
        residents::send_code(&t.db, &SHOWN, phone, "2.2.2.2")
            .await
            .unwrap()
            .shown_code
    };
    {
        let _t = clock::fix(at + chrono::Duration::seconds(301));
        let e = residents::sign_in(&t.db, sign(phone, code), "2.2.2.2")
            .await
            .unwrap_err();
        assert!(e.to_string().contains(REFUSED), "{e}");
    }
    // Five codes to one number in a run (two sent above), then a wait of an hour.
    for _ in 0..3 {
        at += chrono::Duration::seconds(61);
        let _t = clock::fix(at);
        residents::send_code(&t.db, &SHOWN, phone, "2.2.2.2")
            .await
            .unwrap();
    }
    at += chrono::Duration::seconds(61);
    {
        let _t = clock::fix(at);
        let e = residents::send_code(&t.db, &SHOWN, phone, "2.2.2.2")
            .await
            .unwrap_err();
        assert!(e.to_string().contains("分钟后再试"), "{e}");
    }
    // Twenty sends from one address, whatever the numbers, then a wait.
    let _t = clock::fix(at);
    for n in 0..15 {
        residents::send_code(&t.db, &SHOWN, &format!("1360013{n:04}"), "2.2.2.2")
            .await
            .unwrap();
    }
    let e = residents::send_code(&t.db, &SHOWN, "13500135000", "2.2.2.2")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("分钟后再试"), "{e}");
    residents::send_code(&t.db, &SHOWN, "13500135000", "3.3.3.3")
        .await
        .expect("another address is not held back");
}

/// An SMS adapter on a local port: answers `status` and hands over what it was sent.
async fn adapter(status: u16) -> (String, tokio::task::JoinHandle<String>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/sms", listener.local_addr().unwrap());
    let served = tokio::spawn(async move {
        let (mut conn, _) = listener.accept().await.unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        // Reads until the body the headers announce has come.
        loop {
            let n = conn.read(&mut buf).await.unwrap();
            got.extend_from_slice(&buf[..n]);
            let text = String::from_utf8_lossy(&got).to_string();
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let len: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("Content-Length: "))
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0);
                if body.len() >= len {
                    break;
                }
            }
            if n == 0 {
                break;
            }
        }
        let answer = format!("HTTP/1.1 {status} X\r\nContent-Length: 0\r\n\r\n");
        conn.write_all(answer.as_bytes()).await.unwrap();
        String::from_utf8_lossy(&got).to_string()
    });
    (url, served)
}

const KEY: &str = "0123456789abcdef";

#[both]
async fn codes_go_to_the_sms_adapter_signed(on: Backend) {
    use hmac::{Hmac, Mac};
    let t = city(on).await;
    let (url, served) = adapter(200).await;
    let sender = CodeSender::Http(HttpSender::new(&url, KEY, "SMS_0001").unwrap());
    let sent = residents::send_code(&t.db, &sender, "13800138001", "4.4.4.4")
        .await
        .unwrap();
    assert!(
        sent.shown_code.is_none(),
        "an adapter's code is never shown"
    );
    let request = served.await.unwrap();
    let (head, body) = request.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("POST /sms HTTP/1.1"));
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(v["phone"], "13800138001");
    assert_eq!(v["template"], "SMS_0001");
    let code = v["params"]["code"].as_str().unwrap().to_string();
    let sig = head
        .lines()
        .find_map(|l| l.strip_prefix("X-Jiceng-Signature: "))
        .unwrap();
    let (t_part, v1) = sig.split_once(",v1=").unwrap();
    let at = t_part.strip_prefix("t=").unwrap();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(KEY.as_bytes()).unwrap();
    mac.update(format!("{at}.{body}").as_bytes());
    let want: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(v1, want, "the adapter can check who sent the request");
    // The code the adapter texted signs the resident in.
    let e = residents::sign_in(&t.db, sign("13800138001", Some(code)), "4.4.4.4")
        .await
        .unwrap_err();
    assert_eq!(
        field(&e),
        "name",
        "the code was right: the new number registers"
    );

    // An adapter that refuses: the resident is told, and may ask again at once.
    let (url, served) = adapter(500).await;
    let sender = CodeSender::Http(HttpSender::new(&url, KEY, "SMS_0001").unwrap());
    let e = residents::send_code(&t.db, &sender, "13800138002", "4.4.4.4")
        .await
        .unwrap_err();
    assert!(matches!(e, OpsError::Unavailable(_)), "{e}");
    served.await.unwrap();
    residents::send_code(&t.db, &SHOWN, "13800138002", "4.4.4.4")
        .await
        .expect("a code that was not sent does not hold the number back");
}

#[test]
fn adapters_are_plain_http_with_a_long_key() {
    assert!(HttpSender::new("http://10.0.0.5:8088/sms", KEY, "SMS_1").is_ok());
    assert!(HttpSender::new("https://a/sms", KEY, "T").is_err());
    assert!(HttpSender::new("http://a/sms", "short", "T").is_err());
    assert!(HttpSender::new("http://a:x/sms", KEY, "T").is_err());
    assert!(HttpSender::new("http://a/sms", KEY, " ").is_err());
    let h = HttpSender::new("http://a/", KEY, "SMS_1").unwrap();
    assert!(!format!("{h:?}").contains(KEY), "the key stays out of logs");
    let (_, one) = h.signed("13800138000", "123456", 1_700_000_000);
    let (_, two) = h.signed("13800138000", "123456", 1_700_000_001);
    assert_ne!(one, two, "the time is signed");
}
