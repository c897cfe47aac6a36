// Static reference tables for the synthetic CMS release generator.
//
// Everything here is hand-written (names, streets, drugs, procedure codes, manufacturers) except
// the taxonomy rows (codes and display names copied from NUCC v25.1; a test checks them against
// /work/shared/data/cms/nucc_taxonomy.csv) and the ZIP rows (real Census ZCTA values for the Twin
// Cities metro, copied from the shared gazetteer sample; a test checks them too).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace rounds::gen {

enum class Family : std::uint8_t {
    kPrimaryCare,
    kPediatrics,
    kPsych,
    kObGyn,
    kEmergency,
    kAnesthesia,
    kRadiology,
    kSurgery,
    kCardio,
    kOrtho,
    kDerm,
    kGI,
    kNeuro,
    kOphth,
    kOncology,
    kPulm,
    kNephro,
    kEndo,
    kUrology,
    kRheum,
    kID,
    kAllergy,
    kENT,
    kPain,
    kPathology,
    kOther,
    kCount
};

// Professional kind: drives credentials, Open Payments recipient type, Part D presence.
enum class Kind : std::uint8_t { kMD, kNP, kPA, kDentist, kOptometrist, kPT, kChiro };

constexpr std::uint32_t Bit(Family f) {
    return 1u << static_cast<unsigned>(f);
}
template <typename... F>
constexpr std::uint32_t Fams(F... f) {
    return (Bit(f) | ...);
}
constexpr std::uint32_t kAllFamilies = (1u << static_cast<unsigned>(Family::kCount)) - 1u;

struct Specialty {
    std::string_view taxonomy;   // NUCC code
    std::string_view display;    // NUCC "Display Name"
    std::string_view nucc_path;  // Grouping|Classification[|Specialization] (Open Payments style)
    std::string_view medicare;   // Medicare provider type (Part B / Part D), Title case
    std::string_view dac;        // DAC pri_spec (upper case)
    Family family;
    Kind kind;
    double weight;  // relative frequency among individual NPIs
};

struct ZipInfo {
    std::string_view zip;
    std::string_view city;    // upper case USPS city
    std::string_view county;  // upper case county (Hospital General Information)
    std::string_view area_code;
    // Gazetteer columns verbatim (text, as in the Census file).
    std::string_view aland, awater, aland_sqmi, awater_sqmi, intptlong, intptlat;
    double lat, lng;
};

struct Drug {
    std::string_view brand;    // Part D Brnd_Name (Title case; generics repeat the generic name)
    std::string_view generic;  // Part D Gnrc_Name
    double cost_per_fill;      // dollars per 30-day fill
    double trend;              // DY2024 volume / DY2023 volume
    std::uint32_t families;    // bit mask of Family values that prescribe it
};

struct Hcpcs {
    std::string_view code;
    std::string_view desc;
    bool drug;               // HCPCS_Drug_Ind
    double charge;           // typical submitted charge (dollars)
    double allowed;          // typical allowed amount (dollars)
    double facility_share;   // share of rows with Place_Of_Srvc = F
    std::uint32_t families;  // bit mask of Family values that bill it
};

struct Product {
    std::string_view name;
    std::string_view type;      // Drug / Biological / Device
    std::string_view category;  // therapeutic area
    std::string_view ndc;       // may be empty (devices)
};

struct Manufacturer {
    std::string_view name;
    std::string_view id;  // 12-digit Open Payments manufacturer ID
    std::string_view state;
    std::string_view country;
    std::span<const Product> products;
    std::uint32_t families;  // bit mask of Family values it pays
};

struct Nature {
    std::string_view name;
    std::string_view form;  // Form_of_Payment_or_Transfer_of_Value
    double weight;          // share of records
    double median;          // median amount in dollars (log-normal)
    double sigma;           // log-normal sigma (long tail)
};

std::span<const Specialty> Specialties();
std::span<const ZipInfo> TwinCitiesZips();
std::span<const std::string_view> MaleFirstNames();
std::span<const std::string_view> FemaleFirstNames();
std::span<const std::string_view> LastNames();
std::span<const std::string_view> StreetNames();
std::span<const std::string_view> MedSchools();
std::span<const std::string_view> DoMedSchools();
std::span<const std::string_view> OrgNameStems();
std::span<const std::string_view> OrgNameKinds(Family family);
std::span<const std::string_view> HospitalNameStems();
std::span<const Drug> Drugs();
std::span<const std::uint16_t> DrugPool(Family family);
std::span<const Hcpcs> HcpcsCodes();
std::span<const std::uint16_t> HcpcsPool(Family family);
std::span<const Manufacturer> Manufacturers();
std::span<const std::uint16_t> ManufacturerPool(Family family);
std::span<const Nature> Natures();

}  // namespace rounds::gen
