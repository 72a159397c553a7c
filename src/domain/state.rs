//! Every state machine and enumerated value of the model as a Rust enum, each mapped to its stored
//! and API text in one place ([`text_enum!`]), with one checked transition function per machine
//! ([`Machine::to`]). Outside `domain` nobody spells a state as a string.
//!
//! The enums serialise as their API text (so views and the cloud API's JSON carry `"Connected"`),
//! and under the `ssr` feature they are sqlx column types stored as that same text.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A closed set of values with one text each: the API value, the stored value and the serde form.
macro_rules! text_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $text)] $var),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$var),+];

            /// The API and stored text.
            pub const fn as_str(self) -> &'static str {
                match self { $(Self::$var => $text),+ }
            }

            /// The value for an API or stored text (exact match).
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some(Self::$var),)+ _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.as_str().to_string()
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownValue;
            fn from_str(text: &str) -> Result<Self, UnknownValue> {
                Self::parse(text).ok_or_else(|| UnknownValue {
                    kind: stringify!($name),
                    text: text.to_string(),
                })
            }
        }

        #[cfg(feature = "ssr")]
        impl<DB: sqlx::Database> sqlx::Type<DB> for $name
        where
            str: sqlx::Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <str as sqlx::Type<DB>>::type_info()
            }
            fn compatible(ty: &DB::TypeInfo) -> bool {
                <str as sqlx::Type<DB>>::compatible(ty)
            }
        }

        #[cfg(feature = "ssr")]
        impl<'q, DB: sqlx::Database> sqlx::Encode<'q, DB> for $name
        where
            &'q str: sqlx::Encode<'q, DB>,
        {
            fn encode_by_ref(
                &self,
                buf: &mut <DB as sqlx::Database>::ArgumentBuffer<'q>,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                let text: &'q str = self.as_str();
                <&'q str as sqlx::Encode<'q, DB>>::encode_by_ref(&text, buf)
            }
        }

        #[cfg(feature = "ssr")]
        impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for $name
        where
            &'r str: sqlx::Decode<'r, DB>,
        {
            fn decode(
                value: <DB as sqlx::Database>::ValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                let text = <&'r str as sqlx::Decode<'r, DB>>::decode(value)?;
                Ok(text.parse::<$name>()?)
            }
        }
    };
}

/// A text that is not one of an enum's values (a corrupt row or a bad filter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    pub kind: &'static str,
    pub text: String,
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a {}", self.text, self.kind)
    }
}

impl std::error::Error for UnknownValue {}

/// A move a state machine does not have: always a bug in an operation, never the caller's fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IllegalMove {
    pub machine: &'static str,
    pub from: &'static str,
    pub to: &'static str,
}

impl fmt::Display for IllegalMove {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: no move from {} to {}",
            self.machine, self.from, self.to
        )
    }
}

impl std::error::Error for IllegalMove {}

/// A state machine: its edges, which states settle on their own, and the checked move.
pub trait Machine: Copy + PartialEq + fmt::Debug + 'static {
    /// The machine's name in error messages.
    const NAME: &'static str;
    /// The stored/API text of a state.
    fn text(self) -> &'static str;
    /// Every edge of the machine; anything else is a bug.
    fn can_move(self, to: Self) -> bool;
    /// True for states that change on their own after the transition delay.
    fn is_transitional(self) -> bool;

    /// The one checked transition: `to` if the machine has that edge (staying put is always
    /// allowed, e.g. to clear a due time), else [`IllegalMove`].
    fn to(self, to: Self) -> Result<Self, IllegalMove> {
        if self == to || self.can_move(to) {
            Ok(to)
        } else {
            Err(IllegalMove {
                machine: Self::NAME,
                from: self.text(),
                to: to.text(),
            })
        }
    }
}

