#pragma once

#include <cstdint>
#include <filesystem>
#include <istream>
#include <map>
#include <string>
#include <vector>

#include "routing/problem.h"

namespace rounds::routing {

/// A TSPTW benchmark instance in the López-Ibáñez–Blum format (see /work/shared/data/tsptw/README.md).
///
/// Node 0 is the depot; the tour starts and ends there. Values are converted to ticks with the file's unit
/// read as one second, i.e. exactly for the 4-decimal Solomon-derived files. Service times are already
/// included in the matrix (hence the non-zero, asymmetric diagonal of those files).
struct TsptwInstance {
    /// File name, e.g. "n20w20.001.txt"; the key of best_known.csv.
    std::string name;
    std::int32_t node_count = 0;
    /// Row-major n x n, ticks.
    std::vector<Ticks> travel;
    /// Window of each node, ticks; windows[0] is [0, horizon] for the depot.
    std::vector<TimeWindow> windows;
};

/// Parses the format: n, then an n x n matrix, then n "earliest latest" pairs; whitespace-separated
/// tokens, anything after '#' on a line is a comment. Throws std::invalid_argument naming the line and the
/// field ("line 23: matrix[21][3]: expected a number, got 'x'") for malformed, negative, NaN or missing
/// values, windows with earliest > latest, and trailing data.
TsptwInstance ParseTsptw(std::istream& input, const std::string& name);

/// Reads and parses a file; the instance name is the file name. Throws std::invalid_argument if it cannot
/// be opened.
TsptwInstance LoadTsptw(const std::filesystem::path& path);

/// Closed tour depot -> ... -> depot, departing at the depot's earliest time, no service times.
Problem ToProblem(const TsptwInstance& instance);

/// Outcome of checking a tour against the benchmark definition.
struct TsptwEvaluation {
    bool feasible = false;
    /// Sum of matrix entries over the arcs of the closed tour (computed even when infeasible).
    Ticks objective = 0;
    /// Empty when feasible, otherwise the first violation found.
    std::string violation;
};

/// Evaluates `tour`, a permutation of the customers 1..n-1 (depot excluded), exactly as the benchmark
/// defines it: service at a node starts at max(arrival, earliest); infeasible if it would start after
/// latest or the return to the depot is after the depot's latest time. Waiting is not in the objective.
TsptwEvaluation EvaluateTsptw(const TsptwInstance& instance, const std::vector<std::int32_t>& tour);

/// Reads best_known.csv: instance name -> best_known_value. Throws std::invalid_argument on a missing file
/// or a missing column.
std::map<std::string, double> LoadBestKnown(const std::filesystem::path& csv_path);

}  // namespace rounds::routing
