#pragma once

#include "http/router.h"
#include "territories/service.h"

namespace rounds::territories {

/// HTTP handlers of the territories module: parse, call TerritoryService, pass the JSON through.
struct Handlers {
    TerritoryService*& service;

    http::Handler List() const;
    http::Handler Create() const;
    http::Handler Get() const;
    http::Handler Update() const;
    http::Handler Delete() const;
    http::Handler Physicians() const;
    http::Handler Deciles() const;
    http::Handler Balance() const;
    http::Handler Alignment() const;
    http::Handler AcceptAlignment() const;
};

}  // namespace rounds::territories
