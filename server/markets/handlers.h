#pragma once

#include "http/router.h"
#include "markets/service.h"

namespace rounds::markets {

/// HTTP handlers of the markets module: parse, call MarketService, pass PostgreSQL's JSON through.
struct Handlers {
    MarketService*& service;

    http::Handler List() const;
    http::Handler Create() const;
    http::Handler Get() const;
    http::Handler Update() const;
    http::Handler Delete() const;
    http::Handler Recompute() const;
    http::Handler Summary() const;
    http::Handler Physicians() const;
    http::Handler Targets() const;
    http::Handler GetSettings() const;
    http::Handler UpdateSettings() const;
};

}  // namespace rounds::markets
