// LISTEN/NOTIFY on Asio: one pooled connection (a pool of one, so connecting, timeouts and broken-connection
// handling are the pool's) that waits for notifications between quiet-time probes.
#include "db/listener.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <stdexcept>

#include "core/log.h"

namespace rounds::db {

namespace asio = boost::asio;

struct Listener::State {
    State(asio::io_context& io, PoolOptions options, std::vector<std::string> chans, Callbacks cbs)
        : ioc(io), pool(io, std::move(options)), channels(std::move(chans)), callbacks(std::move(cbs)) {}

    asio::io_context& ioc;
    Pool pool;
    std::vector<std::string> channels;
    Callbacks callbacks;
    std::atomic<bool> listening{false};
    std::atomic<bool> stopped{false};
};

namespace {

bool PlainIdentifier(const std::string& s) {
    if (s.empty() || s.size() > 63 || !(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z'))) {
        return false;
    }
    for (char c : s) {
        if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
            return false;
        }
    }
    return true;
}

void SetState(Listener::State& st, bool listening) {
    if (st.listening.exchange(listening) != listening && !st.stopped && st.callbacks.on_state) {
        st.callbacks.on_state(listening);
    }
}

asio::awaitable<void> Run(std::shared_ptr<Listener::State> st) {
    constexpr auto kQuiet = std::chrono::seconds(30);  // probe the connection after this long without news
    auto backoff = std::chrono::milliseconds(250);
    std::string listen;
    for (const auto& c : st->channels) {
        listen += "LISTEN " + c + ";";
    }
    while (!st->stopped) {
        std::string why;
        try {
            Lease lease = co_await st->pool.Acquire();
            co_await lease.Command(listen);
            core::LogInfo("db_listener_connected", {{"channels", std::to_string(st->channels.size())}});
            SetState(*st, true);
            backoff = std::chrono::milliseconds(250);
            while (!st->stopped) {
                std::vector<Notification> notes = co_await lease.WaitNotifications(kQuiet);
                if (notes.empty()) {
                    co_await lease.Command("SELECT 1");  // a dead peer shows here, not by waiting
                    continue;
                }
                for (const auto& n : notes) {
                    if (!st->stopped && st->callbacks.on_notify) {
                        st->callbacks.on_notify(n);
                    }
                }
            }
        } catch (const std::exception& e) {
            why = e.what();
        }
        SetState(*st, false);
        if (st->stopped) {
            break;
        }
        core::LogWarn("db_listener_lost", {{"error", why}, {"retry_ms", static_cast<int64_t>(backoff.count())}});
        asio::steady_timer timer(co_await asio::this_coro::executor);
        timer.expires_after(backoff);
        co_await timer.async_wait(asio::use_awaitable);
        backoff = std::min(backoff * 2, std::chrono::milliseconds(10'000));
    }
}

}  // namespace

Listener::Listener(asio::io_context& ioc, PoolOptions options, std::vector<std::string> channels, Callbacks callbacks) {
    if (channels.empty()) {
        throw std::invalid_argument("db::Listener: no channel");
    }
    for (const auto& c : channels) {
        if (!PlainIdentifier(c)) {
            throw std::invalid_argument("db::Listener: channel must be a plain lowercase identifier: " + c);
        }
    }
    options.max_size = 1;
    state_ = std::make_shared<State>(ioc, std::move(options), std::move(channels), std::move(callbacks));
}

Listener::~Listener() {
    state_->stopped = true;
}

void Listener::Start() {
    asio::co_spawn(state_->ioc, Run(state_), asio::detached);
}

bool Listener::Listening() const {
    return state_->listening;
}

}  // namespace rounds::db
