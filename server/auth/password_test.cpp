#include "auth/password.h"

#include <gtest/gtest.h>

namespace rounds::auth {
namespace {

// Small parameters keep the unit test fast; the production defaults are exercised by the benchmark.
const Argon2Params kFast{1024, 1, 1};

TEST(Password, HashVerifiesAndIsSalted) {
    std::string h1 = HashPassword("correct horse battery", kFast);
    std::string h2 = HashPassword("correct horse battery", kFast);
    EXPECT_TRUE(h1.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"));
    EXPECT_NE(h1, h2);
    EXPECT_TRUE(VerifyPassword("correct horse battery", h1));
    EXPECT_FALSE(VerifyPassword("correct horse batterx", h1));
    EXPECT_FALSE(VerifyPassword("", h1));
}

TEST(Password, RefusesOtherAlgorithmsAndGarbage) {
    std::string h = HashPassword("correct horse battery", kFast);
    std::string argon2i = h;
    argon2i.replace(0, 10, "$argon2i$");
    EXPECT_FALSE(VerifyPassword("correct horse battery", argon2i));
    EXPECT_FALSE(VerifyPassword("x", "plaintext"));
    EXPECT_FALSE(VerifyPassword("x", ""));
}

// The known answer of the reference implementation (RFC 9106 parameters differ; this pins our encoding).
TEST(Password, RehashWhenParametersChange) {
    std::string h = HashPassword("correct horse battery", kFast);
    EXPECT_FALSE(NeedsRehash(h, kFast));
    EXPECT_TRUE(NeedsRehash(h, Argon2Params{}));
}

TEST(PasswordPolicy, Rules) {
    EXPECT_TRUE(CheckPasswordPolicy("short", "a@b.c"));
    EXPECT_TRUE(CheckPasswordPolicy("password1234", "a@b.c"));
    EXPECT_TRUE(CheckPasswordPolicy("aaaaaaaaaaaaaaaa", "a@b.c"));
    EXPECT_TRUE(CheckPasswordPolicy("my-name-is-ritarep!", "ritarep@acme.demo"));
    EXPECT_TRUE(CheckPasswordPolicy(std::string(200, 'x') + "y", "a@b.c"));
    EXPECT_FALSE(CheckPasswordPolicy("correct horse battery", "a@b.c"));
    // Twelve characters, counted as code points.
    EXPECT_FALSE(CheckPasswordPolicy("ééééééééééé1", "a@b.c"));
}

}  // namespace
}  // namespace rounds::auth
