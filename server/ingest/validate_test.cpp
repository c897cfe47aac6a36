#include "ingest/validate.h"

#include <gtest/gtest.h>

#include "ingest/dataset.h"
#include "ingest/text.h"

namespace rounds::ingest {
namespace {

TEST(Validate, NpiLuhnWithPrefix) {
    EXPECT_TRUE(IsValidNpi("1234567893"));  // CMS's published example
    EXPECT_TRUE(IsValidNpi("1063947125"));  // real NPI from the NPPES sample
    EXPECT_FALSE(IsValidNpi("1234567890"));
    EXPECT_FALSE(IsValidNpi("123456789"));
    EXPECT_FALSE(IsValidNpi("12345678a3"));
}

TEST(Validate, Dates) {
    EXPECT_EQ(ParseDate("01/01/2000"), 0);
    EXPECT_EQ(ParseDate("2000-01-02"), 1);
    EXPECT_EQ(FormatDate(*ParseDate("05/23/2005")), "2005-05-23");
    EXPECT_EQ(FormatDate(*ParseDate("2/29/2024")), "2024-02-29");
    EXPECT_FALSE(ParseDate("02/29/2023"));
    EXPECT_FALSE(ParseDate("13/01/2020"));
    EXPECT_FALSE(ParseDate("2020-1-1"));
    EXPECT_FALSE(ParseDate("yesterday"));
    EXPECT_EQ(FormatDate(*ParseDate("12/31/1899")), "1899-12-31");
}

TEST(Validate, Numbers) {
    EXPECT_EQ(ParseInt("1,234"), 1234);
    EXPECT_EQ(ParseInt("12.0"), 12);
    EXPECT_FALSE(ParseInt("12.5"));
    EXPECT_FALSE(ParseInt("abc"));
    EXPECT_EQ(ParseCents("5994.01"), 599401);
    EXPECT_EQ(ParseCents("$1,200"), 120000);
    EXPECT_EQ(ParseCents("0.5"), 50);
    EXPECT_EQ(ParseCents("-3.10"), -310);
    EXPECT_FALSE(ParseCents("1.2.3"));
    EXPECT_DOUBLE_EQ(*ParseDouble("73.75"), 73.75);
    EXPECT_FALSE(ParseDouble("nan"));
}

TEST(Validate, MarkersFlagsStatesZips) {
    EXPECT_TRUE(IsNullMarker("Not Available"));
    EXPECT_TRUE(IsNullMarker("*"));
    EXPECT_TRUE(IsNullMarker(""));
    EXPECT_FALSE(IsNullMarker("0"));
    EXPECT_EQ(ParseFlag("Yes"), true);
    EXPECT_EQ(ParseFlag("N"), false);
    EXPECT_FALSE(ParseFlag("X"));
    EXPECT_TRUE(IsStateCode("PR"));
    EXPECT_FALSE(IsStateCode("XX"));
    EXPECT_EQ(NormalizeZip("64844660"), "064844660");
    EXPECT_EQ(NormalizeZip("601"), "00601");
    EXPECT_EQ(NormalizeZip("34108-1869"), "341081869");
    EXPECT_FALSE(NormalizeZip("ABC"));
}

TEST(Text, HeaderNormalisationAndUtf8) {
    EXPECT_EQ(NormalizeHeaderName(" Ind_PAC_ID"), "indpacid");
    EXPECT_EQ(NormalizeHeaderName("Provider Secondary Practice Location Address-  Address Line 2"),
              NormalizeHeaderName("Provider Secondary Practice Location Address- Address Line 2"));
    EXPECT_TRUE(IsCleanUtf8("caf\xC3\xA9"));
    EXPECT_FALSE(IsCleanUtf8("caf\xE9"));
    EXPECT_FALSE(IsCleanUtf8(std::string("a\0b", 3)));
    EXPECT_EQ(Trim("\xC2\xA0 x \xC2\xA0"), "x");
}

TEST(Dataset, YearAndModeFromFileNames) {
    EXPECT_EQ(InferYearFromFileName("MUP_PHY_R25_P05_V20_D23_Prov_Svc.csv"), 2023);
    EXPECT_EQ(InferYearFromFileName("/x/MUP_DPR_RY26_P04_V10_DY24_NPIBN.csv"), 2024);
    EXPECT_EQ(InferYearFromFileName("OP_DTL_GNRL_PGYR2024_P01232026.csv"), 2024);
    EXPECT_EQ(InferYearFromFileName("partd_provider_drug_sample.csv"), std::nullopt);
    EXPECT_EQ(InferNppesIncremental("npidata_pfile_20050523-20250907.csv"), false);
    EXPECT_EQ(InferNppesIncremental("npidata_pfile_20251103-20251109.csv"), true);
    EXPECT_EQ(InferNppesIncremental("npidata.csv"), std::nullopt);
    for (const std::string& name : DatasetNames()) {
        EXPECT_NE(FindDataset(name), nullptr);
    }
}

}  // namespace
}  // namespace rounds::ingest
