#include "auth/crypto.h"

#include <gtest/gtest.h>

#include <set>

namespace rounds::auth {
namespace {

TEST(Base64Url, Rfc4648Vectors) {
    EXPECT_EQ(Base64UrlEncode(""), "");
    EXPECT_EQ(Base64UrlEncode("f"), "Zg");
    EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
    EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
    EXPECT_EQ(Base64UrlEncode("foobar"), "Zm9vYmFy");
    EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
    EXPECT_EQ(*Base64UrlDecode("Zm9vYmE"), "fooba");
    EXPECT_EQ(*Base64UrlDecode("-_8"), "\xfb\xff");
}

TEST(Base64Url, RefusesNonCanonicalInput) {
    EXPECT_FALSE(Base64UrlDecode("Zm9v="));  // padding
    EXPECT_FALSE(Base64UrlDecode("Zm+v"));   // standard alphabet
    EXPECT_FALSE(Base64UrlDecode("Z"));      // impossible length
    EXPECT_FALSE(Base64UrlDecode("Zh"));     // non-zero trailing bits ("Zg" is canonical)
}

TEST(Tokens, RandomAndUuid) {
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        std::string t = NewOpaqueToken();
        EXPECT_EQ(t.size(), 43U);
        EXPECT_TRUE(seen.insert(t).second);
    }
    std::string u = NewUuid();
    EXPECT_EQ(u.size(), 36U);
    EXPECT_EQ(u[14], '4');
    EXPECT_EQ(TokenHash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
    EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
    EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
}

}  // namespace
}  // namespace rounds::auth
