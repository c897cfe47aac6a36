#include "gen/generator.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <mutex>
#include <ostream>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "gen/headers.h"
#include "gen/model.h"
#include "gen/tables.h"
#include "gen/writer.h"

namespace rounds::gen {
namespace {

// Small fixed-capacity string for composing one field (addresses, names) without allocation.
class Str {
  public:
    Str& operator<<(std::string_view s) {
        const std::size_t n = std::min(s.size(), sizeof(b_) - n_);
        if (n != 0)
            std::memcpy(b_ + n_, s.data(), n);
        n_ += n;
        return *this;
    }
    Str& operator<<(char c) {
        if (n_ < sizeof(b_))
            b_[n_++] = c;
        return *this;
    }
    Str& Num(std::uint64_t v, int width = 0) {
        char t[20];
        int k = 0;
        do {
            t[k++] = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v != 0);
        for (int i = k; i < width; ++i)
            *this << '0';
        while (k > 0)
            *this << t[--k];
        return *this;
    }
    std::string_view view() const { return {b_, n_}; }
    operator std::string_view() const { return view(); }  // NOLINT(google-explicit-constructor)
    void clear() { n_ = 0; }

  private:
    char b_[256];
    std::size_t n_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Field composition helpers shared by writers.

constexpr std::string_view kState = "MN";
constexpr std::string_view kStateFips = "27";

const ZipInfo& ZipOf(const Addr& a) {
    return TwinCitiesZips()[a.zip];
}

Str Line1(const Addr& a) {
    Str s;
    if (a.po_box) {
        s << "PO Box ";
        s.Num(a.number);
        return s;
    }
    s.Num(a.number);
    s << ' ' << StreetNames()[a.street];
    return s;
}

Str Line2(const Addr& a) {
    Str s;
    static constexpr std::string_view kKinds[] = {"", "Suite ", "Ste ", "Fl "};
    if (a.suite_kind != 0 && !a.po_box) {
        s << kKinds[a.suite_kind];
        s.Num(a.suite);
    }
    return s;
}

Str Zip9(const Addr& a) {
    Str s;
    s << ZipOf(a).zip;
    s.Num(a.plus4, 4);
    return s;
}

Str Phone10(const Addr& a, std::uint32_t local) {
    Str s;
    s << ZipOf(a).area_code;
    s.Num(local, 7);
    return s;
}

Str Upper(std::string_view in) {
    // Only used on short table texts; mirrors OutFile::PutUpper for ASCII.
    Str s;
    for (char c : in)
        s << static_cast<char>((c >= 'a' && c <= 'z') ? c - 32 : c);
    return s;
}

Str OrgName(const Universe& u, const Org& o) {
    Str s;
    if (o.is_hospital) {
        const Hospital& h = u.hospitals()[o.hospital];
        static constexpr std::string_view kKinds[] = {" HOSPITAL", " MEDICAL CENTER", " REGIONAL MEDICAL CENTER",
                                                      " HEALTH CARE CENTER"};
        switch (h.type) {
            case 1:
                s << ZipOf(h.addr).city << " AREA HEALTH CARE CENTER";
                break;
            case 2:
                s << HospitalNameStems()[h.stem] << " BEHAVIORAL HEALTH HOSPITAL";
                break;
            case 3:
                s << HospitalNameStems()[h.stem] << " CHILDREN'S HOSPITAL";
                break;
            default:
                s << HospitalNameStems()[h.stem] << kKinds[h.name_kind];
                break;
        }
        if (h.index >= HospitalNameStems().size() && h.type != 1)
            s << " - " << ZipOf(h.addr).city;
        return s;
    }
    s << OrgNameStems()[o.stem] << ' ' << OrgNameKinds(o.family)[o.kind];
    return s;
}

std::string_view OrgTaxonomy(const Org& o) {
    if (o.is_hospital)
        return "282N00000X";
    if (o.multi)
        return (o.index % 3 == 0) ? "261QM1300X" : "193200000X";
    return o.family == Family::kPrimaryCare ? "261QP2300X" : "193400000X";
}

bool Active(const Person& p) {
    return !p.deactivated;
}

// Upper-cased unquoted CSV field: table names never hold a comma, quote or line break.
void CU(OutFile& o, std::string_view s) {
    o.PutUpper(s);
    o.Put(',');
}

// Interleaves organisations among physicians (orgs are ~15% of NPPES rows).
template <typename FP, typename FO>
void ForEachEntity(const Universe& u, FP&& on_person, FO&& on_org) {
    const std::uint64_t n = u.physicians();
    const std::uint64_t m = u.orgs();
    std::uint64_t j = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
        on_person(i);
        while (j < m && static_cast<U128>(j) * n < static_cast<U128>(i + 1) * m)
            on_org(j++);
    }
    while (j < m)
        on_org(j++);
}

// ---------------------------------------------------------------------------------------------
// NPPES npidata_pfile

void PutAddrBlockNppes(OutFile& o, const Addr& a, bool fax) {
    o.QUpper(Line1(a));
    o.QUpper(Line2(a));
    o.Q(ZipOf(a).city);
    o.Q(kState);
    o.Q(Zip9(a));
    o.Q("US");
    o.Q(Phone10(a, a.phone));
    if (fax && a.fax != 0)
        o.Q(Phone10(a, a.fax));
    else
        o.QEmpty();
}

void PutDateQ(OutFile& o, std::int32_t d) {
    o.Put('"');
    o.PutDate(d);
    o.Put("\",");
}

void WriteDeactivatedNppes(OutFile& o, std::uint64_t npi, std::int32_t when) {
    o.BeginRow();
    o.Put('"');
    o.PutUInt(npi);
    o.Put("\",");
    o.QEmpty(38);
    PutDateQ(o, when);
    o.QEmpty(290);
    o.EndRowTrim();
}

void WritePersonNppes(const Universe& u, OutFile& o, const Person& p) {
    if (p.deactivated) {
        WriteDeactivatedNppes(o, p.npi, p.deactivated_on);
        return;
    }
    const Specialty& sp = Specialties()[p.spec];
    Rng r(Mix(u.seed(), kSPerson + 100, p.index));
    o.BeginRow();
    o.Put('"');
    o.PutUInt(p.npi);
    o.Put("\",\"1\",");
    o.QEmpty(3);  // replacement NPI, EIN, org name
    o.QUpper(p.last);
    o.QUpper(p.first);
    if (p.middle.empty())
        o.QEmpty();
    else if (p.middle_initial)
        o.QUpper(p.middle.substr(0, 1));
    else
        o.QUpper(p.middle);
    if (p.prefix.empty())
        o.QEmpty();
    else
        o.QUpper(p.prefix);
    if (p.suffix.empty())
        o.QEmpty();
    else
        o.QUpper(p.suffix);
    o.QUpper(p.credential);
    o.QEmpty(2);  // other org name + type
    if (!p.other_last.empty()) {
        o.QUpper(p.other_last);
        o.QUpper(p.first);
        o.QEmpty(4);
        o.Q("1");
    } else {
        o.QEmpty(7);
    }
    const Addr& prac = p.loc[0].addr;
    PutAddrBlockNppes(o, p.mail_differs ? p.mail : prac, true);
    PutAddrBlockNppes(o, prac, true);
    PutDateQ(o, p.enumerated);
    PutDateQ(o, p.updated);
    o.QEmpty(3);  // deactivation reason/date, reactivation
    o.Q(p.female ? "F" : "M");
    o.QEmpty(5);  // authorized official
    // Taxonomies: primary (switch Y) and an optional secondary; sometimes the secondary comes first.
    Str lic;
    lic << (sp.kind == Kind::kNP ? "R " : sp.kind == Kind::kPA ? "PA" : "");
    lic.Num(p.license);
    int slots = 0;
    auto tax = [&](const Specialty& s, bool primary) {
        o.Q(s.taxonomy);
        o.Q(lic);
        o.Q(kState);
        o.Q(primary ? "Y" : "N");
        ++slots;
    };
    const bool swap = p.spec2 >= 0 && (p.index % 5 == 0);
    if (p.spec2 >= 0 && swap)
        tax(Specialties()[static_cast<std::size_t>(p.spec2)], false);
    tax(sp, true);
    if (p.spec2 >= 0 && !swap)
        tax(Specialties()[static_cast<std::size_t>(p.spec2)], false);
    o.QEmpty(4 * (15 - slots));
    // Other provider identifiers (legacy payer IDs), mostly for early enumerations.
    int ids = 0;
    if (p.enumerated < kNppesStart + 950 && r.Chance(0.6))
        ids = static_cast<int>(r.Range(1, 4));
    static constexpr std::string_view kIssuers[] = {"BCBS", "MEDICA", "HEALTHPARTNERS", "UCARE", "PREFERREDONE", ""};
    for (int k = 0; k < ids; ++k) {
        Str id;
        id.Num(r.Range(10000, 9999999));
        o.Q(id);
        const bool medicaid = r.Chance(0.3);
        o.Q(medicaid ? "05" : "01");
        o.Q(kState);
        o.Q(medicaid ? std::string_view{} : kIssuers[r.Below(std::size(kIssuers))]);
    }
    o.QEmpty(4 * (50 - ids));
    o.Q(p.enumerated < kNppesStart + 950 ? "X" : (r.Chance(0.2) ? "Y" : "N"));
    o.QEmpty(6);   // org subpart, parent LBN/TIN, AO prefix/suffix/credential
    o.QEmpty(15);  // taxonomy groups
    if (p.certified != 0)
        PutDateQ(o, p.certified);
    else
        o.QEmpty();
    o.EndRowTrim();
}

void WriteOrgNppes(const Universe& u, OutFile& o, const Org& org) {
    if (org.deactivated) {
        WriteDeactivatedNppes(o, org.npi, std::min(org.updated + 400, Day(2026, 6, 30)));
        return;
    }
    Rng r(Mix(u.seed(), kSOrg + 100, org.index));
    o.BeginRow();
    o.Put('"');
    o.PutUInt(org.npi);
    o.Put("\",\"2\",\"\",\"<UNAVAIL>\",");
    o.Q(OrgName(u, org));
    o.QEmpty(6);
    if (r.Chance(0.2)) {
        Str dba;
        dba << OrgNameStems()[org.stem] << " CLINIC";
        o.Q(dba);
        o.Q("3");
    } else {
        o.QEmpty(2);
    }
    o.QEmpty(7);
    PutAddrBlockNppes(o, org.site0, true);
    PutAddrBlockNppes(o, org.site0, true);
    PutDateQ(o, org.enumerated);
    PutDateQ(o, org.updated);
    o.QEmpty(4);  // deactivation x3 + sex
    const bool male = r.Chance(0.5);
    const auto firsts = male ? MaleFirstNames() : FemaleFirstNames();
    o.QUpper(LastNames()[r.Below(LastNames().size())]);
    o.QUpper(firsts[r.Below(firsts.size())]);
    if (r.Chance(0.6))
        o.QUpper(MaleFirstNames()[r.Below(MaleFirstNames().size())]);
    else
        o.QEmpty();
    static constexpr std::string_view kTitles[] = {
        "CEO", "ADMINISTRATOR", "PRACTICE MANAGER", "DIRECTOR OF BILLING", "CREDENTIALING SPECIALIST",
        "CFO", "PRESIDENT"};
    o.Q(kTitles[r.Below(std::size(kTitles))]);
    o.Q(Phone10(org.site0, r.Range(2000000, 9999999)));
    o.Q(OrgTaxonomy(org));
    o.QEmpty(2);
    o.Q("Y");
    o.QEmpty(4 * 14);
    o.QEmpty(4 * 50);
    o.QEmpty();  // sole proprietor
    o.Q(org.is_hospital && r.Chance(0.3) ? "Y" : "N");
    o.QEmpty(2);  // parent LBN, TIN
    if (r.Chance(0.4))
        o.Q(male ? "MR." : "MS.");
    else
        o.QEmpty();
    o.QEmpty();
    if (r.Chance(0.1))
        o.Q("MD");
    else
        o.QEmpty();
    if (org.multi && !org.is_hospital && r.Chance(0.3))
        o.Q("193200000X MULTI-SPECIALTY GROUP");
    else
        o.QEmpty();
    o.QEmpty(14);
    if (r.Chance(0.3))
        PutDateQ(o, std::max(org.enumerated, Day(2020, 1, 1)) + static_cast<std::int32_t>(r.Below(1500)));
    else
        o.QEmpty();
    o.EndRowTrim();
}

// Rows in ascending NPI order, as CMS sorts the real file (the loader relies on it to skip its dedupe sort).
// 16 bytes per entity (160 MB at 10 million physicians).
void WriteNppes(const Universe& u, OutFile& o) {
    o.Put(NppesHeader());
    o.EndHeader();
    const std::uint64_t n = u.physicians();
    std::vector<std::pair<std::uint64_t, std::uint64_t>> order;  // NPI, entity (persons first, then orgs)
    order.reserve(n + u.orgs());
    ForEachEntity(
        u, [&](std::uint64_t i) { order.emplace_back(u.PersonNpi(i), i); },
        [&](std::uint64_t j) { order.emplace_back(u.OrgNpi(j), n + j); });
    std::sort(order.begin(), order.end());
    for (const auto& [npi, entity] : order) {
        if (entity < n) {
            WritePersonNppes(u, o, u.MakePerson(entity));
        } else {
            WriteOrgNppes(u, o, u.MakeOrg(entity - n));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// NPPES pl_pfile (secondary practice locations)

void WritePlRow(OutFile& o, std::uint64_t npi, const Addr& a, bool upper, bool zip9) {
    o.BeginRow();
    o.Put('"');
    o.PutUInt(npi);
    o.Put("\",");
    if (upper) {
        o.QUpper(Line1(a));
        o.QUpper(Line2(a));
        o.Q(ZipOf(a).city);
    } else {
        o.Q(Line1(a));
        o.Q(Line2(a));
        o.Put('"');
        o.PutTitle(ZipOf(a).city);
        o.Put("\",");
    }
    o.Q(kState);
    if (zip9)
        o.Q(Zip9(a));
    else
        o.Q(ZipOf(a).zip);
    o.Q("US");
    o.Q(Phone10(a, a.phone));
    o.QEmpty();
    if (a.fax != 0)
        o.Q(Phone10(a, a.fax));
    else
        o.QEmpty();
    o.EndRowTrim();
}

void WritePl(const Universe& u, OutFile& o) {
    o.Put(kNppesPlHeader);
    o.EndHeader();
    ForEachEntity(
        u,
        [&](std::uint64_t i) {
            const Person p = u.MakePerson(i);
            if (p.deactivated || p.n_loc < 2)
                return;
            Rng r(Mix(u.seed(), kSPl, i));
            for (std::uint8_t k = 1; k < p.n_loc; ++k) {
                const bool upper = r.Chance(0.4);
                const bool zip9 = r.Chance(0.8);
                WritePlRow(o, p.npi, p.loc[k].addr, upper, zip9);
                if (r.Chance(0.03))
                    WritePlRow(o, p.npi, p.loc[k].addr, upper, zip9);  // real files repeat rows
            }
        },
        [&](std::uint64_t j) {
            const Org org = u.MakeOrg(j);
            if (org.deactivated || org.sites < 2)
                return;
            Rng r(Mix(u.seed(), kSPl + 50, j));
            const std::uint32_t n = std::min<std::uint32_t>(org.sites, 4);
            for (std::uint32_t k = 1; k < n; ++k)
                WritePlRow(o, org.npi, u.OrgSite(org, k), r.Chance(0.4), r.Chance(0.8));
        });
}

// ---------------------------------------------------------------------------------------------
// DAC National Downloadable File

std::string_view DacCred(const Person& p) {
    const Specialty& sp = Specialties()[p.spec];
    switch (sp.kind) {
        case Kind::kMD:
            return p.do_school ? "DO" : "MD";
        case Kind::kNP:
            return "NP";
        case Kind::kPA:
            return "PA";
        case Kind::kDentist:
            return "DDS";
        case Kind::kOptometrist:
            return "OD";
        case Kind::kPT:
            return "PT";
        case Kind::kChiro:
            return "DC";
    }
    return {};
}

Str AdrsId(const Addr& a, std::uint32_t code) {
    // ST + ZIP9 + 2 city letters + street number padded with X to 5 + last street token padded to 4 + 3 digits.
    Str s;
    s << kState << ZipOf(a).zip;
    s.Num(a.plus4, 4);
    s << ZipOf(a).city.substr(0, 2);
    Str num;
    num.Num(a.number);
    s << num.view().substr(0, 5);
    for (std::size_t k = num.view().size(); k < 5; ++k)
        s << 'X';
    std::string_view street = StreetNames()[a.street];
    const auto sp = street.rfind(' ');
    std::string_view tok = sp == std::string_view::npos ? street : street.substr(sp + 1);
    tok = tok.substr(0, 4);
    s << Upper(tok).view();
    for (std::size_t k = tok.size(); k < 4; ++k)
        s << 'X';
    s.Num(code, 3);
    return s;
}

void WriteDac(const Universe& u, const GenOptions& opts, OutFile& o) {
    const bool v2021 = opts.dac_layout == DacLayout::k2021;
    o.Put(v2021 ? kDac2021Header : kDacCurrentHeader);
    o.EndHeader();
    const auto& hosps = u.hospitals();
    for (std::uint64_t i = 0; i < u.physicians(); ++i) {
        const Person p = u.MakePerson(i);
        if (!Active(p) || !p.medicare)
            continue;
        const Specialty& sp = Specialties()[p.spec];
        Rng r(Mix(u.seed(), kSDac, i));
        const std::int32_t enrl = std::max(p.enumerated, Day(2003, 1, 1)) + static_cast<std::int32_t>(r.Below(400));
        Str enrl_id;
        {
            enrl_id << 'I';
            // yyyymmdd of the enrollment date
            const std::int32_t z = enrl + 719468;
            const std::int32_t era = z / 146097;
            const auto doe = static_cast<unsigned>(z - era * 146097);
            const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
            const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
            const unsigned mp = (5 * doy + 2) / 153;
            const unsigned d = doy - (153 * mp + 2) / 5 + 1;
            const unsigned m = mp < 10 ? mp + 3 : mp - 9;
            const auto y = static_cast<unsigned>(static_cast<int>(yoe) + era * 400 + (m <= 2 ? 1 : 0));
            enrl_id.Num(y, 4).Num(m, 2).Num(d, 2).Num(p.enrl_seq, 6);
        }
        const bool telehealth = r.Chance(0.3);
        const bool with_phone = r.Chance(0.5);
        const std::string_view ind_assgn = r.Chance(0.87) ? "Y" : "M";
        for (std::uint8_t k = 0; k < p.n_loc; ++k) {
            const Location& l = p.loc[k];
            const Addr& a = l.addr;
            o.BeginRow();
            o.PutUInt(p.npi);
            o.Put(',');
            o.PutUIntPadded(p.pac, 10);
            o.Put(',');
            o.C(enrl_id);
            CU(o, p.last);
            CU(o, p.first);
            CU(o, p.middle_initial ? std::string_view{} : p.middle);
            o.C(Upper(p.suffix));
            o.C(p.female ? "F" : "M");
            o.C(r.Chance(0.4) ? DacCred(p) : std::string_view{});
            o.C(sp.kind == Kind::kMD ? (p.do_school ? DoMedSchools()[p.school % DoMedSchools().size()]
                                                    : MedSchools()[p.school % MedSchools().size()])
                                     : std::string_view("OTHER"));
            o.PutUInt(p.grad_year);
            o.Put(',');
            o.C(sp.dac);
            const std::string_view sec = p.spec2 >= 0 && Specialties()[static_cast<std::size_t>(p.spec2)].dac != sp.dac
                                             ? Specialties()[static_cast<std::size_t>(p.spec2)].dac
                                             : std::string_view{};
            o.C(sec);
            o.CEmpty(3);
            o.C(sec);
            if (!v2021)
                o.C(telehealth ? "Y" : "");
            if (l.org >= 0) {
                const Org org = u.MakeOrg(static_cast<std::uint64_t>(l.org));
                o.C(OrgName(u, org));
                o.PutUIntPadded(org.pac, 10);
                o.Put(',');
                o.PutUInt(org.members);
                o.Put(',');
            } else {
                o.CEmpty(3);
            }
            o.C(Upper(Line1(a)));
            o.C(Upper(Line2(a)));
            o.C(a.suite_kind != 0 && r.Chance(0.01) ? "Y" : "");
            o.C(ZipOf(a).city);
            o.C(kState);
            o.C(Zip9(a));
            if (with_phone)
                o.C(Phone10(a, a.phone));
            else
                o.CEmpty();
            if (v2021) {
                for (std::uint8_t h = 0; h < 5; ++h) {
                    if (h < p.n_hosp) {
                        const Hospital& hp = hosps[p.hosp[h]];
                        o.C(hp.ccn);
                        o.C(OrgName(u, u.MakeOrg(hp.index)));
                    } else {
                        o.CEmpty(2);
                    }
                }
            }
            o.C(ind_assgn);
            o.C(l.org >= 0 ? "Y" : "M");
            o.C(AdrsId(a, 300 + 100 * (k % 3) + r.Below(6)));
            o.EndRowTrim();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Facility Affiliation

void WriteFacility(const Universe& u, OutFile& o) {
    o.Put(kFacilityAffiliationHeader);
    o.EndHeader();
    for (std::uint64_t i = 0; i < u.physicians(); ++i) {
        const Person p = u.MakePerson(i);
        if (!Active(p) || !p.medicare)
            continue;
        for (std::uint8_t h = 0; h < p.n_hosp; ++h) {
            o.BeginRow();
            o.PutUInt(p.npi);
            o.Put(',');
            o.PutUIntPadded(p.pac, 10);
            o.Put(',');
            CU(o, p.last);
            CU(o, p.first);
            CU(o, p.middle_initial ? std::string_view{} : p.middle);
            o.C(Upper(p.suffix));
            o.C("Hospital");
            o.C(u.hospitals()[p.hosp[h]].ccn);
            o.CEmpty();
            o.EndRowTrim();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Hospital General Information

void WriteHospitals(const Universe& u, OutFile& o) {
    o.Put(kHospitalHeader);
    o.EndHeader();
    static constexpr std::string_view kTypes[] = {"Acute Care Hospitals", "Critical Access Hospitals", "Psychiatric",
                                                  "Childrens"};
    static constexpr std::string_view kOwn[] = {"Voluntary non-profit - Private",
                                                "Proprietary",
                                                "Government - Hospital District or Authority",
                                                "Government - Local",
                                                "Voluntary non-profit - Other",
                                                "Voluntary non-profit - Church",
                                                "Government - State",
                                                "Physician"};
    for (const Hospital& h : u.hospitals()) {
        Rng r(Mix(u.seed(), kSHosp + 100, h.index));
        o.BeginRow();
        o.C(h.ccn);
        o.C(OrgName(u, u.MakeOrg(h.index)));
        o.C(Upper(Line1(h.addr)));
        o.C(ZipOf(h.addr).city);
        o.C(kState);
        o.C(ZipOf(h.addr).zip);
        o.C(ZipOf(h.addr).county);
        Str phone;
        phone << '(' << ZipOf(h.addr).area_code << ") ";
        phone.Num(h.addr.phone / 10000, 3) << '-';
        phone.Num(h.addr.phone % 10000, 4);
        o.C(phone);
        o.C(kTypes[h.type]);
        o.C(kOwn[h.ownership]);
        o.C(h.emergency ? "Yes" : "No");
        o.C(h.birthing ? "Y" : "");
        if (h.rating == 0) {
            o.C("Not Available");
            o.C(h.type == 2 ? "19" : "16");
        } else {
            o.PutUInt(static_cast<std::uint64_t>(h.rating));
            o.Put(',');
            o.CEmpty();
        }
        // Measure groups: MORT(7), Safety(8), READM(11) with better/no different/worse; Pt Exp(8); TE(12).
        auto group = [&](unsigned total) {
            o.PutUInt(total);
            o.Put(',');
            if (h.rating == 0 && r.Chance(0.6)) {
                o.Put("Not Available,Not Available,Not Available,Not Available,5,");
                return;
            }
            const unsigned have = r.Range(total / 2, total);
            const unsigned better = r.Below(have / 3 + 1);
            const unsigned worse = r.Below((have - better) / 4 + 1);
            o.PutUInt(have);
            o.Put(',');
            o.PutUInt(better);
            o.Put(',');
            o.PutUInt(have - better - worse);
            o.Put(',');
            o.PutUInt(worse);
            o.Put(',');
            o.CEmpty();
        };
        group(7);
        group(8);
        group(11);
        o.Put("8,");
        if (h.rating == 0 && r.Chance(0.6))
            o.Put("Not Available,5,");
        else {
            o.PutUInt(r.Range(6, 8));
            o.Put(",,");
        }
        o.Put("12,");
        o.PutUInt(r.Range(4, 12));
        o.Put(",,");
        o.EndRowTrim();
    }
}

// ---------------------------------------------------------------------------------------------
// Part B by Provider and Service

std::uint32_t RoundU(double x) {
    return x <= 0 ? 0u : static_cast<std::uint32_t>(std::lround(x));
}

double YearNoise(std::uint64_t seed, std::uint64_t stream, std::uint64_t a, std::uint64_t b, int year) {
    Rng r(Mix(Mix(seed, stream, a), b, static_cast<std::uint64_t>(year)));
    return std::exp(0.12 * r.Normal());
}

void WritePartB(const Universe& u, OutFile& o, int year) {
    o.Put(kPartBHeader);
    o.EndHeader();
    const auto codes = HcpcsCodes();
    const std::int32_t year_end = Day(year, 12, 31);
    for (std::uint64_t i = 0; i < u.physicians(); ++i) {
        const Person p = u.MakePerson(i);
        if (!Active(p) || !p.medicare || p.enumerated > year_end)
            continue;
        const Specialty& sp = Specialties()[p.spec];
        if (sp.kind == Kind::kDentist)
            continue;
        auto pool = HcpcsPool(sp.family);
        if (pool.empty())
            pool = HcpcsPool(Family::kPrimaryCare);
        Rng r(Mix(u.seed(), kSPartB, i));  // year independent: same services both years
        const double activity = r.LogNormal(1.0, 0.6) * (sp.kind == Kind::kMD ? 1.0 : 0.6);
        std::uint32_t n = std::min<std::uint32_t>(static_cast<std::uint32_t>(pool.size()), 2 + r.Below(12));
        // Provider-level constant fields.
        const Addr& a = p.loc[0].addr;
        const ZipInfo& z = ZipOf(a);
        const double dkm = std::hypot((z.lat - 44.9778) * 111.0, (z.lng + 93.265) * 78.5);
        std::uint32_t start = r.Below(static_cast<std::uint32_t>(pool.size()));
        for (std::uint32_t k = 0; k < n; ++k) {
            const Hcpcs& h = codes[pool[(start + k * 7) % pool.size()]];
            const double base_benes = r.LogNormal(38.0, 1.0) * activity;
            const double per_bene = 1.0 + r.Uniform() * (h.drug ? 20.0 : 1.8);
            const double charge_mult = 0.85 + 0.8 * r.Uniform();
            const bool both = h.facility_share > 0.05 && h.facility_share < 0.95 && r.Chance(0.5);
            const double growth = 1.0 + 0.04 * (year - 2023);
            for (int pos = 0; pos < (both ? 2 : 1); ++pos) {
                const bool facility = both ? pos == 0 : r.Chance(h.facility_share);
                const double share = both ? (facility ? h.facility_share : 1 - h.facility_share) : 1.0;
                const double noise = YearNoise(u.seed(), kSPartB, i,
                                               (static_cast<std::uint64_t>(k) << 1) | static_cast<unsigned>(pos), year);
                const std::uint32_t benes = RoundU(base_benes * share * noise * growth);
                if (benes < 11)
                    continue;  // suppressed rows are omitted, as in the CMS file
                const std::uint32_t srvcs = std::max(benes, RoundU(benes * per_bene));
                const std::uint32_t day_srvcs =
                    std::min(srvcs, std::max(benes, RoundU(srvcs * (0.8 + 0.2 * r.Uniform()))));
                const double year_price = year == 2024 ? 0.975 : 1.0;  // 2024 conversion factor cut
                const double allowed = h.allowed * (facility ? 0.8 : 1.0) * year_price * (0.97 + 0.06 * r.Uniform());
                const double charge = h.charge * charge_mult * (facility ? 0.9 : 1.0);
                const double paid = allowed * (0.77 + 0.03 * r.Uniform());
                const double stdz = paid * (0.93 + 0.1 * r.Uniform());
                o.BeginRow();
                o.PutUInt(p.npi);
                o.Put(',');
                o.C(p.last);
                o.C(p.first);
                o.C(p.middle.empty() ? std::string_view{} : p.middle.substr(0, 1));
                o.C(p.credential);
                o.Put("I,");
                o.C(Line1(a));
                o.C(Line2(a));
                o.PutTitle(z.city);
                o.Put(',');
                o.Put("MN,27,");
                o.Put(z.zip);
                if (dkm < 22) {
                    o.Put(",1,");
                    o.C("Metropolitan area core: primary flow within an urbanized area of 50,000 and greater");
                } else {
                    o.Put(",2,");
                    o.C("Metropolitan area high commuting: primary flow 30% or more to a urbanized area of 50,000 and "
                        "greater");
                }
                o.Put("US,");
                o.C(sp.medicare);
                o.Put("Y,");
                o.C(h.code);
                o.C(h.desc);
                o.Put(h.drug ? "Y," : "N,");
                o.Put(facility ? "F," : "O,");
                o.PutUInt(benes);
                o.Put(',');
                o.PutUInt(srvcs);
                o.Put(',');
                o.PutUInt(day_srvcs);
                o.Put(',');
                auto avg = [&](double unit) {
                    // Average of per-service amounts that vary a little: total cents / services, 8 decimals.
                    const double total_cents = std::round(unit * 100.0 * srvcs * (0.98 + 0.04 * r.Uniform()));
                    o.PutTrimmed(std::llround(total_cents * 1e6 / srvcs), 8);
                    o.Put(',');
                };
                avg(charge);
                avg(allowed);
                avg(paid);
                avg(stdz);
                o.EndRowTrim();
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Part D by Provider and Drug

bool Prescriber(const Specialty& sp) {
    return sp.kind == Kind::kMD || sp.kind == Kind::kNP || sp.kind == Kind::kPA || sp.kind == Kind::kDentist ||
           sp.kind == Kind::kOptometrist;
}

void WritePartD(const Universe& u, OutFile& o, int year) {
    o.Put(kPartDHeader);
    o.EndHeader();
    const auto drugs = Drugs();
    const std::int32_t year_end = Day(year, 12, 31);
    std::uint16_t chosen[64];
    for (std::uint64_t i = 0; i < u.physicians(); ++i) {
        const Person p = u.MakePerson(i);
        if (!Active(p) || !p.medicare || p.enumerated > year_end)
            continue;
        const Specialty& sp = Specialties()[p.spec];
        if (!Prescriber(sp))
            continue;
        const auto pool = DrugPool(sp.family);
        if (pool.empty())
            continue;
        Rng r(Mix(u.seed(), kSPartD, i));
        const double volume = r.LogNormal(1.0, 0.7) * (sp.kind == Kind::kMD ? 1.0 : 0.7);
        const double median_drugs = sp.family == Family::kPrimaryCare ? 28 : sp.kind == Kind::kDentist ? 3 : 9;
        auto n = static_cast<std::uint32_t>(std::clamp(r.LogNormal(median_drugs, 0.5), 1.0, 64.0));
        n = std::min<std::uint32_t>(n, static_cast<std::uint32_t>(pool.size()));
        // Partial Fisher-Yates over the pool (pool is at most a few hundred entries).
        std::uint16_t idx[256];
        const auto psize = std::min<std::size_t>(pool.size(), 256);
        for (std::size_t k = 0; k < psize; ++k)
            idx[k] = pool[k];
        for (std::uint32_t k = 0; k < n; ++k) {
            const auto pick = k + r.Below(psize - k);
            std::swap(idx[k], idx[pick]);
            chosen[k] = idx[k];
        }
        std::sort(chosen, chosen + n,
                  [&](std::uint16_t a, std::uint16_t b) { return drugs[a].brand < drugs[b].brand; });
        const ZipInfo& z = ZipOf(p.loc[0].addr);
        const double ge65_share = 0.7 + 0.32 * r.Uniform();
        for (std::uint32_t k = 0; k < n; ++k) {
            const Drug& d = drugs[chosen[k]];
            Rng dr(Mix(Mix(u.seed(), kSPartD + 50, i), chosen[k]));  // stable across years
            const double base = dr.LogNormal(26.0, 0.9) * volume;
            const double trend = year == 2024 ? d.trend : 1.0;
            const double claims_f = base * trend * YearNoise(u.seed(), kSPartD, i, chosen[k], year);
            const std::uint32_t clms = RoundU(claims_f);
            if (clms < 11)
                continue;  // provider-drug rows under 11 claims are not published
            Rng yr(Mix(Mix(u.seed(), kSPartD + 70, i), chosen[k], static_cast<std::uint64_t>(year)));
            const double fills_per_claim = dr.Chance(0.6) ? 1.0 : 1.0 + 0.5 * dr.Uniform();
            const std::int64_t fills10 = std::llround(clms * fills_per_claim * 10.0);
            const std::uint32_t days =
                RoundU(static_cast<double>(fills10) / 10.0 * (dr.Chance(0.7) ? 30.0 : 25.0 + 10 * yr.Uniform()));
            const std::int64_t cost_c = std::llround(static_cast<double>(fills10) / 10.0 * d.cost_per_fill *
                                                     (0.9 + 0.2 * yr.Uniform()) * 100.0);
            const std::uint32_t benes = std::max<std::uint32_t>(1, RoundU(clms / (1.2 + 2.0 * dr.Uniform())));
            const double share = std::clamp(ge65_share + 0.06 * yr.Normal(), 0.0, 1.0);
            const std::uint32_t ge_clms = RoundU(clms * share);
            const std::uint32_t ge_benes = std::min(benes, RoundU(benes * share));
            o.BeginRow();
            o.PutUInt(p.npi);
            o.Put(',');
            o.C(p.last);
            o.C(p.first);
            o.PutTitle(z.city);
            o.Put(",MN,27,");
            o.C(sp.medicare);
            o.Put("Claim-Specialty,");
            o.C(d.brand);
            o.C(d.generic);
            o.PutUInt(clms);
            o.Put(',');
            o.PutTrimmed(fills10, 1);
            o.Put(',');
            o.PutUInt(days);
            o.Put(',');
            o.PutFixed(cost_c, 2);
            o.Put(',');
            if (benes >= 11)
                o.PutUInt(benes);
            o.Put(',');
            // GE65 claims: '*' when 1-10, '#' when the under-65 remainder is 1-10 (counter-suppression).
            const std::uint32_t under = clms - ge_clms;
            if ((ge_clms >= 1 && ge_clms <= 10) || (under >= 1 && under <= 10)) {
                o.Put(ge_clms >= 1 && ge_clms <= 10 ? "*,,,,," : "#,,,,,");
            } else {
                const std::int64_t ge_fills10 = fills10 * ge_clms / clms;
                o.Put(',');
                o.PutUInt(ge_clms);
                o.Put(',');
                o.PutTrimmed(ge_fills10, 1);
                o.Put(',');
                o.PutFixed(cost_c * ge_clms / clms, 2);
                o.Put(',');
                o.PutUInt(static_cast<std::uint64_t>(days) * ge_clms / clms);
                o.Put(',');
            }
            const std::uint32_t under_b = benes - ge_benes;
            if (benes < 11 || (ge_benes >= 1 && ge_benes <= 10))
                o.Put("*,,");
            else if (under_b >= 1 && under_b <= 10)
                o.Put("#,,");
            else {
                o.Put(',');
                o.PutUInt(ge_benes);
                o.Put(',');
            }
            o.EndRowTrim();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Open Payments general payments

std::string_view PrimaryType(const Person& p) {
    switch (Specialties()[p.spec].kind) {
        case Kind::kMD:
            return p.do_school ? "Doctor of Osteopathy" : "Medical Doctor";
        case Kind::kNP:
            return "Nurse Practitioner";
        case Kind::kPA:
            return "Physician Assistant";
        case Kind::kDentist:
            return "Doctor of Dentistry";
        case Kind::kOptometrist:
            return "Doctor of Optometry";
        case Kind::kChiro:
            return "Chiropractor";
        case Kind::kPT:
            return {};
    }
    return {};
}

void WriteOpenPayments(const Universe& u, const GenOptions& opts, OutFile& o, int year) {
    const bool qa = opts.open_payments_quote_all;
    if (qa) {
        std::string_view h = kOpenPaymentsHeader;
        while (true) {
            const auto c = h.find(',');
            o.Q(h.substr(0, c));
            if (c == std::string_view::npos)
                break;
            h.remove_prefix(c + 1);
        }
        o.EndRowTrim();
    } else {
        o.Put(kOpenPaymentsHeader);
        o.EndHeader();
    }
    // Field writers honouring the quoting style.
    auto F = [&](std::string_view s) {
        if (qa)
            o.Q(s);
        else
            o.C(s);
    };
    auto FU = [&](std::string_view s) {
        if (qa)
            o.QUpper(s);
        else
            CU(o, s);
    };
    auto FE = [&](int n) {
        if (qa)
            o.QEmpty(n);
        else
            o.CEmpty(n);
    };
    auto FN = [&](std::uint64_t v) {
        if (qa)
            o.Put('"');
        o.PutUInt(v);
        o.Put(qa ? "\"," : ",");
    };
    const auto mfrs = Manufacturers();
    const auto natures = Natures();
    double ntotal = 0;
    for (const auto& n : natures)
        ntotal += n.weight;
    std::uint64_t record_id = (year == 2024 ? 1067000000ull : 940000000ull) + (u.seed() % 1000) * 1000;
    const std::int32_t y0 = Day(year, 1, 1);
    const std::int32_t ylen = Day(year + 1, 1, 1) - y0;
    for (std::uint64_t i = 0; i < u.physicians(); ++i) {
        const Person p = u.MakePerson(i);
        if (!Active(p) || p.enumerated > Day(year, 12, 31))
            continue;
        const Specialty& sp = Specialties()[p.spec];
        const std::string_view ptype = PrimaryType(p);
        if (ptype.empty())
            continue;
        Rng r(Mix(Mix(u.seed(), kSPay, i), static_cast<std::uint64_t>(year)));
        const double pany = sp.kind == Kind::kMD ? 0.62 : (sp.kind == Kind::kNP || sp.kind == Kind::kPA) ? 0.45 : 0.2;
        if (!r.Chance(pany))
            continue;
        const auto nrec = static_cast<std::uint32_t>(std::clamp(r.LogNormal(4.0, 1.0), 1.0, 250.0));
        auto mpool = ManufacturerPool(sp.family);
        const Addr& a = p.loc[0].addr;
        const bool physician = sp.kind != Kind::kNP && sp.kind != Kind::kPA;
        // Payments cluster on a few payers per recipient.
        const std::uint32_t fav = mpool.empty() ? r.Below(mfrs.size()) : mpool[r.Below(mpool.size())];
        for (std::uint32_t k = 0; k < nrec; ++k) {
            std::uint32_t mi = fav;
            if (r.Chance(0.4))
                mi = mpool.empty() ? r.Below(mfrs.size()) : mpool[r.Below(mpool.size())];
            const Manufacturer& m = mfrs[mi];
            const Product& prod = m.products[r.Below(m.products.size())];
            double nu = r.Uniform() * ntotal;
            std::size_t ni = 0;
            while (ni + 1 < natures.size() && nu >= natures[ni].weight)
                nu -= natures[ni++].weight;
            const Nature& nat = natures[ni];
            const std::int64_t cents =
                std::max<std::int64_t>(1, std::llround(r.LogNormal(nat.median, nat.sigma) * 100.0));
            record_id += 1 + r.Below(4);
            o.BeginRow();
            F(r.Chance(0.85) ? "UNCHANGED" : r.Chance(0.67) ? "NEW" : "CHANGED");
            F(physician ? "Covered Recipient Physician" : "Covered Recipient Non-Physician Practitioner");
            FE(3);
            FN(100000 + p.index * 3 + (p.npi % 3));
            FN(p.npi);
            FU(p.first);
            if (p.middle.empty())
                FE(1);
            else
                FU(p.middle_initial ? p.middle.substr(0, 1) : p.middle);
            FU(p.last);
            if (p.suffix.empty())
                FE(1);
            else
                FU(p.suffix);
            F(Upper(Line1(a)));
            F(Upper(Line2(a)));
            F(ZipOf(a).city);
            F(kState);
            F(ZipOf(a).zip);
            F("United States");
            FE(2);
            F(ptype);
            FE(5);
            F(sp.nucc_path);
            if (p.spec2 >= 0)
                F(Specialties()[static_cast<std::size_t>(p.spec2)].nucc_path);
            else
                FE(1);
            FE(4);
            F(kState);
            FE(4);
            F(m.name);
            F(m.id);
            F(m.name);
            F(m.state);
            F(m.country);
            if (qa)
                o.Put('"');
            o.PutFixed(cents, 2);
            o.Put(qa ? "\"," : ",");
            if (qa)
                o.Put('"');
            o.PutDate(y0 + static_cast<std::int32_t>(r.Below(static_cast<std::uint64_t>(ylen))));
            o.Put(qa ? "\"," : ",");
            F("1");
            const bool food = ni == 0;
            F(food && r.Chance(0.5) ? "In-kind items and services" : nat.form);
            F(nat.name);
            if (nat.name == "Travel and Lodging") {
                static constexpr std::string_view kCities[][2] = {
                    {"Chicago", "IL"}, {"New York", "NY"}, {"Boston", "MA"}, {"San Diego", "CA"}, {"Orlando", "FL"}};
                const auto& c = kCities[r.Below(std::size(kCities))];
                F(c[0]);
                F(c[1]);
                F("United States");
            } else {
                FE(3);
            }
            F("No");
            F("No Third Party Payment");
            FE(4);
            F("No");
            FN(record_id);
            F("No");
            F("Yes");
            F("Covered");
            F(prod.type);
            F(prod.category);
            F(prod.name);
            F(prod.ndc);
            FE(1);
            FE(24);
            FN(static_cast<std::uint64_t>(year));
            F("06/30/2026");
            o.EndRowTrim();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// ZCTA gazetteer

void WriteZcta(const Universe& u, OutFile& o) {
    o.Put(kZctaHeader);
    o.EndHeader("\r\n");
    std::vector<std::uint16_t> zips = u.zips();
    std::sort(zips.begin(), zips.end(),
              [](std::uint16_t a, std::uint16_t b) { return TwinCitiesZips()[a].zip < TwinCitiesZips()[b].zip; });
    for (auto zi : zips) {
        const ZipInfo& z = TwinCitiesZips()[zi];
        o.BeginRow();
        o.Put(z.zip);
        o.Put('\t');
        o.Put(z.aland);
        o.Put('\t');
        o.Put(z.awater);
        o.Put('\t');
        o.Put(z.aland_sqmi);
        o.Put('\t');
        o.Put(z.awater_sqmi);
        o.Put('\t');
        o.Put(z.intptlong);
        o.Put('\t');
        o.Put(z.intptlat);
        o.EndRow("\r\n");
    }
    o.Put("\t\t\t\t\t\t\r\n");  // the sample file ends with an all-tab line; keep the quirk
}

// ---------------------------------------------------------------------------------------------

std::vector<std::uint16_t> RegionZips(const GenOptions& opts) {
    std::string region = opts.region;
    std::transform(region.begin(), region.end(), region.begin(), [](unsigned char c) { return std::tolower(c); });
    if (region != "twin-cities" && region != "mn" && region != "minneapolis") {
        throw std::invalid_argument("unknown region '" + opts.region + "' (built-in: twin-cities)");
    }
    const auto table = TwinCitiesZips();
    const ZipInfo* centre = nullptr;
    if (!opts.centre_zip.empty()) {
        for (const auto& z : table) {
            if (z.zip == opts.centre_zip)
                centre = &z;
        }
        if (centre == nullptr)
            throw std::invalid_argument("centre ZIP " + opts.centre_zip + " is not in the region");
    }
    for (const auto& want : opts.zips) {
        if (std::none_of(table.begin(), table.end(), [&](const ZipInfo& z) { return z.zip == want; })) {
            throw std::invalid_argument("ZIP " + want + " is not in the region");
        }
    }
    std::vector<std::uint16_t> out;
    for (std::size_t k = 0; k < table.size(); ++k) {
        const auto& z = table[k];
        if (!opts.zips.empty() && std::find(opts.zips.begin(), opts.zips.end(), z.zip) == opts.zips.end())
            continue;
        if (centre != nullptr && opts.radius_km > 0) {
            const double d = std::hypot((z.lat - centre->lat) * 111.0, (z.lng - centre->lng) * 78.5);
            if (d > opts.radius_km)
                continue;
        }
        out.push_back(static_cast<std::uint16_t>(k));
    }
    if (out.empty())
        throw std::invalid_argument("region filter selects no ZIP");
    return out;
}

struct Job {
    GenFile meta;
    double weight;  // expected relative cost, for scheduling
    std::function<void(OutFile&)> run;
};

void WriteManifest(const GenOptions& opts, const GenSummary& s) {
    std::string m;
    auto out = std::back_inserter(m);
    fmt::format_to(out, "{{\n  \"generator\": \"rounds-gen\",\n  \"format_version\": 1,\n  \"seed\": {},\n", opts.seed);
    fmt::format_to(out, "  \"physicians\": {},\n  \"organisations\": {},\n  \"hospitals\": {},\n", s.physicians,
                   s.organisations, s.hospitals);
    fmt::format_to(out, "  \"region\": \"twin-cities\",\n  \"state\": \"MN\",\n  \"files\": [\n");
    for (std::size_t k = 0; k < s.files.size(); ++k) {
        const auto& f = s.files[k];
        fmt::format_to(out,
                       "    {{\"dataset\": \"{}\", \"part\": \"{}\", \"path\": \"{}\", \"year\": {}, \"rows\": {}, "
                       "\"bytes\": {}}}{}\n",
                       f.dataset, f.part, f.path, f.year, f.rows, f.bytes, k + 1 < s.files.size() ? "," : "");
    }
    m += "  ]\n}\n";
    OutFile o(opts.out_dir / "manifest.json");
    o.Put(m);
    o.Close();
}

}  // namespace

GenSummary GenerateRelease(const GenOptions& opts, std::ostream& progress) {
    if (opts.physicians < 1000 || opts.physicians > 10000000) {
        throw std::invalid_argument("physicians must be between 1,000 and 10,000,000");
    }
    const auto t0 = std::chrono::steady_clock::now();
    const Universe u(opts.seed, opts.physicians, RegionZips(opts));
    std::filesystem::create_directories(opts.out_dir);

    const double n = static_cast<double>(opts.physicians);
    std::vector<Job> jobs;
    auto add = [&](std::string ds, std::string part, std::string path, int year, double w,
                   std::function<void(OutFile&)> fn) {
        if (!opts.datasets.empty() &&
            std::find(opts.datasets.begin(), opts.datasets.end(), ds) == opts.datasets.end()) {
            return;
        }
        jobs.push_back(Job{GenFile{std::move(ds), std::move(part), std::move(path), year, 0, 0}, w, std::move(fn)});
    };
    add("nppes", "npidata", "npidata_pfile_20050523-20260713.csv", 0, 10 * n, [&](OutFile& o) { WriteNppes(u, o); });
    add("nppes", "pl", "pl_pfile_20050523-20260713.csv", 0, 0.5 * n, [&](OutFile& o) { WritePl(u, o); });
    const bool copy_nucc = !opts.nucc_path.empty() && std::filesystem::is_regular_file(opts.nucc_path);
    if (copy_nucc)
        add("nucc", "", "nucc_taxonomy_251.csv", 0, 0, nullptr);
    add("dac", "", "DAC_NationalDownloadableFile.csv", 0, 2 * n, [&](OutFile& o) { WriteDac(u, opts, o); });
    add("facility-affiliation", "", "Facility_Affiliation.csv", 0, 0.5 * n, [&](OutFile& o) { WriteFacility(u, o); });
    add("hospitals", "", "Hospital_General_Information.csv", 0, 0, [&](OutFile& o) { WriteHospitals(u, o); });
    add("partb", "provider-service", "MUP_PHY_R25_P05_V20_D23_Prov_Svc.csv", 2023, 3 * n,
        [&](OutFile& o) { WritePartB(u, o, 2023); });
    add("partb", "provider-service", "MUP_PHY_R26_P05_V10_D24_Prov_Svc.csv", 2024, 3 * n,
        [&](OutFile& o) { WritePartB(u, o, 2024); });
    add("partd", "provider-drug", "MUP_DPR_RY25_P04_V10_DY23_NPIBN.csv", 2023, 3 * n,
        [&](OutFile& o) { WritePartD(u, o, 2023); });
    add("partd", "provider-drug", "MUP_DPR_RY26_P04_V10_DY24_NPIBN.csv", 2024, 3 * n,
        [&](OutFile& o) { WritePartD(u, o, 2024); });
    add("open-payments", "general", "OP_DTL_GNRL_PGYR2023_P06302026.csv", 2023, 3 * n,
        [&](OutFile& o) { WriteOpenPayments(u, opts, o, 2023); });
    add("open-payments", "general", "OP_DTL_GNRL_PGYR2024_P06302026.csv", 2024, 3 * n,
        [&](OutFile& o) { WriteOpenPayments(u, opts, o, 2024); });
    add("zcta", "", "2023_Gaz_zcta_national.txt", 0, 0, [&](OutFile& o) { WriteZcta(u, o); });

    // Schedule the most expensive files first; output bytes do not depend on the schedule.
    std::vector<std::size_t> order(jobs.size());
    for (std::size_t k = 0; k < order.size(); ++k)
        order[k] = k;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return jobs[a].weight > jobs[b].weight; });

    unsigned threads = opts.threads != 0 ? opts.threads : std::max(1u, std::thread::hardware_concurrency());
    threads = std::min<unsigned>(threads, static_cast<unsigned>(jobs.size()));
    std::atomic<std::size_t> next{0};
    std::mutex mu;
    std::exception_ptr error;
    auto worker = [&] {
        while (true) {
            const std::size_t slot = next.fetch_add(1);
            if (slot >= order.size())
                return;
            Job& job = jobs[order[slot]];
            try {
                const auto js = std::chrono::steady_clock::now();
                const auto path = opts.out_dir / job.meta.path;
                if (!job.run) {  // NUCC: byte copy of the reference file
                    std::filesystem::copy_file(opts.nucc_path, path, std::filesystem::copy_options::overwrite_existing);
                    job.meta.bytes = std::filesystem::file_size(path);
                    std::ifstream in(path, std::ios::binary);
                    std::uint64_t lines = 0;
                    for (std::string line; std::getline(in, line);)
                        ++lines;
                    job.meta.rows = lines > 0 ? lines - 1 : 0;
                } else {
                    OutFile o(path);
                    job.run(o);
                    o.Close();
                    job.meta.rows = o.rows();
                    job.meta.bytes = o.bytes();
                }
                const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - js).count();
                std::lock_guard lock(mu);
                progress << fmt::format("gen: {:<42} {:>11} rows {:>9.1f} MB {:>7.2f} s\n", job.meta.path,
                                        job.meta.rows, static_cast<double>(job.meta.bytes) / 1e6, secs)
                         << std::flush;
            } catch (...) {
                std::lock_guard lock(mu);
                if (!error)
                    error = std::current_exception();
                next = order.size();
            }
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t)
        pool.emplace_back(worker);
    worker();
    for (auto& t : pool)
        t.join();
    if (error)
        std::rethrow_exception(error);

    GenSummary s;
    s.physicians = u.physicians();
    s.organisations = u.orgs();
    s.hospitals = u.hospitals().size();
    for (auto& j : jobs) {
        s.total_rows += j.meta.rows;
        s.total_bytes += j.meta.bytes;
        s.files.push_back(std::move(j.meta));
    }
    WriteManifest(opts, s);
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return s;
}

int RunGen(const GenOptions& opts, std::ostream& out) {
    try {
        const GenSummary s = GenerateRelease(opts, out);
        out << fmt::format("\n{:<22} {:<42} {:>5} {:>11} {:>10}\n", "dataset", "file", "year", "rows", "MB");
        for (const auto& f : s.files) {
            out << fmt::format("{:<22} {:<42} {:>5} {:>11} {:>10.1f}\n", f.dataset, f.path,
                               f.year == 0 ? std::string("-") : std::to_string(f.year), f.rows,
                               static_cast<double>(f.bytes) / 1e6);
        }
        const double mb = static_cast<double>(s.total_bytes) / 1e6;
        out << fmt::format(
            "\n{} physicians, {} organisations, {} hospitals (seed {}) -> {}\n"
            "{} files, {} rows, {:.1f} MB in {:.2f} s: {:.1f} MB/s, {:.0f} rows/s\n",
            s.physicians, s.organisations, s.hospitals, opts.seed, opts.out_dir.string(), s.files.size(), s.total_rows,
            mb, s.seconds, s.seconds > 0 ? mb / s.seconds : 0.0,
            s.seconds > 0 ? static_cast<double>(s.total_rows) / s.seconds : 0.0);
        return 0;
    } catch (const std::invalid_argument& e) {
        out << "gen: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        out << "gen: error: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace rounds::gen
