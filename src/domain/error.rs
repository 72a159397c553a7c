//! The one error type of Linkyard: an Alibaba Cloud error code, its message and HTTP status.
//!
//! Operations return it, the cloud API serialises it as `{RequestId, HostId, Code, Message, Recommend}`
//! and the console shows the code next to a plain-language sentence ([`ApiError::explain`]).

use serde::{Deserialize, Serialize};
use std::fmt;

/// An error with an Alibaba Cloud code (`EndpointServiceNotFound`, `MissingParam.UserArn` …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: String,
    pub message: String,
    pub http_status: u16,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

/// A state-machine move an operation should never make: an internal error (the details are in
/// the message for the server log; the caller sees `InternalError`).
impl From<super::state::IllegalMove> for ApiError {
    fn from(e: super::state::IllegalMove) -> Self {
        Self {
            message: format!("The request processing has failed due to some unknown error. ({e})"),
            ..Self::internal()
        }
    }
}

impl ApiError {
    /// An HTTP 400 error with the given code and message.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            http_status: 400,
        }
    }

    /// The same error with another HTTP status.
    pub fn status(mut self, http_status: u16) -> Self {
        self.http_status = http_status;
        self
    }

    /// `MissingParameter` / `MissingParam.<name>` style error for a required parameter.
    pub fn missing(name: &str) -> Self {
        Self::new(
            format!("MissingParam.{name}"),
            format!("The parameter {name} is required."),
        )
    }

    /// `IllegalParamFormat.<name>` for a malformed value.
    pub fn illegal(name: &str, why: impl fmt::Display) -> Self {
        Self::new(
            format!("IllegalParamFormat.{name}"),
            format!("The parameter {name} is invalid: {why}"),
        )
    }

    /// The generic gateway `InvalidParameter`.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new("InvalidParameter", message)
    }

    /// Not signed in (console) or no credentials (API).
    pub fn unauthenticated() -> Self {
        Self::new("Unauthenticated", "Please sign in.").status(401)
    }

    /// An unexpected failure; details stay in the server log.
    pub fn internal() -> Self {
        Self::new(
            "InternalError",
            "The request processing has failed due to some unknown error.",
        )
        .status(500)
    }

    /// The success answer of a DryRun request.
    pub fn dry_run() -> Self {
        Self::new(
            "DryRunOperation",
            "Request validation has been passed with DryRun flag set.",
        )
    }

    pub fn service_not_found() -> Self {
        Self::new(
            "EndpointServiceNotFound",
            "The specified Service does not exist.",
        )
    }
    pub fn endpoint_not_found() -> Self {
        Self::new("EndpointNotFound", "The specified Endpoint does not exist.")
    }
    pub fn connection_not_found() -> Self {
        Self::new(
            "EndpointConnectionNotFound",
            "The specified endpoint connection does not exist.",
        )
    }
    pub fn zone_not_found() -> Self {
        Self::new(
            "EndpointZoneNotFound",
            "The specified zone of Endpoint does not exist.",
        )
    }
    pub fn not_authorized() -> Self {
        Self::new(
            "EndpointServiceNotAuthorized",
            "The specified endpoint service is not authorized to user.",
        )
    }
    pub fn service_denied() -> Self {
        Self::new(
            "EndpointServiceOperationDenied",
            "The specified operation of endpoint service is not allowed.",
        )
    }
    pub fn service_locked() -> Self {
        Self::new("EndpointServiceLocked", "The specified Service is locked.")
    }
    pub fn endpoint_denied() -> Self {
        Self::new(
            "EndpointOperationDenied",
            "The specified operation of endpoint is not allowed.",
        )
    }
    pub fn endpoint_locked() -> Self {
        Self::new("EndpointLocked", "The specified Endpoint is locked.")
    }
    pub fn connection_denied() -> Self {
        Self::new(
            "EndpointConnectionOperationDenied",
            "The endpoint is being connected.",
        )
    }
    pub fn service_deleted() -> Self {
        Self::new(
            "EndpointServiceDeleted",
            "The specified Service is already deleted.",
        )
    }
    pub fn quota(what: &str, used: usize, max: usize) -> Self {
        Self::new(
            format!("QuotaExceeded.{what}"),
            format!("The quota of {what} is exceeded, usage {used}/{max}."),
        )
    }
    /// `ResourceNotFound.<kind>` (HTTP 404) used by the zone-connection actions.
    pub fn resource_not_found(kind: &str, id: &str) -> Self {
        Self::new(
            format!("ResourceNotFound.{kind}"),
            format!("The specified resource {id} is not found."),
        )
        .status(404)
    }
    /// `IncorrectStatus.<kind>`.
    pub fn incorrect_status(kind: &str, id: &str) -> Self {
        Self::new(
            format!("IncorrectStatus.{kind}"),
            format!("The status of {kind} [{id}] is incorrect."),
        )
    }

    /// A sentence a person understands, for the console; falls back to the API message.
    pub fn explain(&self) -> String {
        let plain = match self.code.as_str() {
            "Unauthenticated" => "Your session has ended. Sign in again to continue.",
            "EndpointServiceNotFound" => {
                "No endpoint service with that id or name exists in this region for your account."
            }
            "EndpointServiceNotAuthorized" => {
                "This service exists, but its provider has not added your account to the service whitelist. Ask the provider to whitelist your account id."
            }
            "EndpointNotFound" => "That endpoint does not exist (it may have been deleted).",
            "EndpointServiceOperationDenied" | "EndpointServiceLocked" => {
                "The service is busy with another change. Wait until it is Available and try again."
            }
            "EndpointOperationDenied" | "EndpointLocked" => {
                "The endpoint is busy with another change. Wait until it is Available and try again."
            }
            "EndpointConnectionOperationDenied" => {
                "The connection is changing state. Wait a moment and try again."
            }
            "EndpointServiceConnectionDependence" => {
                "Endpoints are still connected to this service. Disconnect them first."
            }
            "EndpointMustContainSecurityGroup" => {
                "An interface endpoint needs at least one security group."
            }
            "InvalidCredentials" => "The account id or password is not correct.",
            _ => "",
        };
        if plain.is_empty() {
            self.message.clone()
        } else {
            plain.to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_statuses() {
        assert_eq!(ApiError::service_not_found().http_status, 400);
        assert_eq!(
            ApiError::resource_not_found("VpcEndpoint", "ep-1").http_status,
            404
        );
        assert_eq!(ApiError::missing("UserArn").code, "MissingParam.UserArn");
        assert!(ApiError::not_authorized().explain().contains("whitelist"));
        assert_eq!(ApiError::new("X", "raw").explain(), "raw");
    }
}
