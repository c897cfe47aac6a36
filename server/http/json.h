#pragma once

#include <boost/json/value.hpp>

#include <string>

#include "http/request.h"

namespace rounds::http {

/// Parses a JSON request body; 415 unless Content-Type is application/json, 400 (with the position) when
/// malformed. Bodies over the size limit never get here (413 at the transport).
boost::json::value ParseJsonBody(const Request& req);

/// JSON text of `v` with numbers as people write them: doubles in plain decimal form, the shortest that reads
/// back to the same value ("44.9", "-93.28253", "42"; Boost.JSON alone writes "4.49E1"), exponent form only
/// below 1e-6 or from 1e15 up; NaN and infinities (not JSON) as null. Everything else as Boost.JSON writes it.
std::string Serialize(const boost::json::value& v);

/// `Serialize(body)` as an application/json response.
Response JsonResponse(int status, const boost::json::value& body);

}  // namespace rounds::http
