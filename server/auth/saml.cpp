#include "auth/saml.h"

#include "core/error.h"

namespace rounds::auth {
// Placeholder until the lasso implementation lands (the SAML routes are not registered yet).
std::string SpMetadataXml(const SamlSp&) {
    throw core::Error(core::ErrorKind::kUnavailable, "SAML is not available");
}
std::string IdpEntityId(std::string_view) {
    throw core::Error(core::ErrorKind::kUnavailable, "SAML is not available");
}
SamlAuthnRequest BuildAuthnRequest(const SamlSp&, std::string_view, std::string_view) {
    throw core::Error(core::ErrorKind::kUnavailable, "SAML is not available");
}
SamlAssertion ConsumeResponse(const SamlSp&, std::string_view, std::string_view, std::string_view, int64_t, int64_t) {
    throw SamlRejected("SAML is not available");
}
}  // namespace rounds::auth
