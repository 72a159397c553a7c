//! `GET /activity.csv`: the signed-in account's audit log (with the Activity page's filters) as CSV.

use super::AppState;
use crate::auth;
use crate::ops::audit::AuditFilter;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tower_sessions::Session;

/// Query string of the export (same names as the Activity page's filters).
#[derive(Debug, Deserialize, Default)]
pub struct ExportQuery {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub target: Option<String>,
    /// `YYYY-MM-DD` (inclusive) and `YYYY-MM-DD` (inclusive) in UTC.
    pub from: Option<String>,
    pub to: Option<String>,
}

/// A `YYYY-MM-DD` day as unix milliseconds at its start (`plus_days` later).
pub fn day_ms(day: &str, plus_days: i64) -> Option<i64> {
    let d = chrono::NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d").ok()?;
    Some(d.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis() + plus_days * 86_400_000)
}

impl ExportQuery {
    /// The operation-layer filter for this query.
    pub fn filter(&self, limit: i64) -> AuditFilter {
        AuditFilter {
            actor: self.actor.clone(),
            action: self.action.clone(),
            target: self.target.clone(),
            since_ms: self.from.as_deref().and_then(|d| day_ms(d, 0)),
            until_ms: self.to.as_deref().and_then(|d| day_ms(d, 1)),
            limit,
        }
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub async fn export(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<ExportQuery>,
) -> Response {
    let account = match auth::active(&session).await {
        Ok(a) => a,
        Err(_) => return (StatusCode::UNAUTHORIZED, "sign in first").into_response(),
    };
    let rows = match state.ops.audit_log(&account.id, &q.filter(10_000)).await {
        Ok(r) => r,
        Err(e) => {
            return (
                StatusCode::from_u16(e.http_status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                e.message,
            )
                .into_response();
        }
    };
    let mut out = String::from("time,actor,source,action,target,region,summary,request_id\n");
    for r in rows {
        let line = [
            &r.at,
            &r.actor,
            &r.source,
            &r.action,
            &r.target,
            &r.region_id,
            &r.summary,
            &r.request_id,
        ]
        .map(|f| csv_field(f))
        .join(",");
        out.push_str(&line);
        out.push('\n');
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"linkyard-activity.csv\"",
            ),
        ],
        out,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_quoting() {
        assert_eq!(day_ms("1970-01-02", 0), Some(86_400_000));
        assert_eq!(day_ms("1970-01-01", 1), Some(86_400_000));
        assert_eq!(day_ms("yesterday", 0), None);
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
    }
}
