#include "ingest/ingest.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/log.h"
#include "db/result.h"
#include "db/sync_connection.h"
#include "ingest/archive.h"
#include "ingest/byte_source.h"
#include "ingest/census_geocoder.h"
#include "ingest/copy_writer.h"
#include "ingest/dataset.h"
#include "ingest/http_client.h"
#include "ingest/progress.h"
#include "ingest/sql.h"
#include "ingest/staging_parser.h"
#include "ingest/text.h"

namespace rounds::ingest {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
    return std::chrono::duration<double>(Clock::now() - since).count();
}

// CPU seconds (user + system) the server process `pid` has used, when it runs on this machine (/proc is
// readable); -1 otherwise. Debug logs show it per step: on a shared machine wall time mostly measures others.
double BackendCpuSeconds(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    if (pid <= 0 || !std::getline(in, stat)) {
        return -1;
    }
    const size_t close = stat.rfind(')');  // the command name may hold spaces
    if (close == std::string::npos) {
        return -1;
    }
    std::istringstream fields(stat.substr(close + 2));
    std::string skip;
    for (int i = 3; i <= 13; ++i) {
        fields >> skip;
    }
    unsigned long long utime = 0;
    unsigned long long stime = 0;
    fields >> utime >> stime;
    return fields ? static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK)) : -1;
}

std::string Lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// A directory input holds a release's files: take the largest file whose name contains the dataset's hint.
std::string ResolveInput(const std::string& input, const DatasetSpec& spec) {
    std::error_code ec;
    if (!fs::exists(input, ec)) {
        throw core::Error(core::ErrorKind::kInvalid, "input not found: " + input);
    }
    if (!fs::is_directory(input, ec)) {
        return input;
    }
    const std::string hint = Lower(spec.member_hint);
    std::string best;
    uintmax_t best_size = 0;
    for (const auto& entry : fs::directory_iterator(input, ec)) {
        const std::string name = Lower(entry.path().filename().string());
        if (!entry.is_regular_file() || name.find("fileheader") != std::string::npos ||
            name.find(hint) == std::string::npos) {
            continue;
        }
        if (best.empty() || entry.file_size() > best_size) {
            best = entry.path().string();
            best_size = entry.file_size();
        }
    }
    if (best.empty()) {
        throw core::Error(core::ErrorKind::kInvalid,
                          "no file whose name contains '" + spec.member_hint + "' in directory " + input);
    }
    return best;
}

std::string JsonString(std::string_view s) {
    std::string out = "\"";
    core::AppendJsonEscaped(out, s);
    return out + "\"";
}

db::Param P(const std::string& s) {
    return s;
}
db::Param P(uint64_t v) {
    return std::to_string(v);
}
db::Param P(int64_t v) {
    return std::to_string(v);
}

// Writes kept rejects with one binary COPY (never row-by-row INSERTs).
void StoreRejects(db::SyncConnection& conn, int64_t load_id, const std::string& file,
                  const std::vector<Reject>& rejects) {
    if (rejects.empty()) {
        return;
    }
    CopyWriter w;
    w.Header();
    for (const Reject& r : rejects) {
        w.StartRow(7);
        w.Int64(load_id);
        w.Text(file);
        w.Int64(static_cast<int64_t>(r.line));
        if (r.field.empty()) {
            w.Null();
        } else {
            w.Text(RawForReject(r.field));
        }
        w.Text(RawForReject(r.reason));
        if (r.raw.empty()) {
            w.Null();
        } else {
            w.Text(r.raw);
        }
        w.Text(r.warning ? "warning" : "reject");
    }
    w.Trailer();
    conn.BeginCopy(sql::kCopyRejects);
    conn.PutCopyData(w.Buffer());
    conn.EndCopy();
}

// Parsed COPY chunks from the parser thread to the loader: at most `capacity` waiting, so memory stays bounded
// (a few chunks) while parsing and PostgreSQL's COPY run on different cores.
struct ParsedChunk {
    std::string bytes;
    std::vector<Reject> rejects;
    uint64_t rows_read = 0;
    uint64_t bytes_consumed = 0;
};

class ChunkQueue {
  public:
    explicit ChunkQueue(size_t capacity) : capacity_(capacity) {}

