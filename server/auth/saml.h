#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace rounds::auth {

/// The SAML 2.0 service provider, behind a small interface: lasso (and with it glib, libxml2 and xmlsec)
/// lives only in saml.cpp. Every function is blocking and self-contained (it builds its own lasso objects
/// from the metadata it is given), so the SSO service calls them on the CPU pool.

/// This server as a service provider of one organisation.
struct SamlSp {
    std::string entity_id;  // <public url>/api/v1/auth/sso/<slug>/saml/metadata
    std::string acs_url;    // <public url>/api/v1/auth/sso/<slug>/saml/acs
};

/// The SP metadata document (no signing key: AuthnRequests are unsigned, assertions must be signed).
std::string SpMetadataXml(const SamlSp& sp);

/// The entity id of an IdP metadata document, after lasso has loaded it (it must carry a signing key and a
/// SingleSignOnService with the HTTP-Redirect binding). Throws core::Error(kInvalid, field idp_metadata).
std::string IdpEntityId(std::string_view idp_metadata);

struct SamlAuthnRequest {
    std::string redirect_url;  // the IdP's SSO URL with SAMLRequest and RelayState (HTTP-Redirect binding)
    std::string request_id;    // the AuthnRequest ID; the response's InResponseTo must equal it
};

SamlAuthnRequest BuildAuthnRequest(const SamlSp& sp, std::string_view idp_metadata, std::string_view relay_state);

struct SamlAssertion {
    std::string idp_entity_id, name_id, email, display_name, assertion_id;
    int64_t not_on_or_after = 0;  // unix seconds; the replay record is kept until then
};

/// A response that is not accepted; the message names the reason (for the audit log, not for the browser).
class SamlRejected : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Verifies a SAMLResponse (POST binding, base64): status Success, issued by the configured IdP, exactly one
/// assertion, signed (the assertion or the response enveloping it) with the IdP metadata's key, audience =
/// the SP entity id, Destination and SubjectConfirmation Recipient = the ACS URL, InResponseTo =
/// `expected_request_id`, NotBefore / NotOnOrAfter around `now` with `leeway_seconds`. Throws SamlRejected.
SamlAssertion ConsumeResponse(const SamlSp& sp, std::string_view idp_metadata, std::string_view saml_response,
                              std::string_view expected_request_id, int64_t now, int64_t leeway_seconds);

}  // namespace rounds::auth
