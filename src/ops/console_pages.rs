//! The console's use cases that are not one cloud API action: its list pages (filter, sort and
//! keyset pages over what the caller may list), its forms (typed choices instead of the API's
//! flat parameters) and the guided tour's progress.

use super::endpoints::{EndpointFilter, NewEndpoint, NewZone};
use super::services::{NewResource, NewService};
use super::{Ctx, Ops, Page, Source};
use crate::domain::ApiError;
use crate::domain::bandwidth::BandwidthRequestView;
use crate::domain::console::{
    BatchOutcome, EndpointColumn, ListPage, ListQuery, Listed, NewEndpointForm, NewServiceForm,
    Principal, ServiceColumn, ServiceRef, position_of, token_after,
};
use crate::domain::dataplane::ListenerView;
use crate::domain::model::{EndpointView, ServiceView, WhitelistView};
use crate::domain::state::ConnectionStatus;
use crate::domain::tour::TourProgress;
use crate::store;

/// Rows fetched per step while scanning a list for a console page.
const SCAN: i64 = 500;

/// Every item of a keyset-paged list, one `fetch` page after another.
async fn scan<T, F, Fut>(mut fetch: F) -> Result<Vec<T>, ApiError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<Page<T>, ApiError>>,
{
    let mut all = Vec::new();
    let mut token = None;
    loop {
        let page = fetch(token).await?;
        all.extend(page.items);
        match page.next_token {
            Some(t) => token = Some(t),
            None => return Ok(all),
        }
    }
}

/// A console page of `items`, with the token after its last row when `more` follow.
fn page<T: Listed>(items: Vec<T>, more: bool, total: i64, column: &T::Column) -> ListPage<T> {
    let next_token = match items.last() {
        Some(last) if more => Some(token_after(last, column)),
        _ => None,
    };
    ListPage {
        items,
        next_token,
        total: total.max(0) as u64,
    }
}

impl Ops {
    /// One page of the caller's endpoints in the query's region, for the console's list: the
    /// filter, order and keyset run in SQL; views are built for the page's rows only.
    pub async fn console_endpoints(
        &self,
        ctx: &Ctx,
        q: &ListQuery<EndpointColumn>,
    ) -> Result<ListPage<EndpointView>, ApiError> {
        let mut c = self.pool.acquire().await?;
        let size = q.page_size();
        let after = q.next_token.as_deref().and_then(position_of);
        let (mut rows, total) = store::endpoints::console_page(
            &mut c,
            &ctx.account_id,
            &q.region,
            q.filter.trim(),
            q.sort,
            q.descending,
            after.as_ref().map(|(k, id)| (k.as_str(), id.as_str())),
            size as i64 + 1,
        )
        .await?;
        let more = rows.len() > size;
        rows.truncate(size);
        let mut items = Vec::with_capacity(rows.len());
        for e in rows {
            items.push(self.endpoint_view(&mut c, e).await?);
        }
        Ok(page(items, more, total, &q.sort))
    }

    /// One page of the caller's services in the query's region, for the console's list: the
    /// filter, order and keyset run in SQL; views are built for the page's rows only.
    pub async fn console_services(
        &self,
        ctx: &Ctx,
        q: &ListQuery<ServiceColumn>,
    ) -> Result<ListPage<ServiceView>, ApiError> {
        let mut c = self.pool.acquire().await?;
        let size = q.page_size();
        let after = q.next_token.as_deref().and_then(position_of);
        let (mut rows, total) = store::services::console_page(
            &mut c,
            &ctx.account_id,
            &q.region,
            q.filter.trim(),
            q.sort,
            q.descending,
            after.as_ref().map(|(k, id)| (k.as_str(), id.as_str())),
            size as i64 + 1,
        )
        .await?;
        let more = rows.len() > size;
        rows.truncate(size);
        let mut items = Vec::with_capacity(rows.len());
        for s in rows {
            items.push(self.service_view(&mut c, s).await?);
        }
        Ok(page(items, more, total, &q.sort))
    }

    /// Creates an endpoint from the console's form (the service named by id or by name).
    pub async fn console_create_endpoint(
        &self,
        ctx: &Ctx,
        form: NewEndpointForm,
    ) -> Result<EndpointView, ApiError> {
        let (service_id, service_name) = match ServiceRef::parse(&form.service) {
            ServiceRef::Id(id) => (Some(id), None),
            ServiceRef::Name(name) => (None, Some(name)),
        };
        let zones = form
            .zones
            .into_iter()
            .map(|z| NewZone {
                zone_id: z.zone_id,
                vswitch_id: z.vswitch_id,
                ip: z.ip.filter(|ip| !ip.trim().is_empty()),
            })
            .collect();
        let n = NewEndpoint {
            region_id: form.region,
            vpc_id: form.vpc_id,
            service_id,
            service_name,
            security_group_ids: form.security_group_ids,
            zones,
            name: form.name,
            endpoint_type: Some(form.endpoint_type),
            ..Default::default()
        };
        self.create_endpoint(ctx, n).await
    }