    /// Producer: waits for room. False once the consumer has stopped (the producer then ends).
    bool Push(ParsedChunk chunk) {
        std::unique_lock lock(mu_);
        room_.wait(lock, [&] { return stopped_ || items_.size() < capacity_; });
        if (stopped_) {
            return false;
        }
        items_.push_back(std::move(chunk));
        ready_.notify_one();
        return true;
    }
    /// Producer: the input is exhausted, or parsing failed with `error`.
    void Finish(std::exception_ptr error = nullptr) {
        std::lock_guard lock(mu_);
        finished_ = true;
        error_ = std::move(error);
        ready_.notify_one();
    }
    /// Consumer: the next chunk; false after the last one. Rethrows the producer's exception.
    bool Pop(ParsedChunk& out) {
        std::unique_lock lock(mu_);
        ready_.wait(lock, [&] { return !items_.empty() || finished_; });
        if (!items_.empty()) {
            out = std::move(items_.front());
            items_.pop_front();
            room_.notify_one();
            return true;
        }
        if (error_) {
            std::rethrow_exception(error_);
        }
        return false;
    }
    /// Consumer: no more chunks wanted (also on error paths).
    void Stop() {
        std::lock_guard lock(mu_);
        stopped_ = true;
        room_.notify_all();
    }

  private:
    std::mutex mu_;
    std::condition_variable ready_;
    std::condition_variable room_;
    std::deque<ParsedChunk> items_;
    size_t capacity_;
    bool stopped_ = false;
    bool finished_ = false;
    std::exception_ptr error_;
};

// The side connection's work (sql::SidePlan): its pieces are prepared in order on a thread of their own; the merge
// waits for a piece when it reaches a statement that uses it. A failure leaves that piece and the later ones to the
// merge (its statements for the unprepared case run).
class SideWork {
  public:
    SideWork() = default;
    SideWork(const SideWork&) = delete;
    SideWork& operator=(const SideWork&) = delete;
    ~SideWork() { Join(); }

    void Start(const std::string& url, std::vector<sql::SidePiece> pieces) {
        pieces_ = std::move(pieces);
        pieces_state_.assign(pieces_.size(), State::kPending);
        seconds_.assign(pieces_.size(), 0);
        cpu_seconds_.assign(pieces_.size(), -1);
        logged_.assign(pieces_.size(), false);
        thread_ = std::thread([this, url] { Run(url); });
    }
    bool Started() const { return thread_.joinable(); }
    void Join() {
        if (thread_.joinable()) {
            thread_.join();
        }
    }

    // Waits for piece `name`; true when it is prepared (false: not started, failed, or no such piece). Logs the
    // piece's wall and server CPU seconds (an `ingest_step` of its own) the first time.
    bool Wait(const std::string& name, const std::string& dataset) {
        std::unique_lock lock(mutex_);
        size_t i = 0;
        while (i < pieces_.size() && pieces_[i].name != name) {
            ++i;
        }
        if (i == pieces_.size()) {
            return false;
        }
        changed_.wait(lock, [&] { return pieces_state_[i] != State::kPending; });
        const bool ready = pieces_state_[i] == State::kReady;
        if (!logged_[i]) {
            logged_[i] = true;
            if (ready) {
                core::LogDebug("ingest_step", {{"dataset", dataset},
                                               {"step", "side." + name + " (second connection)"},
                                               {"seconds", seconds_[i]},
                                               {"server_cpu_seconds", cpu_seconds_[i]}});
            } else {
                core::LogWarn("ingest_side_unused", {{"dataset", dataset}, {"piece", name}, {"error", error_}});
            }
        }
        return ready;
    }

  private:
    enum class State { kPending, kReady, kFailed };

    void Run(const std::string& url) {
        size_t i = 0;
        try {
            db::SyncConnection conn(url);
            const int pid = PQbackendPID(conn.Raw());
            for (; i < pieces_.size(); ++i) {
                const auto start = Clock::now();
                const double cpu_start = BackendCpuSeconds(pid);
                for (const std::string& statement : pieces_[i].statements) {
                    conn.ExecScript(statement);
                }
                const double cpu_end = BackendCpuSeconds(pid);
                const std::lock_guard lock(mutex_);
                seconds_[i] = Seconds(start);
                cpu_seconds_[i] = cpu_start < 0 || cpu_end < 0 ? -1 : cpu_end - cpu_start;
                pieces_state_[i] = State::kReady;
                changed_.notify_all();
            }
        } catch (const std::exception& e) {
            const std::lock_guard lock(mutex_);
            error_ = e.what();
            for (; i < pieces_.size(); ++i) {
                pieces_state_[i] = State::kFailed;
            }
            changed_.notify_all();
        }
    }

