#include "core/npi.h"

#include <gtest/gtest.h>

namespace rounds::core {
namespace {

TEST(Npi, KnownValidNumbers) {
    // 1234567893 is the CMS example; the others are real NPIs from the shared CMS excerpts.
    EXPECT_TRUE(IsValidNpi("1234567893"));
    EXPECT_TRUE(IsValidNpi("1063947125"));
    EXPECT_TRUE(IsValidNpi("1003000126"));
    EXPECT_EQ(ParseNpi("1234567893"), 1234567893);
}

TEST(Npi, RejectsWrongCheckDigitLengthAndCharacters) {
    EXPECT_FALSE(IsValidNpi("1234567890"));
    EXPECT_FALSE(IsValidNpi("123456789"));
    EXPECT_FALSE(IsValidNpi("12345678931"));
    EXPECT_FALSE(IsValidNpi("12345a7893"));
    EXPECT_FALSE(IsValidNpi(""));
    EXPECT_FALSE(ParseNpi("1234567890").has_value());
}

TEST(Npi, CheckDigitOfEveryStemValidates) {
    for (int stem = 100000000; stem < 100000000 + 2000; ++stem) {
        std::string s = std::to_string(stem);
        s += static_cast<char>('0' + NpiCheckDigit(s));
        EXPECT_TRUE(IsValidNpi(s)) << s;
        EXPECT_EQ(NpiCheckDigit(static_cast<uint64_t>(stem)), s[9] - '0') << "numeric and text stems agree";
    }
    EXPECT_EQ(NpiCheckDigit(uint64_t{123456789}), 3);  // CMS's example 1234567893
}

}  // namespace
}  // namespace rounds::core
