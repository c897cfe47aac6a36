// The only translation unit that includes lasso (and through it glib, libxml2 and xmlsec).
#include "auth/saml.h"

// glib first: lasso's headers include it inside extern "C", where glib's C++ parts cannot go.
#include <glib-object.h>
#include <glib.h>
#include <libxml/tree.h>
#include <xmlsec/xmlsec.h>
// clang-format off
#include <lasso/lasso.h>
#include <lasso/xml/misc_text_node.h>
#include <lasso/xml/saml-2.0/samlp2_authn_request.h>
#include <lasso/xml/saml-2.0/samlp2_response.h>
#include <lasso/xml/saml-2.0/saml2_assertion.h>
#include <lasso/xml/saml-2.0/saml2_attribute.h>
#include <lasso/xml/saml-2.0/saml2_attribute_statement.h>
#include <lasso/xml/saml-2.0/saml2_attribute_value.h>
#include <lasso/xml/saml-2.0/saml2_audience_restriction.h>
// clang-format on

#include <ctime>
#include <memory>
#include <mutex>

#include "core/error.h"
#include "core/log.h"

namespace rounds::auth {

namespace {

/// lasso keeps global state (its init, xmlsec's key managers); SAML sign-ins are rare, so every lasso call
/// is serialised rather than audited for thread safety.
std::mutex& LassoMutex() {
    static std::mutex mu;
    return mu;
}

/// lasso reports through glib's log (plain text on stderr by default); route it into the structured log.
void LassoLog(const gchar* domain, GLogLevelFlags level, const gchar* message, gpointer) {
    std::string text = message != nullptr ? message : "";
    std::string dom = domain != nullptr ? domain : "";
    if ((level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO)) != 0) {
        core::LogDebug("lasso", {{"domain", dom}, {"message", text}});
    } else {
        core::LogWarn("lasso", {{"domain", dom}, {"message", text}});
    }
}

void InitOnce() {
    static std::once_flag once;
    std::call_once(once, [] {
        for (const char* domain : {"lasso", "Lasso"}) {  // lasso logs under both spellings
            g_log_set_handler(domain, static_cast<GLogLevelFlags>(G_LOG_LEVEL_MASK), &LassoLog, nullptr);
        }
        if (lasso_init() != 0) {
            throw core::Error(core::ErrorKind::kInternal, "lasso_init failed");
        }
    });
}

struct GObjectFree {
    void operator()(void* p) const {
        if (p != nullptr) {
            g_object_unref(p);
        }
    }
};
using ServerPtr = std::unique_ptr<LassoServer, GObjectFree>;
using LoginPtr = std::unique_ptr<LassoLogin, GObjectFree>;
using ProviderPtr = std::unique_ptr<LassoProvider, GObjectFree>;

std::string XmlEscape(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            default:
                out.push_back(c);
        }
    }
    return out;
}

std::string Str(const char* s) {
    return s != nullptr ? std::string(s) : std::string();
}

/// xs:dateTime in UTC ("2026-11-24T16:36:03Z", fractions ignored); -1 when malformed.
int64_t ParseTime(const char* text) {
    if (text == nullptr) {
        return -1;
    }
    std::tm tm{};
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    if (std::sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6) {
        return -1;
    }
    std::string_view rest(text + 19);
    if (!rest.empty() && rest.front() == '.') {
        rest.remove_prefix(rest.find_first_not_of("0123456789", 1) == std::string_view::npos
                               ? rest.size()
                               : rest.find_first_not_of("0123456789", 1));
    }
    if (rest != "Z" && rest != "+00:00") {
        return -1;  // SAML requires UTC (SAML core §1.3.3)
    }
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return static_cast<int64_t>(timegm(&tm));
}