    /// Publishes a service from the console's form (each load balancer with its zone).
    pub async fn console_create_service(
        &self,
        ctx: &Ctx,
        form: NewServiceForm,
    ) -> Result<ServiceView, ApiError> {
        let resources = form
            .resources
            .into_iter()
            .map(|r| NewResource {
                resource_id: r.resource_id,
                resource_type: None,
                zone_id: Some(r.zone_id),
            })
            .collect();
        let n = NewService {
            region_id: form.region,
            resource_type: Some(form.resource_type),
            resources,
            description: form.description,
            auto_accept: form.auto_accept,
            ..Default::default()
        };
        self.create_service(ctx, n).await
    }

    /// Adds the account id or ARN a person typed to a service's whitelist.
    pub async fn console_add_whitelist(
        &self,
        ctx: &Ctx,
        service_id: &str,
        subject: &str,
        label: &str,
    ) -> Result<WhitelistView, ApiError> {
        match Principal::parse(subject) {
            Principal::Arn(arn) => {
                self.add_whitelist(ctx, service_id, None, Some(&arn), label)
                    .await
            }
            Principal::Account(id) => {
                self.add_whitelist(ctx, service_id, Some(&id), None, label)
                    .await
            }
        }
    }

    /// How far `accounts` (those signed in to one browser) got in the guided tour: the steps each
    /// did itself (from its audit log), and the newest connected endpoint in `region` of the first
    /// account that has one (the one the presenter just built; the traffic generator drives it).
    pub async fn tour_progress(
        &self,
        region: &str,
        accounts: &[String],
    ) -> Result<TourProgress, ApiError> {
        let mut done = Vec::new();
        let mut connected = None;
        let filter = EndpointFilter {
            connection_status: Some(ConnectionStatus::Connected.to_string()),
            ..Default::default()
        };
        for account in accounts {
            let log = self.recent_audit(account, 500).await?;
            done.extend(
                log.into_iter()
                    .filter(|e| &e.actor == account)
                    .map(|e| e.action),
            );
            if connected.is_none() {
                let ctx = Ctx::new(account.clone(), Source::Console);
                let ctx = &ctx;
                let filter = &filter;
                let mine = scan(|token| async move {
                    self.list_endpoints(ctx, region, filter, token.as_deref(), SCAN)
                        .await
                })
                .await?;
                connected = mine
                    .into_iter()
                    .max_by(|a, b| a.created_at.cmp(&b.created_at))
                    .map(|e| e.id);
            }
        }
        Ok(TourProgress::new(&done, connected))
    }

    /// Accepts (with `bandwidth`) or rejects (with `reason`) each of `endpoint_ids`, one
    /// operation per connection; each reports its own outcome, so one refusal stops no other.
    pub async fn decide_connections(
        &self,
        ctx: &Ctx,
        service_id: &str,
        endpoint_ids: Vec<String>,
        accept: bool,
        bandwidth: i64,
        reason: &str,
    ) -> Vec<BatchOutcome> {
        let mut outcomes = Vec::with_capacity(endpoint_ids.len());
        for endpoint_id in endpoint_ids {
            let result = if accept {
                self.accept_connection(ctx, service_id, &endpoint_id, Some(bandwidth), None)
                    .await
            } else {
                self.reject_connection(ctx, service_id, &endpoint_id, Some(reason))
                    .await
            };
            outcomes.push(BatchOutcome {
                endpoint_id,
                error: result.err(),
            });
        }
        outcomes
    }

    /// The bandwidth requests of one of the caller's endpoints; none once the endpoint is gone
    /// (its page, still open, says it was deleted).
    pub async fn console_bandwidth_requests(
        &self,
        ctx: &Ctx,
        endpoint_id: &str,
    ) -> Result<Vec<BandwidthRequestView>, ApiError> {
        match self.bandwidth_requests(ctx, endpoint_id).await {
            Err(e) if e.code == "EndpointNotFound" => Ok(Vec::new()),
            other => other,
        }
    }

    /// Creates or re-points a TCP listener, the port as typed in the form.
    pub async fn console_set_listener(
        &self,
        ctx: &Ctx,
        lb_id: &str,
        port: &str,
        backend: &str,
    ) -> Result<ListenerView, ApiError> {
        let port: i64 = port
            .trim()
            .parse()
            .map_err(|_| ApiError::illegal("ListenerPort", "the port must be a number"))?;
        self.set_listener(ctx, lb_id, port, "TCP", backend).await
    }
}
