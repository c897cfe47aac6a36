#include "ingest/dataset.h"

namespace rounds::ingest {
namespace {

ColumnSpec Text(std::string name, std::vector<std::string> headers) {
    return ColumnSpec{std::move(name), ColumnType::kText, std::move(headers)};
}

ColumnSpec Typed(std::string name, ColumnType type, std::vector<std::string> headers,
                 OnInvalid on_invalid = OnInvalid::kReject) {
    ColumnSpec c{std::move(name), type, std::move(headers)};
    c.on_invalid = on_invalid;
    return c;
}

ColumnSpec Checked(std::string name, ColumnType type, std::vector<std::string> headers, Check check,
                   OnInvalid on_invalid = OnInvalid::kReject) {
    ColumnSpec c{std::move(name), type, std::move(headers)};
    c.check = check;
    c.on_invalid = on_invalid;
    return c;
}

ColumnSpec Required(ColumnSpec c) {
    c.required_header = true;
    c.required_value = true;
    return c;
}

ColumnSpec NpiColumn(std::vector<std::string> headers) {
    return Required(Checked("npi", ColumnType::kInt64, std::move(headers), Check::kNpi));
}

ColumnSpec DataYear() {
    ColumnSpec c{"data_year", ColumnType::kInt16, {}};
    c.source = ColumnSource::kDataYear;
    return c;
}

DatasetSpec Nppes() {
    DatasetSpec d{"nppes", "ref.stage_nppes", "npidata_pfile", {}, YearMode::kNone, true};
    d.row_hash = true;
    auto& c = d.columns;
    c.push_back(NpiColumn({"NPI"}));
    c.push_back(Checked("entity_type", ColumnType::kInt16, {"Entity Type Code"}, Check::kEntity));
    c.back().required_header = true;
    c.push_back(Checked("replacement_npi", ColumnType::kInt64, {"Replacement NPI"}, Check::kNpi, OnInvalid::kNull));
    c.push_back(Text("org_name", {"Provider Organization Name (Legal Business Name)"}));
    c.push_back(Text("last_name", {"Provider Last Name (Legal Name)"}));
    c.push_back(Text("first_name", {"Provider First Name"}));
    c.push_back(Text("middle_name", {"Provider Middle Name"}));
    c.push_back(Text("name_prefix", {"Provider Name Prefix Text"}));
    c.push_back(Text("name_suffix", {"Provider Name Suffix Text"}));
    c.push_back(Text("credential", {"Provider Credential Text"}));
    c.push_back(Text("other_org_name", {"Provider Other Organization Name"}));
    c.push_back(Text("other_last_name", {"Provider Other Last Name"}));
    c.push_back(Text("other_first_name", {"Provider Other First Name"}));
    c.push_back(Text("other_middle_name", {"Provider Other Middle Name"}));
    for (const std::string kind : {"mailing", "practice"}) {
        const std::string k = kind == "mailing" ? "Mailing" : "Practice Location";
        c.push_back(Text(kind + "_line1", {"Provider First Line Business " + k + " Address"}));
        c.push_back(Text(kind + "_line2", {"Provider Second Line Business " + k + " Address"}));
        c.push_back(Text(kind + "_city", {"Provider Business " + k + " Address City Name"}));
        c.push_back(Text(kind + "_state", {"Provider Business " + k + " Address State Name"}));
        c.push_back(Checked(kind + "_postal_code", ColumnType::kText,
                            {"Provider Business " + k + " Address Postal Code"}, Check::kNone));
        c.push_back(Text(kind + "_country", {"Provider Business " + k + " Address Country Code (If outside U.S.)"}));
        c.push_back(Text(kind + "_phone", {"Provider Business " + k + " Address Telephone Number"}));
        c.push_back(Text(kind + "_fax", {"Provider Business " + k + " Address Fax Number"}));
    }
    c.push_back(Typed("enumeration_date", ColumnType::kDate, {"Provider Enumeration Date"}));
    c.push_back(Typed("last_update_date", ColumnType::kDate, {"Last Update Date"}));
    c.push_back(Text("deactivation_reason", {"NPI Deactivation Reason Code"}));
    c.push_back(Typed("deactivation_date", ColumnType::kDate, {"NPI Deactivation Date"}));
    c.push_back(Typed("reactivation_date", ColumnType::kDate, {"NPI Reactivation Date"}));
    c.push_back(Text("gender", {"Provider Sex Code", "Provider Gender Code"}));
    for (int i = 1; i <= 15; ++i) {
        const std::string n = std::to_string(i);
        c.push_back(Checked("taxonomy_code_" + n, ColumnType::kText, {"Healthcare Provider Taxonomy Code_" + n},
                            Check::kTaxonomy, OnInvalid::kNull));
        c.push_back(Text("license_number_" + n, {"Provider License Number_" + n}));
        c.push_back(Text("license_state_" + n, {"Provider License Number State Code_" + n}));
        c.push_back(Typed("primary_switch_" + n, ColumnType::kBool,
                          {"Healthcare Provider Primary Taxonomy Switch_" + n}, OnInvalid::kNull));
        c.push_back(Text("taxonomy_group_" + n, {"Healthcare Provider Taxonomy Group_" + n}));
    }
    // "X" means "not answered": NULL, not a reject.
    c.push_back(Typed("sole_proprietor", ColumnType::kBool, {"Is Sole Proprietor"}, OnInvalid::kNull));
    c.push_back(Typed("org_subpart", ColumnType::kBool, {"Is Organization Subpart"}, OnInvalid::kNull));
    c.push_back(Text("parent_org_name", {"Parent Organization LBN"}));
    c.push_back(Typed("certification_date", ColumnType::kDate, {"Certification Date"}));
    return d;
}

DatasetSpec NppesLocations() {
    DatasetSpec d{"nppes-locations", "ref.stage_nppes_locations", "pl_pfile", {}, YearMode::kNone, true};
    auto& c = d.columns;
    const std::string p = "Provider Secondary Practice Location Address";
    c.push_back(NpiColumn({"NPI"}));
    c.push_back(Text("line1", {p + "- Address Line 1"}));
    c.push_back(Text("line2", {p + "- Address Line 2"}));
    c.push_back(Text("city", {p + " - City Name"}));
    c.push_back(Text("state", {p + " - State Name"}));
    c.push_back(Text("postal_code", {p + " - Postal Code"}));
    c.push_back(Text("country", {p + " - Country Code (If outside U.S.)"}));
    c.push_back(Text("phone", {p + " - Telephone Number"}));
    c.push_back(Text("phone_ext", {p + " - Telephone Extension"}));
    c.push_back(Text("fax", {"Provider Practice Location Address - Fax Number"}));
    return d;
}

DatasetSpec Nucc() {
    DatasetSpec d{"nucc", "ref.stage_nucc", "taxonomy", {}, YearMode::kNone, false};
    auto& c = d.columns;
    c.push_back(Required(Checked("code", ColumnType::kText, {"Code"}, Check::kTaxonomy)));
    c.push_back(Text("grouping", {"Grouping"}));
    c.push_back(Text("classification", {"Classification"}));
    c.push_back(Text("specialization", {"Specialization"}));
    c.push_back(Text("definition", {"Definition"}));
    c.push_back(Text("notes", {"Notes"}));
    c.push_back(Text("display_name", {"Display Name"}));
    c.push_back(Text("section", {"Section"}));
    return d;
}

DatasetSpec Dac() {
    DatasetSpec d{"dac", "ref.stage_dac", "DAC_NationalDownloadableFile", {}, YearMode::kNone, false};
    auto& c = d.columns;
    c.push_back(NpiColumn({"NPI"}));
    c.push_back(Text("pac_id", {"Ind_PAC_ID"}));
    c.push_back(Required(Text("enrollment_id", {"Ind_enrl_ID"})));
    c.push_back(Text("last_name", {"Provider Last Name", "lst_nm"}));
    c.push_back(Text("first_name", {"Provider First Name", "frst_nm"}));
    c.push_back(Text("middle_name", {"Provider Middle Name", "mid_nm"}));
    c.push_back(Text("suffix", {"suff"}));
    c.push_back(Text("gender", {"gndr"}));
    c.push_back(Text("credential", {"Cred"}));
    c.push_back(Text("med_school", {"Med_sch"}));
    c.push_back(Typed("grad_year", ColumnType::kInt16, {"Grd_yr"}, OnInvalid::kNull));
    c.push_back(Text("primary_specialty", {"pri_spec"}));
    for (int i = 1; i <= 4; ++i) {
        c.push_back(Text("secondary_specialty_" + std::to_string(i), {"sec_spec_" + std::to_string(i)}));
    }
    c.push_back(Text("secondary_specialties", {"sec_spec_all"}));
    c.push_back(Typed("telehealth", ColumnType::kBool, {"Telehlth"}, OnInvalid::kNull));
    c.push_back(Text("org_name", {"Facility Name", "org_nm"}));
    c.push_back(Text("org_pac_id", {"org_pac_id"}));
    c.push_back(Typed("org_member_count", ColumnType::kInt32, {"num_org_mem"}, OnInvalid::kNull));
    c.push_back(Text("line1", {"adr_ln_1"}));
    c.push_back(Text("line2", {"adr_ln_2"}));
    c.push_back(Typed("line2_suppressed", ColumnType::kBool, {"ln_2_sprs"}, OnInvalid::kNull));
    c.push_back(Text("city", {"City/Town", "cty"}));
    c.push_back(Checked("state", ColumnType::kText, {"State", "st"}, Check::kState, OnInvalid::kNull));
    c.push_back(Checked("postal_code", ColumnType::kText, {"ZIP Code", "zip"}, Check::kZip, OnInvalid::kNull));
    c.push_back(
        Checked("phone", ColumnType::kText, {"Telephone Number", "phn_numbr"}, Check::kPhone, OnInvalid::kNull));
    c.push_back(Text("ind_assignment", {"ind_assgn"}));
    c.push_back(Text("grp_assignment", {"grp_assgn"}));
    c.push_back(Text("address_id", {"adrs_id"}));
    return d;
}

DatasetSpec FacilityAffiliation() {
    DatasetSpec d{"facility-affiliation", "ref.stage_affiliation", "Facility_Affiliation", {}, YearMode::kNone, false};
    auto& c = d.columns;
    c.push_back(NpiColumn({"NPI"}));
    c.push_back(Text("pac_id", {"Ind_PAC_ID"}));
    c.push_back(Text("last_name", {"Provider Last Name", "lst_nm"}));
    c.push_back(Text("first_name", {"Provider First Name", "frst_nm"}));
    c.push_back(Text("facility_type", {"facility_type"}));
    c.push_back(
        Required(Checked("ccn", ColumnType::kText, {"Facility Affiliations Certification Number"}, Check::kCcn)));
    c.push_back(Text("parent_ccn", {"Facility Type Certification Number"}));
    return d;
}

DatasetSpec Hospitals() {
    DatasetSpec d{"hospitals", "ref.stage_hospitals", "Hospital_General_Information", {}, YearMode::kNone, false};
    auto& c = d.columns;
    c.push_back(Required(Checked("ccn", ColumnType::kText, {"Facility ID", "Provider ID"}, Check::kCcn)));
    c.push_back(Required(Text("name", {"Facility Name", "Hospital Name"})));
    c.push_back(Text("address", {"Address"}));
    c.push_back(Text("city", {"City/Town", "City"}));
    c.push_back(Checked("state", ColumnType::kText, {"State"}, Check::kState, OnInvalid::kNull));
    c.push_back(Checked("postal_code", ColumnType::kText, {"ZIP Code"}, Check::kZip, OnInvalid::kNull));
    c.push_back(Text("county", {"County/Parish", "County Name"}));
    c.push_back(
        Checked("phone", ColumnType::kText, {"Telephone Number", "Phone Number"}, Check::kPhone, OnInvalid::kNull));
    c.push_back(Text("hospital_type", {"Hospital Type"}));
    c.push_back(Text("ownership", {"Hospital Ownership"}));
    c.push_back(Typed("emergency_services", ColumnType::kBool, {"Emergency Services"}, OnInvalid::kNull));
    c.push_back(Typed("birthing_friendly", ColumnType::kBool, {"Meets criteria for birthing friendly designation"},
                      OnInvalid::kNull));
    // "Not Available" is a null marker: unknown, not zero stars.
    c.push_back(Typed("overall_rating", ColumnType::kInt16, {"Hospital overall rating"}));
    return d;
}

DatasetSpec PartB() {
    DatasetSpec d{"partb", "ref.stage_partb", "Prov_Svc", {}, YearMode::kRequired, false};
    auto& c = d.columns;
    c.push_back(DataYear());
    c.push_back(NpiColumn({"Rndrng_NPI"}));
    c.push_back(Text("last_org_name", {"Rndrng_Prvdr_Last_Org_Name"}));
    c.push_back(Text("first_name", {"Rndrng_Prvdr_First_Name"}));
    c.push_back(Text("middle_initial", {"Rndrng_Prvdr_MI"}));
    c.push_back(Text("credentials", {"Rndrng_Prvdr_Crdntls"}));
    c.push_back(Text("entity_code", {"Rndrng_Prvdr_Ent_Cd"}));
    c.push_back(Text("street1", {"Rndrng_Prvdr_St1"}));
    c.push_back(Text("street2", {"Rndrng_Prvdr_St2"}));
    c.push_back(Text("city", {"Rndrng_Prvdr_City"}));
    c.push_back(Text("state", {"Rndrng_Prvdr_State_Abrvtn"}));
    c.push_back(Text("zip5", {"Rndrng_Prvdr_Zip5"}));
    c.push_back(Text("provider_type", {"Rndrng_Prvdr_Type"}));
    c.push_back(
        Typed("medicare_participating", ColumnType::kBool, {"Rndrng_Prvdr_Mdcr_Prtcptg_Ind"}, OnInvalid::kNull));
    c.push_back(Required(Text("hcpcs_code", {"HCPCS_Cd"})));
    c.push_back(Text("hcpcs_desc", {"HCPCS_Desc"}));
    c.push_back(Typed("hcpcs_drug", ColumnType::kBool, {"HCPCS_Drug_Ind"}, OnInvalid::kNull));
    c.push_back(Required(Text("place_of_service", {"Place_Of_Srvc"})));
    c.push_back(Typed("tot_benes", ColumnType::kInt32, {"Tot_Benes"}));
    c.push_back(Typed("tot_srvcs", ColumnType::kFloat64, {"Tot_Srvcs"}));
    c.push_back(Typed("tot_bene_day_srvcs", ColumnType::kFloat64, {"Tot_Bene_Day_Srvcs"}));
    c.push_back(Typed("avg_sbmtd_chrg", ColumnType::kFloat64, {"Avg_Sbmtd_Chrg"}));
    c.push_back(Typed("avg_mdcr_alowd_amt", ColumnType::kFloat64, {"Avg_Mdcr_Alowd_Amt"}));
    c.push_back(Typed("avg_mdcr_pymt_amt", ColumnType::kFloat64, {"Avg_Mdcr_Pymt_Amt"}));
    c.push_back(Typed("avg_mdcr_stdzd_amt", ColumnType::kFloat64, {"Avg_Mdcr_Stdzd_Amt"}));
    return d;
}

DatasetSpec PartD() {
    DatasetSpec d{"partd", "ref.stage_partd", "NPIBN", {}, YearMode::kRequired, false};
    auto& c = d.columns;
    c.push_back(DataYear());
    c.push_back(NpiColumn({"Prscrbr_NPI"}));
    c.push_back(Text("last_org_name", {"Prscrbr_Last_Org_Name"}));
    c.push_back(Text("first_name", {"Prscrbr_First_Name"}));
    c.push_back(Text("city", {"Prscrbr_City"}));
    c.push_back(Text("state", {"Prscrbr_State_Abrvtn"}));
    c.push_back(Text("prescriber_type", {"Prscrbr_Type"}));
    c.push_back(Text("prescriber_type_src", {"Prscrbr_Type_Src"}));
    c.push_back(Required(Text("brand_name", {"Brnd_Name"})));
    c.push_back(Required(Text("generic_name", {"Gnrc_Name"})));
    c.push_back(Typed("tot_clms", ColumnType::kInt64, {"Tot_Clms"}));
    c.push_back(Typed("tot_30day_fills", ColumnType::kFloat64, {"Tot_30day_Fills"}));
    c.push_back(Typed("tot_day_suply", ColumnType::kInt64, {"Tot_Day_Suply"}));
    c.push_back(Typed("tot_drug_cst_cents", ColumnType::kCents, {"Tot_Drug_Cst"}));
    c.push_back(Typed("tot_benes", ColumnType::kInt32, {"Tot_Benes"}));
    c.push_back(Text("ge65_sprsn_flag", {"GE65_Sprsn_Flag"}));
    c.push_back(Typed("ge65_tot_clms", ColumnType::kInt64, {"GE65_Tot_Clms"}));
    c.push_back(Typed("ge65_tot_30day_fills", ColumnType::kFloat64, {"GE65_Tot_30day_Fills"}));
    c.push_back(Typed("ge65_tot_drug_cst_cents", ColumnType::kCents, {"GE65_Tot_Drug_Cst"}));
    c.push_back(Typed("ge65_tot_day_suply", ColumnType::kInt64, {"GE65_Tot_Day_Suply"}));
    c.push_back(Text("ge65_bene_sprsn_flag", {"GE65_Bene_Sprsn_Flag"}));
    c.push_back(Typed("ge65_tot_benes", ColumnType::kInt32, {"GE65_Tot_Benes"}));
    return d;
}

DatasetSpec OpenPayments() {
    DatasetSpec d{"open-payments", "ref.stage_open_payments", "OP_DTL", {}, YearMode::kNone, false};
    auto& c = d.columns;
    ColumnSpec kind{"payment_kind", ColumnType::kText, {}};
    kind.source = ColumnSource::kPaymentKind;
    c.push_back(kind);
    c.push_back(Required(Text("record_id", {"Record_ID"})));
    c.push_back(Required(Typed("program_year", ColumnType::kInt16, {"Program_Year"})));
    c.push_back(Text("change_type", {"Change_Type"}));
    c.push_back(Text("recipient_type", {"Covered_Recipient_Type"}));
    c.push_back(Checked("npi", ColumnType::kInt64, {"Covered_Recipient_NPI", "Physician_NPI"}, Check::kNpi));
    c.push_back(Text("profile_id", {"Covered_Recipient_Profile_ID", "Physician_Profile_ID"}));
    c.push_back(Text("first_name", {"Covered_Recipient_First_Name", "Physician_First_Name"}));
    c.push_back(Text("last_name", {"Covered_Recipient_Last_Name", "Physician_Last_Name"}));
    c.push_back(Text("teaching_hospital_ccn", {"Teaching_Hospital_CCN"}));
    c.push_back(Text("recipient_city", {"Recipient_City"}));
    c.push_back(Text("recipient_state", {"Recipient_State"}));
    c.push_back(Text("payer_id", {"Applicable_Manufacturer_or_Applicable_GPO_Making_Payment_ID"}));
    c.push_back(Text("payer_name", {"Applicable_Manufacturer_or_Applicable_GPO_Making_Payment_Name"}));
    c.push_back(Text("payer_state", {"Applicable_Manufacturer_or_Applicable_GPO_Making_Payment_State"}));
    c.push_back(Required(Typed("amount_cents", ColumnType::kCents,
                               {"Total_Amount_of_Payment_USDollars", "Total_Amount_Invested_USDollars"})));
    c.push_back(Typed("payment_date", ColumnType::kDate, {"Date_of_Payment"}));
    c.push_back(Typed("number_of_payments", ColumnType::kInt32, {"Number_of_Payments_Included_in_Total_Amount"}));
    c.push_back(Text("form_of_payment", {"Form_of_Payment_or_Transfer_of_Value"}));
    c.push_back(Text("nature_of_payment", {"Nature_of_Payment_or_Transfer_of_Value"}));
    c.push_back(Text("product_type_1", {"Indicate_Drug_or_Biological_or_Device_or_Medical_Supply_1"}));
    c.push_back(Text("product_category_1", {"Product_Category_or_Therapeutic_Area_1"}));
    c.push_back(Text("product_name_1", {"Name_of_Drug_or_Biological_or_Device_or_Medical_Supply_1"}));
    c.push_back(Text("product_ndc_1", {"Associated_Drug_or_Biological_NDC_1"}));
    c.push_back(Text("dispute_status", {"Dispute_Status_for_Publication"}));
    c.push_back(Typed("publication_date", ColumnType::kDate, {"Payment_Publication_Date"}));
    return d;
}

DatasetSpec Zcta() {
    DatasetSpec d{"zcta", "ref.stage_zcta", "zcta", {}, YearMode::kNone, false};
    auto& c = d.columns;
    c.push_back(Required(Checked("zip5", ColumnType::kText, {"GEOID"}, Check::kZip)));
    c.push_back(Typed("aland", ColumnType::kInt64, {"ALAND"}, OnInvalid::kNull));
    c.push_back(Typed("awater", ColumnType::kInt64, {"AWATER"}, OnInvalid::kNull));
    c.push_back(Required(Typed("lat", ColumnType::kFloat64, {"INTPTLAT"})));
    c.push_back(Required(Typed("lng", ColumnType::kFloat64, {"INTPTLONG"})));
    return d;
}

const std::vector<DatasetSpec>& AllDatasets() {
    static const std::vector<DatasetSpec> kAll = {
        Nppes(), NppesLocations(), Nucc(),         Dac(), Hospitals(), FacilityAffiliation(),
        PartB(), PartD(),          OpenPayments(), Zcta()};
    return kAll;
}

}  // namespace

const DatasetSpec* FindDataset(std::string_view name) {
    for (const DatasetSpec& d : AllDatasets()) {
        if (d.name == name) {
            return &d;
        }
    }
    return nullptr;
}

std::vector<std::string> DatasetNames() {
    std::vector<std::string> names;
    for (const DatasetSpec& d : AllDatasets()) {
        names.push_back(d.name);
    }
    return names;
}

// Hand-written scanners rather than std::regex: GCC 12 reports false maybe-uninitialized warnings inside
// <regex> under the sanitizer build, and these patterns are simple.
namespace {

bool IsDigit(char c) {
    return c >= '0' && c <= '9';
}
bool IsSep(char c) {
    return c == '_' || c == '-' || c == '.';
}
char Up(char c) {
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

// Number of consecutive digits at s[i].
size_t DigitRun(std::string_view s, size_t i) {
    size_t n = 0;
    while (i + n < s.size() && IsDigit(s[i + n])) {
        ++n;
    }
    return n;
}

int ToInt(std::string_view s) {
    int v = 0;
    for (char c : s) {
        v = v * 10 + (c - '0');
    }
    return v;
}

}  // namespace

std::optional<int> InferYearFromFileName(std::string_view file_name) {
    const size_t slash = file_name.find_last_of('/');
    const std::string_view base = slash == std::string_view::npos ? file_name : file_name.substr(slash + 1);
    // `_D23_` / `_DY24_` (two digits between separators).
    for (size_t i = 0; i < base.size(); ++i) {
        if (Up(base[i]) != 'D' || (i > 0 && !IsSep(base[i - 1]))) {
            continue;
        }
        const size_t d = i + 1 < base.size() && Up(base[i + 1]) == 'Y' ? i + 2 : i + 1;
        if (DigitRun(base, d) == 2 && (d + 2 == base.size() || IsSep(base[d + 2]))) {
            return 2000 + ToInt(base.substr(d, 2));
        }
    }
    // `DY2024` / `PGYR2024`.
    for (std::string_view tag : {"DY", "PGYR"}) {
        for (size_t i = 0; i + tag.size() + 4 <= base.size(); ++i) {
            bool match = true;
            for (size_t k = 0; k < tag.size(); ++k) {
                match = match && Up(base[i + k]) == tag[k];
            }
            if (match && DigitRun(base, i + tag.size()) >= 4) {
                return ToInt(base.substr(i + tag.size(), 4));
            }
        }
    }
    // A standalone 20xx.
    for (size_t i = 0; i + 4 <= base.size(); ++i) {
        if ((i == 0 || !IsDigit(base[i - 1])) && DigitRun(base, i) == 4 && base[i] == '2' && base[i + 1] == '0') {
            return ToInt(base.substr(i, 4));
        }
    }
    return std::nullopt;
}

std::optional<bool> InferNppesIncremental(std::string_view file_name) {
    for (size_t i = 0; i + 17 <= file_name.size(); ++i) {
        if ((i == 0 || !IsDigit(file_name[i - 1])) && DigitRun(file_name, i) == 8 && file_name[i + 8] == '-' &&
            DigitRun(file_name, i + 9) == 8) {
            // Full files cover everything since the first enumerations in May 2005.
            return file_name.substr(i, 4) != "2005";
        }
    }
    return std::nullopt;
}

std::string_view PgTypeName(ColumnType type) {
    switch (type) {
        case ColumnType::kText:
            return "text";
        case ColumnType::kInt16:
            return "smallint";
        case ColumnType::kInt32:
            return "integer";
        case ColumnType::kInt64:
        case ColumnType::kCents:
            return "bigint";
        case ColumnType::kFloat64:
            return "double precision";
        case ColumnType::kDate:
            return "date";
        case ColumnType::kBool:
            return "boolean";
    }
    return "text";
}

}  // namespace rounds::ingest