/// The SP as lasso needs it: a server built from our metadata, with the IdP added from its metadata.
ServerPtr NewServer(const SamlSp& sp, std::string_view idp_metadata, std::string* idp_entity_id) {
    InitOnce();
    std::string md = SpMetadataXml(sp);
    ServerPtr server(lasso_server_new_from_buffers(md.c_str(), nullptr, nullptr, nullptr));
    if (!server) {
        throw core::Error(core::ErrorKind::kInternal, "lasso cannot load the SP metadata");
    }
    std::string idp(idp_metadata);
    ProviderPtr probe(lasso_provider_new_from_buffer(LASSO_PROVIDER_ROLE_IDP, idp.c_str(), nullptr, nullptr));
    if (!probe || probe->ProviderID == nullptr) {
        throw core::Invalid("idp_metadata", "is not SAML 2.0 identity-provider metadata lasso can load");
    }
    *idp_entity_id = probe->ProviderID;
    int rc =
        lasso_server_add_provider_from_buffer(server.get(), LASSO_PROVIDER_ROLE_IDP, idp.c_str(), nullptr, nullptr);
    if (rc != 0) {
        throw core::Invalid("idp_metadata", std::string("cannot be used: ") + lasso_strerror(rc));
    }
    return server;
}

}  // namespace

std::string SpMetadataXml(const SamlSp& sp) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"" +
           XmlEscape(sp.entity_id) +
           "\">\n"
           "  <md:SPSSODescriptor AuthnRequestsSigned=\"false\" WantAssertionsSigned=\"true\" "
           "protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">\n"
           "    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>\n"
           "    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>\n"
           "    <md:AssertionConsumerService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" Location=\"" +
           XmlEscape(sp.acs_url) +
           "\" index=\"0\" isDefault=\"true\"/>\n"
           "  </md:SPSSODescriptor>\n"
           "</md:EntityDescriptor>\n";
}

std::string IdpEntityId(std::string_view idp_metadata) {
    std::lock_guard lock(LassoMutex());
    InitOnce();
    std::string md(idp_metadata);
    ProviderPtr p(lasso_provider_new_from_buffer(LASSO_PROVIDER_ROLE_IDP, md.c_str(), nullptr, nullptr));
    if (!p || p->ProviderID == nullptr) {
        throw core::Invalid("idp_metadata", "is not SAML 2.0 identity-provider metadata");
    }
    GList* keys = lasso_provider_get_metadata_keys_for_role(p.get(), LASSO_PROVIDER_ROLE_IDP);
    bool redirect = false;
    for (GList* k = keys; k != nullptr; k = k->next) {
        redirect =
            redirect || std::string_view(static_cast<const char*>(k->data)) == "SingleSignOnService HTTP-Redirect";
    }
    g_list_free_full(keys, g_free);
    if (!redirect) {
        throw core::Invalid("idp_metadata", "has no SingleSignOnService with the HTTP-Redirect binding");
    }
    // lasso has no public accessor for a provider's keys; a certificate in the document is the minimum (a
    // wrong one fails every sign-in with a signature error, visible in the audit log).
    if (md.find("X509Certificate>") == std::string::npos) {
        throw core::Invalid("idp_metadata", "has no signing certificate (KeyDescriptor use=\"signing\")");
    }
    return Str(p->ProviderID);
}

