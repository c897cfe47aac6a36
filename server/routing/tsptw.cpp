#include "routing/tsptw.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>

namespace rounds::routing {

namespace {

struct Token {
    std::string text;
    std::int64_t line = 0;
};

[[noreturn]] void ParseFail(std::int64_t line, const std::string& field, const std::string& what) {
    throw std::invalid_argument("line " + std::to_string(line) + ": " + field + ": " + what);
}

Ticks ParseTicks(const Token& token, const std::string& field) {
    double value = 0.0;
    const char* first = token.text.data();
    const char* last = first + token.text.size();
    const auto [ptr, ec] = std::from_chars(first, last, value);
    if (ec != std::errc() || ptr != last || !std::isfinite(value)) {
        ParseFail(token.line, field, "expected a finite number, got '" + token.text + "'");
    }
    if (value < 0.0) {
        ParseFail(token.line, field, "negative value " + token.text);
    }
    return TicksFromSeconds(value, field.c_str());
}

// Splits one CSV line, honouring double quotes (the source column contains commas).
std::vector<std::string> SplitCsv(const std::string& line) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                fields.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                fields.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.emplace_back();
        } else if (c != '\r') {
            fields.back() += c;
        }
    }
    return fields;
}

}  // namespace

TsptwInstance ParseTsptw(std::istream& input, const std::string& name) {
    std::vector<Token> tokens;
    std::string line;
    std::int64_t line_number = 0;
    while (std::getline(input, line)) {
        ++line_number;
        const std::size_t hash = line.find('#');
        if (hash != std::string::npos) {
            line.resize(hash);
        }
        std::istringstream words(line);
        std::string word;
        while (words >> word) {
            tokens.push_back({word, line_number});
        }
    }
    if (tokens.empty()) {
        throw std::invalid_argument(name + ": empty file (expected the node count)");
    }
    TsptwInstance instance;
    instance.name = name;
    {
        const Token& t = tokens[0];
        std::int32_t n = 0;
        const auto [ptr, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), n);
        if (ec != std::errc() || ptr != t.text.data() + t.text.size() || n < 1 || n > 100'000) {
            ParseFail(t.line, "n", "expected a node count in [1, 100000], got '" + t.text + "'");
        }
        instance.node_count = n;
    }
    const auto n = static_cast<std::size_t>(instance.node_count);
    const std::size_t expected = 1 + n * n + 2 * n;
    if (tokens.size() < expected) {
        const std::int64_t last_line = tokens.back().line;
        const std::size_t have = tokens.size() - 1;
        ParseFail(last_line, have < n * n ? "matrix" : "windows",
                  "file ends early: " + std::to_string(tokens.size()) + " values, expected " +
                      std::to_string(expected) + " for n=" + std::to_string(n));
    }
    if (tokens.size() > expected) {
        ParseFail(tokens[expected].line, "end of file",
                  "unexpected extra value '" + tokens[expected].text + "' after " + std::to_string(n) + " windows");
    }
    instance.travel.resize(n * n);
    for (std::size_t k = 0; k < n * n; ++k) {
        instance.travel[k] =
            ParseTicks(tokens[1 + k], "matrix[" + std::to_string(k / n) + "][" + std::to_string(k % n) + "]");
    }
    instance.windows.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const std::string field = "window[" + std::to_string(i) + "]";
        const Token& e = tokens[1 + n * n + 2 * i];
        const Token& l = tokens[2 + n * n + 2 * i];
        instance.windows[i] = {ParseTicks(e, field + ".earliest"), ParseTicks(l, field + ".latest")};
        if (instance.windows[i].earliest > instance.windows[i].latest) {
            ParseFail(l.line, field, "earliest " + e.text + " > latest " + l.text);
        }
    }
    return instance;
}

TsptwInstance LoadTsptw(const std::filesystem::path& path) {
    std::ifstream file(path);
    if (!file) {
        throw std::invalid_argument("cannot open TSPTW instance '" + path.string() + "'");
    }
    try {
        return ParseTsptw(file, path.filename().string());
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(path.string() + ": " + e.what());
    }
}

