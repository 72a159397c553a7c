//! `GET /activity.csv`: the signed-in account's audit log (with the Activity page's filters, the
//! same names in the query string) as CSV.

use super::AppState;
use crate::auth;
use crate::domain::activity::ActivityQuery;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

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
    Query(q): Query<ActivityQuery>,
) -> Response {
    let account = match auth::active(&session).await {
        Ok(a) => a,
        Err(_) => return (StatusCode::UNAUTHORIZED, "sign in first").into_response(),
    };
    let rows = match state.ops.activity(&account.id, &q, 10_000).await {
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
    fn fields_with_commas_quotes_or_newlines_are_quoted() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
    }
}