SamlAuthnRequest BuildAuthnRequest(const SamlSp& sp, std::string_view idp_metadata, std::string_view relay_state) {
    std::lock_guard lock(LassoMutex());
    std::string idp_id;
    ServerPtr server = NewServer(sp, idp_metadata, &idp_id);
    LoginPtr login(lasso_login_new(server.get()));
    LassoProfile* profile = LASSO_PROFILE(login.get());
    // We hold no SP key: requests go unsigned (the assertion's signature is what protects the sign-in).
    lasso_profile_set_signature_hint(profile, LASSO_PROFILE_SIGNATURE_HINT_FORBID);
    int rc = lasso_login_init_authn_request(login.get(), idp_id.c_str(), LASSO_HTTP_METHOD_REDIRECT);
    if (rc != 0) {
        throw core::Error(core::ErrorKind::kUnavailable,
                          std::string("cannot build the SAML request: ") + lasso_strerror(rc));
    }
    LassoSamlp2AuthnRequest* req = LASSO_SAMLP2_AUTHN_REQUEST(profile->request);
    g_free(req->NameIDPolicy->Format);
    req->NameIDPolicy->Format = g_strdup(LASSO_SAML2_NAME_IDENTIFIER_FORMAT_EMAIL);
    req->NameIDPolicy->AllowCreate = TRUE;
    g_free(req->ProtocolBinding);
    req->ProtocolBinding = g_strdup(LASSO_SAML2_METADATA_BINDING_POST);
    g_free(profile->msg_relayState);
    profile->msg_relayState = g_strndup(relay_state.data(), relay_state.size());
    rc = lasso_login_build_authn_request_msg(login.get());
    if (rc != 0 || profile->msg_url == nullptr) {
        throw core::Error(core::ErrorKind::kUnavailable,
                          std::string("cannot build the SAML request: ") + lasso_strerror(rc));
    }
    return SamlAuthnRequest{profile->msg_url, Str(LASSO_SAMLP2_REQUEST_ABSTRACT(req)->ID)};
}

