//! Tags and resource groups on the caller's own endpoints and endpoint services
//! (TagResources, UntagResources, ListTagResources, ChangeResourceGroup).

use super::audit::Change;
use super::change::Done;
use super::{Ctx, Ops, Page};
use crate::domain::ApiError;
use crate::domain::validate;
use crate::store::tags::{self as tq, TagCursor, Tagged};
use crate::store::{Conn, endpoints as eq, services as sq, tags};

/// Most resources named in one tag call.
pub const MAX_RESOURCES_PER_CALL: usize = 50;
/// Most tags per resource.
pub const MAX_TAGS: usize = 20;
/// Rows per ListTagResources page.
pub const TAG_PAGE: usize = 50;

/// What a tag call addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagTarget {
    Endpoint,
    Service,
}

impl TagTarget {
    /// `vpcendpoint` / `vpcendpointservice` in any case (Terraform sends `VpcEndpoint`).
    pub fn parse(s: &str) -> Result<Self, ApiError> {
        match s.to_ascii_lowercase().as_str() {
            "vpcendpoint" => Ok(Self::Endpoint),
            "vpcendpointservice" => Ok(Self::Service),
            "" => Err(ApiError::missing("ResourceType")),
            _ => Err(ApiError::illegal(
                "ResourceType",
                format!("use VpcEndpoint or VpcEndpointService, got `{s}`"),
            )),
        }
    }

    /// The kind of stored resource it addresses.
    fn stored(self) -> Tagged {
        match self {
            Self::Endpoint => Tagged::Endpoint,
            Self::Service => Tagged::Service,
        }
    }

    /// The name stored with tags and returned by ListTagResources.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Endpoint => "VpcEndpoint",
            Self::Service => "VpcEndpointService",
        }
    }

    fn topic(self) -> &'static str {
        match self {
            Self::Endpoint => "endpoint",
            Self::Service => "service",
        }
    }
}

/// One row of ListTagResources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagRow {
    pub resource_id: String,
    pub resource_type: &'static str,
    pub key: String,
    pub value: String,
}

