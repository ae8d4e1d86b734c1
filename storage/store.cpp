// openStore(): file checks before SQLite touches anything, connection pragmas, migration and
// recovery of interrupted replies; moveAside() for a damaged file.
#include "store.h"

#include <sqlite3.h>

#include <fstream>

#include "schema.h"
#include "store_types.h"

namespace confidant::storage {

namespace {

bool isMemory(const std::filesystem::path& path) { return path.empty() || path == ":memory:"; }

// Reads the 16-byte SQLite header without opening the file through SQLite, which could otherwise
// start writing (a journal, WAL mode) into a file that is not ours.
Result<void> checkFileBeforeOpening(const std::filesystem::path& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        return makeError(ErrorCode::NotADatabase, path.string() + " is a folder, not a database file");
    auto size = std::filesystem::file_size(path, ec);
    if (ec) return makeError(ErrorCode::Io, "cannot read " + path.string() + ": " + ec.message());
    if (size == 0) return {};  // SQLite treats an empty file as an empty database
    std::ifstream in(path, std::ios::binary);
    char header[16] = {};
    if (!in.read(header, sizeof header))
        return makeError(in.is_open() ? ErrorCode::NotADatabase : ErrorCode::Io,
                         in.is_open() ? path.string() + " is not a Confidant database (too short to be SQLite); it was "
                                                        "left as it is — move it aside to start a fresh one"
                                      : "cannot read " + path.string() + ": permission denied");
    if (std::string_view(header, 16) != std::string_view("SQLite format 3\0", 16))
        return makeError(ErrorCode::NotADatabase, path.string() +
                                                      " is not a Confidant database (not an SQLite file); it was left "
                                                      "as it is — move it aside to start a fresh one");
    return {};
}

}  // namespace

Result<Database> openStore(const std::filesystem::path& path, const OpenOptions& options) {
    if (!isMemory(path)) {
        std::error_code ec;
        if (std::filesystem::exists(path, ec)) {
            CONFIDANT_TRY(checkFileBeforeOpening(path));
        } else if (!options.createIfMissing) {
            return makeError(ErrorCode::NotFound, "no database at " + path.string());
        }
    }
    auto opened = Database::openConnection(path, options.createIfMissing);
    if (!opened) return opened.error();
    Database database = std::move(*opened);
    // Until the checks below pass, closing must not checkpoint a pending -wal into the main file:
    // a refused store (too new, another program's) is left byte for byte as it was (#18, 11).
    sqlite3_db_config(database.handle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);

    CONFIDANT_TRY(database.exec("PRAGMA busy_timeout = " + std::to_string(options.busyTimeoutMs)));

    // Reads only: a damaged or foreign file fails here, before anything is written. One read
    // transaction, so that the three values come from one snapshot: a second process creating
    // the same new store may commit its first migration between separate reads (#18, 9).
    CONFIDANT_TRY(database.exec("BEGIN"));
    auto applicationId = database.queryInt("PRAGMA application_id");
    if (!applicationId) return applicationId.error();
    auto version = database.queryInt("PRAGMA user_version");
    if (!version) return version.error();
    auto tables = database.queryInt("SELECT count(*) FROM sqlite_master");
    if (!tables) return tables.error();
    CONFIDANT_TRY(database.exec("COMMIT"));
    if (*applicationId != k_applicationId && (*applicationId != 0 || *version != 0 || *tables != 0))
        return makeError(ErrorCode::NotADatabase, path.string() +
                                                      " is an SQLite database of another program, not Confidant's; "
                                                      "it was left as it is");
    if (*version > currentSchemaVersion())
        return makeError(ErrorCode::TooNew, "the database " + path.string() + " has schema version " +
                                                std::to_string(*version) + ", newer than this Confidant (" +
                                                std::to_string(currentSchemaVersion()) +
                                                "); it was not changed — update Confidant to open it");

    if (options.quickCheck && *tables != 0) {
        auto report = checkStore(database, CheckDepth::Quick);
        if (!report) return report.error();
        if (!report->ok())
            return makeError(ErrorCode::Corrupt,
                             "the database " + path.string() + " is damaged (" + report->problems.front() +
                                 "); nothing was written to it — repair it (confidant-cli db repair --db " +
                                 path.string() + " copies what is readable into a new store and keeps the damaged "
                                                 "file aside)");
    }
    sqlite3_db_config(database.handle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, nullptr);

    if (!isMemory(path)) {
        auto mode = database.prepare("PRAGMA journal_mode = WAL");
        if (!mode) return mode.error();
        auto row = mode->step();
        if (!row) return row.error();
        if (!*row || mode->columnText(0) != "wal")
            return makeError(ErrorCode::ReadOnly, "cannot switch " + path.string() +
                                                      " to write-ahead logging (is the folder read-only?)");
    }
    CONFIDANT_TRY(database.exec(options.durability == Durability::Full ? "PRAGMA synchronous = FULL"
                                                                        : "PRAGMA synchronous = NORMAL"));
    CONFIDANT_TRY(database.exec("PRAGMA foreign_keys = ON"));
    // Ranking a search reads one document-size page per match: with SQLite's 2 MiB page cache
    // those reads repeat for every query (docs/BENCHMARKS.md). Filled only as pages are read.
    CONFIDANT_TRY(database.exec("PRAGMA cache_size = -32768"));
    CONFIDANT_TRY(migrate(database));

    if (options.recoverInterruptedReplies) {
        CONFIDANT_TRY(database.exec("UPDATE messages SET state = 'complete', finish_reason = 'interrupted' "
                                    "WHERE state = 'streaming'"));
    }
    return database;
}

Result<std::filesystem::path> moveAside(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return makeError(ErrorCode::NotFound, "no file at " + path.string());
    std::string stamp = formatIsoTime(nowMs());
    for (char& c : stamp)
        if (c == ':') c = '-';
    std::filesystem::path target = path.string() + ".damaged-" + stamp;
    for (int n = 2; std::filesystem::exists(target, ec); ++n)
        target = path.string() + ".damaged-" + stamp + "-" + std::to_string(n);
    std::filesystem::rename(path, target, ec);
    if (ec) return makeError(ErrorCode::Io, "cannot move " + path.string() + " aside: " + ec.message());
    for (const char* suffix : {"-wal", "-shm"}) {
        std::filesystem::path companion = path.string() + suffix;
        if (std::filesystem::exists(companion, ec)) std::filesystem::rename(companion, target.string() + suffix, ec);
    }
    return target;
}

Result<IntegrityReport> checkStore(Database& database, CheckDepth depth) {
    IntegrityReport report;
    report.depth = depth;
    auto statement = database.prepare(std::string(depth == CheckDepth::Quick ? "PRAGMA quick_check(" : "PRAGMA integrity_check(") +
                                      std::to_string(k_maxReportedProblems) + ")");
    if (!statement) {
        // A schema too damaged to prepare the pragma is a finding, not a failure to check.
        if (statement.error().code == ErrorCode::Corrupt) {
            report.problems.push_back(statement.error().message);
            return report;
        }
        return statement.error();
    }
    for (;;) {
        auto row = statement->step();
        if (!row) {
            if (row.error().code != ErrorCode::Corrupt) return row.error();
            report.problems.push_back(row.error().message);
            break;
        }
        if (!*row) break;
        std::string line = statement->columnText(0);
        if (line == "ok") continue;
        for (char& c : line)
            if (c == '\n' || c == '\r') c = ' ';
        report.problems.push_back(std::move(line));
    }
    return report;
}

Result<void> checkIntegrity(Database& database) {
    auto statement = database.prepare("PRAGMA integrity_check");
    if (!statement) return statement.error();
    auto row = statement->step();
    if (!row) return row.error();
    const std::string verdict = *row ? statement->columnText(0) : std::string("no answer");
    if (verdict != "ok")
        return makeError(ErrorCode::Corrupt, "the database " + database.path().string() + " is damaged: " + verdict);
    return {};
}

}  // namespace confidant::storage
