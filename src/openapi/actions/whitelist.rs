//! Service whitelist actions (provider): add, remove, list users.

use super::done;
use crate::domain::ApiError;
use crate::openapi::params::Params;
use crate::openapi::wire::{self, Body, object};
use crate::ops::{Ctx, Ops};
use serde_json::{Value, json};

/// AddUserToVpcEndpointService.
pub async fn add(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    p.required("RegionId")?;
    ops.add_whitelist(
        ctx,
        p.required_param("ServiceId")?,
        p.get("UserId"),
        p.get("UserARN"),
        "",
    )
    .await?;
    Ok(done())
}

/// RemoveUserFromVpcEndpointService.
pub async fn remove(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    p.required("RegionId")?;
    ops.remove_whitelist(
        ctx,
        p.required_param("ServiceId")?,
        p.get("UserId"),
        p.get("UserARN"),
    )
    .await?;
    Ok(done())
}

/// ListVpcEndpointServiceUsers (paging 1–50): `Users[]{UserId}` (integers) or, with
/// `UserListType=UserARNs`, `UserARNs[]{UserARN}`. `TotalCount` is a string here.
pub async fn list(ops: &Ops, ctx: &Ctx, p: &Params) -> Result<Body, ApiError> {
    p.required("RegionId")?;
    let paging = wire::paging(p, 50, 50)?;
    let as_arns = match p.get("UserListType") {
        None | Some("Users") => false,
        Some("UserARNs") => true,
        Some(other) => {
            return Err(ApiError::illegal(
                "UserListType",
                format!("use Users or UserARNs, got `{other}`"),
            ));
        }
    };
    let users = ops
        .list_whitelist(ctx, p.required_param("ServiceId")?, p.get("UserId"))
        .await?;
    let total = users.len();
    let (page, next) = wire::page_of(users, &paging)?;
    let mut body = object(json!({
        "TotalCount": total.to_string(),
        "NextToken": next,
        "MaxResults": paging.max,
    }));
    if as_arns {
        let arns: Vec<Value> = page
            .iter()
            .map(|u| json!({"UserARN": u.user_arn}))
            .collect();
        body.insert("UserARNs".into(), Value::Array(arns));
    } else {
        let ids: Vec<Value> = page
            .iter()
            .map(|u| json!({"UserId": u.user_id.parse::<i64>().map_or(json!(u.user_id), |n| json!(n))}))
            .collect();
        body.insert("Users".into(), Value::Array(ids));
    }
    Ok(body)
}
