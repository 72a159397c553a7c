//! The console's typed requests and list pages, shared by its server functions and the browser:
//! what a form sends (no packed strings) and which page of a list it asks for.

use super::model::{EndpointView, ServiceView};
use serde::{Deserialize, Serialize};

/// Rows per page of a console list when the page does not say.
pub const PAGE_SIZE: u32 = 20;
/// The most rows one console page may ask for.
pub const MAX_PAGE_SIZE: u32 = 100;

/// One zone of a new endpoint: the vSwitch its ENI goes in and, optionally, the ENI's IP.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneChoice {
    pub zone_id: String,
    pub vswitch_id: String,
    #[serde(default)]
    pub ip: Option<String>,
}

/// One load balancer of a new service and the zone it serves the service in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceChoice {
    pub resource_id: String,
    pub zone_id: String,
}

/// The console's "Create an endpoint" form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewEndpointForm {
    pub region: String,
    /// The service's id (`epsrv-…`) or its full name, as typed (see [`ServiceRef::parse`]).
    pub service: String,
    pub vpc_id: String,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    #[serde(default)]
    pub zones: Vec<ZoneChoice>,
    #[serde(default)]
    pub name: String,
    /// Interface, GatewayLoadBalancer or Reverse.
    pub endpoint_type: String,
}

/// The console's "Publish a service" form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewServiceForm {
    pub region: String,
    /// nlb, alb, clb or gwlb.
    pub resource_type: String,
    #[serde(default)]
    pub resources: Vec<ResourceChoice>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub auto_accept: bool,
}

/// A service's settings as the console edits them in place.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceSettings {
    pub service_id: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub auto_accept: bool,
    /// Mbit/s a newly accepted connection gets.
    pub connect_bandwidth: i64,
}

/// Who to add to a service's whitelist: an account id or an ARN, as typed (see [`Principal`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhitelistEntry {
    pub service_id: String,
    pub subject: String,
    #[serde(default)]
    pub label: String,
}

/// An account to take off a service's whitelist.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhitelistRemoval {
    pub service_id: String,
    pub user_id: String,
}

/// One endpoint's connection to a service with a bandwidth (Mbit/s): to accept it with, or to
/// hold it to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionBandwidth {
    pub service_id: String,
    pub endpoint_id: String,
    pub bandwidth: i64,
}

/// Rejects a waiting connection, or disconnects a connected one, with an optional reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionRejection {
    pub service_id: String,
    pub endpoint_id: String,
    #[serde(default)]
    pub reason: String,
}

/// Accepts (with `bandwidth`) or rejects (with `reason`) several connections of one service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchDecision {
    pub service_id: String,
    #[serde(default)]
    pub endpoint_ids: Vec<String>,
    pub accept: bool,
    #[serde(default)]
    pub bandwidth: i64,
    #[serde(default)]
    pub reason: String,
}

/// Which page of a service's connection queue to fetch: the connections after the one
/// `next_token` names, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionsQuery {
    pub service_id: String,
    /// The token of the previous page's answer; none for the first page.
    #[serde(default)]
    pub next_token: Option<String>,
    /// Rows per page, 1 to [`MAX_PAGE_SIZE`]; 0 means [`PAGE_SIZE`].
    #[serde(default)]
    pub max_results: u32,
}

impl ConnectionsQuery {
    /// The page size asked for, within bounds.
    pub fn page_size(&self) -> usize {
        page_size(self.max_results)
    }
}

/// An endpoint's new policy document, or back to the default policy with `reset`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointPolicyForm {
    pub endpoint_id: String,
    #[serde(default)]
    pub policy_document: String,
    #[serde(default)]
    pub reset: bool,
}

/// One tag to set on one of the caller's services (`resource_type` `VpcEndpointService`) or
/// endpoints (`VpcEndpoint`); it overwrites the value a tag of that key had.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagEntry {
    pub resource_type: String,
    pub resource_id: String,
    pub key: String,
    #[serde(default)]
    pub value: String,
}