text_enum! {
    /// Status of an endpoint service, an endpoint or a gateway endpoint (§5.1, §5.2). A listed
    /// resource is Active unless said otherwise.
    #[derive(Default)]
    ResourceStatus {
        Creating = "Creating",
        #[default]
        Active = "Active",
        /// Being modified (the console says "Modifying").
        Pending = "Pending",
        Deleting = "Deleting",
    }
}

impl ResourceStatus {
    /// What a transitional status becomes once its delay passed (`None` = removed or stays).
    pub fn settle(self) -> Option<Self> {
        match self {
            Self::Creating | Self::Pending => Some(Self::Active),
            _ => None,
        }
    }

    /// Listed and usable: neither being created nor being deleted.
    pub fn is_serving(self) -> bool {
        matches!(self, Self::Active | Self::Pending)
    }
}

impl Machine for ResourceStatus {
    const NAME: &'static str = "resource";
    fn text(self) -> &'static str {
        self.as_str()
    }
    fn can_move(self, to: Self) -> bool {
        use ResourceStatus::*;
        matches!(
            (self, to),
            (Creating, Active)
                | (Active, Pending)
                | (Pending, Active)
                | (Creating | Active | Pending, Deleting)
        )
    }
    fn is_transitional(self) -> bool {
        !matches!(self, Self::Active)
    }
}

text_enum! {
    /// Status of an endpoint connection (§5.3).
    ConnectionStatus {
        /// A bandwidth change is being applied (the console says "Modifying").
        Pending = "Pending",
        Connecting = "Connecting",
        Connected = "Connected",
        Disconnecting = "Disconnecting",
        Disconnected = "Disconnected",
        Deleting = "Deleting",
        ServiceDeleted = "ServiceDeleted",
    }
}

impl ConnectionStatus {
    /// A connection waits for the provider's decision when it is Disconnected, nobody decided
    /// on it yet (no accept, reject or disconnect) and no overdue payment locked it.
    pub fn awaiting_decision(self, decided: bool, locked: bool) -> bool {
        self == Self::Disconnected && !decided && !locked
    }

    /// The provider may accept or reject it: any Disconnected connection (also a rejected one,
    /// so the provider can change its mind).
    pub fn decidable(self) -> bool {
        self == Self::Disconnected
    }

    /// The provider may disconnect it or change its bandwidth limit.
    pub fn adjustable(self) -> bool {
        self == Self::Connected
    }

    /// The state a transitional status settles into.
    pub fn settle(self) -> Option<Self> {
        match self {
            Self::Pending | Self::Connecting => Some(Self::Connected),
            Self::Disconnecting => Some(Self::Disconnected),
            _ => None,
        }
    }

    /// Carrying traffic or about to (what an overdue payment cuts).
    pub fn is_live(self) -> bool {
        matches!(self, Self::Connected | Self::Connecting | Self::Pending)
    }

    /// Holds the service: a service with such a connection cannot be deleted.
    pub fn holds_service(self) -> bool {
        matches!(
            self,
            Self::Connected | Self::Connecting | Self::Pending | Self::Disconnecting
        )
    }
}

impl Machine for ConnectionStatus {
    const NAME: &'static str = "connection";
    fn text(self) -> &'static str {
        self.as_str()
    }
    fn can_move(self, to: Self) -> bool {
        use ConnectionStatus::*;
        matches!(
            (self, to),
            (Disconnected, Connecting)          // accept, or payment cleared
                | (Connecting, Connected)
                | (Connected, Pending)          // bandwidth change
                | (Pending, Connected)
                | (Connected, Disconnecting)    // disconnect or overdue payment
                | (Connecting, Disconnecting)
                | (Pending, Disconnecting)
                | (Disconnecting, Disconnected)
                | (Disconnecting, Connecting)   // overdue payment cleared before it settled
                | (_, Deleting)                 // endpoint deleted
                | (Disconnected, ServiceDeleted)
        )
    }
    fn is_transitional(self) -> bool {
        matches!(
            self,
            Self::Pending | Self::Connecting | Self::Disconnecting | Self::Deleting
        )
    }
}

