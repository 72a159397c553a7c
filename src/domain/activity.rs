//! Activity in words a person reads: "Accepted connection ep-… at 2048 Mbit/s" for an audit row
//! whose action is `EnableVpcEndpointConnection`. The console shows this headline first and the
//! API action name as secondary text. Pure, shared with the browser.

/// The headline of one audit row.
pub fn headline(action: &str, target: &str, summary: &str) -> String {
    let mbps = mbit_per_s(summary);
    let at = mbps.map(|m| format!(" at {m} Mbit/s")).unwrap_or_default();
    match action {
        "CreateVpc" => format!("Created VPC {target}"),
        "CreateVSwitch" => format!("Created vSwitch {target}"),
        "CreateSecurityGroup" => format!("Created security group {target}"),
        "CreateLoadBalancer" => format!("Created load balancer {target}"),
        "DeleteVpc" => format!("Deleted VPC {target}"),
        "DeleteVSwitch" => format!("Deleted vSwitch {target}"),
        "DeleteSecurityGroup" => format!("Deleted security group {target}"),
        "DeleteLoadBalancer" => format!("Deleted load balancer {target}"),
        "CreateVpcEndpointService" => format!("Published service {target}"),
        "UpdateVpcEndpointServiceAttribute" => format!("Changed the settings of service {target}"),
        "DeleteVpcEndpointService" => format!("Started deleting service {target}"),
        "AttachResourceToVpcEndpointService" => {
            format!("Added a load balancer to service {target}")
        }
        "DetachResourceFromVpcEndpointService" => {
            format!("Removed a load balancer from service {target}")
        }
        "UpdateVpcEndpointServiceResourceAttribute" => {
            format!("Changed a load balancer of service {target}")
        }
        "AddUserToVpcEndpointService" => format!("Whitelisted an account on service {target}"),
        "RemoveUserFromVpcEndpointService" => {
            format!("Removed an account from the whitelist of {target}")
        }
        "CreateVpcEndpoint" => format!("Created endpoint {target}"),
        "UpdateVpcEndpointAttribute" => format!("Changed the settings of endpoint {target}"),
        "DeleteVpcEndpoint" => format!("Started deleting endpoint {target}"),
        "AddZoneToVpcEndpoint" => format!("Added a zone to endpoint {target}"),
        "RemoveZoneFromVpcEndpoint" => format!("Removed a zone from endpoint {target}"),
        "AttachSecurityGroupToVpcEndpoint" => {
            format!("Attached a security group to endpoint {target}")
        }
        "DetachSecurityGroupFromVpcEndpoint" => {
            format!("Detached a security group from endpoint {target}")
        }
        "EnableVpcEndpointConnection" => format!("Accepted connection {target}{at}"),
        "DisableVpcEndpointConnection" if summary.starts_with("rejected") => {
            format!("Rejected connection {target}")
        }
        "DisableVpcEndpointConnection" => format!("Disconnected connection {target}"),
        "UpdateVpcEndpointConnectionAttribute" => match mbps {
            Some(m) => format!("Set the bandwidth of connection {target} to {m} Mbit/s"),
            None => format!("Changed connection {target}"),
        },
        "EnableVpcEndpointZoneConnection" => format!("Accepted a zone of connection {target}"),
        "DisableVpcEndpointZoneConnection" => format!("Disconnected a zone of connection {target}"),
        "UpdateVpcEndpointZoneConnectionResourceAttribute" => {
            format!("Moved a zone of connection {target} to another load balancer")
        }
        "TagResources" => format!("Tagged {target}"),
        "UntagResources" => format!("Removed tags from {target}"),
        "ChangeResourceGroup" => format!("Moved {target} to another resource group"),
        "CreateGatewayEndpoint" => format!("Created gateway endpoint {target}"),
        "UpdateGatewayEndpoint" => format!("Changed gateway endpoint {target}"),
        "DeleteGatewayEndpoint" => format!("Started deleting gateway endpoint {target}"),
        "AssociateRouteTableWithGatewayEndpoint" => {
            format!("Added a route table to gateway endpoint {target}")
        }
        "DissociateRouteTableFromGatewayEndpoint" => {
            format!("Removed a route table from gateway endpoint {target}")
        }
        "RequestBandwidthIncrease" => match mbps {
            Some(m) => format!("Asked for {m} Mbit/s per zone for {target}"),
            None => format!("Asked for more bandwidth for {target}"),
        },
        "GrantBandwidthIncrease" => format!("Granted more bandwidth to {target}{at}"),
        "DenyBandwidthIncrease" => format!("Refused more bandwidth for {target}"),
        "InjectZoneOutage" => format!("Took zone {target} down (demo)"),
        "RecoverZone" => format!("Brought zone {target} back (demo)"),
        "InjectOverduePayment" => format!("Marked the payment of account {target} overdue (demo)"),
        "ClearOverduePayment" => format!("Cleared the overdue payment of account {target} (demo)"),
        "ResetDemo" => "Reset the demo to its scenario".to_string(),
        "SignIn" => "Signed in to the console".to_string(),
        "SignInFailed" => format!("Failed sign-in to account {target}"),
        "SignOut" => "Signed out of the console".to_string(),
        "Reconcile" => settled(target, summary),
        other => {
            let words = split_words(other);
            if target.is_empty() {
                words
            } else {
                format!("{words} {target}")
            }
        }
    }
}