    std::vector<sql::SidePiece> pieces_;
    std::vector<State> pieces_state_;
    std::vector<double> seconds_;
    std::vector<double> cpu_seconds_;
    std::vector<bool> logged_;
    std::string error_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::thread thread_;
};

}  // namespace

IngestReport Ingest(const IngestOptions& options) {
    const DatasetSpec* spec = FindDataset(options.dataset);
    if (spec == nullptr) {
        std::string names;
        for (const std::string& n : DatasetNames()) {
            names += (names.empty() ? "" : ", ") + n;
        }
        throw core::Invalid("dataset", "unknown dataset '" + options.dataset + "' (one of: " + names + ")");
    }
    if (options.max_reject_rate < 0 || options.max_reject_rate > 1) {
        throw core::Invalid("max_reject_rate", "must be between 0 and 1");
    }
    if (options.mode != "auto" && options.mode != "full" && options.mode != "incremental") {
        throw core::Invalid("mode", "must be auto, full or incremental");
    }
    if (options.geocoder != "zcta" && options.geocoder != "census" && options.geocoder != "none") {
        throw core::Invalid("geocoder", "must be zcta, census or none");
    }
    if (options.geocoder == "census" && options.geocoder_url.empty()) {
        throw core::Invalid("geocoder_url", "the census geocoder needs the service's base URL");
    }
    if (!options.expected_sha256.empty() &&
        (options.expected_sha256.size() != 64 ||
         options.expected_sha256.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)) {
        throw core::Invalid("expected_sha256", "must be 64 hexadecimal digits");
    }
    const HttpTimeouts download_timeouts{options.http_connect_timeout_seconds, options.http_stall_timeout_seconds, 0};
    // Lineage, logs and messages never show URL credentials or query tokens.
    const std::string shown_input = IsHttpUrl(options.input) ? RedactUrl(options.input) : options.input;

    IngestReport report;
    std::string local_input = options.input;
    if (IsHttpUrl(options.input)) {
        if (options.object_store_dir.empty()) {
            throw core::Invalid("object_store_dir", "URL inputs are downloaded into the object-storage directory");
        }
        DownloadRequest request;
        request.url = options.input;
        request.dir = (fs::path(options.object_store_dir) / "downloads").string();
        request.expected_sha256 = options.expected_sha256;
        request.timeouts = download_timeouts;
        request.attempts = options.download_attempts;
        request.progress = options.progress && ::isatty(STDERR_FILENO) != 0;
        const DownloadedFile downloaded = DownloadFile(request);
        local_input = downloaded.path;
        report.downloaded_path = downloaded.path;
        report.download_resumed_from = downloaded.resumed_from;
    }
    const std::string input = ResolveInput(local_input, *spec);
    const std::string file_name = fs::path(input).filename().string();

    if (spec->year_mode == YearMode::kRequired) {
        report.data_year = options.year ? options.year : InferYearFromFileName(file_name);
        if (!report.data_year) {
            throw core::Invalid("year", "cannot infer the " + spec->name + " data year from the file name '" +
                                            file_name + "': pass --year");
        }
        if (*report.data_year < 2000 || *report.data_year > 2100) {
            throw core::Invalid("year", "data year " + std::to_string(*report.data_year) + " is out of range");
        }
    }
    sql::Mode mode = sql::Mode::kFull;
    if (spec->incremental_capable) {
        if (options.mode == "incremental" ||
            (options.mode == "auto" && InferNppesIncremental(file_name).value_or(false))) {
            mode = sql::Mode::kIncremental;
        }
    } else if (options.mode == "incremental") {
        throw core::Invalid("mode", spec->name + " has no incremental files");
    }
    report.mode = mode == sql::Mode::kFull ? "full" : "incremental";

    // Archive first: the load reads the archived copy, so lineage always points at the exact bytes loaded.
    std::string read_path = input;
    if (!options.object_store_dir.empty()) {
        const ArchivedFile archived = ArchiveFile(input, options.object_store_dir, spec->name);
        report.checksum_sha256 = archived.sha256;
        report.archive_path = archived.path;
        read_path = archived.path;
    } else {
        report.checksum_sha256 = Sha256File(input);
    }
    if (!report.downloaded_path.empty() && !report.archive_path.empty()) {
        std::error_code ec;
        fs::remove(report.downloaded_path, ec);  // the archive holds the same bytes
    }
    if (!options.expected_sha256.empty() && Lower(options.expected_sha256) != report.checksum_sha256) {
        throw core::Invalid("expected_sha256", "checksum mismatch for " + shown_input + ": expected " +
                                                   Lower(options.expected_sha256) + ", the file has " +
                                                   report.checksum_sha256 + "; nothing was loaded");
    }
    const std::string release = options.release.empty() ? file_name : options.release;

    db::SyncConnection conn(options.database_url);
    const std::vector<db::Param> dataset_param{P(spec->name)};
    conn.Exec(sql::kLockDataset, dataset_param);
    conn.Exec(sql::kAbandonRunning, dataset_param);
    const std::string options_json =
        "{\"max_reject_rate\":" + std::to_string(options.max_reject_rate) +
        ",\"geocoder\":" + JsonString(options.geocoder) +
        (options.geocoder == "census" ? ",\"geocoder_url\":" + JsonString(RedactUrl(options.geocoder_url))
                                      : std::string()) +
        ",\"mode\":" + JsonString(report.mode) + ",\"input\":" + JsonString(shown_input) + "}";
    const std::vector<db::Param> load_params{
        P(spec->name),
        P(shown_input),
        P(release),
        report.data_year ? db::Param(std::to_string(*report.data_year)) : db::Param(),
        P(report.mode),
        P(report.checksum_sha256),
        report.archive_path.empty() ? db::Param() : P(report.archive_path),
        P(options_json)};
    report.load_id = conn.Exec(sql::kInsertLoad, load_params).GetInt(0, 0);
    const db::Param load_id_param = P(report.load_id);
    core::LogInfo("ingest_start", {{"dataset", spec->name},
                                   {"load_id", report.load_id},
                                   {"input", shown_input},
                                   {"release", release},
                                   {"mode", report.mode},
                                   {"sha256", report.checksum_sha256},
                                   {"max_reject_rate", options.max_reject_rate}});

    auto fail = [&](const std::string& why) {
        const std::vector<db::Param> params{load_id_param, P(why)};
        try {
            conn.Exec("ROLLBACK");
        } catch (const std::exception&) {
            // Not in a transaction: nothing to roll back.
        }
        conn.Exec(sql::kFailLoad, params);
    };

    const int backend_pid = PQbackendPID(conn.Raw());
    auto log_step = [&](const std::string& step, Clock::time_point wall_start, double cpu_start) {
        const double cpu_end = BackendCpuSeconds(backend_pid);
        core::LogDebug("ingest_step",
                       {{"dataset", spec->name},
                        {"step", step},
                        {"seconds", Seconds(wall_start)},
                        {"server_cpu_seconds", cpu_start < 0 || cpu_end < 0 ? -1 : cpu_end - cpu_start}});
    };

    // Stage: parse and COPY. The staging table is UNLOGGED and outside the merge transaction: a crash here
    // loses nothing but the staging rows, which the next run recreates.
    const auto parse_start = Clock::now();
    const double parse_cpu_start = BackendCpuSeconds(backend_pid);
    std::vector<Reject> kept_rejects;
    uint64_t stored_rejects = 0;
    bool sorted_unique = false;
    try {
        // Created and filled in one transaction: COPY FREEZE writes the rows frozen, so the merge's scans
        // do not rewrite every page of the staging table to set hint bits.
        conn.ExecScript("BEGIN");
        conn.ExecScript(sql::CreateStageTable(*spec));
        auto source = OpenInput(read_path, spec->member_hint);
        StagingParser parser(*source, *spec, report.data_year);
        Progress progress(spec->name, source->InputBytesTotal(), options.progress && ::isatty(STDERR_FILENO) != 0);
        conn.BeginCopy(sql::CopyIntoStage(*spec, parser.Converter().CopyColumns()));
        // A parser thread reads, validates and encodes while this thread sends: PostgreSQL's side of the COPY
        // runs on the other core.
        ChunkQueue queue(2);
        std::thread producer([&] {
            try {
                CopyWriter chunk;
                chunk.Header();
                bool more = true;
                while (more) {
                    ParsedChunk parsed;
                    more = parser.NextChunk(chunk, options.copy_chunk_bytes, parsed.rejects);
                    if (!more) {
                        chunk.Trailer();
                    }
                    parsed.bytes = chunk.Take();
                    parsed.rows_read = parser.Stats().rows_read;
                    parsed.bytes_consumed = source->InputBytesConsumed();
                    if (!queue.Push(std::move(parsed))) {
                        break;
                    }
                }
                queue.Finish();
            } catch (...) {
                queue.Finish(std::current_exception());
            }
        });
        struct JoinProducer {
            ChunkQueue& queue;
            std::thread& thread;
            ~JoinProducer() {
                queue.Stop();
                thread.join();
            }
        };
        uint64_t rows_sent = 0;
        uint64_t bytes_sent = 0;
        {
            const JoinProducer join{queue, producer};
            ParsedChunk parsed;
            while (queue.Pop(parsed)) {
                conn.PutCopyData(parsed.bytes);
                for (Reject& r : parsed.rejects) {
                    if (stored_rejects < options.max_stored_rejects) {
                        kept_rejects.push_back(std::move(r));
                        ++stored_rejects;
                    }
                }
                rows_sent = parsed.rows_read;
                bytes_sent = parsed.bytes_consumed;
                progress.Update(rows_sent, bytes_sent);
            }
        }  // the producer has ended: its parser state is ours again
        const int64_t copied = conn.EndCopy();
        conn.ExecScript("COMMIT");
        progress.Finish(rows_sent, bytes_sent);
        const ParseStats& stats = parser.Stats();
        report.rows_read = stats.rows_read;
        report.rows_loaded = stats.rows_staged;
        report.rows_rejected = stats.rows_rejected;
        report.warnings = stats.warnings;
        report.bytes_read = source->InputBytesConsumed();
        if (static_cast<uint64_t>(copied) != stats.rows_staged) {
            throw core::Error(core::ErrorKind::kInternal, "COPY stored " + std::to_string(copied) +
                                                              " rows, the parser produced " +
                                                              std::to_string(stats.rows_staged));
        }
        StoreRejects(conn, report.load_id, source->Name(), kept_rejects);
        const std::vector<db::Param> staged{load_id_param,           P(report.rows_read), P(report.rows_loaded),
                                            P(report.rows_rejected), P(report.warnings),  P(report.bytes_read)};
        conn.Exec(sql::kMarkStaged, staged);
        sorted_unique = stats.key_ascending;
    } catch (const core::Error& e) {
        fail(e.Detail());
        throw;
    }
    report.parse_seconds = Seconds(parse_start);
    log_step("parse_and_copy", parse_start, parse_cpu_start);

    const double reject_rate =
        report.rows_read == 0 ? 0 : static_cast<double>(report.rows_rejected) / static_cast<double>(report.rows_read);
    if (reject_rate > options.max_reject_rate) {
        char buf[200];
        std::snprintf(buf, sizeof buf,
                      "%llu of %llu rows rejected (%.1f%%), above the %.1f%% threshold: nothing "
                      "was changed",
                      static_cast<unsigned long long>(report.rows_rejected),
                      static_cast<unsigned long long>(report.rows_read), reject_rate * 100,
                      options.max_reject_rate * 100);
        report.status = "failed";
        report.error = buf;
        fail(report.error);
        conn.ExecScript(sql::DropStageTable(*spec));
        return report;
    }
    if (report.rows_loaded == 0) {
        // A full release with no valid row would mark every record removed: refuse.
        report.status = "failed";
        report.error = "no valid rows in the file: nothing was changed";
        fail(report.error);
        conn.ExecScript(sql::DropStageTable(*spec));
        return report;
    }

    sql::PlanOptions plan_options;
    plan_options.mode = mode;
    plan_options.sorted_unique = sorted_unique;
    auto timed = [&](const std::string& step, auto&& run) {
        const auto step_start = Clock::now();
        const double cpu_start = BackendCpuSeconds(backend_pid);
        auto result = run();
        log_step(step, step_start, cpu_start);
        return result;
    };

    // An address-level HTTP geocoder runs before the merge transaction, outside it: it fills ref.geocode_cache
    // for the release's new addresses (and live ones still at a ZIP centroid), and the merge reads the cache. A
    // slow or large geocoding run never holds the release open; an outage fails the load before any change.
    const bool geocodes = std::ranges::any_of(sql::MergePlan(*spec, plan_options), [](const sql::Statement& st) {
        return st.name == sql::kGeocodeChangedStep;
    });
    if (options.geocoder == "census" && geocodes) {
        try {
            timed("geocode.census_todo", [&] {
                conn.ExecScript(sql::CreateGeocodeTodo(*spec));
                return 0;
            });
            CensusOptions census;
            census.url = options.geocoder_url;
            census.benchmark = options.geocoder_benchmark;
            census.batch_size = options.geocoder_batch_size;
            census.timeouts = {options.http_connect_timeout_seconds, 0, options.geocoder_timeout_seconds};
            const CensusStats gs = timed("geocode.census", [&] { return GeocodeWithCensus(conn, census); });
            report.geocode_sent += gs.sent;
            report.geocode_matched += gs.matched;
            report.geocode_batches += gs.batches;
            conn.ExecScript(sql::kDropGeocodeTodo);
        } catch (const std::exception& e) {
            fail(std::string("geocoding before the merge failed: ") + e.what());
            conn.ExecScript(sql::DropStageTable(*spec));
            throw;
        }
    }

    // A first load of a sorted NPPES release: a second connection (the other core) prepares from the committed
    // stage what the merge would derive (sql::SidePlan) while the merge transaction inserts the physicians. Asked
    // here, before the merge transaction locks ref.physician: the side connection reads only the stage and its own
    // tables, so it never waits for the merge, which waits for it. Not with the census geocoder (the cache it
    // fills must be read by the merge itself).
    SideWork side;
    if (sorted_unique && options.geocoder != "census" && !sql::SidePlan(*spec).empty() &&
        conn.Exec(sql::kSideUsable).GetBool(0, 0)) {
        side.Start(options.database_url, sql::SidePlan(*spec));
    }

    // Merge: one transaction, so readers see the previous release or this one, never a mix.
    const auto merge_start = Clock::now();
    const std::vector<db::Param> id_params{load_id_param};
    std::string current;
    try {
        current = "analyze";
        timed("analyze_stage", [&] {
            conn.ExecScript(sql::AnalyzeStage(*spec));
            return 0;
        });
        conn.ExecScript("BEGIN");
        conn.ExecScript(sql::kMergeSettings);
        const std::string empty_query = sql::EmptyTargetsQuery(*spec);
        plan_options.empty_targets = !empty_query.empty() && conn.Exec(empty_query).GetBool(0, 0);
        report.sorted_input = plan_options.sorted_unique;
        report.first_load = plan_options.empty_targets;
        core::LogDebug("ingest_plan", {{"dataset", spec->name},
                                       {"sorted_unique", plan_options.sorted_unique},
                                       {"empty_targets", plan_options.empty_targets}});
        bool changed = false;
        for (const sql::Statement& st : sql::MergePlan(*spec, plan_options)) {
            if (st.only_if_changed && !changed) {
                continue;
            }
            if (options.geocoder == "none" && st.name.starts_with("geocode.")) {
                continue;
            }
            if (options.geocoder != "census" && st.name == sql::kGeocodeFromCacheStep) {
                continue;
            }
            if (!st.side_piece.empty()) {
                const bool ready = side.Wait(st.side_piece, spec->name);
                if (ready != st.with_side) {
                    continue;
                }
                report.prepared_aside = report.prepared_aside || ready;
            }
            current = st.name;
            const db::Result r =
                timed(st.name, [&] { return st.binds_load_id ? conn.Exec(st.sql, id_params) : conn.Exec(st.sql); });
            if (st.counts_candidates) {
                report.rows_candidates = static_cast<uint64_t>(r.Affected());
            }
            if (st.counts_inserted) {
                report.rows_inserted += static_cast<uint64_t>(r.Affected());
            }
            if (st.counts) {
                report.rows_inserted += static_cast<uint64_t>(r.GetInt(0, 0));
                report.rows_updated += static_cast<uint64_t>(r.GetInt(0, 1));
                report.rows_unchanged += static_cast<uint64_t>(r.GetInt(0, 2));
            }
            if (st.counts_removed) {
                report.rows_removed += static_cast<uint64_t>(r.GetInt(0, 0));
            }
            changed = changed || report.rows_inserted + report.rows_updated + report.rows_removed > 0;
        }
        current = "lineage";
        const std::vector<db::Param> finish{load_id_param, P(report.rows_inserted), P(report.rows_updated),
                                            P(report.rows_unchanged), P(report.rows_removed)};
        conn.Exec(sql::kFinishLoad, finish);
        // The deferred refresh of the search and nearby rows (migration 0016) would run inside COMMIT: fired
        // here, it is a step of its own in the timings (same transaction, same effect).
        current = "derived_refresh";
        timed("derived_refresh", [&] {
            conn.ExecScript(sql::kFireDeferred);
            return 0;
        });
        current = "commit";
        timed("commit", [&] {
            conn.ExecScript("COMMIT");
            return 0;
        });
    } catch (const std::exception& e) {
        fail(std::string("merge step ") + current + " failed: " + e.what());
        throw;
    }
    report.merge_seconds = Seconds(merge_start);
    report.status = "succeeded";
    conn.ExecScript(sql::DropStageTable(*spec));
    if (side.Started()) {
        side.Join();
        try {
            conn.ExecScript(sql::kDropSide);
        } catch (const std::exception& e) {
            // The release is committed; leftover scratch tables are dropped by the next first load.
            core::LogWarn("ingest_side_cleanup_failed", {{"dataset", spec->name}, {"error", e.what()}});
        }
    }
    conn.Exec(sql::kUnlockDataset, dataset_param);
    core::LogInfo("ingest_done", {{"dataset", spec->name},
                                  {"load_id", report.load_id},
                                  {"rows_read", static_cast<int64_t>(report.rows_read)},
                                  {"rows_loaded", static_cast<int64_t>(report.rows_loaded)},
                                  {"rows_rejected", static_cast<int64_t>(report.rows_rejected)},
                                  {"inserted", static_cast<int64_t>(report.rows_inserted)},
                                  {"updated", static_cast<int64_t>(report.rows_updated)},
                                  {"unchanged", static_cast<int64_t>(report.rows_unchanged)},
                                  {"removed", static_cast<int64_t>(report.rows_removed)},
                                  {"parse_s", report.parse_seconds},
                                  {"merge_s", report.merge_seconds}});
    return report;
}

