//! What a ticket asks the user for: a login, a profile request, an authenticated or anonymous e-ME
//! form-filling request, signing (single, anonymous and bulk) and step-up re-authentication. Every flow that waits for the user's
//! answer on the phone is a ticket (see `login.rs` for the state machine they share); the
//! [`TicketRequest`] stored with the ticket says what is being asked and [`TicketKind`] names it.
//!
//! Adding a flow means adding a variant to both enums and answering, in [`TicketKind`]'s methods,
//! which D-codes its endings map to and which app link opens it. The compiler then points at every
//! place that must decide what the new kind does. This module holds types only; it must never log.

use serde::{Deserialize, Serialize};

pub use crate::bulk_signing::BulkSigningRequest;
use crate::codes::DCode;
use crate::signing::StepUp;
pub use crate::signing_api::SigningRequest;
pub use crate::step_up::StepUpRequest;

/// The longest `businessID` the protocol allows (PROTOCOL §3).
pub const MAX_BUSINESS_ID_LENGTH: usize = 36;
/// The longest `formName` and `formDesc`.
pub const MAX_FORM_NAME_LENGTH: usize = 255;
pub const MAX_FORM_DESC_LENGTH: usize = 255;
/// The longest `formNum`.
pub const MAX_FORM_NUM_LENGTH: usize = 20;

/// The kind of a ticket, as the phone, the broker page and automation see it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketKind {
    /// `auth/getQR`: log the user in.
    #[default]
    Login,
    /// `account/profile/initiateRequest`: release HKID profile fields to a logged-in RP.
    Profile,
    /// `account/eme/initiateRequest`: fill a form with e-ME (and profile) fields for a logged-in RP.
    FormFilling,
    /// `anonymous/eme/initiateRequest`: fill a form without a prior login ("remote onboarding").
    AnonymousFormFilling,
    /// `account/signing/initiateRequest` or `account/pdfsigning/initiateRequest`: the logged-in
    /// iAM Smart+ user signs a hash or a PDF digest.
    Signing,
    /// `anonymous/signing/initiateRequest` or `anonymous/pdfsigning/initiateRequest`: signing without
    /// a prior login; the result is fetched with `getResult`.
    AnonymousSigning,
    /// `account/stepup/initiateRequest`: the logged-in user re-authenticates by face recognition
    /// and/or an HKID chip read.
    StepUp,
    /// `bdss/initiateRequest`: the logged-in iAM Smart+ user signs up to 1000 documents at once.
    BulkSigning,
}

/// How a ticket ended without the user's approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Cancelled,
    Rejected,
    /// Something went wrong in the app (the virtual phone can simulate it).
    Failed,
    TimedOut,
}

