//! 群众 (residents) as users: a resident signs in on a phone with a one-time code sent to
//! their mobile, names the building they live in, and waits for their community to confirm
//! them before what they post goes further than their own page.

use crate::Invalid;
use crate::phone::Phone;
use chrono::Duration;

labelled_enum! {
    ResidentStatus, "status" {
        Pending = "pending", "待确认";
        Confirmed = "confirmed", "已确认";
        Refused = "refused", "未通过";
    }
}

labelled_enum! {
    /// A community worker's answer to a resident waiting to be confirmed.
    Review, "decision" {
        Confirm = "confirm", "确认";
        Refuse = "refuse", "不予确认";
    }
}

/// How long a code may be used.
pub const CODE_TTL: Duration = Duration::minutes(5);

/// Wrong tries after which a code is void, whoever makes them.
pub const CODE_TRIES: i64 = 5;

/// The shortest wait between two codes sent to one number.
pub const RESEND_AFTER: Duration = Duration::seconds(60);

/// Digits in a code.
pub const CODE_DIGITS: usize = 6;

/// A resident signs in with a mobile only: a code cannot be sent to a landline.
pub fn mobile(raw: &str) -> Result<Phone, Invalid> {
    let phone = Phone::parse(raw)?;
    if phone.as_str().len() == 11 && phone.as_str().starts_with('1') {
        Ok(phone)
    } else {
        Err(Invalid::new("phone", raw, msg!("请填写 11 位手机号")))
    }
}

/// A code as typed: six digits, full-width digits and spaces forgiven.
pub fn typed_code(raw: &str) -> Result<String, Invalid> {
    let code: String = raw
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .collect();
    if code.len() == CODE_DIGITS && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(code)
    } else {
        Err(Invalid::new("sms_code", raw, msg!("验证码为 6 位数字")))
    }
}

/// The code drawn from `random`: uniform enough over six digits for a 32-bit draw.
pub fn code_from(random: u32) -> String {
    format!("{:06}", random % 1_000_000)
}

/// What a worker's review leads to from `from`: only a pending resident is reviewed.
pub fn reviewed(from: ResidentStatus, r: Review) -> Result<ResidentStatus, Invalid> {
    match (from, r) {
        (ResidentStatus::Pending, Review::Confirm) => Ok(ResidentStatus::Confirmed),
        (ResidentStatus::Pending, Review::Refuse) => Ok(ResidentStatus::Refused),
        _ => Err(Invalid::new(
            "decision",
            r.code(),
            msg!("该居民已{status}，不能再审核", status = from.label()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_mobiles_sign_in() {
        assert_eq!(mobile("138 0013 8000").unwrap().as_str(), "13800138000");
        assert_eq!(mobile("0579-85123456").unwrap_err().field, "phone");
        assert_eq!(mobile("1234").unwrap_err().field, "phone");
    }

    #[test]
    fn codes_are_six_digits() {
        assert_eq!(typed_code(" １２3 456 ").unwrap(), "123456");
        assert_eq!(typed_code("12345").unwrap_err().field, "sms_code");
        assert_eq!(typed_code("12345a").unwrap_err().field, "sms_code");
        assert_eq!(code_from(42), "000042");
        assert_eq!(code_from(u32::MAX), "967295");
    }

    #[test]
    fn a_pending_resident_is_reviewed_once() {
        use ResidentStatus::*;
        assert_eq!(reviewed(Pending, Review::Confirm).unwrap(), Confirmed);
        assert_eq!(reviewed(Pending, Review::Refuse).unwrap(), Refused);
        assert_eq!(
            reviewed(Confirmed, Review::Refuse).unwrap_err().field,
            "decision"
        );
        assert_eq!(
            reviewed(Refused, Review::Confirm).unwrap_err().field,
            "decision"
        );
    }
}