/// One tag to remove, by its key (the resource as in [`TagEntry`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagRemoval {
    pub resource_type: String,
    pub resource_id: String,
    pub key: String,
}

/// Lets `vpc_id` resolve the custom service domains of the endpoints in `target_vpc_id`
/// (`link`), or stops it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsLinkChange {
    pub vpc_id: String,
    pub target_vpc_id: String,
    #[serde(default)]
    pub link: bool,
}

/// How one connection of a batch decision ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchOutcome {
    pub endpoint_id: String,
    /// Why this one was refused; `None` when it went through.
    pub error: Option<super::ApiError>,
}

/// A service as a person names it in a form: by id or by its full name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceRef {
    Id(String),
    Name(String),
}

impl ServiceRef {
    /// An id when the text has the shape of a service id (`epsrv-…`), a name otherwise.
    pub fn parse(text: &str) -> Self {
        let text = text.trim();
        if text.starts_with("epsrv-") {
            Self::Id(text.to_string())
        } else {
            Self::Name(text.to_string())
        }
    }
}

/// Who a whitelist entry admits: an account by its id, or a principal by its ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    Account(String),
    Arn(String),
}

impl Principal {
    /// An ARN when the text starts with `acs:`, an account id otherwise.
    pub fn parse(text: &str) -> Self {
        let text = text.trim();
        if text.starts_with("acs:") {
            Self::Arn(text.to_string())
        } else {
            Self::Account(text.to_string())
        }
    }
}

/// Which page of a console list to fetch: the rows containing `filter` (ignoring case), ordered
/// by `sort`, after the row `next_token` names (keyset, like the API's `NextToken`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListQuery<C> {
    pub region: String,
    #[serde(default)]
    pub filter: String,
    pub sort: C,
    #[serde(default)]
    pub descending: bool,
    /// The token of the previous page's answer; none for the first page.
    #[serde(default)]
    pub next_token: Option<String>,
    /// Rows per page, 1 to [`MAX_PAGE_SIZE`]; 0 means [`PAGE_SIZE`].
    #[serde(default)]
    pub max_results: u32,
}

impl<C> ListQuery<C> {
    /// The page size asked for, within bounds.
    pub fn page_size(&self) -> usize {
        page_size(self.max_results)
    }
}

/// Rows per page for a `max_results` of a console query: 0 means [`PAGE_SIZE`], and no more
/// than [`MAX_PAGE_SIZE`].
fn page_size(max_results: u32) -> usize {
    match max_results {
        0 => PAGE_SIZE as usize,
        n => n.min(MAX_PAGE_SIZE) as usize,
    }
}

/// One page of a console list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListPage<T> {
    pub items: Vec<T>,
    /// Asks for the next page; `None` on the last one.
    pub next_token: Option<String>,
    /// How many rows match the filter in all.
    pub total: u64,
}

impl<T> Default for ListPage<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            next_token: None,
            total: 0,
        }
    }
}

/// A console list's rows: the text its filter searches and the key each column sorts by.
pub trait Listed {
    /// The sortable columns.
    type Column;
    /// The text the filter box searches (compared ignoring ASCII case, as SQL's `LIKE` does).
    fn search_text(&self) -> String;
    /// The key the row sorts by in `column`; ties are broken by [`Self::id`]. The store's
    /// console pages compute the same key in SQL (byte order; only ASCII letters fold case, as
    /// SQLite's `LOWER` does), so a token from either side names the same position.
    fn sort_key(&self, column: &Self::Column) -> String;
    /// The row's unique, stable id.
    fn id(&self) -> &str;
}

/// The columns of the endpoints list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EndpointColumn {
    #[default]
    Name,
    Type,
    Service,
    Status,
    Connection,
    Vpc,
}

/// The name an endpoint is listed under: its name, or its id when it has none.
pub fn endpoint_label(e: &EndpointView) -> &str {
    if e.name.is_empty() { &e.id } else { &e.name }
}

