#include "http/client_address.h"

#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <stdexcept>

namespace rounds::http {

namespace ip = boost::asio::ip;

namespace {

std::string_view Trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

/// Parses an address, folding IPv4-mapped IPv6 to IPv4; accepts "a.b.c.d:port" and "[v6]:port" as proxies write
/// them. nullopt when it is not an address.
std::optional<ip::address> ParseAddress(std::string_view text) {
    text = Trim(text);
    if (text.empty() || text.size() > 64) {
        return std::nullopt;
    }
    if (text.front() == '[') {
        auto close = text.find(']');
        if (close == std::string_view::npos) {
            return std::nullopt;
        }
        std::string_view rest = text.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') {
            return std::nullopt;
        }
        text = text.substr(1, close - 1);
    } else if (auto colon = text.find(':');
               colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos) {
        text = text.substr(0, colon);  // one colon: IPv4 with a port
    }
    boost::system::error_code ec;
    ip::address a = ip::make_address(std::string(text), ec);
    if (ec) {
        return std::nullopt;
    }
    if (a.is_v6() && a.to_v6().is_v4_mapped()) {
        return ip::make_address_v4(ip::v4_mapped, a.to_v6());
    }
    return a;
}

std::array<std::uint8_t, 16> Bytes(const ip::address& a) {
    std::array<std::uint8_t, 16> out{};
    if (a.is_v4()) {
        auto b = a.to_v4().to_bytes();
        std::copy(b.begin(), b.end(), out.begin());
    } else {
        auto b = a.to_v6().to_bytes();
        std::copy(b.begin(), b.end(), out.begin());
    }
    return out;
}

}  // namespace

std::optional<std::string> CanonicalAddress(std::string_view text) {
    auto a = ParseAddress(text);
    if (!a) {
        return std::nullopt;
    }
    return a->to_string();
}

TrustedProxies TrustedProxies::Parse(std::string_view list) {
    TrustedProxies out;
    while (!list.empty()) {
        auto comma = list.find(',');
        std::string_view entry = Trim(list.substr(0, comma));
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        if (entry.empty()) {
            continue;
        }
        std::string_view addr = entry;
        std::optional<int> bits;
        if (auto slash = entry.find('/'); slash != std::string_view::npos) {
            addr = entry.substr(0, slash);
            std::string_view len = entry.substr(slash + 1);
            int n = -1;
            auto [end, ec] = std::from_chars(len.data(), len.data() + len.size(), n);
            if (ec != std::errc{} || end != len.data() + len.size() || n < 0) {
                throw std::invalid_argument("\"" + std::string(entry) + "\" is not an address or a CIDR block");
            }
            bits = n;
        }
        boost::system::error_code ec;
        ip::address a = ip::make_address(std::string(addr), ec);  // no ports here
        if (ec) {
            throw std::invalid_argument("\"" + std::string(entry) + "\" is not an address or a CIDR block");
        }
        if (a.is_v6() && a.to_v6().is_v4_mapped()) {
            a = ip::make_address_v4(ip::v4_mapped, a.to_v6());
        }
        const int width = a.is_v4() ? 32 : 128;
        if (bits.value_or(width) > width) {
            throw std::invalid_argument("\"" + std::string(entry) + "\": a prefix longer than the address (" +
                                        std::to_string(width) + " bits)");
        }
        Block b;
        b.v4 = a.is_v4();
        b.bits = bits.value_or(width);
        b.net = Bytes(a);
        out.blocks_.push_back(b);
    }
    return out;
}

bool TrustedProxies::Contains(std::string_view address) const {
    auto a = ParseAddress(address);
    if (!a) {
        return false;
    }
    const auto bytes = Bytes(*a);
    for (const Block& b : blocks_) {
        if (b.v4 != a->is_v4()) {
            continue;
        }
        int left = b.bits;
        bool match = true;
        for (std::size_t i = 0; left > 0; ++i, left -= 8) {
            const std::uint8_t mask = left >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - left));
            if ((bytes[i] & mask) != (b.net[i] & mask)) {
                match = false;
                break;
            }
        }
        if (match) {
            return true;
        }
    }
    return false;
}

std::string TrustedProxies::ClientAddress(std::string_view peer,
                                          const std::vector<std::string_view>& forwarded_for) const {
    std::string client(peer);
    if (blocks_.empty() || !Contains(peer)) {
        return client;
    }
    if (auto canonical = CanonicalAddress(peer)) {
        client = *canonical;
    }
    // Right to left over every entry of every header (later headers were appended by nearer hops).
    for (auto h = forwarded_for.rbegin(); h != forwarded_for.rend(); ++h) {
        std::string_view rest = *h;
        while (true) {
            auto comma = rest.rfind(',');
            std::string_view entry = Trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
            if (!entry.empty()) {
                auto hop = CanonicalAddress(entry);
                if (!hop) {
                    return client;  // garbage: the trusted hop that passed it on is as far as we can vouch
                }
                client = *hop;
                if (!Contains(client)) {
                    return client;
                }
            }
            if (comma == std::string_view::npos) {
                break;
            }
            rest = rest.substr(0, comma);
        }
    }
    return client;  // every hop a trusted proxy: the farthest one
}

}  // namespace rounds::http
