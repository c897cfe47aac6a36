// Deterministic synthetic population: random streams, NPI space, physicians, groups, hospitals.
//
// Nothing here holds per-physician state: every entity is recomputed on demand from
// (seed, entity kind, index) so that each output file can be streamed independently, in any
// order or in parallel, and all files agree on every NPI, name and address.
#pragma once

#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

#include "gen/tables.h"

namespace rounds::gen {

__extension__ typedef unsigned __int128 U128;  // NOLINT(modernize-use-using): __extension__ needs typedef

inline std::uint64_t SplitMix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}
inline std::uint64_t Mix(std::uint64_t a, std::uint64_t b) {
    return SplitMix(a ^ SplitMix(b + 0x632BE59BD9B4E019ull));
}
inline std::uint64_t Mix(std::uint64_t a, std::uint64_t b, std::uint64_t c) {
    return Mix(Mix(a, b), c);
}

// Stream identifiers (sub-seeds) so each file/aspect draws from an independent sequence.
enum Stream : std::uint64_t {
    kSPerson = 1,
    kSOrg,
    kSHosp,
    kSSite,
    kSPartB,
    kSPartD,
    kSPay,
    kSNpi,
    kSPac,
    kSPl,
    kSDac,
    kSHospAff,
};

// splitmix64 sequence: tiny state, passes BigCrush, fast.
class Rng {
  public:
    explicit Rng(std::uint64_t seed) : s_(seed) {}
    std::uint64_t Next() {
        std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
    std::uint32_t Below(std::uint64_t n) { return static_cast<std::uint32_t>((static_cast<U128>(Next()) * n) >> 64); }
    std::uint32_t Range(std::uint32_t lo, std::uint32_t hi) { return lo + Below(hi - lo + 1); }  // inclusive
    bool Chance(double p) { return Uniform() < p; }
    double Normal() {
        const double u1 = Uniform() + 1e-300;
        const double u2 = Uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
    double LogNormal(double median, double sigma) { return median * std::exp(sigma * Normal()); }
    template <typename T>
    const T& Pick(const T* items, std::size_t n) {
        return items[Below(n)];
    }

  private:
    std::uint64_t s_;
};

bool NpiIsValid(std::uint64_t npi);

// Keyed bijection on [0, 10^8) (4-round Feistel on 28 bits with cycle walking).
class IdPermutation {
  public:
    explicit IdPermutation(std::uint64_t key);
    std::uint32_t Map(std::uint32_t x) const;

  private:
    std::uint32_t Round(std::uint32_t half, int r) const;
    std::uint32_t keys_[4];
};

struct Addr {
    std::uint32_t number = 0;
    std::uint16_t street = 0;
    std::uint16_t suite = 0;  // 0 = none
    std::uint8_t suite_kind = 0;
    std::uint16_t zip = 0;  // index into the ZIP table
    std::uint16_t plus4 = 0;
    std::uint32_t phone = 0;  // 7-digit local number (area code from the ZIP)
    std::uint32_t fax = 0;    // 0 = none
    bool po_box = false;
};

struct Hospital {
    std::uint32_t index = 0;
    char ccn[7] = {};
    std::uint16_t stem = 0;
    std::uint8_t name_kind = 0;
    std::uint8_t type = 0;  // 0 acute, 1 critical access, 2 psychiatric, 3 childrens
    std::uint8_t ownership = 0;
    Addr addr;
    int rating = 0;  // 0 = Not Available
    bool emergency = true;
    bool birthing = false;
};

struct Org {
    std::uint64_t index = 0;
    std::uint64_t npi = 0;
    std::uint64_t pac = 0;
    bool is_hospital = false;
    std::uint32_t hospital = 0;  // when is_hospital
    bool multi = false;          // multi-specialty group
    Family family = Family::kPrimaryCare;
    std::uint16_t stem = 0;
    std::uint16_t kind = 0;
    std::uint32_t sites = 1;
    std::uint32_t members = 1;    // nominal group size (DAC num_org_mem)
    std::int32_t enumerated = 0;  // days since epoch
    std::int32_t updated = 0;
    bool deactivated = false;
    Addr site0;
};

struct Location {
    std::int64_t org = -1;  // -1: own practice
    std::uint32_t site = 0;
    Addr addr;
};

struct Person {
    std::uint64_t index = 0;
    std::uint64_t npi = 0;
    std::uint64_t pac = 0;
    std::uint16_t spec = 0;   // index into Specialties()
    std::int16_t spec2 = -1;  // secondary specialty or -1
    bool female = false;
    std::string_view first, middle, last, other_last;
    std::string_view suffix, prefix, credential;
    bool middle_initial = false;
    std::int32_t enumerated = 0;
    std::int32_t updated = 0;
    std::int32_t certified = 0;  // 0 = none
    bool deactivated = false;
    std::int32_t deactivated_on = 0;
    std::uint32_t license = 0;
    std::uint16_t grad_year = 0;
    std::uint16_t school = 0;
    bool do_school = false;
    std::uint8_t n_loc = 1;
    Location loc[4];
    bool mail_differs = false;
    Addr mail;
    std::uint8_t n_hosp = 0;
    std::uint32_t hosp[3] = {};
    bool medicare = true;  // enrolled in Medicare (DAC, Part B/D)
    std::uint64_t enrl_seq = 0;
};

struct RegionZip {
    std::uint16_t table_index;
    double weight;
};

struct GenOptions;

// Everything shared by all writers: sizes, ZIP distribution, hospitals (small), permutations.
class Universe {
  public:
    Universe(std::uint64_t seed, std::uint64_t physicians, const std::vector<std::uint16_t>& zips);

    std::uint64_t seed() const { return seed_; }
    std::uint64_t physicians() const { return n_phys_; }
    std::uint64_t orgs() const { return n_orgs_; }
    const std::vector<Hospital>& hospitals() const { return hospitals_; }
    const std::vector<std::uint16_t>& zips() const { return zips_; }
    const ZipInfo& Zip(std::uint16_t idx) const { return TwinCitiesZips()[idx]; }

    Person MakePerson(std::uint64_t i) const;
    Org MakeOrg(std::uint64_t j) const;
    Addr OrgSite(const Org& org, std::uint32_t k) const;
    std::uint64_t PersonNpi(std::uint64_t i) const { return NpiFor(i); }
    std::uint64_t OrgNpi(std::uint64_t j) const { return NpiFor(n_phys_ + j); }
    std::uint64_t OrgPac(std::uint64_t j) const { return PacFor(n_phys_ + j); }

    std::uint16_t PickZip(Rng& rng) const;
    Addr MakeAddr(Rng& rng, std::uint16_t zip) const;

  private:
    std::uint64_t NpiFor(std::uint64_t entity) const;
    std::uint64_t PacFor(std::uint64_t entity) const;
    std::uint64_t PickGroup(Rng& rng, Family f) const;

    std::uint64_t seed_;
    std::uint64_t n_phys_;
    std::uint64_t n_orgs_;
    std::uint64_t n_groups_;  // non-hospital orgs
    std::uint64_t n_blocks_;  // group blocks (see PickGroup)
    IdPermutation npi_perm_;
    std::vector<std::uint16_t> zips_;
    std::vector<double> zip_cdf_;
    std::vector<double> spec_cdf_;
    std::vector<std::uint8_t> slot_family_;  // single-specialty group slot -> family
    std::vector<std::vector<std::uint16_t>> family_slots_;
    std::vector<Hospital> hospitals_;
};

// Shared day-number constants.
inline const std::int32_t kNppesStart = 12926;  // 05/23/2005
std::int32_t Day(int y, unsigned m, unsigned d);

}  // namespace rounds::gen
