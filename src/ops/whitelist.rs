//! The service whitelist: which accounts may see and connect to a service. The owner is always
//! allowed without an entry; Alibaba Cloud managed services are open to every account.

use super::audit::Change;
use super::change::Done;
use super::{Ctx, Ops};
use crate::domain::ApiError;
use crate::domain::account::{account_arn, account_from_arn, valid_account_id};
use crate::domain::model::WhitelistView;
use crate::store::Conn;
use crate::store::iso;
use crate::store::services::{self as q, ServiceRow, UserRow};

/// Resolves `UserId` / `UserARN` to an account id; both given must agree.
pub fn whitelist_subject(
    user_id: Option<&str>,
    user_arn: Option<&str>,
) -> Result<String, ApiError> {
    let user_id = user_id.filter(|s| !s.is_empty());
    let user_arn = user_arn.filter(|s| !s.is_empty());
    let from_arn = match user_arn {
        Some(arn) => Some(account_from_arn(arn).ok_or_else(|| {
            ApiError::illegal(
                "UserARN",
                format!("`{arn}` is not of the form acs:ram:*:<account id>:*"),
            )
        })?),
        None => None,
    };
    match (user_id, from_arn) {
        (None, None) => Err(ApiError::missing_user()),
        (Some(id), Some(arn_id)) if id != arn_id => Err(ApiError::user_mismatch(id, arn_id)),
        (Some(id), _) => {
            if valid_account_id(id) {
                Ok(id.to_string())
            } else {
                Err(ApiError::illegal(
                    "UserId",
                    format!("`{id}` is not a 16-digit account id"),
                ))
            }
        }
        (None, Some(arn_id)) => Ok(arn_id.to_string()),
    }
}

impl Ops {
    /// True when `account` may see and connect to `service`.
    pub(crate) async fn may_use_service(
        &self,
        c: &mut Conn,
        account: &str,
        s: &ServiceRow,
    ) -> Result<bool, ApiError> {
        Ok(s.account_id == account
            || s.managed_product.is_some()
            || q::is_whitelisted(c, &s.id, account).await?)
    }

    /// AddUserToVpcEndpointService.
    pub async fn add_whitelist(
        &self,
        ctx: &Ctx,
        service_id: &str,
        user_id: Option<&str>,
        user_arn: Option<&str>,
        label: &str,
    ) -> Result<WhitelistView, ApiError> {
        self.change(
            ctx,
            async |tx| {
                let s = self.active_owned_service(tx, ctx, service_id).await?;
                let account = whitelist_subject(user_id, user_arn)?;
                if label.chars().count() > 64 {
                    return Err(ApiError::illegal("Label", "at most 64 characters"));
                }
                Ok((s, account))
            },
            async |tx, (s, account)| {
                let row = UserRow {
                    service_id: s.id.clone(),
                    user_arn: account_arn(&account),
                    user_id: account.clone(),
                    label: label.into(),
                    added_by: ctx.account_id.clone(),
                    added_at: self.clock.now(),
                };
                q::insert_user(tx, &row).await?;
                let change = Change {
                    topic: "service",
                    action: "AddUserToVpcEndpointService",
                    target: s.id,
                    region_id: s.region_id,
                    summary: format!("whitelisted account {account}"),
                    before: None,
                    after: Some(serde_json::json!({"user": account, "label": label})),
                    audience: vec![account],
                };
                Ok(Done::with(user_view(row), change))
            },
        )
        .await
    }

    /// RemoveUserFromVpcEndpointService. Existing connections are not affected.
    pub async fn remove_whitelist(
        &self,
        ctx: &Ctx,
        service_id: &str,
        user_id: Option<&str>,
        user_arn: Option<&str>,
    ) -> Result<(), ApiError> {
        self.change(
            ctx,
            async |tx| {
                let s = self.active_owned_service(tx, ctx, service_id).await?;
                let account = whitelist_subject(user_id, user_arn)?;
                Ok((s, account))
            },
            async |tx, (s, account)| {
                q::delete_user(tx, &s.id, &account).await?;
                Ok(Done::new(Change {
                    topic: "service",
                    action: "RemoveUserFromVpcEndpointService",
                    target: s.id,
                    region_id: s.region_id,
                    summary: format!("removed account {account} from the whitelist"),
                    before: Some(serde_json::json!({"user": account})),
                    after: None,
                    audience: vec![account],
                }))
            },
        )
        .await
    }

    /// ListVpcEndpointServiceUsers (the owner is allowed implicitly and not listed), optionally only
    /// the entry of one account.
    pub async fn list_whitelist(
        &self,
        ctx: &Ctx,
        service_id: &str,
        user_id: Option<&str>,
    ) -> Result<Vec<WhitelistView>, ApiError> {
        let mut c = self.pool.acquire().await?;
        let s = self.owned_service(&mut c, ctx, service_id).await?;
        Ok(q::users(&mut c, &s.id)
            .await?
            .into_iter()
            .filter(|u| user_id.is_none_or(|id| id == u.user_id))
            .map(user_view)
            .collect())
    }
}

fn user_view(u: UserRow) -> WhitelistView {
    WhitelistView {
        user_id: u.user_id,
        user_arn: u.user_arn,
        label: u.label,
        added_by: u.added_by,
        added_at: iso(u.added_at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects() {
        assert_eq!(
            whitelist_subject(Some("1000000000000002"), None).unwrap(),
            "1000000000000002"
        );
        assert_eq!(
            whitelist_subject(None, Some("acs:ram:*:1000000000000002:*")).unwrap(),
            "1000000000000002"
        );
        assert_eq!(
            whitelist_subject(None, None).unwrap_err().code,
            "MissingParam.UserArn"
        );
        assert_eq!(
            whitelist_subject(
                Some("1000000000000002"),
                Some("acs:ram:*:1000000000000003:*")
            )
            .unwrap_err()
            .code,
            "Mismatch.UserIdAndUserArn"
        );
        assert_eq!(
            whitelist_subject(Some("12"), None).unwrap_err().code,
            "IllegalParamFormat.UserId"
        );
    }
}
