//! The console's use cases that are not one cloud API action: its list pages (filter, sort and
//! keyset pages over what the caller may list), batch decisions and the guided tour's progress.
//! Its forms are in [`super::console_forms`].

use super::endpoints::EndpointFilter;
use super::{Ctx, Ops, Page, Source};
use crate::domain::ApiError;
use crate::domain::bandwidth::BandwidthRequestView;
use crate::domain::console::{
    BatchDecision, BatchOutcome, ConnectionsQuery, EndpointColumn, ListPage, ListQuery, Listed,
    ServiceColumn, position_of, position_token, token_after,
};
use crate::domain::model::{ConnectionView, EndpointView, ServiceView};
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

/// Most events the console's recent-activity list shows.
pub const RECENT_ACTIVITY_MAX: i64 = 200;

impl Ops {
    /// The console's recent-activity list: the newest `limit` events the caller may see, between
    /// 1 and [`RECENT_ACTIVITY_MAX`].
    pub async fn console_recent_activity(
        &self,
        ctx: &Ctx,
        limit: i64,
    ) -> Result<Vec<crate::domain::event::AuditView>, ApiError> {
        self.recent_audit(&ctx.account_id, limit.clamp(1, RECENT_ACTIVITY_MAX))
            .await
    }

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

    /// One page of the connection queue of a service the caller owns, newest first (the new
    /// requests on top), with how many connections the service has in all.
    pub async fn console_connections(
        &self,
        ctx: &Ctx,
        q: &ConnectionsQuery,
    ) -> Result<ListPage<ConnectionView>, ApiError> {
        let mut c = self.pool.acquire().await?;
        let s = self.owned_service(&mut c, ctx, &q.service_id).await?;
        let total = store::endpoints::count_connections(&mut c, &s.id, &Default::default()).await?;
        let size = q.page_size();
        // A token this list never gave out starts from the top, as the other lists do.
        let after = q
            .next_token
            .as_deref()
            .and_then(position_of)
            .and_then(|(created, id)| Some((created.parse::<i64>().ok()?, id)));
        let mut rows = store::endpoints::connections_newest_first(
            &mut c,
            &s.id,
            after.as_ref().map(|(at, id)| (*at, id.as_str())),
            size as i64 + 1,
        )
        .await?;
        let more = rows.len() > size;
        rows.truncate(size);
        let next_token = match rows.last() {
            Some(last) if more => Some(position_token(
                &last.created_at.to_string(),
                &last.endpoint_id,
            )),
            _ => None,
        };
        let mut items = Vec::with_capacity(rows.len());
        for k in rows {
            items.push(self.connection_view(&mut c, &s, k).await?);
        }
        Ok(ListPage {
            items,
            next_token,
            total: total.max(0) as u64,
        })
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

    /// Accepts (with its bandwidth) or rejects (with its reason) each connection of `d`, one
    /// operation per connection; each reports its own outcome, so one refusal stops no other.
    pub async fn decide_connections(&self, ctx: &Ctx, d: BatchDecision) -> Vec<BatchOutcome> {
        let mut outcomes = Vec::with_capacity(d.endpoint_ids.len());
        for endpoint_id in d.endpoint_ids {
            let result = if d.accept {
                self.accept_connection(ctx, &d.service_id, &endpoint_id, Some(d.bandwidth), None)
                    .await
            } else {
                self.reject_connection(ctx, &d.service_id, &endpoint_id, Some(&d.reason))
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
}