int RunIngest(const IngestOptions& options, std::ostream& out) {
    try {
        const IngestReport r = Ingest(options);
        out << "ingest " << options.dataset << " load " << r.load_id << " (" << r.mode;
        if (r.data_year) {
            out << ", data year " << *r.data_year;
        }
        out << "): " << r.status << "\n"
            << "  read " << r.rows_read << ", loaded " << r.rows_loaded << ", rejected " << r.rows_rejected << " (+"
            << r.warnings << " field warnings)\n";
        if (r.status == "succeeded") {
            out << "  inserted " << r.rows_inserted << ", updated " << r.rows_updated << ", unchanged "
                << r.rows_unchanged << ", removed " << r.rows_removed << "\n"
                << "  sha256 " << r.checksum_sha256 << "\n";
            if (r.geocode_batches > 0) {
                out << "  geocoded " << r.geocode_sent << " new addresses with the census geocoder ("
                    << r.geocode_matched << " matched, " << r.geocode_batches << " requests)\n";
            }
            if (r.rows_rejected > 0 || r.warnings > 0) {
                out << "  see: SELECT line, field, reason FROM ref.ingest_reject WHERE load_id = " << r.load_id
                    << " ORDER BY line\n";
            }
            return 0;
        }
        out << "  refused: " << r.error << "\n"
            << "  see: SELECT line, field, reason FROM ref.ingest_reject WHERE load_id = " << r.load_id
            << " ORDER BY line\n";
        return 3;
    } catch (const core::Error& e) {
        out << "ingest " << options.dataset << ": " << e.Detail() << "\n";
        return e.Kind() == core::ErrorKind::kUnavailable ? 4 : e.Kind() == core::ErrorKind::kInvalid ? 2 : 1;
    } catch (const db::SqlError& e) {
        out << "ingest " << options.dataset << ": database error " << e.SqlState() << ": " << e.what() << "\n";
        return 4;
    } catch (const std::exception& e) {
        out << "ingest " << options.dataset << ": unexpected error: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace rounds::ingest
