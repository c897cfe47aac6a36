#include "http/json.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

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

Response JsonResponse(int status, const boost::json::value& body) {
    return Response::Json(status, boost::json::serialize(body));
}

}  // namespace rounds::http