impl TicketKind {
    /// The name on the wire (`login`, `profile`, `form_filling`, `anonymous_form_filling`,
    /// `signing`, `anonymous_signing`, `step_up`, `bulk_signing`).
    pub fn as_str(self) -> &'static str {
        match self {
            TicketKind::Login => "login",
            TicketKind::Profile => "profile",
            TicketKind::FormFilling => "form_filling",
            TicketKind::AnonymousFormFilling => "anonymous_form_filling",
            TicketKind::Signing => "signing",
            TicketKind::AnonymousSigning => "anonymous_signing",
            TicketKind::StepUp => "step_up",
            TicketKind::BulkSigning => "bulk_signing",
        }
    }

    /// The D-code the relying party sees when the ticket ends this way (PROTOCOL §2.1, §3, §8).
    ///
    /// The profile range has no "cancelled" code (`D50001`–`D50003` are rejected, failed, timed
    /// out), so a cancelled profile request reports `D50001`: to the relying party, a user who
    /// backed out has declined to share. The re-authentication range (`D80001`–`D80003`) has none
    /// either, and a cancelled step-up reports `D80001` for the same reason. Bulk signing uses the
    /// sandbox's reading of `D71000`–`D71003` (see `bulk_signing.rs`).
    pub fn ending_code(self, ending: Ending) -> DCode {
        match (self, ending) {
            (TicketKind::Login, Ending::Cancelled) => DCode::UserCancelled,
            (TicketKind::Login, Ending::Rejected) => DCode::UserRejected,
            (TicketKind::Login, Ending::Failed) => DCode::AuthenticationFailed,
            (TicketKind::Login, Ending::TimedOut) => DCode::AuthenticationTimeout,
            (TicketKind::Profile, Ending::Cancelled | Ending::Rejected) => DCode::ProfileRejected,
            (TicketKind::Profile, Ending::Failed) => DCode::ProfileFailed,
            (TicketKind::Profile, Ending::TimedOut) => DCode::ProfileTimeout,
            (TicketKind::FormFilling | TicketKind::AnonymousFormFilling, Ending::Cancelled) => {
                DCode::FormFillingCancelled
            }
            (TicketKind::FormFilling | TicketKind::AnonymousFormFilling, Ending::Rejected) => {
                DCode::FormFillingRejected
            }
            (TicketKind::FormFilling | TicketKind::AnonymousFormFilling, Ending::Failed) => {
                DCode::FormFillingFailed
            }
            (TicketKind::FormFilling | TicketKind::AnonymousFormFilling, Ending::TimedOut) => {
                DCode::FormFillingTimeout
            }
            (TicketKind::Signing | TicketKind::AnonymousSigning, Ending::Cancelled) => {
                DCode::SigningCancelled
            }
            (TicketKind::Signing | TicketKind::AnonymousSigning, Ending::Rejected) => {
                DCode::SigningRejected
            }
            (TicketKind::Signing | TicketKind::AnonymousSigning, Ending::Failed) => {
                DCode::SigningFailed
            }
            (TicketKind::Signing | TicketKind::AnonymousSigning, Ending::TimedOut) => {
                DCode::SigningTimeout
            }
            (TicketKind::StepUp, Ending::Cancelled | Ending::Rejected) => {
                DCode::ReauthenticationRejected
            }
            (TicketKind::StepUp, Ending::Failed) => DCode::ReauthenticationFailed,
            (TicketKind::StepUp, Ending::TimedOut) => DCode::ReauthenticationTimeout,
            (TicketKind::BulkSigning, ending) => crate::bulk_signing::ending_code(ending),
        }
    }

    /// The test app's deep-link path for this kind (PROTOCOL §11.12).
    pub fn app_link_path(self) -> &'static str {
        match self {
            TicketKind::Login => "auth",
            TicketKind::Profile => "profile",
            TicketKind::FormFilling | TicketKind::AnonymousFormFilling => "eme",
            TicketKind::Signing | TicketKind::AnonymousSigning | TicketKind::BulkSigning => "sign",
            TicketKind::StepUp => "re-auth",
        }
    }

    /// Whether the user is not logged in to the relying party: the phone lets any persona answer,
    /// and approval issues an authorisation code for the browser instead of a callback.
    pub fn is_anonymous(self) -> bool {
        matches!(
            self,
            TicketKind::AnonymousFormFilling | TicketKind::AnonymousSigning
        )
    }

    /// Whether the answer is POSTed to the relying party's callback URL.
    pub fn has_callback(self) -> bool {
        matches!(
            self,
            TicketKind::Profile
                | TicketKind::FormFilling
                | TicketKind::Signing
                | TicketKind::StepUp
                | TicketKind::BulkSigning
        )
    }
}

/// How the relying party wants its callbacks (`callbackContentType`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CallbackContentType {
    #[default]
    #[serde(rename = "application/json")]
    Json,
    #[serde(rename = "multipart/form-data")]
    Multipart,
}

impl CallbackContentType {
    pub fn as_str(self) -> &'static str {
        match self {
            CallbackContentType::Json => "application/json",
            CallbackContentType::Multipart => "multipart/form-data",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [CallbackContentType::Json, CallbackContentType::Multipart]
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }
}

/// The form an e-ME request fills, as the app shows it to the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormInfo {
    /// `formName`, at most 255 characters.
    pub form_name: String,
    /// `formNum`, at most 20 characters.
    pub form_num: Option<String>,
    /// `formDesc`, at most 255 characters.
    pub form_desc: Option<String>,
}

/// A request for personal data (profile or e-ME fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataRequest {
    /// The relying party's `businessID`, unique per client.
    pub business_id: String,
    /// The logged-in persona an authenticated request is for; `None` for anonymous requests, which
    /// any persona may answer.
    pub persona_id: Option<String>,
    /// Requested `profileFields`, wire names, in request order without repeats.
    pub profile_fields: Vec<String>,
    /// Requested `eMEFields`, wire names, in request order without repeats.
    pub eme_fields: Vec<String>,
    /// The form being filled (e-ME requests only).
    pub form: Option<FormInfo>,
    pub callback_content_type: CallbackContentType,
}

/// What a stored ticket asks for. Older tickets stored before this field existed are logins.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "request", rename_all = "snake_case")]
pub enum TicketRequest {
    #[default]
    Login,
    Profile(DataRequest),
    FormFilling(DataRequest),
    AnonymousFormFilling(DataRequest),
    Signing(SigningRequest),
    AnonymousSigning(SigningRequest),
    StepUp(StepUpRequest),
    BulkSigning(BulkSigningRequest),
}

impl TicketRequest {
    pub fn kind(&self) -> TicketKind {
        match self {
            TicketRequest::Login => TicketKind::Login,
            TicketRequest::Profile(_) => TicketKind::Profile,
            TicketRequest::FormFilling(_) => TicketKind::FormFilling,
            TicketRequest::AnonymousFormFilling(_) => TicketKind::AnonymousFormFilling,
            TicketRequest::Signing(_) => TicketKind::Signing,
            TicketRequest::AnonymousSigning(_) => TicketKind::AnonymousSigning,
            TicketRequest::StepUp(_) => TicketKind::StepUp,
            TicketRequest::BulkSigning(_) => TicketKind::BulkSigning,
        }
    }

