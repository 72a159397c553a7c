//! The activity (audit) log with filters.

use crate::domain::ApiError;
use crate::domain::event::AuditView;
use leptos::prelude::*;

/// Audit events the active account may see, filtered (dates are `YYYY-MM-DD`, UTC, inclusive).
#[server(prefix = "/api", endpoint = "activity")]
pub async fn activity(
    actor: String,
    action: String,
    target: String,
    from: String,
    to: String,
) -> Result<Vec<AuditView>, ApiError> {
    use super::context::*;
    use crate::server::activity_csv::ExportQuery;
    let (ops, ctx) = caller().await?;
    let q = ExportQuery {
        actor: Some(actor),
        action: Some(action),
        target: Some(target),
        from: Some(from),
        to: Some(to),
    };
    ops.audit_log(&ctx.account_id, &q.filter(500))
        .await
        .map_err(fail)
}
