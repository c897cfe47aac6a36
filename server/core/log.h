#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>

namespace rounds::core {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };
enum class LogFormat { kJson, kText };

/// A structured field of a log line. Values are copied into the line as it is written.
struct LogField {
    std::string_view key;
    std::variant<std::string_view, int64_t, double, bool> value;
    LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
    LogField(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
    LogField(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
    LogField(std::string_view k, int v) : key(k), value(int64_t{v}) {}
    LogField(std::string_view k, long v) : key(k), value(int64_t{v}) {}
    LogField(std::string_view k, long long v) : key(k), value(static_cast<int64_t>(v)) {}
    LogField(std::string_view k, unsigned v) : key(k), value(int64_t{v}) {}
    LogField(std::string_view k, unsigned long v) : key(k), value(static_cast<int64_t>(v)) {}
    LogField(std::string_view k, unsigned long long v) : key(k), value(static_cast<int64_t>(v)) {}
    LogField(std::string_view k, double v) : key(k), value(v) {}
    LogField(std::string_view k, bool v) : key(k), value(v) {}
};

/// Process-wide logger: one line per event, JSON (default) or human text, to stderr through spdlog.
/// Lines written while serving a request carry its request_id field (callers pass it).
void ConfigureLogging(LogLevel level, LogFormat format);
bool LogEnabled(LogLevel level);
void Log(LogLevel level, std::string_view event, std::initializer_list<LogField> fields = {});

inline void LogDebug(std::string_view event, std::initializer_list<LogField> fields = {}) {
    Log(LogLevel::kDebug, event, fields);
}
inline void LogInfo(std::string_view event, std::initializer_list<LogField> fields = {}) {
    Log(LogLevel::kInfo, event, fields);
}
inline void LogWarn(std::string_view event, std::initializer_list<LogField> fields = {}) {
    Log(LogLevel::kWarn, event, fields);
}
inline void LogError(std::string_view event, std::initializer_list<LogField> fields = {}) {
    Log(LogLevel::kError, event, fields);
}

/// Appends `s` to `out` as the inside of a JSON string (escapes quotes, controls, invalid UTF-8 as U+FFFD).
void AppendJsonEscaped(std::string& out, std::string_view s);

}  // namespace rounds::core
