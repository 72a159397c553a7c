//! The one mapping from the cloud API's status values to the words the console uses.
//!
//! The API keeps `Active`, `Pending`, `ServiceDeleted`…; the console shows `Available`, `Modifying`,
//! `Service Deleted`… with a colour (tone) and whether it is a transition (spinner).

use serde::{Deserialize, Serialize};

/// How a status badge looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tone {
    /// Green: Available, Connected.
    Good,
    /// Amber: waiting for someone.
    Waiting,
    /// Blue with a spinner: a transition in progress.
    Busy,
    /// Grey: Disconnected.
    Idle,
    /// Red: locked, deleted.
    Bad,
}

/// The console's label and tone for an API status value.
pub fn console_status(api: &str) -> (&'static str, Tone) {
    match api {
        "Active" => ("Available", Tone::Good),
        "Creating" => ("Creating", Tone::Busy),
        "Pending" => ("Modifying", Tone::Busy),
        "Deleting" => ("Deleting", Tone::Busy),
        "Inactive" => ("Inactive", Tone::Idle),
        "Connecting" => ("Connecting", Tone::Busy),
        "Connected" => ("Connected", Tone::Good),
        "Disconnecting" => ("Disconnecting", Tone::Busy),
        "Disconnected" => ("Disconnected", Tone::Idle),
        "ServiceDeleted" => ("Service Deleted", Tone::Bad),
        "Wait" => ("Waiting to connect", Tone::Waiting),
        "Migrating" => ("Migrating", Tone::Busy),
        "Migrated" => ("Migrated", Tone::Good),
        "Normal" => ("Normal", Tone::Good),
        "FinancialLocked" => ("Overdue payment", Tone::Bad),
        "Attaching" => ("Attaching", Tone::Busy),
        "Attached" => ("Attached", Tone::Good),
        "Detaching" => ("Detaching", Tone::Busy),
        "Available" => ("Available", Tone::Good),
        _ => ("Unknown", Tone::Idle),
    }
}

/// The word for a connection waiting for the provider's decision, the same on both sides.
pub const PENDING_ACCEPTANCE: &str = "Pending acceptance";

/// The console's label and tone for an endpoint connection, as the provider and the consumer
/// both see it: a Disconnected connection still waiting for the provider's decision reads
/// [`PENDING_ACCEPTANCE`] (the API value stays `Disconnected`).
pub fn connection_status(api: &str, awaiting_decision: bool) -> (&'static str, Tone) {
    if awaiting_decision {
        (PENDING_ACCEPTANCE, Tone::Waiting)
    } else {
        console_status(api)
    }
}

/// The console's label and tone for a bandwidth increase request (Pending, Granted, Denied).
pub fn request_status(api: &str) -> (&'static str, Tone) {
    match api {
        "Pending" => ("Waiting for operator", Tone::Waiting),
        "Granted" => ("Granted", Tone::Good),
        "Denied" => ("Denied", Tone::Bad),
        other => console_status(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_words() {
        assert_eq!(console_status("Active"), ("Available", Tone::Good));
        assert_eq!(console_status("Pending").0, "Modifying");
        assert_eq!(console_status("ServiceDeleted").0, "Service Deleted");
        assert_eq!(console_status("Connecting").1, Tone::Busy);
        assert_eq!(request_status("Pending").0, "Waiting for operator");
        assert_eq!(
            connection_status("Disconnected", true),
            (PENDING_ACCEPTANCE, Tone::Waiting)
        );
        assert_eq!(
            connection_status("Disconnected", false),
            ("Disconnected", Tone::Idle)
        );
        assert_eq!(connection_status("Connected", false).0, "Connected");
        assert_eq!(request_status("Granted"), ("Granted", Tone::Good));
    }
}