impl Listed for EndpointView {
    type Column = EndpointColumn;
    fn search_text(&self) -> String {
        format!("{} {} {}", self.name, self.id, self.service_name)
    }
    fn sort_key(&self, column: &EndpointColumn) -> String {
        match column {
            EndpointColumn::Name => endpoint_label(self).to_ascii_lowercase(),
            EndpointColumn::Type => self.endpoint_type.clone(),
            EndpointColumn::Service => self.service_name.clone(),
            EndpointColumn::Status => self.status.to_string(),
            EndpointColumn::Connection => self.connection_status.to_string(),
            EndpointColumn::Vpc => self.vpc_id.clone(),
        }
    }
    fn id(&self) -> &str {
        &self.id
    }
}

/// The columns of the services list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ServiceColumn {
    Name,
    Type,
    Status,
    Auto,
    Connections,
    #[default]
    Created,
}

impl Listed for ServiceView {
    type Column = ServiceColumn;
    fn search_text(&self) -> String {
        format!("{} {} {}", self.description, self.id, self.name)
    }
    fn sort_key(&self, column: &ServiceColumn) -> String {
        match column {
            ServiceColumn::Name => self.description.to_ascii_lowercase(),
            ServiceColumn::Type => self.resource_type.clone(),
            ServiceColumn::Status => self.status.to_string(),
            ServiceColumn::Auto => self.auto_accept.to_string(),
            ServiceColumn::Connections => format!("{:010}", self.connection_count),
            ServiceColumn::Created => self.created_at.clone(),
        }
    }
    fn id(&self) -> &str {
        &self.id
    }
}

/// The keyset position of a row in a sorted list: its sort key, then its id (unique).
fn position<T: Listed>(row: &T, column: &T::Column) -> (String, String) {
    (row.sort_key(column), row.id().to_string())
}

/// The token naming a row's position (what the next page starts after).
fn token_of(pos: &(String, String)) -> String {
    position_token(&pos.0, &pos.1)
}

/// The token of the position (sort key, id) of a row; [`position_of`] reads it back.
pub fn position_token(key: &str, id: &str) -> String {
    format!("{key}\u{1f}{id}")
}

/// The token of the page that starts after `row` in a list sorted by `column`.
pub fn token_after<T: Listed>(row: &T, column: &T::Column) -> String {
    token_of(&position(row, column))
}

/// The position (sort key, id) a token names, or `None` for a token this list never gave out.
pub fn position_of(token: &str) -> Option<(String, String)> {
    let (key, id) = token.rsplit_once('\u{1f}')?;
    Some((key.to_string(), id.to_string()))
}

