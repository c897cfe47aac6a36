// Boost.JSON and Boost.URL are header-only on Debian 12 (no compiled library): their implementation is
// compiled once, here.
#include <boost/json/src.hpp>
#include <boost/url/src.hpp>
