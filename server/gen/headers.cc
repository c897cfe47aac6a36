#include "gen/headers.h"

namespace rounds::gen {

const std::string& NppesHeader() {
    static const std::string header = [] {
        std::string h;
        auto add = [&h](const std::string& name) {
            if (!h.empty())
                h += ',';
            h += '"';
            h += name;
            h += '"';
        };
        for (const char* n : {"NPI",
                              "Entity Type Code",
                              "Replacement NPI",
                              "Employer Identification Number (EIN)",
                              "Provider Organization Name (Legal Business Name)",
                              "Provider Last Name (Legal Name)",
                              "Provider First Name",
                              "Provider Middle Name",
                              "Provider Name Prefix Text",
                              "Provider Name Suffix Text",
                              "Provider Credential Text",
                              "Provider Other Organization Name",
                              "Provider Other Organization Name Type Code",
                              "Provider Other Last Name",
                              "Provider Other First Name",
                              "Provider Other Middle Name",
                              "Provider Other Name Prefix Text",
                              "Provider Other Name Suffix Text",
                              "Provider Other Credential Text",
                              "Provider Other Last Name Type Code",
                              "Provider First Line Business Mailing Address",
                              "Provider Second Line Business Mailing Address",
                              "Provider Business Mailing Address City Name",
                              "Provider Business Mailing Address State Name",
                              "Provider Business Mailing Address Postal Code",
                              "Provider Business Mailing Address Country Code (If outside U.S.)",
                              "Provider Business Mailing Address Telephone Number",
                              "Provider Business Mailing Address Fax Number",
                              "Provider First Line Business Practice Location Address",
                              "Provider Second Line Business Practice Location Address",
                              "Provider Business Practice Location Address City Name",
                              "Provider Business Practice Location Address State Name",
                              "Provider Business Practice Location Address Postal Code",
                              "Provider Business Practice Location Address Country Code (If outside U.S.)",
                              "Provider Business Practice Location Address Telephone Number",
                              "Provider Business Practice Location Address Fax Number",
                              "Provider Enumeration Date",
                              "Last Update Date",
                              "NPI Deactivation Reason Code",
                              "NPI Deactivation Date",
                              "NPI Reactivation Date",
                              "Provider Sex Code",
                              "Authorized Official Last Name",
                              "Authorized Official First Name",
                              "Authorized Official Middle Name",
                              "Authorized Official Title or Position",
                              "Authorized Official Telephone Number"}) {
            add(n);
        }
        for (int i = 1; i <= 15; ++i) {
            const std::string s = std::to_string(i);
            add("Healthcare Provider Taxonomy Code_" + s);
            add("Provider License Number_" + s);
            add("Provider License Number State Code_" + s);
            add("Healthcare Provider Primary Taxonomy Switch_" + s);
        }
        for (int i = 1; i <= 50; ++i) {
            const std::string s = std::to_string(i);
            add("Other Provider Identifier_" + s);
            add("Other Provider Identifier Type Code_" + s);
            add("Other Provider Identifier State_" + s);
            add("Other Provider Identifier Issuer_" + s);
        }
        for (const char* n : {"Is Sole Proprietor", "Is Organization Subpart", "Parent Organization LBN",
                              "Parent Organization TIN", "Authorized Official Name Prefix Text",
                              "Authorized Official Name Suffix Text", "Authorized Official Credential Text"}) {
            add(n);
        }
        for (int i = 1; i <= 15; ++i)
            add("Healthcare Provider Taxonomy Group_" + std::to_string(i));
        add("Certification Date");
        return h;
    }();
    return header;
}

}  // namespace rounds::gen