/// Cuts one page out of `rows` (every row the caller may list): filter, order by the query's
/// column (ties by id), then the rows after the token's position. The position is a key, not an
/// offset, so rows created or deleted meanwhile do not shift the next page.
pub fn page_of<T: Listed>(rows: Vec<T>, q: &ListQuery<T::Column>) -> ListPage<T> {
    let needle = q.filter.trim().to_ascii_lowercase();
    let mut rows: Vec<((String, String), T)> = rows
        .into_iter()
        .filter(|r| needle.is_empty() || r.search_text().to_ascii_lowercase().contains(&needle))
        .map(|r| (position(&r, &q.sort), r))
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    if q.descending {
        rows.reverse();
    }
    let total = rows.len() as u64;
    let after = q.next_token.as_deref().and_then(position_of);
    let size = q.page_size();
    let mut rest = rows.into_iter().filter(|(pos, _)| match &after {
        None => true,
        Some(a) if q.descending => pos < a,
        Some(a) => pos > a,
    });
    let items: Vec<((String, String), T)> = rest.by_ref().take(size).collect();
    let next_token = match (rest.next(), items.last()) {
        (Some(_), Some((pos, _))) => Some(token_of(pos)),
        _ => None,
    };
    ListPage {
        items: items.into_iter().map(|(_, r)| r).collect(),
        next_token,
        total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq)]
    struct Row(&'static str, &'static str);

    impl Listed for Row {
        type Column = ();
        fn search_text(&self) -> String {
            format!("{} {}", self.0, self.1)
        }
        fn sort_key(&self, _: &()) -> String {
            self.1.to_string()
        }
        fn id(&self) -> &str {
            self.0
        }
    }

    fn query(filter: &str, descending: bool, token: Option<String>, size: u32) -> ListQuery<()> {
        ListQuery {
            region: "cn-hangzhou".into(),
            filter: filter.into(),
            sort: (),
            descending,
            next_token: token,
            max_results: size,
        }
    }

    fn ids(p: &ListPage<Row>) -> Vec<&'static str> {
        p.items.iter().map(|r| r.0).collect()
    }

    #[test]
    fn pages_follow_the_sort_key_then_the_id_in_both_directions() {
        let rows = vec![
            Row("a", "m"),
            Row("b", "k"),
            Row("c", "m"),
            Row("d", "z"),
            Row("e", "a"),
        ];
        let first = page_of(rows.clone(), &query("", false, None, 2));
        assert_eq!((ids(&first), first.total), (vec!["e", "b"], 5));
        let second = page_of(rows.clone(), &query("", false, first.next_token.clone(), 2));
        assert_eq!(ids(&second), vec!["a", "c"]);
        let last = page_of(
            rows.clone(),
            &query("", false, second.next_token.clone(), 2),
        );
        assert_eq!((ids(&last), last.next_token), (vec!["d"], None));
        let down = page_of(rows.clone(), &query("", true, None, 3));
        assert_eq!(ids(&down), vec!["d", "c", "a"]);
        let down2 = page_of(rows, &query("", true, down.next_token, 3));
        assert_eq!((ids(&down2), down2.next_token), (vec!["b", "e"], None));
    }

    #[test]
    fn a_page_is_keyed_not_counted_so_a_deleted_row_shifts_nothing() {
        let rows = vec![Row("a", "1"), Row("b", "2"), Row("c", "3"), Row("d", "4")];
        let first = page_of(rows.clone(), &query("", false, None, 2));
        let fewer: Vec<Row> = rows.into_iter().filter(|r| r.0 != "a").collect();
        let second = page_of(fewer, &query("", false, first.next_token, 2));
        assert_eq!(ids(&second), vec!["c", "d"]);
    }

    #[test]
    fn the_filter_ignores_case_and_counts_only_matches() {
        let rows = vec![Row("batch-a", "1"), Row("Batch-B", "2"), Row("other", "3")];
        let p = page_of(rows, &query(" BATCH-", false, None, 0));
        assert_eq!(
            (ids(&p), p.total, p.next_token),
            (vec!["batch-a", "Batch-B"], 2, None)
        );
    }

    #[test]
    fn a_foreign_token_starts_from_the_top_and_sizes_are_bounded() {
        let rows: Vec<Row> = vec![Row("a", "1"), Row("b", "2")];
        let p = page_of(rows, &query("", false, Some("junk".into()), 0));
        assert_eq!(ids(&p), vec!["a", "b"]);
        assert_eq!(query("", false, None, 0).page_size(), PAGE_SIZE as usize);
        assert_eq!(
            query("", false, None, 5000).page_size(),
            MAX_PAGE_SIZE as usize
        );
    }

    #[test]
    fn services_and_principals_are_told_apart_by_their_shape() {
        assert_eq!(
            ServiceRef::parse(" epsrv-bp1x "),
            ServiceRef::Id("epsrv-bp1x".into())
        );
        assert_eq!(
            ServiceRef::parse("com.aliyuncs.privatelink.cn-hangzhou.epsrv-bp1x"),
            ServiceRef::Name("com.aliyuncs.privatelink.cn-hangzhou.epsrv-bp1x".into())
        );
        assert_eq!(
            Principal::parse("acs:ram::1000000000000002:root"),
            Principal::Arn("acs:ram::1000000000000002:root".into())
        );
        assert_eq!(
            Principal::parse(" 1000000000000002 "),
            Principal::Account("1000000000000002".into())
        );
    }
}
