#include "http/client_address.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace rounds::http {
namespace {

TEST(TrustedProxies, EmptyListBelievesNoHeader) {
    TrustedProxies none;
    EXPECT_TRUE(none.Empty());
    EXPECT_EQ(none.ClientAddress("127.0.0.1", {"203.0.113.9"}), "127.0.0.1");
    EXPECT_EQ(TrustedProxies::Parse(" , ").ClientAddress("10.0.0.1", {"203.0.113.9"}), "10.0.0.1");
}

TEST(TrustedProxies, BlocksMatchByPrefix) {
    auto t = TrustedProxies::Parse("10.0.0.0/8, 192.168.1.7 ,fd00::/8,2001:db8::1/128, 172.16.0.0/12");
    EXPECT_TRUE(t.Contains("10.255.3.4"));
    EXPECT_FALSE(t.Contains("11.0.0.1"));
    EXPECT_TRUE(t.Contains("192.168.1.7"));
    EXPECT_FALSE(t.Contains("192.168.1.8"));
    EXPECT_TRUE(t.Contains("172.31.255.255"));
    EXPECT_FALSE(t.Contains("172.32.0.0"));
    EXPECT_TRUE(t.Contains("fd12:3456::1"));
    EXPECT_FALSE(t.Contains("fe80::1"));
    EXPECT_TRUE(t.Contains("2001:db8::1"));
    EXPECT_FALSE(t.Contains("2001:db8::2"));
    EXPECT_TRUE(t.Contains("::ffff:10.1.2.3"));  // a dual-stack socket reports IPv4 peers like this
    EXPECT_FALSE(t.Contains("not-an-address"));
    EXPECT_FALSE(t.Contains(""));
    EXPECT_TRUE(TrustedProxies::Parse("0.0.0.0/0").Contains("8.8.8.8"));
    EXPECT_FALSE(TrustedProxies::Parse("0.0.0.0/0").Contains("::1"));  // families never mix
}

TEST(TrustedProxies, BadEntriesAreRefusedByName) {
    for (const char* bad : {"10.0.0.0/33", "::/129", "10.0.0.0/x", "10.0.0.0/", "example.com", "10.0.0.1:80",
                            "1.2.3.4/-1", "10.0.0.0/8/8"}) {
        try {
            TrustedProxies::Parse(std::string("127.0.0.1, ") + bad);
            ADD_FAILURE() << bad << " was accepted";
        } catch (const std::invalid_argument& e) {
            EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
        }
    }
}

TEST(TrustedProxies, ClientIsTheFirstUntrustedHopFromTheRight) {
    auto t = TrustedProxies::Parse("10.0.0.0/8");
    // Peer is the load balancer; the header says client, then an inner proxy.
    EXPECT_EQ(t.ClientAddress("10.0.0.2", {"203.0.113.9, 10.0.0.5"}), "203.0.113.9");
    // A client that forges an entry only adds to the left of what the trusted hops wrote.
    EXPECT_EQ(t.ClientAddress("10.0.0.2", {"6.6.6.6, 203.0.113.9"}), "203.0.113.9");
    // Several headers are one list, in order.
    EXPECT_EQ(t.ClientAddress("10.0.0.2", {"6.6.6.6", "203.0.113.9, 10.1.1.1"}), "203.0.113.9");
    // Ports and brackets as proxies write them; IPv4-mapped folded.
    EXPECT_EQ(t.ClientAddress("::ffff:10.0.0.2", {"203.0.113.9:51234"}), "203.0.113.9");
    EXPECT_EQ(t.ClientAddress("10.0.0.2", {"[2001:db8::7]:443"}), "2001:db8::7");
    // An untrusted peer's header is ignored.
    EXPECT_EQ(t.ClientAddress("198.51.100.1", {"203.0.113.9"}), "198.51.100.1");
    // No header, or an empty one: the peer.
    EXPECT_EQ(t.ClientAddress("10.0.0.2", {}), "10.0.0.2");
    EXPECT_EQ(t.ClientAddress("10.0.0.2", {" , "}), "10.0.0.2");
    // Garbage stops the walk at the trusted hop that passed it on.
    EXPECT_EQ(t.ClientAddress("10.0.0.2", {"203.0.113.9, <script>"}), "10.0.0.2");
    EXPECT_EQ(t.ClientAddress("10.0.0.2", {"unknown, 10.0.0.9"}), "10.0.0.9");
    // Every hop trusted: the farthest.
    EXPECT_EQ(t.ClientAddress("10.0.0.2", {"10.9.9.9, 10.0.0.5"}), "10.9.9.9");
}

TEST(TrustedProxies, CanonicalAddress) {
    EXPECT_EQ(CanonicalAddress(" 2001:DB8:0:0::1 "), "2001:db8::1");
    EXPECT_EQ(CanonicalAddress("::ffff:192.0.2.1"), "192.0.2.1");
    EXPECT_EQ(CanonicalAddress("192.0.2.1:8080"), "192.0.2.1");
    EXPECT_EQ(CanonicalAddress("[::1]:8080"), "::1");
    EXPECT_EQ(CanonicalAddress("[::1]x"), std::nullopt);
    EXPECT_EQ(CanonicalAddress("300.1.1.1"), std::nullopt);
    EXPECT_EQ(CanonicalAddress(""), std::nullopt);
}

}  // namespace
}  // namespace rounds::http
