#include "ingest/row_converter.h"

#include <bit>
#include <cstring>
#include <unordered_map>

#include "core/error.h"
#include "ingest/text.h"
#include "ingest/validate.h"

namespace rounds::ingest {
namespace {

constexpr size_t kMaxRawBytes = 2048;

uint64_t Mix(uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

std::string Describe(ColumnType type) {
    switch (type) {
        case ColumnType::kInt16:
        case ColumnType::kInt32:
        case ColumnType::kInt64:
            return "an integer";
        case ColumnType::kFloat64:
            return "a number";
        case ColumnType::kCents:
            return "an amount in dollars";
        case ColumnType::kDate:
            return "a date MM/DD/YYYY or YYYY-MM-DD";
        case ColumnType::kBool:
            return "a Y/N flag";
        case ColumnType::kText:
            return "text";
    }
    return "a value";
}

std::string DigitsOnly(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c >= '0' && c <= '9') {
            out.push_back(c);
        }
    }
    return out;
}

bool IsAlnum(std::string_view s) {
    for (char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
            return false;
        }
    }
    return true;
}

// Applies a text-level check. Returns the value to store (possibly normalised) or nullopt with `why` set.
std::optional<std::string> CheckText(Check check, std::string_view v, std::string& why) {
    switch (check) {
        case Check::kNone:
            return std::string(v);
        case Check::kState:
            if (IsStateCode(v)) {
                return std::string(v);
            }
            why = "not a US state code";
            return std::nullopt;
        case Check::kZip: {
            auto zip = NormalizeZip(v);
            if (!zip) {
                why = "not a ZIP code";
            }
            return zip;
        }
        case Check::kPhone: {
            // Digits only; `2.12689E+12` (a spreadsheet's scientific notation) has lost digits: refuse it.
            if (v.find_first_of("Ee") != std::string_view::npos) {
                why = "phone number in scientific notation (digits lost)";
                return std::nullopt;
            }
            std::string digits = DigitsOnly(v);
            if (digits.size() == 11 && digits[0] == '1') {
                digits.erase(0, 1);
            }
            if (digits.size() != 10) {
                why = "phone number without 10 digits";
                return std::nullopt;
            }
            return digits;
        }
        case Check::kCcn:
            if (v.size() == 6 && IsAlnum(v)) {
                return std::string(v);
            }
            why = "CCN must be 6 letters or digits";
            return std::nullopt;
        case Check::kTaxonomy:
            if (v.size() == 10 && IsAlnum(v)) {
                return std::string(v);
            }
            why = "taxonomy code must be 10 letters or digits";
            return std::nullopt;
        case Check::kNpi:
        case Check::kEntity:
            return std::string(v);
    }
    return std::string(v);
}

}  // namespace

uint64_t RowHash(std::string_view bytes) {
    // 8 bytes at a time, each word mixed in with a multiply and rotate, the length and a final avalanche
    // (murmur3's finaliser). Fixed here, never std::hash: stored hashes must stay comparable across builds.
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (bytes.size() * 0x100000001b3ULL);
    size_t i = 0;
    for (; i + 8 <= bytes.size(); i += 8) {
        uint64_t w = 0;
        std::memcpy(&w, bytes.data() + i, 8);
        h = std::rotl(h ^ Mix(w), 27) * 0x9fb21c651e98df25ULL;
    }
    uint64_t tail = 0;
    std::memcpy(&tail, bytes.data() + i, bytes.size() - i);
    h = std::rotl(h ^ Mix(tail ^ (static_cast<uint64_t>(bytes.size() - i) << 56)), 27) * 0x9fb21c651e98df25ULL;
    return Mix(h);
}

std::string RawForReject(std::string_view raw) {
    std::string out;
    AppendAsUtf8(out, raw.substr(0, kMaxRawBytes));
    return out;
}