SamlAssertion ConsumeResponse(const SamlSp& sp, std::string_view idp_metadata, std::string_view saml_response,
                              std::string_view expected_request_id, int64_t now, int64_t leeway) {
    std::lock_guard lock(LassoMutex());
    std::string idp_id;
    ServerPtr server = NewServer(sp, idp_metadata, &idp_id);
    LoginPtr login(lasso_login_new(server.get()));
    LassoProfile* profile = LASSO_PROFILE(login.get());
    // lasso checks a Response signature when there is one and refuses an unsigned response whose assertion
    // is unsigned too; the assertion's own signature is then required explicitly below.
    lasso_profile_set_signature_verify_hint(profile, LASSO_PROFILE_SIGNATURE_VERIFY_HINT_MAYBE);
    std::string msg(saml_response);
    int rc = lasso_login_process_authn_response_msg(login.get(), msg.data());
    if (rc != 0) {
        throw SamlRejected(std::string("response refused: ") + lasso_strerror(rc));
    }
    if (profile->response == nullptr || !LASSO_IS_SAMLP2_RESPONSE(profile->response)) {
        throw SamlRejected("not a SAML 2.0 Response");
    }
    LassoSamlp2Response* resp = LASSO_SAMLP2_RESPONSE(profile->response);
    LassoSamlp2StatusResponse* status = LASSO_SAMLP2_STATUS_RESPONSE(resp);
    if (status->Status == nullptr || status->Status->StatusCode == nullptr ||
        Str(status->Status->StatusCode->Value) != LASSO_SAML2_STATUS_CODE_SUCCESS) {
        throw SamlRejected("status is not Success");
    }
    if (status->Issuer != nullptr && Str(status->Issuer->content) != idp_id) {
        throw SamlRejected("response issued by another identity provider");
    }
    if (Str(status->Destination) != sp.acs_url) {
        throw SamlRejected("wrong destination");
    }
    if (Str(status->InResponseTo) != expected_request_id) {
        throw SamlRejected("InResponseTo does not match the request");
    }
    if (resp->EncryptedAssertion != nullptr) {
        throw SamlRejected("encrypted assertions are not supported");
    }
    if (g_list_length(resp->Assertion) != 1) {
        throw SamlRejected("expected exactly one assertion");
    }
    auto* a = static_cast<LassoSaml2Assertion*>(resp->Assertion->data);
    LassoProvider* idp = lasso_server_get_provider(server.get(), idp_id.c_str());
    rc = idp != nullptr ? lasso_provider_verify_single_node_signature(idp, LASSO_NODE(a), "ID") : -1;
    if (rc != 0) {
        throw SamlRejected(rc == LASSO_DS_ERROR_SIGNATURE_NOT_FOUND
                               ? std::string("assertion is not signed")
                               : std::string("assertion signature: ") + lasso_strerror(rc));
    }
    if (a->Issuer == nullptr || Str(a->Issuer->content) != idp_id) {
        throw SamlRejected("assertion issued by another identity provider");
    }
    if (a->ID == nullptr || std::string_view(a->ID).empty()) {
        throw SamlRejected("assertion has no ID");
    }
    // Audience.
    bool audience = false;
    if (a->Conditions != nullptr) {
        for (GList* r = a->Conditions->AudienceRestriction; r != nullptr; r = r->next) {
            auto* ar = static_cast<LassoSaml2AudienceRestriction*>(r->data);
            audience = audience || Str(ar->Audience) == sp.entity_id;
        }
    }
    if (!audience) {
        throw SamlRejected("wrong audience");
    }
    // Time window of the conditions.
    int64_t not_before = a->Conditions->NotBefore != nullptr ? ParseTime(a->Conditions->NotBefore) : 0;
    int64_t not_after = a->Conditions->NotOnOrAfter != nullptr ? ParseTime(a->Conditions->NotOnOrAfter) : 0;
    if (not_before < 0 || not_after < 0) {
        throw SamlRejected("malformed NotBefore / NotOnOrAfter");
    }
    if (not_before != 0 && now + leeway < not_before) {
        throw SamlRejected("assertion not yet valid");
    }
    if (not_after != 0 && now >= not_after + leeway) {
        throw SamlRejected("assertion expired");
    }
    // Bearer subject confirmation: recipient, its own time limit, and the request it answers.
    if (a->Subject == nullptr || a->Subject->NameID == nullptr || a->Subject->NameID->content == nullptr) {
        throw SamlRejected("assertion has no NameID");
    }
    LassoSaml2SubjectConfirmation* sc = a->Subject->SubjectConfirmation;
    LassoSaml2SubjectConfirmationData* scd = sc != nullptr ? sc->SubjectConfirmationData : nullptr;
    if (sc == nullptr || Str(sc->Method) != LASSO_SAML2_CONFIRMATION_METHOD_BEARER || scd == nullptr) {
        throw SamlRejected("no bearer subject confirmation");
    }
    if (Str(scd->Recipient) != sp.acs_url) {
        throw SamlRejected("wrong recipient");
    }
    int64_t scd_after = ParseTime(scd->NotOnOrAfter);
    if (scd_after < 0) {
        throw SamlRejected("subject confirmation has no NotOnOrAfter");
    }
    if (now >= scd_after + leeway) {
        throw SamlRejected("assertion expired");
    }
    if (Str(scd->InResponseTo) != expected_request_id) {
        throw SamlRejected("InResponseTo does not match the request");
    }
    SamlAssertion out;
    out.idp_entity_id = idp_id;
    out.assertion_id = a->ID;
    out.name_id = a->Subject->NameID->content;
    out.not_on_or_after = std::max(scd_after, not_after);
    if (Str(a->Subject->NameID->Format) == LASSO_SAML2_NAME_IDENTIFIER_FORMAT_EMAIL) {
        out.email = out.name_id;
    }
    for (GList* st = a->AttributeStatement; st != nullptr; st = st->next) {
        auto* as = static_cast<LassoSaml2AttributeStatement*>(st->data);
        for (GList* at = as->Attribute; at != nullptr; at = at->next) {
            auto* attr = static_cast<LassoSaml2Attribute*>(at->data);
            std::string name = Str(attr->Name);
            std::string value;
            if (attr->AttributeValue != nullptr) {
                auto* v = static_cast<LassoSaml2AttributeValue*>(attr->AttributeValue->data);
                if (v->any != nullptr && LASSO_IS_MISC_TEXT_NODE(v->any->data)) {
                    value = Str(LASSO_MISC_TEXT_NODE(v->any->data)->content);
                }
            }
            if (name == "email" || name == "mail" || name == "urn:oid:0.9.2342.19200300.100.1.3") {
                out.email = value;
            } else if (name == "displayName" || name == "name" || name == "urn:oid:2.16.840.1.113730.3.1.241") {
                out.display_name = value;
            }
        }
    }
    return out;
}

}  // namespace rounds::auth
