#pragma once

#include <string>
#include <string_view>

namespace rounds::ingest {

/// True when `s` is well-formed UTF-8 without NUL bytes (PostgreSQL text cannot hold NUL).
bool IsCleanUtf8(std::string_view s);

/// Appends `s` to `out` as UTF-8: valid UTF-8 sequences are copied, every other byte is read as Latin-1
/// (CMS files are UTF-8 with the odd Windows-1252/Latin-1 byte from older submissions), NUL becomes U+FFFD.
void AppendAsUtf8(std::string& out, std::string_view s);

/// Strips ASCII spaces, tabs and no-break spaces (U+00A0, common in CMS spreadsheets) at both ends.
std::string_view Trim(std::string_view s);

/// Canonical form of a header name for lookup: lower-case ASCII letters and digits only. CMS headers differ
/// between releases in spacing, case and punctuation (`NPI, Ind_PAC_ID` with leading spaces in DAC,
/// `Address-  Address Line 2` in the practice-location file), never in the letters that matter.
std::string NormalizeHeaderName(std::string_view name);

/// Name used for search: lower-case, single spaces. Accents are removed by the database (unaccent) at merge.
std::string CollapseSpaces(std::string_view s);

}  // namespace rounds::ingest
