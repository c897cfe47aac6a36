#include "http/json.h"

#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>

#include "core/error.h"

namespace rounds::http {

boost::json::value ParseJsonBody(const Request& req) {
    auto ct = req.headers.Get("Content-Type").value_or("");
    auto semi = ct.find(';');
    std::string_view media = ct.substr(0, semi);
    while (!media.empty() && media.back() == ' ') {
        media.remove_suffix(1);
    }
    if (!IEquals(media, "application/json")) {
        throw core::Error(core::ErrorKind::kUnsupportedMediaType,
                          "the request body must be application/json (got \"" + std::string(ct) + "\")");
    }
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(req.body, ec);
    if (ec) {
        throw core::Error(core::ErrorKind::kInvalid, "the request body is not valid JSON: " + ec.message(),
                          {{"body", ec.message()}});
    }
    return v;
}

namespace {

void AppendDouble(std::string& out, double d) {
    if (!std::isfinite(d)) {
        out += "null";
        return;
    }
    std::array<char, 400> buf{};
    const double a = std::fabs(d);
    const bool plain = a == 0.0 || (a >= 1e-6 && a < 1e15);
    auto r = plain ? std::to_chars(buf.data(), buf.data() + buf.size(), d, std::chars_format::fixed)
                   : std::to_chars(buf.data(), buf.data() + buf.size(), d);
    out.append(buf.data(), r.ptr);
}

void Append(std::string& out, const boost::json::value& v) {
    switch (v.kind()) {
        case boost::json::kind::double_:
            AppendDouble(out, v.get_double());
            return;
        case boost::json::kind::object: {
            out += '{';
            bool first = true;
            for (const auto& kv : v.get_object()) {
                if (!first) {
                    out += ',';
                }
                first = false;
                out += boost::json::serialize(boost::json::string_view(kv.key()));
                out += ':';
                Append(out, kv.value());
            }
            out += '}';
            return;
        }
        case boost::json::kind::array: {
            out += '[';
            bool first = true;
            for (const auto& e : v.get_array()) {
                if (!first) {
                    out += ',';
                }
                first = false;
                Append(out, e);
            }
            out += ']';
            return;
        }
        default:
            out += boost::json::serialize(v);
    }
}

}  // namespace

std::string Serialize(const boost::json::value& v) {
    std::string out;
    Append(out, v);
    return out;
}

Response JsonResponse(int status, const boost::json::value& body) {
    return Response::Json(status, Serialize(body));
}

}  // namespace rounds::http
