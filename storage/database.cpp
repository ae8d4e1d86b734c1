// SQLite connection, statement and transaction wrappers, and the one place where SQLite result
// codes are mapped to storage errors.
#include "database.h"

#include <sqlite3.h>

#include <cassert>
#include <utility>

namespace confidant::storage {

Statement::Statement(Statement&& other) noexcept
    : m_database(std::exchange(other.m_database, nullptr)), m_statement(std::exchange(other.m_statement, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        sqlite3_finalize(m_statement);
        m_database = std::exchange(other.m_database, nullptr);
        m_statement = std::exchange(other.m_statement, nullptr);
    }
    return *this;
}

Statement::~Statement() { sqlite3_finalize(m_statement); }

Statement& Statement::bind(int index, int64_t value) {
    [[maybe_unused]] int rc = sqlite3_bind_int64(m_statement, index, value);
    assert(rc == SQLITE_OK);
    return *this;
}

Statement& Statement::bind(int index, double value) {
    [[maybe_unused]] int rc = sqlite3_bind_double(m_statement, index, value);
    assert(rc == SQLITE_OK);
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    [[maybe_unused]] int rc = sqlite3_bind_text64(m_statement, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    assert(rc == SQLITE_OK);
    return *this;
}

Statement& Statement::bindNull(int index) {
    [[maybe_unused]] int rc = sqlite3_bind_null(m_statement, index);
    assert(rc == SQLITE_OK);
    return *this;
}

Result<bool> Statement::step() {
    int rc = sqlite3_step(m_statement);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    Error e = m_database->error(rc, "running a query");
    sqlite3_reset(m_statement);
    return e;
}

Result<void> Statement::run() {
    for (;;) {
        auto row = step();
        if (!row) return row.error();
        if (!*row) break;
    }
    sqlite3_reset(m_statement);
    return {};
}

void Statement::reset() { sqlite3_reset(m_statement); }

int64_t Statement::columnInt(int column) const { return sqlite3_column_int64(m_statement, column); }
double Statement::columnDouble(int column) const { return sqlite3_column_double(m_statement, column); }

std::string Statement::columnText(int column) const {
    const auto* text = sqlite3_column_text(m_statement, column);
    if (!text) return {};
    return std::string(reinterpret_cast<const char*>(text), size_t(sqlite3_column_bytes(m_statement, column)));
}

bool Statement::columnIsNull(int column) const { return sqlite3_column_type(m_statement, column) == SQLITE_NULL; }

std::optional<int64_t> Statement::columnOptionalInt(int column) const {
    if (columnIsNull(column)) return std::nullopt;
    return columnInt(column);
}

std::optional<double> Statement::columnOptionalDouble(int column) const {
    if (columnIsNull(column)) return std::nullopt;
    return columnDouble(column);
}

Database::Database(Database&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_path(std::move(other.m_path)),
      m_savepointDepth(std::exchange(other.m_savepointDepth, 0)) {}

Database& Database::operator=(Database&& other) noexcept {
    if (this != &other) {
        sqlite3_close_v2(m_db);
        m_db = std::exchange(other.m_db, nullptr);
        m_path = std::move(other.m_path);
        m_savepointDepth = std::exchange(other.m_savepointDepth, 0);
    }
    return *this;
}

Database::~Database() { sqlite3_close_v2(m_db); }

Result<Database> Database::openConnection(const std::filesystem::path& path, bool create) {
    sqlite3* db = nullptr;
    // NOMUTEX: a connection is used by one thread at a time (see the thread contract above).
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
        Database failed(db, path);
        Error e = failed.error(rc, "opening the database");
        if (rc == SQLITE_CANTOPEN) {
            std::error_code ec;
            auto folder = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
            if (!std::filesystem::exists(path, ec) && !create)
                e = makeError(ErrorCode::NotFound, "no database at " + path.string());
            else if (!std::filesystem::is_directory(folder, ec))
                e = makeError(ErrorCode::NotFound, "cannot open the database " + path.string() + ": the folder " +
                                                       folder.string() + " does not exist");
            else
                e = makeError(ErrorCode::ReadOnly, "cannot open the database " + path.string() +
                                                       ": the file or its folder is not writable");
        }
        return e;
    }
    sqlite3_extended_result_codes(db, 1);
    return Database(db, path);
}

Result<void> Database::exec(std::string_view sql) {
    std::string text(sql);
    int rc = sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return error(rc, "updating the database");
    return {};
}

Result<Statement> Database::prepare(std::string_view sql) {
    sqlite3_stmt* statement = nullptr;
    int rc = sqlite3_prepare_v3(m_db, sql.data(), int(sql.size()), 0, &statement, nullptr);
    if (rc != SQLITE_OK) return error(rc, "preparing a query");
    return Statement(this, statement);
}

Result<int64_t> Database::queryInt(std::string_view sql) {
    auto statement = prepare(sql);
    if (!statement) return statement.error();
    auto row = statement->step();
    if (!row) return row.error();
    return *row ? statement->columnInt(0) : 0;
}

int64_t Database::changes() const { return sqlite3_changes64(m_db); }

bool Database::inTransaction() const { return sqlite3_get_autocommit(m_db) == 0; }

Error Database::error(int code, std::string_view context) const {
    const std::string where = m_path.empty() ? std::string() : " (" + m_path.string() + ")";
    std::string detail = m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(code);
    std::string prefix = std::string(context) + where + ": ";
    switch (code & 0xff) {
    case SQLITE_NOTADB:
        return makeError(ErrorCode::NotADatabase,
                         prefix + "the file is not a database; move it aside to start a fresh one");
    case SQLITE_CORRUPT:
        return makeError(ErrorCode::Corrupt,
                         prefix + "the database is damaged (" + detail + "); move it aside to start a fresh one");
    case SQLITE_FULL:
        return makeError(ErrorCode::DiskFull, prefix + "the disk is full; nothing was saved, free some space and retry");
    case SQLITE_READONLY:
        return makeError(ErrorCode::ReadOnly, prefix + "the database or its folder is read-only (" + detail + ")");
    case SQLITE_CANTOPEN:
        return makeError(ErrorCode::ReadOnly, prefix + "cannot open the file (" + detail + ")");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return makeError(ErrorCode::Busy, prefix + "the database is locked by another program; retry later");
    case SQLITE_IOERR:
        return makeError(ErrorCode::Io, prefix + "a disk read or write failed (" + detail + ")");
    case SQLITE_CONSTRAINT:
        return makeError(ErrorCode::InvalidInput, prefix + detail);
    default:
        return makeError(ErrorCode::Failed, prefix + detail);
    }
}

Result<Transaction> Transaction::begin(Database& database) {
    // IMMEDIATE takes the write lock up front, so the busy timeout applies instead of a
    // deadlock-avoiding SQLITE_BUSY halfway through.
    if (!database.inTransaction()) {
        auto done = database.exec("BEGIN IMMEDIATE");
        if (!done) return done.error();
        database.m_savepointDepth = 0;
        return Transaction(&database, false, 0);
    }
    int depth = ++database.m_savepointDepth;
    auto done = database.exec("SAVEPOINT sp" + std::to_string(depth));
    if (!done) {
        --database.m_savepointDepth;
        return done.error();
    }
    return Transaction(&database, true, depth);
}

Result<Transaction> Transaction::beginDurable(Database& database) {
    if (database.inTransaction()) return begin(database);
    // SQLite refuses to change the level inside a transaction, so it is raised before BEGIN.
    auto level = database.queryInt("PRAGMA synchronous");
    if (!level) return level.error();
    const int full = 2;
    if (*level < full) CONFIDANT_TRY(database.exec("PRAGMA synchronous = FULL"));
    auto transaction = begin(database);
    if (!transaction) {
        if (*level < full) (void)database.exec("PRAGMA synchronous = " + std::to_string(*level));
        return transaction.error();
    }
    if (*level < full) transaction->m_restoreSynchronous = int(*level);
    return transaction;
}

void Transaction::restoreSynchronous() {
    if (m_restoreSynchronous < 0) return;
    (void)m_database->exec("PRAGMA synchronous = " + std::to_string(m_restoreSynchronous));
    m_restoreSynchronous = -1;
}

Transaction::Transaction(Transaction&& other) noexcept
    : m_database(other.m_database), m_nested(other.m_nested), m_depth(other.m_depth), m_active(other.m_active),
      m_restoreSynchronous(std::exchange(other.m_restoreSynchronous, -1)) {
    other.m_active = false;
}

Transaction::~Transaction() { rollback(); }

Result<void> Transaction::commit() {
    assert(m_active);
    auto done = m_database->exec(m_nested ? "RELEASE sp" + std::to_string(m_depth) : std::string("COMMIT"));
    if (!done) {
        rollback();
        return done.error();
    }
    m_active = false;
    if (m_nested) --m_database->m_savepointDepth;
    restoreSynchronous();
    return {};
}

void Transaction::rollback() {
    if (!m_active) return;
    m_active = false;
    if (m_nested) {
        const std::string name = "sp" + std::to_string(m_depth);
        (void)m_database->exec("ROLLBACK TO " + name);
        (void)m_database->exec("RELEASE " + name);
        --m_database->m_savepointDepth;
    } else if (m_database->inTransaction()) {
        (void)m_database->exec("ROLLBACK");
    }
    restoreSynchronous();
}

}  // namespace confidant::storage
