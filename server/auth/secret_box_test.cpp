#include "auth/secret_box.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace rounds::auth {
namespace {

TEST(SecretBox, SealsAndOpensWithTheSameAssociatedData) {
    SecretBox box = SecretBox::Generate();
    std::string sealed = box.Seal("JBSWY3DPEHPK3PXP", "totp:user-1");
    EXPECT_TRUE(SecretBox::IsSealed(sealed));
    EXPECT_EQ(sealed.find("JBSWY3DP"), std::string::npos);
    EXPECT_EQ(box.Open(sealed, "totp:user-1").value_or(""), "JBSWY3DPEHPK3PXP");
    // Fresh nonce each time.
    EXPECT_NE(sealed, box.Seal("JBSWY3DPEHPK3PXP", "totp:user-1"));
}

TEST(SecretBox, RefusesOtherRowsOtherKeysAndTampering) {
    SecretBox box = SecretBox::Generate();
    std::string sealed = box.Seal("secret", "totp:user-1");
    EXPECT_FALSE(box.Open(sealed, "totp:user-2"));
    EXPECT_FALSE(SecretBox::Generate().Open(sealed, "totp:user-1"));
    std::string tampered = sealed;
    tampered[10] = tampered[10] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(box.Open(tampered, "totp:user-1"));
    EXPECT_FALSE(box.Open("JBSWY3DPEHPK3PXP", "totp:user-1"));  // legacy plaintext is not sealed
    EXPECT_FALSE(box.Open("v1:", "totp:user-1"));
}

TEST(SecretBox, KeyFileIsCreatedOnceAndReused) {
    auto dir = std::filesystem::temp_directory_path() / ("secretbox-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::string path = (dir / "keys" / "secrets.key").string();
    SecretBox a = SecretBox::LoadOrCreate(path);
    SecretBox b = SecretBox::LoadOrCreate(path);
    EXPECT_EQ(b.Open(a.Seal("x", "ad"), "ad").value_or(""), "x");
    EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::others_read,
              std::filesystem::perms::none);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace rounds::auth
