#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "db/pool.h"

namespace boost::asio {
class io_context;
}

namespace rounds::db {

/// One database connection that LISTENs on a few channels and hands every NOTIFY to a callback, so that a
/// process learns at once that another one (or an ingest run) changed something it caches. A lost connection
/// is reopened with backoff (250 ms doubling to 10 s); notifications sent meanwhile are lost, which is why
/// `on_state(true)` follows every (re)connection: the owner must then treat everything as changed. While
/// `Listening()` is false the owner must not rely on notifications (e.g. read its version from the database).
class Listener {
  public:
    struct Callbacks {
        std::function<void(const Notification&)> on_notify;
        std::function<void(bool listening)> on_state;
    };
    /// Channels are plain lowercase identifiers ([a-z_][a-z0-9_]*); anything else throws std::invalid_argument.
    Listener(boost::asio::io_context& ioc, PoolOptions options, std::vector<std::string> channels, Callbacks callbacks);
    ~Listener();
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    /// Starts listening in the background on the io_context given to the constructor.
    void Start();
    bool Listening() const;

    struct State;

  private:
    std::shared_ptr<State> state_;
};

}  // namespace rounds::db
