#pragma once

#include <boost/json/object.hpp>

namespace rounds::crm {

/// The CRM part of api/openapi.json, generated from the entity table so the document cannot drift from the
/// fields the server accepts: {"paths": {...}, "schemas": {...}}. crm_tests compares it with the checked-in
/// document (and rewrites it with ROUNDS_UPDATE_OPENAPI=1).
boost::json::object OpenApiFragment();

}  // namespace rounds::crm