text_enum! {
    /// Status of one zone of an endpoint (§5.4).
    ZoneStatus {
        Creating = "Creating",
        /// Created, waiting for the connection to be accepted.
        Wait = "Wait",
        Connecting = "Connecting",
        Connected = "Connected",
        Disconnecting = "Disconnecting",
        Disconnected = "Disconnected",
        Deleting = "Deleting",
    }
}

impl ZoneStatus {
    /// Resolvable: the zone's ENI exists (neither being created nor deleted).
    pub fn resolves(self) -> bool {
        !matches!(self, Self::Creating | Self::Deleting)
    }

    /// Where a zone goes when its connection is accepted (`None`: it is not waiting).
    pub fn on_accept(self) -> Option<Self> {
        matches!(self, Self::Wait | Self::Disconnected).then_some(Self::Connecting)
    }

    /// Where a zone goes when its connection is cut (`None`: it carries nothing).
    pub fn on_cut(self) -> Option<Self> {
        matches!(self, Self::Connected | Self::Connecting).then_some(Self::Disconnecting)
    }

    /// What a Creating or Connecting zone settles into, given its connection's status.
    pub fn settle_with(connection: ConnectionStatus) -> Self {
        match connection {
            ConnectionStatus::Connected | ConnectionStatus::Pending => Self::Connected,
            ConnectionStatus::Connecting => Self::Connecting,
            ConnectionStatus::ServiceDeleted => Self::Disconnected,
            _ => Self::Wait,
        }
    }

    /// What a Disconnecting zone settles into: Disconnected while its connection stays up
    /// (the zone alone was cut), else Wait.
    pub fn settle_cut(connection: ConnectionStatus) -> Self {
        if connection == ConnectionStatus::Connected {
            Self::Disconnected
        } else {
            Self::Wait
        }
    }
}

impl Machine for ZoneStatus {
    const NAME: &'static str = "endpoint zone";
    fn text(self) -> &'static str {
        self.as_str()
    }
    fn can_move(self, to: Self) -> bool {
        use ZoneStatus::*;
        matches!(
            (self, to),
            (Creating | Connecting, Connected | Connecting | Disconnected | Wait)
                | (Wait | Disconnected, Connecting)       // accepted, zone enabled, payment cleared
                | (Connected | Connecting, Disconnecting) // cut
                | (Disconnecting, Disconnected | Wait | Connecting)
                | (_, Deleting)
        )
    }
    fn is_transitional(self) -> bool {
        matches!(
            self,
            Self::Creating | Self::Connecting | Self::Disconnecting | Self::Deleting
        )
    }
}

text_enum! {
    /// Status of a security group on an endpoint.
    SecurityGroupStatus {
        Attaching = "Attaching",
        Attached = "Attached",
        Detaching = "Detaching",
    }
}

impl Machine for SecurityGroupStatus {
    const NAME: &'static str = "endpoint security group";
    fn text(self) -> &'static str {
        self.as_str()
    }
    fn can_move(self, to: Self) -> bool {
        use SecurityGroupStatus::*;
        matches!(
            (self, to),
            (Attaching, Attached) | (Attaching | Attached, Detaching)
        )
    }
    fn is_transitional(self) -> bool {
        !matches!(self, Self::Attached)
    }
}

text_enum! {
    /// Business status of an account, a service or an endpoint (overdue payment).
    BusinessStatus {
        Normal = "Normal",
        FinancialLocked = "FinancialLocked",
    }
}

text_enum! {
    /// Status of a request for more bandwidth than a zone's maximum.
    RequestStatus {
        Pending = "Pending",
        Granted = "Granted",
        Denied = "Denied",
    }
}

impl Machine for RequestStatus {
    const NAME: &'static str = "bandwidth request";
    fn text(self) -> &'static str {
        self.as_str()
    }
    fn can_move(self, to: Self) -> bool {
        matches!((self, to), (Self::Pending, Self::Granted | Self::Denied))
    }
    fn is_transitional(self) -> bool {
        false
    }
}

