"""A SAML 2.0 identity provider for the SSO tests, built with python3-lasso: it reads the service provider's
real metadata and AuthnRequest (HTTP-Redirect binding) and answers with a real signed Response/Assertion
(HTTP-POST binding). Keys and certificates are made at test time. Options make one thing wrong at a time
(other signing key, expired, audience, tampering after signing, signatures stripped)."""
import base64
import datetime
import re
import urllib.parse

import lasso
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


def key_and_cert(cn):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    now = datetime.datetime.utcnow()
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30)).sign(key, hashes.SHA256()))
    return (key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                              serialization.NoEncryption()).decode(),
            cert.public_bytes(serialization.Encoding.PEM).decode())


def _utc(delta_minutes):
    return (datetime.datetime.utcnow() + datetime.timedelta(minutes=delta_minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def strip_signatures(b64):
    xml = base64.b64decode(b64).decode()
    xml = re.sub(r"<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\">.*?</Signature>", "", xml, flags=re.S)
    return base64.b64encode(xml.encode()).decode()


def strip_response_signature(b64):
    """Removes the Response's own signature (the one before the assertion), keeping the assertion's."""
    xml = base64.b64decode(b64).decode()
    assertion = xml.index("<saml:Assertion")
    start = xml.find('<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">')
    assert 0 <= start < assertion
    end = xml.index("</Signature>", start) + len("</Signature>")
    return base64.b64encode((xml[:start] + xml[end:]).encode()).decode()


def replace_in(b64, old, new):
    xml = base64.b64decode(b64).decode()
    assert old in xml
    return base64.b64encode(xml.replace(old, new).encode()).decode()


class SamlIdp:
    def __init__(self, entity_id="https://idp.saml.test/metadata"):
        self.entity_id = entity_id
        self.sso_url = "https://idp.saml.test/sso"
        self.key, self.cert = key_and_cert("idp")

    def metadata(self, cert=None):
        body = "".join(line for line in (cert or self.cert).splitlines() if "CERTIFICATE" not in line)
        return f'''<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{self.entity_id}">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{body}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{self.sso_url}"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>'''

    def respond(self, sp_metadata, redirect_url, email, name=None, *, forged=False, valid_minutes=5,
                audience=None, post=None):
        """Processes the AuthnRequest in `redirect_url` and returns the POST the browser would send to the ACS."""
        assert redirect_url.startswith(self.sso_url + "?"), redirect_url
        key, cert = key_and_cert("forger") if forged else (self.key, self.cert)
        server = lasso.Server.newFromBuffers(self.metadata(), key, None, cert)
        server.signatureMethod = lasso.SIGNATURE_METHOD_RSA_SHA256
        server.addProviderFromBuffer(lasso.PROVIDER_ROLE_SP, sp_metadata)
        login = lasso.Login(server)
        login.processAuthnRequestMsg(urllib.parse.urlsplit(redirect_url).query)
        login.validateRequestMsg(True, True)
        login.buildAssertion(lasso.SAML_AUTHENTICATION_METHOD_PASSWORD, _utc(0), None, _utc(-1),
                             _utc(valid_minutes))
        assertion = login.assertion
        assertion.subject.nameId.content = email
        assertion.subject.nameId.format = lasso.SAML2_NAME_IDENTIFIER_FORMAT_EMAIL
        # (Recipient and Destination are written by lasso from the SP metadata's ACS when the response is built.)
        if audience:
            assertion.conditions.audienceRestriction[0].audience = audience
        if name:
            value = lasso.Saml2AttributeValue()
            text = lasso.MiscTextNode.newWithString(name)
            text.textChild = True
            value.any = [text]
            attr = lasso.Saml2Attribute()
            attr.name = "displayName"
            attr.attributeValue = [value]
            statement = lasso.Saml2AttributeStatement()
            statement.attribute = [attr]
            assertion.attributeStatement = [statement]
        login.buildAuthnResponseMsg()
        body = login.msgBody
        if post:
            body = post(body)
        return {"acs": login.msgUrl, "SAMLResponse": body, "RelayState": login.msgRelayState}
