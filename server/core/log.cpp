#include "core/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <ctime>
#include <memory>

namespace rounds::core {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
std::atomic<LogFormat> g_format{LogFormat::kJson};

spdlog::logger& Logger() {
    // The whole line is formatted here, so spdlog only adds the newline; stderr sink is mutex-protected.
    static std::shared_ptr<spdlog::logger> logger = [] {
        auto l = std::make_shared<spdlog::logger>("rounds", std::make_shared<spdlog::sinks::stderr_sink_mt>());
        l->set_pattern("%v");
        l->set_level(spdlog::level::trace);
        l->flush_on(spdlog::level::trace);
        return l;
    }();
    return *logger;
}

std::string_view LevelName(LogLevel level) {
    switch (level) {
        case LogLevel::kDebug:
            return "debug";
        case LogLevel::kInfo:
            return "info";
        case LogLevel::kWarn:
            return "warn";
        case LogLevel::kError:
            return "error";
    }
    return "info";
}

void AppendTimestamp(std::string& out) {
    auto now = std::chrono::system_clock::now();
    auto secs = std::chrono::system_clock::to_time_t(now);
    auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[40];
    std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
    out += buf;
    char ms[8];
    std::snprintf(ms, sizeof(ms), ".%03dZ", static_cast<int>(millis));
    out += ms;
}

void AppendValue(std::string& out, const LogField& f, bool json) {
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::string_view>) {
                if (json) {
                    out += '"';
                    AppendJsonEscaped(out, v);
                    out += '"';
                } else {
                    out += v;
                }
            } else if constexpr (std::is_same_v<T, bool>) {
                out += v ? "true" : "false";
            } else if constexpr (std::is_same_v<T, double>) {
                if (std::isfinite(v)) {
                    out += fmt::format("{:.3f}", v);
                } else {
                    out += "null";
                }
            } else {
                out += std::to_string(v);
            }
        },
        f.value);
}

}  // namespace

void ConfigureLogging(LogLevel level, LogFormat format) {
    g_level = static_cast<int>(level);
    g_format = format;
}

bool LogEnabled(LogLevel level) { return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed); }

void Log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields) {
    if (!LogEnabled(level)) {
        return;
    }
    std::string line;
    line.reserve(256);
    if (g_format.load(std::memory_order_relaxed) == LogFormat::kJson) {
        line += R"({"ts":")";
        AppendTimestamp(line);
        line += R"(","level":")";
        line += LevelName(level);
        line += R"(","msg":")";
        AppendJsonEscaped(line, event);
        line += '"';
        for (const auto& f : fields) {
            line += ",\"";
            AppendJsonEscaped(line, f.key);
            line += "\":";
            AppendValue(line, f, true);
        }
        line += '}';
    } else {
        AppendTimestamp(line);
        line += ' ';
        line += LevelName(level);
        line += ' ';
        line += event;
        for (const auto& f : fields) {
            line += ' ';
            line += f.key;
            line += '=';
            AppendValue(line, f, false);
        }
    }
    Logger().info(line);
}

void AppendJsonEscaped(std::string& out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    while (p < end) {
        unsigned char c = *p;
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
            ++p;
        } else if (c < 0x20) {
            switch (c) {
                case '\n':
                    out += "\\n";
                    break;
                case '\r':
                    out += "\\r";
                    break;
                case '\t':
                    out += "\\t";
                    break;
                default:
                    out += "\\u00";
                    out += kHex[c >> 4];
                    out += kHex[c & 0xF];
            }
            ++p;
        } else if (c < 0x80) {
            out += static_cast<char>(c);
            ++p;
        } else {
            // Validate one UTF-8 sequence; replace invalid bytes so the line stays valid JSON.
            int len = (c >= 0xF0 && c <= 0xF4) ? 4 : (c >= 0xE0) ? 3 : (c >= 0xC2 && c <= 0xDF) ? 2 : 0;
            bool ok = len > 0 && end - p >= len;
            for (int i = 1; ok && i < len; ++i) {
                ok = (p[i] & 0xC0) == 0x80;
            }
            if (ok) {
                out.append(reinterpret_cast<const char*>(p), static_cast<size_t>(len));
                p += len;
            } else {
                out += "\xEF\xBF\xBD";
                ++p;
            }
        }
    }
}

}  // namespace rounds::core
