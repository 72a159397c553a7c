//! Accounts: 16-digit ids, whitelist ARNs and what the console knows about the signed-in user.

use serde::{Deserialize, Serialize};

/// True for a 16-digit Alibaba Cloud account id.
pub fn valid_account_id(id: &str) -> bool {
    id.len() == 16 && id.bytes().all(|b| b.is_ascii_digit())
}

/// The whitelist ARN form of an account: `acs:ram:*:<id>:*`.
pub fn account_arn(id: &str) -> String {
    format!("acs:ram:*:{id}:*")
}

/// The account id inside a whitelist ARN (`acs:ram:*:<id>:*`), if the ARN is well formed.
pub fn account_from_arn(arn: &str) -> Option<&str> {
    let rest = arn.strip_prefix("acs:ram:*:")?;
    let id = rest.strip_suffix(":*")?;
    valid_account_id(id).then_some(id)
}

/// An account as the console shows it (never the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub id: String,
    pub name: String,
}

/// Who is signed in to this browser session: the active account and, in demo mode, the others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SessionInfo {
    pub active: Option<AccountView>,
    pub signed_in: Vec<AccountView>,
    pub demo_mode: bool,
}

/// The sign-in form: an account id and its password, and where to go after (`/` if none).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInForm {
    pub account_id: String,
    pub password: String,
    #[serde(default)]
    pub next: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_arns() {
        assert!(valid_account_id("1419992691371925"));
        assert!(!valid_account_id("141999269137192"));
        assert!(!valid_account_id("14199926913719x5"));
        assert_eq!(
            account_arn("1419992691371925"),
            "acs:ram:*:1419992691371925:*"
        );
        assert_eq!(
            account_from_arn("acs:ram:*:1419992691371925:*"),
            Some("1419992691371925")
        );
        assert_eq!(account_from_arn("acs:ram:*:12:*"), None);
        assert_eq!(account_from_arn("arn:1419992691371925"), None);
    }
}