text_enum! {
    /// How a connection's bandwidth is governed: elastic scaling per zone, or the provider's
    /// limit (see `domain::bandwidth::limit_enforced`).
    TrafficMode {
        Scalability = "Scalability",
        BandwidthLimit = "BandwidthLimit",
    }
}

text_enum! {
    /// IP versions of a service or endpoint (IPv4 unless said otherwise).
    #[derive(Default)]
    IpVersion {
        #[default]
        Ipv4 = "IPv4",
        DualStack = "DualStack",
    }
}

impl IpVersion {
    /// True for dual-stack.
    pub fn is_dual(self) -> bool {
        self == Self::DualStack
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trips() {
        for s in ConnectionStatus::ALL {
            assert_eq!(ConnectionStatus::parse(s.as_str()), Some(*s));
            assert_eq!(serde_json::to_string(s).unwrap(), format!("\"{s}\""));
        }
        assert_eq!(IpVersion::Ipv4.as_str(), "IPv4");
        assert_eq!("DualStack".parse::<IpVersion>(), Ok(IpVersion::DualStack));
        assert!("Dual".parse::<IpVersion>().is_err());
        assert_eq!(
            ConnectionStatus::parse("connected"),
            None,
            "exact text only"
        );
    }

    #[test]
    fn connection_machine() {
        use ConnectionStatus::*;
        assert!(Disconnected.can_move(Connecting));
        assert!(Connected.can_move(Pending));
        assert!(
            !Disconnected.can_move(Connected),
            "accepting goes through Connecting"
        );
        assert!(!ServiceDeleted.can_move(Connecting));
        let err = Disconnected.to(Connected).unwrap_err();
        assert_eq!(
            err.to_string(),
            "connection: no move from Disconnected to Connected"
        );
        assert_eq!(
            Connected.to(Connected),
            Ok(Connected),
            "staying put is allowed"
        );
        for s in ConnectionStatus::ALL {
            if let Some(t) = s.settle() {
                assert!(s.can_move(t), "{s} settles into {t}");
                assert!(s.is_transitional(), "{s} settles, so it is transitional");
            }
        }
        assert!(Disconnected.awaiting_decision(false, false));
        assert!(
            !Disconnected.awaiting_decision(false, true),
            "locked by an overdue payment"
        );
        assert!(!Disconnected.awaiting_decision(true, false), "rejected");
    }

    #[test]
    fn resource_machine() {
        use ResourceStatus::*;
        assert_eq!(Creating.settle(), Some(Active));
        assert_eq!(Pending.settle(), Some(Active));
        for s in ResourceStatus::ALL {
            if let Some(t) = s.settle() {
                assert!(s.can_move(t));
            }
        }
        assert!(Active.to(Creating).is_err());
        assert!(!Creating.is_serving() && Pending.is_serving());
    }

    #[test]
    fn zone_machine_follows_its_connection() {
        use ZoneStatus::*;
        for k in ConnectionStatus::ALL {
            let z = ZoneStatus::settle_with(*k);
            assert!(Creating.can_move(z) || Creating == z, "Creating → {z}");
            assert!(
                Connecting.can_move(z) || Connecting == z,
                "Connecting → {z}"
            );
            assert!(Disconnecting.can_move(ZoneStatus::settle_cut(*k)));
        }
        assert_eq!(Wait.on_accept(), Some(Connecting));
        assert_eq!(Connected.on_accept(), None);
        assert_eq!(Connecting.on_cut(), Some(Disconnecting));
        assert!(!Creating.resolves() && Wait.resolves());
        assert!(Creating.is_transitional());
    }

    #[test]
    fn requests_are_decided_once() {
        use RequestStatus::*;
        assert!(Pending.to(Granted).is_ok());
        assert!(Granted.to(Denied).is_err());
    }
}