Problem ToProblem(const TsptwInstance& instance) {
    Problem problem;
    problem.node_count = instance.node_count;
    problem.travel = instance.travel;
    problem.stops.resize(static_cast<std::size_t>(instance.node_count));
    for (std::size_t i = 1; i < problem.stops.size(); ++i) {
        problem.stops[i].windows = {instance.windows[i]};
    }
    problem.start = 0;
    problem.end = 0;
    problem.day_start = instance.windows[0].earliest;
    problem.day_end = instance.windows[0].latest;
    return problem;
}

TsptwEvaluation EvaluateTsptw(const TsptwInstance& instance, const std::vector<std::int32_t>& tour) {
    const auto n = static_cast<std::size_t>(instance.node_count);
    TsptwEvaluation result;
    std::vector<bool> seen(n, false);
    auto travel = [&](std::int32_t i, std::int32_t j) {
        return instance.travel[static_cast<std::size_t>(i) * n + static_cast<std::size_t>(j)];
    };
    auto fail = [&](std::string what) {
        if (result.violation.empty()) {
            result.violation = std::move(what);
        }
    };
    if (tour.size() != n - 1) {
        fail("tour has " + std::to_string(tour.size()) + " customers, expected " + std::to_string(n - 1));
    }
    Ticks time = instance.windows[0].earliest;
    std::int32_t previous = 0;
    for (std::int32_t node : tour) {
        if (node < 1 || static_cast<std::size_t>(node) >= n || seen[static_cast<std::size_t>(node)]) {
            fail("node " + std::to_string(node) + " is out of range, the depot, or repeated");
            result.feasible = false;
            return result;
        }
        seen[static_cast<std::size_t>(node)] = true;
        result.objective += travel(previous, node);
        time += travel(previous, node);
        const TimeWindow& w = instance.windows[static_cast<std::size_t>(node)];
        if (time > w.latest) {
            fail("node " + std::to_string(node) + ": arrival " + std::to_string(SecondsFromTicks(time)) +
                 " after latest " + std::to_string(SecondsFromTicks(w.latest)));
        }
        time = std::max(time, w.earliest);
        previous = node;
    }
    result.objective += travel(previous, 0);
    time += travel(previous, 0);
    if (time > instance.windows[0].latest) {
        fail("return to the depot at " + std::to_string(SecondsFromTicks(time)) + " after its latest " +
             std::to_string(SecondsFromTicks(instance.windows[0].latest)));
    }
    result.feasible = result.violation.empty();
    return result;
}

std::map<std::string, double> LoadBestKnown(const std::filesystem::path& csv_path) {
    std::ifstream file(csv_path);
    if (!file) {
        throw std::invalid_argument("cannot open best-known file '" + csv_path.string() + "'");
    }
    std::string line;
    if (!std::getline(file, line)) {
        throw std::invalid_argument(csv_path.string() + ": empty file");
    }
    const std::vector<std::string> header = SplitCsv(line);
    std::size_t name_col = header.size();
    std::size_t value_col = header.size();
    for (std::size_t i = 0; i < header.size(); ++i) {
        if (header[i] == "instance") {
            name_col = i;
        } else if (header[i] == "best_known_value") {
            value_col = i;
        }
    }
    if (name_col == header.size() || value_col == header.size()) {
        throw std::invalid_argument(csv_path.string() + ": header lacks 'instance' or 'best_known_value'");
    }
    std::map<std::string, double> values;
    std::int64_t line_number = 1;
    while (std::getline(file, line)) {
        ++line_number;
        if (line.empty()) {
            continue;
        }
        const std::vector<std::string> fields = SplitCsv(line);
        if (fields.size() <= std::max(name_col, value_col)) {
            throw std::invalid_argument(csv_path.string() + ": line " + std::to_string(line_number) +
                                        ": too few columns");
        }
        try {
            values[fields[name_col]] = std::stod(fields[value_col]);
        } catch (const std::exception&) {
            throw std::invalid_argument(csv_path.string() + ": line " + std::to_string(line_number) +
                                        ": best_known_value '" + fields[value_col] + "' is not a number");
        }
    }
    return values;
}

}  // namespace rounds::routing