    /// The step-up re-authentication the user must pass before approving: a signing request's
    /// `stepupAuthMethod`, or what a step-up request asks for.
    pub fn step_up(&self) -> Option<&StepUp> {
        match self {
            TicketRequest::Signing(signing) | TicketRequest::AnonymousSigning(signing) => {
                signing.details.step_up.as_ref()
            }
            TicketRequest::StepUp(request) => Some(&request.step_up),
            _ => None,
        }
    }

    /// The bulk-signing request, for that kind.
    pub fn bulk(&self) -> Option<&BulkSigningRequest> {
        match self {
            TicketRequest::BulkSigning(bulk) => Some(bulk),
            _ => None,
        }
    }

    /// The bulk-signing request, to record its progress.
    pub fn bulk_mut(&mut self) -> Option<&mut BulkSigningRequest> {
        match self {
            TicketRequest::BulkSigning(bulk) => Some(bulk),
            _ => None,
        }
    }

    /// The signing request, for the signing kinds.
    pub fn signing(&self) -> Option<&SigningRequest> {
        match self {
            TicketRequest::Signing(signing) | TicketRequest::AnonymousSigning(signing) => {
                Some(signing)
            }
            _ => None,
        }
    }

    /// The signing request, for the signing kinds, to record its result.
    pub fn signing_mut(&mut self) -> Option<&mut SigningRequest> {
        match self {
            TicketRequest::Signing(signing) | TicketRequest::AnonymousSigning(signing) => {
                Some(signing)
            }
            _ => None,
        }
    }

    /// The relying party's `businessID`, for every kind but a login.
    pub fn business_id(&self) -> Option<&str> {
        match self {
            TicketRequest::StepUp(request) => Some(request.business_id.as_str()),
            TicketRequest::BulkSigning(bulk) => Some(bulk.business_id.as_str()),
            _ => self
                .data()
                .map(|data| data.business_id.as_str())
                .or_else(|| self.signing().map(|signing| signing.business_id.as_str())),
        }
    }

    /// The logged-in user an authenticated request is for.
    pub fn owner(&self) -> Option<&str> {
        match self {
            TicketRequest::StepUp(request) => return request.persona_id.as_deref(),
            TicketRequest::BulkSigning(bulk) => return Some(bulk.persona_id.as_str()),
            _ => {}
        }
        self.data()
            .and_then(|data| data.persona_id.as_deref())
            .or_else(|| {
                self.signing()
                    .and_then(|signing| signing.persona_id.as_deref())
            })
    }

    /// The data request, for the kinds that ask for personal data.
    pub fn data(&self) -> Option<&DataRequest> {
        match self {
            TicketRequest::Login => None,
            TicketRequest::Profile(data)
            | TicketRequest::FormFilling(data)
            | TicketRequest::AnonymousFormFilling(data) => Some(data),
            TicketRequest::Signing(_)
            | TicketRequest::AnonymousSigning(_)
            | TicketRequest::StepUp(_)
            | TicketRequest::BulkSigning(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_maps_its_endings_to_its_own_code_range() {
        let endings = [
            Ending::Cancelled,
            Ending::Rejected,
            Ending::Failed,
            Ending::TimedOut,
        ];
        let codes = |kind: TicketKind| -> Vec<&str> {
            endings
                .iter()
                .map(|ending| kind.ending_code(*ending).code())
                .collect()
        };
        assert_eq!(
            codes(TicketKind::Login),
            ["D40000", "D40001", "D40002", "D40003"]
        );
        assert_eq!(
            codes(TicketKind::Profile),
            ["D50001", "D50001", "D50002", "D50003"]
        );
        for kind in [TicketKind::FormFilling, TicketKind::AnonymousFormFilling] {
            assert_eq!(codes(kind), ["D60000", "D60001", "D60002", "D60003"]);
        }
    }

    #[test]
    fn a_ticket_request_stored_before_kinds_existed_reads_as_a_login() {
        #[derive(Deserialize)]
        struct Stored {
            #[serde(default)]
            request: TicketRequest,
        }
        let stored: Stored = serde_json::from_str("{}").expect("parses");
        assert_eq!(stored.request.kind(), TicketKind::Login);
        let data = TicketRequest::FormFilling(DataRequest {
            business_id: "b-1".into(),
            persona_id: Some("iamsmart-user".into()),
            profile_fields: vec!["idNo".into()],
            eme_fields: vec!["emailAddress".into()],
            form: None,
            callback_content_type: CallbackContentType::Multipart,
        });
        let json = serde_json::to_value(&data).expect("serialises");
        assert_eq!(json["type"], "form_filling");
        assert_eq!(
            json["request"]["callback_content_type"],
            "multipart/form-data"
        );
        let back: TicketRequest = serde_json::from_value(json).expect("parses");
        assert_eq!(back, data);
    }
}