/// The Activity page's filters (also the CSV export's query string): each one empty when not set;
/// the days are `YYYY-MM-DD`, UTC, inclusive.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ActivityQuery {
    /// Account id that made the change (or `system`).
    pub actor: String,
    /// The API action name.
    pub action: String,
    /// Part of the target id.
    pub target: String,
    pub from: String,
    pub to: String,
}

/// Who made a change, in words: the account id, or Linkyard itself for automatic steps.
pub fn actor_label(actor: &str) -> String {
    match actor {
        "system" => "Linkyard (automatic)".to_string(),
        "anonymous" => "Not signed in".to_string(),
        other => other.to_string(),
    }
}

/// A transition finished by the reconciler: "service is Active" ⇒ "Service epsrv-… is now Active".
fn settled(target: &str, summary: &str) -> String {
    for (prefix, thing) in [
        ("service is ", "Service"),
        ("connection is ", "Connection"),
        ("endpoint is ", "Endpoint"),
        ("gateway endpoint ", "Gateway endpoint"),
    ] {
        if let Some(state) = summary.strip_prefix(prefix) {
            return format!("{thing} {target} is now {state}");
        }
    }
    match summary {
        "service deleted" => format!("Service {target} was deleted"),
        "endpoint deleted" => format!("Endpoint {target} was deleted"),
        s if s.starts_with("zone ") && s.ends_with(" settled") => {
            let zone = &s["zone ".len()..s.len() - " settled".len()];
            format!("Zone {zone} of endpoint {target} finished changing")
        }
        _ => format!("{target} finished a transition"),
    }
}

/// The first "N Mbit/s" in `s`.
fn mbit_per_s(s: &str) -> Option<u64> {
    let i = s.find(" Mbit/s")?;
    let digits: String = s[..i]
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.chars().rev().collect::<String>().parse().ok()
}

/// `AddZoneToVpcEndpoint` ⇒ "Add zone to vpc endpoint".
fn split_words(action: &str) -> String {
    let mut out = String::new();
    for (i, c) in action.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push(' ');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headlines_read_as_sentences() {
        assert_eq!(
            headline(
                "EnableVpcEndpointConnection",
                "ep-1",
                "accepted ep-1 with 2048 Mbit/s"
            ),
            "Accepted connection ep-1 at 2048 Mbit/s"
        );
        assert_eq!(
            headline("DisableVpcEndpointConnection", "ep-1", "rejected ep-1"),
            "Rejected connection ep-1"
        );
        assert_eq!(
            headline("DisableVpcEndpointConnection", "ep-1", "disconnecting ep-1"),
            "Disconnected connection ep-1"
        );
        assert_eq!(
            headline(
                "UpdateVpcEndpointConnectionAttribute",
                "ep-1",
                "bandwidth of ep-1 set to 300 Mbit/s"
            ),
            "Set the bandwidth of connection ep-1 to 300 Mbit/s"
        );
        assert_eq!(
            headline("Reconcile", "epsrv-1", "service is Active"),
            "Service epsrv-1 is now Active"
        );
        assert_eq!(
            headline("Reconcile", "ep-1", "zone cn-hangzhou-h settled"),
            "Zone cn-hangzhou-h of endpoint ep-1 finished changing"
        );
        assert_eq!(headline("SomethingNew", "x-1", ""), "Something new x-1");
        assert_eq!(actor_label("system"), "Linkyard (automatic)");
        assert_eq!(actor_label("1000000000000001"), "1000000000000001");
    }
}
