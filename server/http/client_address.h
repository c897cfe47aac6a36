#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rounds::http {

/// The reverse proxies (load balancers) whose X-Forwarded-For is believed, as address blocks ("10.0.0.0/8",
/// "127.0.0.1", "fd00::/8"). Empty, the default: every request's client is its TCP peer and X-Forwarded-For is
/// ignored, so a client cannot choose the address that rate limits, lock-outs and the audit log see.
class TrustedProxies {
  public:
    TrustedProxies() = default;
    /// A comma-separated list of addresses and CIDR blocks, IPv4 or IPv6; spaces are ignored. Throws
    /// std::invalid_argument naming the entry that is neither.
    static TrustedProxies Parse(std::string_view list);

    bool Empty() const { return blocks_.empty(); }
    /// Whether `address` (textual IPv4 or IPv6; an IPv4-mapped IPv6 address counts as its IPv4 address) lies in
    /// one of the blocks. False for anything that is not an address.
    bool Contains(std::string_view address) const;
    /// The client of a request from TCP peer `peer`: the peer itself unless it is a trusted proxy; then the
    /// X-Forwarded-For entries (every such header joined by commas, in order) read from the right, skipping trusted
    /// proxies, up to the first that is not one. An entry that is not an address ends the walk at the hop that
    /// reported it. The result is always an address that a trusted hop vouched for (or the peer).
    std::string ClientAddress(std::string_view peer, const std::vector<std::string_view>& forwarded_for) const;

  private:
    struct Block {
        std::array<std::uint8_t, 16> net{};
        int bits = 0;
        bool v4 = false;
    };
    std::vector<Block> blocks_;
};

/// An IPv4 or IPv6 address in its canonical text form (IPv4-mapped IPv6 as IPv4; an IPv4 "a.b.c.d:port" or an
/// IPv6 "[addr]:port" loses its port); nullopt when `text` is not one.
std::optional<std::string> CanonicalAddress(std::string_view text);

}  // namespace rounds::http