RowConverter::RowConverter(const DatasetSpec& spec, const std::vector<std::string>& header,
                           std::optional<int> data_year)
    : spec_(spec), header_(header), data_year_(data_year) {
    // A trailing delimiter on the header line yields an empty last name: not a column.
    while (!header_.empty() && Trim(header_.back()).empty()) {
        header_.pop_back();
    }
    std::unordered_map<std::string, int> by_name;
    for (size_t i = 0; i < header_.size(); ++i) {
        by_name.emplace(NormalizeHeaderName(header_[i]), static_cast<int>(i));
    }
    std::vector<std::string> missing;
    for (const ColumnSpec& col : spec_.columns) {
        int idx = -1;
        if (col.source == ColumnSource::kFile) {
            for (const std::string& h : col.headers) {
                auto it = by_name.find(NormalizeHeaderName(h));
                if (it != by_name.end()) {
                    idx = it->second;
                    break;
                }
            }
            if (idx < 0) {
                (col.required_header ? missing : absent_).push_back(col.headers.front());
            }
        }
        index_.push_back(idx);
    }
    if (!missing.empty()) {
        std::string detail = "the " + spec_.name + " file lacks required column";
        detail += missing.size() > 1 ? "s " : " ";
        for (size_t i = 0; i < missing.size(); ++i) {
            detail += (i > 0 ? ", '" : "'") + missing[i] + "'";
        }
        detail += "; its header has " + std::to_string(header_.size()) + " columns: ";
        for (size_t i = 0; i < header_.size() && i < 60; ++i) {
            detail += (i > 0 ? ", '" : "'") + RawForReject(header_[i]) + "'";
        }
        if (header_.size() > 60) {
            detail += ", ...";
        }
        std::vector<core::FieldError> fields;
        for (const std::string& m : missing) {
            fields.push_back({m, "required column missing from the header"});
        }
        throw core::Error(core::ErrorKind::kInvalid, detail, std::move(fields));
    }
    bool uses_year = false;
    for (const ColumnSpec& col : spec_.columns) {
        uses_year = uses_year || col.source == ColumnSource::kDataYear;
        if (col.source == ColumnSource::kPaymentKind) {
            payment_kind_ = by_name.contains("totalamountinvestedusdollars") ? "ownership"
                            : by_name.contains("nameofstudy")                ? "research"
                                                                             : "general";
        }
    }
    if (uses_year && !data_year_) {
        throw core::Error(core::ErrorKind::kInvalid, "the " + spec_.name +
                                                         " data year is unknown: pass --year or keep the CMS file name "
                                                         "(e.g. ..._D23_... or ..._DY24_...)");
    }
}

std::vector<std::string> RowConverter::CopyColumns() const {
    std::vector<std::string> cols{"line"};
    for (const ColumnSpec& col : spec_.columns) {
        cols.push_back(col.name);
    }
    if (spec_.row_hash) {
        cols.emplace_back("row_hash");
    }
    return cols;
}

