#include "gen/model.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>

#include "core/npi.h"
#include "gen/writer.h"

namespace rounds::gen {

std::int32_t Day(int y, unsigned m, unsigned d) {
    return DaysFromCivil(y, m, d);
}

bool NpiIsValid(std::uint64_t npi) {
    if (npi < 1000000000ull || npi > 9999999999ull)
        return false;
    return core::NpiCheckDigit(npi / 10) == static_cast<int>(npi % 10);
}

IdPermutation::IdPermutation(std::uint64_t key) {
    std::uint64_t k = key;
    for (auto& rk : keys_) {
        k = SplitMix(k);
        rk = static_cast<std::uint32_t>(k);
    }
}

std::uint32_t IdPermutation::Round(std::uint32_t half, int r) const {
    std::uint64_t x = (static_cast<std::uint64_t>(half) << 32) ^ keys_[r];
    return static_cast<std::uint32_t>(SplitMix(x)) & 0x3FFFu;
}

std::uint32_t IdPermutation::Map(std::uint32_t x) const {
    constexpr std::uint32_t kDomain = 100000000u;
    do {
        std::uint32_t l = x >> 14;
        std::uint32_t r = x & 0x3FFFu;
        for (int i = 0; i < 4; ++i) {
            const std::uint32_t nl = r;
            r = l ^ Round(r, i);
            l = nl;
        }
        x = (l << 14) | r;
    } while (x >= kDomain);  // cycle walking keeps the map a bijection on [0, 10^8)
    return x;
}

namespace {

constexpr std::uint32_t kSlots = 200;  // single-specialty group slots per block
constexpr double kZipfExp = 3.0;       // block b chosen as floor(blocks * u^3)

double FamilyWeight(Family f) {
    double w = 0;
    for (const auto& s : Specialties()) {
        if (s.family == f)
            w += s.weight;
    }
    return w;
}

std::uint16_t PickFrom(const std::vector<double>& cdf, double u) {
    const auto it = std::upper_bound(cdf.begin(), cdf.end(), u * cdf.back());
    return static_cast<std::uint16_t>(
        std::min<std::size_t>(static_cast<std::size_t>(it - cdf.begin()), cdf.size() - 1));
}

double Km(double lat1, double lng1, double lat2, double lng2) {
    const double dy = (lat1 - lat2) * 111.0;
    const double dx = (lng1 - lng2) * 111.0 * 0.7071;  // cos(45 deg)
    return std::sqrt(dx * dx + dy * dy);
}

bool HospitalBased(Family f) {
    switch (f) {
        case Family::kSurgery:
        case Family::kCardio:
        case Family::kEmergency:
        case Family::kAnesthesia:
        case Family::kRadiology:
        case Family::kPathology:
        case Family::kOrtho:
        case Family::kGI:
        case Family::kOncology:
        case Family::kPulm:
        case Family::kNephro:
        case Family::kNeuro:
        case Family::kObGyn:
        case Family::kID:
            return true;
        default:
            return false;
    }
}

}  // namespace

Universe::Universe(std::uint64_t seed, std::uint64_t physicians, const std::vector<std::uint16_t>& zips)
    : seed_(seed), n_phys_(physicians), npi_perm_(Mix(seed, kSNpi)), zips_(zips) {
    // Organisations are ~15% of NPPES rows: orgs / (orgs + physicians) = 0.15.
    n_orgs_ = std::max<std::uint64_t>(4, physicians * 3 / 17);
    const auto n_hosp = static_cast<std::uint32_t>(std::clamp<std::uint64_t>(physicians / 400, 3, 600));
    n_groups_ = n_orgs_ - n_hosp;
    n_blocks_ = std::max<std::uint64_t>(1, (n_groups_ + 2 * kSlots - 1) / (2 * kSlots));

    // ZIP weights: dense around downtown Minneapolis and downtown Saint Paul, sparser suburbs.
    const auto table = TwinCitiesZips();
    double acc = 0;
    for (auto z : zips_) {
        const auto& zi = table[z];
        const double d1 = Km(zi.lat, zi.lng, 44.9778, -93.2650);  // Minneapolis
        const double d2 = Km(zi.lat, zi.lng, 44.9537, -93.0900);  // Saint Paul
        const double w = 0.35 + 6.0 * std::exp(-d1 / 3.0) + 3.0 * std::exp(-d2 / 3.0) + 1.2 * std::exp(-d1 / 12.0);
        acc += w;
        zip_cdf_.push_back(acc);
    }
    double sacc = 0;
    for (const auto& s : Specialties()) {
        sacc += s.weight;
        spec_cdf_.push_back(sacc);
    }

    // Single-specialty group slots proportional to the family's share of providers.
    constexpr auto kFam = static_cast<std::size_t>(Family::kCount);
    family_slots_.resize(kFam);
    std::array<double, kFam> fw{};
    double total = 0;
    for (std::size_t f = 0; f < kFam; ++f) {
        fw[f] = FamilyWeight(static_cast<Family>(f));
        total += fw[f];
    }
    for (std::size_t f = 0; f < kFam && slot_family_.size() < kSlots; ++f) {
        if (fw[f] <= 0)
            continue;
        const auto n = std::max<std::size_t>(1, static_cast<std::size_t>(fw[f] / total * kSlots));
        for (std::size_t k = 0; k < n && slot_family_.size() < kSlots; ++k)
            slot_family_.push_back(static_cast<std::uint8_t>(f));
    }
    while (slot_family_.size() < kSlots)
        slot_family_.push_back(static_cast<std::uint8_t>(Family::kPrimaryCare));
    for (std::uint32_t s = 0; s < kSlots; ++s)
        family_slots_[slot_family_[s]].push_back(static_cast<std::uint16_t>(s));

    // Hospitals (at most 600: small, kept in memory).
    std::uint32_t acute = 0, cah = 0, psych = 0, child = 0;
    hospitals_.reserve(n_hosp);
    for (std::uint32_t h = 0; h < n_hosp; ++h) {
        Rng r(Mix(seed_, kSHosp, h));
        Hospital hp;
        hp.index = h;
        const double u = r.Uniform();
        unsigned num = 0;
        if (h < 2 || u < 0.72) {
            hp.type = 0;
            num = 1 + (acute++ * 37u) % 879u;
        } else if (u < 0.88 && cah < 100) {
            hp.type = 1;
            num = 1300 + cah++;
        } else if (u < 0.96 && psych < 500) {
            hp.type = 2;
            num = 4000 + psych++;
        } else if (child < 100) {
            hp.type = 3;
            num = 3300 + child++;
        } else {
            hp.type = 0;
            num = 1 + (acute++ * 37u) % 879u;
        }
        std::snprintf(hp.ccn, sizeof hp.ccn, "24%04u", num % 10000u);
        hp.stem = static_cast<std::uint16_t>(h % HospitalNameStems().size());
        hp.name_kind = static_cast<std::uint8_t>(r.Below(4));
        static constexpr double kOwn[] = {0.42, 0.20, 0.12, 0.08, 0.07, 0.06, 0.03, 0.02};
        double ou = r.Uniform();
        hp.ownership = 0;
        while (hp.ownership < 7 && ou >= kOwn[hp.ownership])
            ou -= kOwn[hp.ownership++];
        // Hospitals sit in ZIPs drawn from the same clustered distribution (critical access: outer ring).
        hp.addr = MakeAddr(r, PickZip(r));
        hp.addr.suite = 0;
        hp.addr.suite_kind = 0;
        hp.rating = r.Chance(hp.type == 0 ? 0.28 : 0.9) ? 0 : static_cast<int>(r.Range(1, 5));
        hp.emergency = hp.type != 2 || r.Chance(0.3);
        hp.birthing = hp.type == 0 && r.Chance(0.55);
        hospitals_.push_back(hp);
    }
}

std::uint64_t Universe::NpiFor(std::uint64_t entity) const {
    const std::uint64_t base9 = 100000000ull + npi_perm_.Map(static_cast<std::uint32_t>(entity));
    return base9 * 10 + static_cast<std::uint64_t>(core::NpiCheckDigit(base9));
}

std::uint64_t Universe::PacFor(std::uint64_t entity) const {
    // Affine bijection on [0, 9e9) (multiplier coprime to 2, 3 and 5) -> 10-digit PAC IDs.
    constexpr std::uint64_t kMod = 9000000000ull;
    const std::uint64_t a = 7919ull * 7ull * 11ull * 13ull;  // coprime with kMod
    const std::uint64_t b = SplitMix(seed_ ^ 0xA5A5ull) % kMod;
    return 1000000000ull + static_cast<std::uint64_t>((static_cast<U128>(entity) * a + b) % kMod);
}

std::uint16_t Universe::PickZip(Rng& rng) const {
    return zips_[PickFrom(zip_cdf_, rng.Uniform())];
}

Addr Universe::MakeAddr(Rng& rng, std::uint16_t zip) const {
    Addr a;
    a.zip = zip;
    a.number = rng.Chance(0.3) ? rng.Range(100, 999) : rng.Range(1000, 19999);
    a.street = static_cast<std::uint16_t>(rng.Below(StreetNames().size()));
    if (rng.Chance(0.55)) {
        a.suite_kind = static_cast<std::uint8_t>(1 + rng.Below(3));
        a.suite =
            static_cast<std::uint16_t>(a.suite_kind == 3 ? rng.Range(1, 9) : 100 * rng.Range(1, 6) + 10 * rng.Below(6));
    }
    a.plus4 = static_cast<std::uint16_t>(rng.Range(1001, 9899));
    a.phone = rng.Range(2000000, 9999999);
    a.fax = rng.Chance(0.8) ? rng.Range(2000000, 9999999) : 0;
    return a;
}

std::uint64_t Universe::PickGroup(Rng& rng, Family f) const {
    if (n_groups_ == 0)
        return 0;
    for (int attempt = 0; attempt < 8; ++attempt) {
        const auto b = static_cast<std::uint64_t>(static_cast<double>(n_blocks_) * std::pow(rng.Uniform(), kZipfExp));
        const bool multi = rng.Chance(0.5) || family_slots_[static_cast<std::size_t>(f)].empty();
        std::uint64_t s = 0;
        if (multi) {
            s = rng.Below(kSlots);
        } else {
            const auto& slots = family_slots_[static_cast<std::size_t>(f)];
            s = slots[rng.Below(slots.size())];
        }
        const std::uint64_t g = 2 * (kSlots * std::min(b, n_blocks_ - 1) + s) + (multi ? 0 : 1);
        if (g < n_groups_)
            return g;
    }
    return rng.Below(n_groups_);
}

Org Universe::MakeOrg(std::uint64_t j) const {
    Org o;
    o.index = j;
    o.npi = OrgNpi(j);
    o.pac = OrgPac(j);
    Rng r(Mix(seed_, kSOrg, j));
    const auto n_hosp = hospitals_.size();
    o.enumerated = kNppesStart + static_cast<std::int32_t>(r.Chance(0.35) ? r.Below(900) : r.Below(7500));
    o.updated = std::min<std::int32_t>(o.enumerated + static_cast<std::int32_t>(r.Below(6000)), Day(2026, 6, 30));
    if (j < n_hosp) {
        o.is_hospital = true;
        o.hospital = static_cast<std::uint32_t>(j);
        o.multi = true;
        o.site0 = hospitals_[j].addr;
        o.sites = 1 + r.Below(4);
        o.members = static_cast<std::uint32_t>(
            std::max<double>(1, 0.25 * static_cast<double>(n_phys_) / static_cast<double>(n_hosp)));
        return o;
    }
    const std::uint64_t g = j - n_hosp;
    o.multi = (g % 2) == 0;
    const std::uint64_t slot = (g / 2) % kSlots;
    const std::uint64_t block = g / (2 * kSlots);
    o.family = o.multi ? Family::kPrimaryCare : static_cast<Family>(slot_family_[slot]);
    o.stem = static_cast<std::uint16_t>(r.Below(OrgNameStems().size()));
    o.kind = static_cast<std::uint16_t>(r.Below(OrgNameKinds(o.family).size()));
    const double nb = static_cast<double>(n_blocks_);
    const double p = std::pow((static_cast<double>(block) + 1) / nb, 1.0 / kZipfExp) -
                     std::pow(static_cast<double>(block) / nb, 1.0 / kZipfExp);
    const double expect = 0.55 * 0.5 * static_cast<double>(n_phys_) * p / kSlots;
    o.members = static_cast<std::uint32_t>(std::max(1.0, std::round(expect * (0.7 + 0.6 * r.Uniform()))));
    o.sites = std::min<std::uint32_t>(12, 1 + static_cast<std::uint32_t>(o.members / 25) + r.Below(2));
    o.site0 = MakeAddr(r, PickZip(r));
    o.deactivated = r.Chance(0.02);
    return o;
}

Addr Universe::OrgSite(const Org& org, std::uint32_t k) const {
    if (k == 0)
        return org.site0;
    Rng r(Mix(seed_, kSSite, org.index * 64 + k));
    return MakeAddr(r, PickZip(r));
}

Person Universe::MakePerson(std::uint64_t i) const {
    Person p;
    p.index = i;
    p.npi = NpiFor(i);
    p.pac = PacFor(i);
    Rng r(Mix(seed_, kSPerson, i));
    p.spec = PickFrom(spec_cdf_, r.Uniform());
    const Specialty& sp = Specialties()[p.spec];

    double pf = 0.45;
    switch (sp.kind) {
        case Kind::kNP:
            pf = 0.89;
            break;
        case Kind::kPA:
            pf = 0.68;
            break;
        case Kind::kPT:
            pf = 0.6;
            break;
        case Kind::kChiro:
            pf = 0.3;
            break;
        case Kind::kDentist:
            pf = 0.37;
            break;
        case Kind::kOptometrist:
            pf = 0.5;
            break;
        case Kind::kMD:
            pf = sp.family == Family::kPediatrics || sp.family == Family::kObGyn ? 0.65
                 : sp.family == Family::kOrtho || sp.family == Family::kSurgery  ? 0.15
                                                                                 : 0.42;
            break;
    }
    p.female = r.Chance(pf);
    const auto firsts = p.female ? FemaleFirstNames() : MaleFirstNames();
    p.first = firsts[r.Below(firsts.size())];
    p.last = LastNames()[r.Below(LastNames().size())];
    const double mu = r.Uniform();
    if (mu < 0.6) {
        const auto mids = r.Chance(0.5) ? FemaleFirstNames() : MaleFirstNames();
        p.middle = mids[r.Below(mids.size())];
        p.middle_initial = mu < 0.45;
    }
    const double su = r.Uniform();
    if (!p.female && su < 0.02)
        p.suffix = "Jr.";
    else if (!p.female && su < 0.03)
        p.suffix = "III";
    else if (!p.female && su < 0.035)
        p.suffix = "II";
    if (p.female && r.Chance(0.08))
        p.other_last = LastNames()[r.Below(LastNames().size())];

    static constexpr std::string_view kMd[] = {"MD", "MD", "MD", "M.D.", "M.D.", "MD, PHD", "M.D"};
    static constexpr std::string_view kDo[] = {"DO", "DO", "D.O."};
    static constexpr std::string_view kNp[] = {"APRN, CNP", "CNP", "NP", "FNP-C", "APRN", "DNP, APRN, CNP", "NP-C"};
    static constexpr std::string_view kPa[] = {"PA-C", "PA-C", "PA", "MPAS, PA-C"};
    static constexpr std::string_view kDds[] = {"DDS", "DMD", "D.D.S."};
    static constexpr std::string_view kOd[] = {"OD", "O.D."};
    static constexpr std::string_view kPt[] = {"PT, DPT", "DPT", "PT"};
    static constexpr std::string_view kDc[] = {"DC", "D.C."};
    switch (sp.kind) {
        case Kind::kMD:
            if (r.Chance(0.12)) {
                p.credential = kDo[r.Below(std::size(kDo))];
                p.do_school = true;
            } else {
                p.credential = kMd[r.Below(std::size(kMd))];
            }
            if (r.Chance(0.5))
                p.prefix = "Dr.";
            break;
        case Kind::kNP:
            p.credential = kNp[r.Below(std::size(kNp))];
            break;
        case Kind::kPA:
            p.credential = kPa[r.Below(std::size(kPa))];
            break;
        case Kind::kDentist:
            p.credential = kDds[r.Below(std::size(kDds))];
            if (r.Chance(0.4))
                p.prefix = "Dr.";
            break;
        case Kind::kOptometrist:
            p.credential = kOd[r.Below(std::size(kOd))];
            break;
        case Kind::kPT:
            p.credential = kPt[r.Below(std::size(kPt))];
            break;
        case Kind::kChiro:
            p.credential = kDc[r.Below(std::size(kDc))];
            break;
    }
    if (r.Chance(0.04))
        p.credential = {};
    if (p.prefix.empty() && r.Chance(0.05))
        p.prefix = p.female ? "Ms." : "Mr.";

    // Secondary specialty: a sibling code of the same family (e.g. 207R00000X for a cardiologist).
    if (r.Chance(0.18)) {
        const auto specs = Specialties();
        for (int t = 0; t < 6; ++t) {
            const auto k = static_cast<std::uint16_t>(r.Below(specs.size()));
            if (k != p.spec && specs[k].kind == sp.kind &&
                (specs[k].family == sp.family || specs[k].family == Family::kPrimaryCare)) {
                p.spec2 = static_cast<std::int16_t>(k);
                break;
            }
        }
    }

    const std::int32_t end = Day(2025, 12, 31);
    p.enumerated =
        r.Chance(0.3) ? kNppesStart + static_cast<std::int32_t>(r.Below(950))
                      : kNppesStart + static_cast<std::int32_t>(r.Below(static_cast<std::uint64_t>(end - kNppesStart)));
    p.updated = std::min<std::int32_t>(p.enumerated + static_cast<std::int32_t>(r.Below(7000)), Day(2026, 6, 30));
    if (r.Chance(0.35))
        p.certified = std::max(p.enumerated, Day(2020, 1, 1)) + static_cast<std::int32_t>(r.Below(2000));
    if (p.certified > Day(2026, 6, 30))
        p.certified = 0;
    if (r.Chance(0.015)) {
        p.deactivated = true;
        p.deactivated_on = std::min(p.updated + static_cast<std::int32_t>(r.Below(1500)), Day(2026, 6, 30));
    }
    const int enum_year = 1970 + static_cast<int>(p.enumerated / 365.2425);
    p.grad_year = static_cast<std::uint16_t>(
        p.enumerated < kNppesStart + 950 ? r.Range(1966, 2004) : static_cast<std::uint32_t>(enum_year) - r.Range(1, 5));
    p.school = static_cast<std::uint16_t>(r.Below(p.do_school ? DoMedSchools().size() : MedSchools().size()));
    p.license = r.Range(20000, 79999);

    // Practice locations.
    const double lu = r.Uniform();
    p.n_loc = lu < 0.6 ? 1 : lu < 0.85 ? 2 : lu < 0.95 ? 3 : 4;
    const double eu = r.Uniform();
    const auto n_hosp = hospitals_.size();
    std::int64_t employer = -1;
    if (eu < (HospitalBased(sp.family) ? 0.45 : 0.2)) {
        employer = static_cast<std::int64_t>(r.Below(n_hosp));
    } else if (eu < 0.8) {
        employer = static_cast<std::int64_t>(n_hosp + PickGroup(r, sp.family));
    }
    std::uint32_t employer_sites = 1;
    if (employer >= 0) {
        Org org = MakeOrg(static_cast<std::uint64_t>(employer));
        employer_sites = org.sites;
        p.loc[0].org = employer;
        p.loc[0].site = r.Below(org.sites);
        p.loc[0].addr = OrgSite(org, p.loc[0].site);
    } else {
        p.loc[0].addr = MakeAddr(r, PickZip(r));
    }
    for (std::uint8_t k = 1; k < p.n_loc; ++k) {
        Location& l = p.loc[k];
        if (employer >= 0 && employer_sites > k && r.Chance(0.7)) {
            Org org = MakeOrg(static_cast<std::uint64_t>(employer));
            l.org = employer;
            l.site = (p.loc[0].site + k) % org.sites;
            l.addr = OrgSite(org, l.site);
        } else if (r.Chance(0.5)) {
            const auto j = static_cast<std::uint64_t>(r.Below(n_hosp));
            Org org = MakeOrg(j);
            l.org = static_cast<std::int64_t>(j);
            l.site = 0;
            l.addr = org.site0;
        } else {
            l.addr = MakeAddr(r, PickZip(r));
        }
    }
    if (r.Chance(0.15)) {
        p.mail_differs = true;
        p.mail = MakeAddr(r, PickZip(r));
        p.mail.po_box = r.Chance(0.4);
        if (p.mail.po_box)
            p.mail.number = r.Range(10, 9999);
    }

    // Hospital affiliations.
    double ph = 0.05;
    if (sp.kind == Kind::kMD)
        ph = HospitalBased(sp.family) ? 0.9 : 0.55;
    else if (sp.kind == Kind::kNP || sp.kind == Kind::kPA)
        ph = 0.4;
    if (r.Chance(ph)) {
        p.n_hosp = static_cast<std::uint8_t>(1 + r.Below(sp.kind == Kind::kMD ? 3 : 1));
        for (std::uint8_t k = 0; k < p.n_hosp; ++k) {
            std::uint32_t h = r.Below(n_hosp);
            if (k == 0 && employer >= 0 && static_cast<std::uint64_t>(employer) < n_hosp)
                h = static_cast<std::uint32_t>(employer);
            bool dup = false;
            for (std::uint8_t q = 0; q < k; ++q)
                dup = dup || p.hosp[q] == h;
            if (dup) {
                p.n_hosp = k;
                break;
            }
            p.hosp[k] = h;
        }
    }
    switch (sp.kind) {
        case Kind::kMD:
        case Kind::kNP:
        case Kind::kPA:
            p.medicare = r.Chance(0.95);
            break;
        case Kind::kDentist:
            p.medicare = r.Chance(0.15);
            break;
        default:
            p.medicare = r.Chance(0.8);
            break;
    }
    p.enrl_seq = r.Below(1000000);
    return p;
}

}  // namespace rounds::gen
