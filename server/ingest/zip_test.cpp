#include <gtest/gtest.h>

#include "core/error.h"
#include "ingest/archive.h"
#include "ingest/byte_source.h"
#include "ingest/staging_parser.h"
#include "ingest/test_support.h"

namespace rounds::ingest {
namespace {

using testing::Corpus;

std::string ReadAll(ByteSource& src) {
    std::string out;
    char buf[7];  // odd size: exercises partial inflate output
    for (size_t n; (n = src.Read(buf, sizeof buf)) > 0;) {
        out.append(buf, n);
    }
    return out;
}

TEST(Zip, DeflatedMemberChosenByHint) {
    auto src = OpenInput(Corpus("nucc_in_zip.zip"), "taxonomy");
    EXPECT_NE(src->Name().find("!nucc_taxonomy_251.csv"), std::string::npos);
    const std::string text = ReadAll(*src);
    EXPECT_EQ(text.rfind("Code,Grouping", 0), 0u);
    EXPECT_NE(text.find("193200000X"), std::string::npos);
}

TEST(Zip, StoredMember) {
    auto src = OpenInput(Corpus("nucc_stored.zip"), "");
    EXPECT_NE(ReadAll(*src).find("Multi-Specialty Group"), std::string::npos);
}

TEST(Zip, CorruptMemberFailsOnCrc) {
    auto src = OpenInput(Corpus("corrupt_crc.zip"), "");
    EXPECT_THROW(ReadAll(*src), core::Error);
}

TEST(Zip, MissingMemberListsTheArchive) {
    try {
        OpenInput(Corpus("nucc_in_zip.zip"), "npidata_pfile");
        FAIL();
    } catch (const core::Error& e) {
        EXPECT_NE(e.Detail().find("nucc_taxonomy_251.csv"), std::string::npos);
    }
}

TEST(Archive, ChecksumAndIdempotentCopy) {
    const std::string store = ::testing::TempDir() + "/ingest-archive-test";
    const ArchivedFile a = ArchiveFile(Corpus("header_only.csv"), store, "nucc");
    const ArchivedFile b = ArchiveFile(Corpus("header_only.csv"), store, "nucc");
    EXPECT_EQ(a.sha256, Sha256File(Corpus("header_only.csv")));
    EXPECT_EQ(a.sha256.size(), 64u);
    EXPECT_EQ(a.path, b.path);
    EXPECT_EQ(a.bytes, 82u);
}

}  // namespace
}  // namespace rounds::ingest