bool RowConverter::Convert(const CsvRecord& record, CopyWriter& out, std::vector<Reject>& warnings,
                           Reject& reject) const {
    const auto& fields = record.fields;
    size_t width = fields.size();
    // Trailing delimiter(s) on data lines: accept empty extra fields.
    while (width > header_.size() && Trim(fields[width - 1]).empty()) {
        --width;
    }
    if (width != header_.size()) {
        reject = Reject{record.line, "",
                        "expected " + std::to_string(header_.size()) + " fields as in the header, found " +
                            std::to_string(fields.size()),
                        RawForReject(record.raw), false};
        return false;
    }
    bool all_empty = true;
    for (std::string_view f : fields) {
        if (!Trim(f).empty()) {
            all_empty = false;
            break;
        }
    }
    if (all_empty) {
        reject = Reject{record.line, "", "empty record (every field blank)", RawForReject(record.raw), false};
        return false;
    }

    const size_t mark = out.Mark();
    out.StartRow(static_cast<int16_t>(spec_.columns.size() + (spec_.row_hash ? 2 : 1)));
    out.Int64(static_cast<int64_t>(record.line));
    const size_t values_start = out.Size();
    const size_t warnings_before = warnings.size();
    for (size_t c = 0; c < spec_.columns.size(); ++c) {
        const ColumnSpec& col = spec_.columns[c];
        if (col.source == ColumnSource::kDataYear) {
            out.Int16(static_cast<int16_t>(*data_year_));
            continue;
        }
        if (col.source == ColumnSource::kPaymentKind) {
            out.Text(payment_kind_);
            continue;
        }
        const int idx = index_[c];
        const std::string_view value = idx < 0 ? std::string_view() : Trim(fields[static_cast<size_t>(idx)]);
        // Suppression markers mean "unknown" for numbers, dates and flags; in text they are data (the
        // Part D suppression flag columns hold exactly "*" and "#").
        // NPPES writes "X" in Y/N columns for "not answered": unknown, and not worth a warning.
        const bool unanswered_flag = col.type == ColumnType::kBool && (value == "X" || value == "x");
        if (unanswered_flag || (col.type == ColumnType::kText ? value.empty() : IsNullMarker(value))) {
            if (col.required_value) {
                reject = Reject{record.line, header_[static_cast<size_t>(idx)], "required value is empty",
                                RawForReject(record.raw), false};
                out.Rollback(mark);
                warnings.resize(warnings_before);
                return false;
            }
            out.Null();
            continue;
        }
        std::string why;
        bool ok = true;
        switch (col.type) {
            case ColumnType::kText: {
                auto v = CheckText(col.check, value, why);
                ok = v.has_value();
                if (ok) {
                    out.Text(*v);
                }
                break;
            }
            case ColumnType::kInt16:
            case ColumnType::kInt32:
            case ColumnType::kInt64: {
                auto v = ParseInt(value);
                ok = v.has_value();
                if (ok && col.check == Check::kNpi && !IsValidNpi(value)) {
                    ok = false;
                    why = value.size() == 10 ? "NPI check digit is wrong (Luhn with prefix 80840)"
                                             : "NPI must be 10 digits";
                }
                if (ok && col.check == Check::kEntity && *v != 1 && *v != 2) {
                    ok = false;
                    why = "entity type must be 1 (individual) or 2 (organization)";
                }
                if (ok && col.type == ColumnType::kInt16 && (*v < -32768 || *v > 32767)) {
                    ok = false;
                    why = "out of range";
                }
                if (ok && col.type == ColumnType::kInt32 && (*v < INT32_MIN || *v > INT32_MAX)) {
                    ok = false;
                    why = "out of range";
                }
                if (ok) {
                    if (col.type == ColumnType::kInt16) {
                        out.Int16(static_cast<int16_t>(*v));
                    } else if (col.type == ColumnType::kInt32) {
                        out.Int32(static_cast<int32_t>(*v));
                    } else {
                        out.Int64(*v);
                    }
                }
                break;
            }
            case ColumnType::kFloat64: {
                auto v = ParseDouble(value);
                ok = v.has_value();
                if (ok) {
                    out.Float64(*v);
                }
                break;
            }
            case ColumnType::kCents: {
                auto v = ParseCents(value);
                ok = v.has_value();
                if (ok) {
                    out.Int64(*v);
                }
                break;
            }
            case ColumnType::kDate: {
                auto v = ParseDate(value);
                ok = v.has_value();
                if (ok) {
                    out.Date(*v);
                }
                break;
            }
            case ColumnType::kBool: {
                auto v = ParseFlag(value);
                ok = v.has_value();
                if (ok) {
                    out.Bool(*v);
                }
                break;
            }
        }
        if (ok) {
            continue;
        }
        if (why.empty()) {
            why = "expected " + Describe(col.type);
        }
        std::string reason = why + ": '" + RawForReject(value.substr(0, 200)) + "'";
        const std::string& field_name = header_[static_cast<size_t>(idx)];
        if (col.on_invalid == OnInvalid::kNull) {
            warnings.push_back(Reject{record.line, field_name, reason + " (stored as NULL)", {}, true});
            out.Null();
            continue;
        }
        reject = Reject{record.line, field_name, std::move(reason), RawForReject(record.raw), false};
        out.Rollback(mark);
        warnings.resize(warnings_before);
        return false;
    }
    if (spec_.row_hash) {
        // Over the converted values (not the line number): the same record hashes the same in any release.
        out.Int64(static_cast<int64_t>(
            RowHash(std::string_view(out.Buffer()).substr(values_start, out.Size() - values_start))));
    }
    return true;
}

}  // namespace rounds::ingest
