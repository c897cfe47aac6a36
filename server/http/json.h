#pragma once

#include <boost/json/value.hpp>

#include <string>

#include "http/request.h"

namespace rounds::http {

/// Parses a JSON request body; 415 unless Content-Type is application/json, 400 (with the position) when
/// malformed. Bodies over the size limit never get here (413 at the transport).
boost::json::value ParseJsonBody(const Request& req);

Response JsonResponse(int status, const boost::json::value& body);

}  // namespace rounds::http