/// `rg-` followed by 1–40 lower-case letters and digits.
pub fn valid_resource_group(id: &str) -> bool {
    id.strip_prefix("rg-").is_some_and(|rest| {
        !rest.is_empty()
            && rest.len() <= 40
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

fn not_found() -> ApiError {
    ApiError::resource_ids_not_found()
}

fn resource_ids(ids: &[String]) -> Result<Vec<String>, ApiError> {
    let mut out: Vec<String> = Vec::new();
    for id in ids.iter().filter(|i| !i.is_empty()) {
        if !out.contains(id) {
            out.push(id.clone());
        }
    }
    if out.is_empty() {
        return Err(ApiError::missing("ResourceId"));
    }
    if out.len() > MAX_RESOURCES_PER_CALL {
        return Err(ApiError::illegal(
            "ResourceId",
            format!("at most {MAX_RESOURCES_PER_CALL} resources per call"),
        ));
    }
    Ok(out)
}

impl Ops {
    /// The region of the caller's own endpoint or service `id`, or `None` when it is not theirs
    /// (or not in the addressed region).
    async fn own_resource_region(
        &self,
        c: &mut Conn,
        ctx: &Ctx,
        target: TagTarget,
        id: &str,
    ) -> Result<Option<String>, ApiError> {
        let owner_region = match target {
            TagTarget::Endpoint => eq::get(c, id).await?.map(|e| (e.account_id, e.region_id)),
            TagTarget::Service => sq::get(c, id).await?.map(|s| (s.account_id, s.region_id)),
        };
        Ok(owner_region
            .filter(|(owner, region)| *owner == ctx.account_id && ctx.sees_region(region))
            .map(|(_, region)| region))
    }

    /// TagResources: adds or overwrites `tags` on each resource (all or nothing).
    pub async fn tag_resources(
        &self,
        ctx: &Ctx,
        target: TagTarget,
        ids: &[String],
        new_tags: &[(String, String)],
    ) -> Result<(), ApiError> {
        let ids = resource_ids(ids)?;
        if new_tags.is_empty() {
            return Err(ApiError::missing_tag_key());
        }
        validate::tags(new_tags)?;
        self.change(
            ctx,
            async |tx| {
                let mut regions = Vec::new();
                for id in &ids {
                    let region = self
                        .own_resource_region(tx, ctx, target, id)
                        .await?
                        .ok_or_else(not_found)?;
                    let have = tags::of(tx, id).await?;
                    let added = new_tags
                        .iter()
                        .filter(|(k, _)| !have.iter().any(|(hk, _)| hk == k))
                        .count();
                    if have.len() + added > MAX_TAGS {
                        return Err(ApiError::too_many_tags(MAX_TAGS, id, have.len() + added));
                    }
                    regions.push(region);
                }
                Ok(regions)
            },
            async |tx, regions| {
                let summary = new_tags
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let mut changes = Vec::new();
                for (id, region_id) in ids.iter().zip(regions) {
                    for (k, v) in new_tags {
                        tags::set(tx, target.as_str(), id, k, v).await?;
                    }
                    changes.push(Change {
                        topic: target.topic(),
                        action: "TagResources",
                        target: id.clone(),
                        region_id,
                        summary: format!("tagged {summary}"),
                        before: None,
                        after: Some(serde_json::json!(new_tags)),
                        audience: vec![],
                    });
                }
                Ok(Done::many((), changes))
            },
        )
        .await
    }

    /// UntagResources: removes the tags named in `keys` (each must exist, `TagInfoNotExist`
    /// otherwise), or every tag when `keys` is empty and `all` is set.
    pub async fn untag_resources(
        &self,
        ctx: &Ctx,
        target: TagTarget,
        ids: &[String],
        keys: &[String],
        all: bool,
    ) -> Result<(), ApiError> {
        let ids = resource_ids(ids)?;
        if keys.len() > MAX_TAGS {
            return Err(ApiError::illegal(
                "TagKey",
                format!("at most {MAX_TAGS} keys per call"),
            ));
        }
        for (i, k) in keys.iter().enumerate() {
            validate::tag(k, "")?;
            if keys[..i].contains(k) {
                return Err(ApiError::duplicated_tag_key(k));
            }
        }
        if keys.is_empty() && !all {
            return Err(ApiError::missing_untag_keys());
        }
        self.change(
            ctx,
            async |tx| {
                let mut regions = Vec::new();
                for id in &ids {
                    let region = self
                        .own_resource_region(tx, ctx, target, id)
                        .await?
                        .ok_or_else(not_found)?;
                    let have = tags::of(tx, id).await?;
                    if let Some(k) = keys.iter().find(|k| !have.iter().any(|(hk, _)| hk == *k)) {
                        return Err(ApiError::tag_not_found(k, id));
                    }
                    regions.push(region);
                }
                Ok(regions)
            },
            async |tx, regions| {
                let mut changes = Vec::new();
                for (id, region_id) in ids.iter().zip(regions) {
                    if keys.is_empty() {
                        tags::remove(tx, id, None).await?;
                    }
                    for k in keys {
                        tags::remove(tx, id, Some(k)).await?;
                    }
                    let summary = if keys.is_empty() {
                        "removed every tag".to_string()
                    } else {
                        format!("removed tags {}", keys.join(", "))
                    };
                    changes.push(Change {
                        topic: target.topic(),
                        action: "UntagResources",
                        target: id.clone(),
                        region_id,
                        summary,
                        before: None,
                        after: None,
                        audience: vec![],
                    });
                }
                Ok(Done::many((), changes))
            },
        )
        .await
    }

    /// ListTagResources: the tags of the caller's resources named in `ids` (or all of them of this
    /// type in the region) that carry every tag in `filter` (a key with an empty value matches any
    /// value), ordered by resource and key; `token` continues after a previous page.
    pub async fn list_tag_resources(
        &self,
        ctx: &Ctx,
        target: TagTarget,
        ids: &[String],
        filter: &[(String, String)],
        token: Option<&str>,
    ) -> Result<Page<TagRow>, ApiError> {
        if ids.iter().all(|i| i.is_empty()) && filter.is_empty() {
            return Err(ApiError::missing_resource_or_tag());
        }
        if ids.len() > MAX_RESOURCES_PER_CALL {
            return Err(ApiError::illegal(
                "ResourceId",
                format!("at most {MAX_RESOURCES_PER_CALL} resources per call"),
            ));
        }
        if filter.len() > MAX_TAGS {
            return Err(ApiError::illegal(
                "Tag",
                format!("at most {MAX_TAGS} tags per call"),
            ));
        }
        for (i, (k, v)) in filter.iter().enumerate() {
            validate::tag(k, v)?;
            if filter[..i].iter().any(|(k2, _)| k2 == k) {
                return Err(ApiError::duplicated_tag_key(k));
            }
        }
        let mut c = self.pool.acquire().await?;
        let wanted: Vec<&str> = ids
            .iter()
            .map(String::as_str)
            .filter(|i| !i.is_empty())
            .collect();
        let cursor = token
            .and_then(|t| t.split_once('\u{1f}'))
            .map(|(a, b)| TagCursor {
                resource_id: a.to_string(),
                key: b.to_string(),
            })
            .unwrap_or_default();
        let rows = tq::of_owner(
            &mut c,
            target.stored(),
            &ctx.account_id,
            ctx.region_id.as_deref(),
            &wanted,
            &cursor,
        )
        .await?;
        // Group by resource, keep resources that carry every filter tag.
        let mut items = Vec::new();
        let mut total = 0i64;
        let mut next = None;
        let mut i = 0;
        while i < rows.len() {
            let id = rows[i].0.clone();
            let end = rows[i..]
                .iter()
                .position(|r| r.0 != id)
                .map_or(rows.len(), |n| i + n);
            let group = &rows[i..end];
            let matches = filter.iter().all(|(k, v)| {
                group
                    .iter()
                    .any(|(_, gk, gv)| gk == k && (v.is_empty() || gv == v))
            });
            if matches {
                for (rid, k, v) in group {
                    total += 1;
                    if items.len() < TAG_PAGE {
                        items.push(TagRow {
                            resource_id: rid.clone(),
                            resource_type: target.as_str(),
                            key: k.clone(),
                            value: v.clone(),
                        });
                    } else if next.is_none() {
                        let last: &TagRow = items.last().expect("a full page");
                        next = Some(format!("{}\u{1f}{}", last.resource_id, last.key));
                    }
                }
            }
            i = end;
        }
        Ok(Page {
            items,
            next_token: next,
            total,
        })
    }

    /// ChangeResourceGroup: moves the caller's endpoint or service to `group`.
    pub async fn change_resource_group(
        &self,
        ctx: &Ctx,
        target: TagTarget,
        id: &str,
        group: &str,
    ) -> Result<(), ApiError> {
        if id.is_empty() {
            return Err(ApiError::missing_group_resource());
        }
        if group.is_empty() {
            return Err(ApiError::missing_resource_group());
        }
        if !valid_resource_group(group) {
            return Err(ApiError::invalid_resource_group(group));
        }
        let missing = || ApiError::tagged_resource_not_found(target.as_str(), id);
        self.change(
            ctx,
            async |tx| {
                let region = self
                    .own_resource_region(tx, ctx, target, id)
                    .await?
                    .ok_or_else(missing)?;
                let before = tq::resource_group(tx, target.stored(), id).await?;
                Ok((region, before))
            },
            async |tx, (region_id, before)| {
                tq::set_resource_group(tx, target.stored(), id, group, self.clock.now()).await?;
                Ok(Done::new(Change {
                    topic: target.topic(),
                    action: "ChangeResourceGroup",
                    target: id.to_string(),
                    region_id,
                    summary: format!("moved from resource group {before} to {group}"),
                    before: Some(serde_json::json!({"resource_group_id": before})),
                    after: Some(serde_json::json!({"resource_group_id": group})),
                    audience: vec![],
                }))
            },
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_types_parse_in_any_case() {
        assert_eq!(
            TagTarget::parse("VpcEndpoint").unwrap(),
            TagTarget::Endpoint
        );
        assert_eq!(
            TagTarget::parse("vpcendpointservice").unwrap(),
            TagTarget::Service
        );
        assert_eq!(
            TagTarget::parse("").unwrap_err().code,
            "MissingParam.ResourceType"
        );
        assert_eq!(
            TagTarget::parse("instance").unwrap_err().code,
            "IllegalParamFormat.ResourceType"
        );
    }

    #[test]
    fn resource_group_ids() {
        assert!(valid_resource_group("rg-acfm0000000001"));
        assert!(!valid_resource_group("rg-"));
        assert!(!valid_resource_group("group-1"));
        assert!(!valid_resource_group("rg-UPPER"));
    }
}
