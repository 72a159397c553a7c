//! State machines of services, endpoints, connections and endpoint zones (API values).
//! Transitional states advance on their own after the configured delay (see `reconcile`).

/// Endpoint service and endpoint statuses.
pub mod resource {
    pub const CREATING: &str = "Creating";
    pub const ACTIVE: &str = "Active";
    pub const PENDING: &str = "Pending";
    pub const DELETING: &str = "Deleting";

    /// What a transitional resource status becomes once its delay passed (`None` = removed).
    pub fn settle(status: &str) -> Option<&'static str> {
        match status {
            CREATING | PENDING => Some(ACTIVE),
            _ => None,
        }
    }
}

/// Connection statuses (§5.3).
pub mod connection {
    pub const PENDING: &str = "Pending";
    pub const CONNECTING: &str = "Connecting";
    pub const CONNECTED: &str = "Connected";
    pub const DISCONNECTING: &str = "Disconnecting";
    pub const DISCONNECTED: &str = "Disconnected";
    pub const DELETING: &str = "Deleting";
    pub const SERVICE_DELETED: &str = "ServiceDeleted";
    pub const ALL: [&str; 7] = [
        PENDING,
        CONNECTING,
        CONNECTED,
        DISCONNECTING,
        DISCONNECTED,
        DELETING,
        SERVICE_DELETED,
    ];

    /// A connection waits for the provider's decision when it is Disconnected, nobody decided
    /// on it yet (no accept, reject or disconnect) and no overdue payment locked it.
    pub fn awaiting_decision(status: &str, decided: bool, locked: bool) -> bool {
        status == DISCONNECTED && !decided && !locked
    }

    /// True for states that change on their own.
    pub fn is_transitional(s: &str) -> bool {
        matches!(s, PENDING | CONNECTING | DISCONNECTING | DELETING)
    }

    /// The state a transitional status settles into.
    pub fn settle(s: &str) -> Option<&'static str> {
        match s {
            PENDING | CONNECTING => Some(CONNECTED),
            DISCONNECTING => Some(DISCONNECTED),
            _ => None,
        }
    }

    /// Every edge of the machine; anything else is a bug.
    pub fn can_move(from: &str, to: &str) -> bool {
        matches!(
            (from, to),
            (DISCONNECTED, CONNECTING)          // accept, or payment cleared
                | (CONNECTING, CONNECTED)
                | (CONNECTED, PENDING)          // bandwidth change
                | (PENDING, CONNECTED)
                | (CONNECTED, DISCONNECTING)    // disconnect or overdue payment
                | (CONNECTING, DISCONNECTING)
                | (PENDING, DISCONNECTING)
                | (DISCONNECTING, DISCONNECTED)
                | (DISCONNECTING, CONNECTING)   // overdue payment cleared before it settled
                | (_, DELETING)                 // endpoint deleted
                | (DISCONNECTED, SERVICE_DELETED)
        )
    }
}

/// Per-zone connection statuses (§5.4).
pub mod zone {
    pub const CREATING: &str = "Creating";
    pub const WAIT: &str = "Wait";
    pub const CONNECTING: &str = "Connecting";
    pub const CONNECTED: &str = "Connected";
    pub const DISCONNECTING: &str = "Disconnecting";
    pub const DISCONNECTED: &str = "Disconnected";
    pub const DELETING: &str = "Deleting";

    pub fn is_transitional(s: &str) -> bool {
        matches!(s, CREATING | CONNECTING | DISCONNECTING | DELETING)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_machine() {
        use connection::*;
        assert!(can_move(DISCONNECTED, CONNECTING));
        assert!(can_move(CONNECTED, PENDING));
        assert!(
            !can_move(DISCONNECTED, CONNECTED),
            "accepting goes through Connecting"
        );
        assert!(!can_move(SERVICE_DELETED, CONNECTING));
        for s in ALL {
            if let Some(t) = settle(s) {
                assert!(can_move(s, t), "{s} settles into {t}");
            }
        }
        assert_eq!(resource::settle("Creating"), Some("Active"));
        assert!(zone::is_transitional("Creating"));
    }
}
