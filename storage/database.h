// RAII wrappers over SQLite: a Database owns one connection, a Statement one prepared statement,
// a Transaction rolls back in its destructor unless committed. All SQLite result codes become
// storage::Error values here and nowhere else.
//
// Thread contract: a Database (and every Statement prepared from it) belongs to one thread at a
// time; it is never shared. Each thread that needs the store (the app's storage thread, the CLI,
// a test) opens its own connection with openStore(); SQLite's WAL mode and the busy timeout make
// several connections, in one or several processes, safe together.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace confidant::storage {

class Database;

class Statement {
public:
    Statement() = default;
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement();

    // Parameters are 1-based, as in SQLite. Binding an out-of-range index is a programming error.
    Statement& bind(int index, int64_t value);
    Statement& bind(int index, int value) { return bind(index, int64_t(value)); }
    Statement& bind(int index, double value);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
    Statement& bindNull(int index);
    template <typename T>
    Statement& bind(int index, const std::optional<T>& value) {
        return value ? bind(index, *value) : bindNull(index);
    }

    // Advances one row: true when a row is available, false when done.
    Result<bool> step();
    // Steps to completion (for statements that return no rows).
    Result<void> run();
    // Makes the statement ready to run again; bindings are kept.
    void reset();

    int64_t columnInt(int column) const;
    double columnDouble(int column) const;
    std::string columnText(int column) const;
    bool columnIsNull(int column) const;
    std::optional<int64_t> columnOptionalInt(int column) const;
    std::optional<double> columnOptionalDouble(int column) const;

private:
    friend class Database;
    Statement(Database* database, sqlite3_stmt* statement) : m_database(database), m_statement(statement) {}

    Database* m_database = nullptr;
    sqlite3_stmt* m_statement = nullptr;
};

class Database {
public:
    Database() = default;
    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database();

    // Opens a raw connection; openStore() (store.h) is what callers normally want: it also checks
    // the file, applies the pragmas and migrates. `create` allows making a new file.
    static Result<Database> openConnection(const std::filesystem::path& path, bool create);

    bool isOpen() const { return m_db != nullptr; }
    const std::filesystem::path& path() const { return m_path; }
    sqlite3* handle() const { return m_db; }

    // Runs one or more statements that return no rows of interest.
    Result<void> exec(std::string_view sql);
    Result<Statement> prepare(std::string_view sql);
    // The integer in the first column of the first row of a query (e.g. a pragma).
    Result<int64_t> queryInt(std::string_view sql);
    // Rows changed by the last INSERT, UPDATE or DELETE.
    int64_t changes() const;
    bool inTransaction() const;

    // Turns an SQLite result code into an Error with an actionable message; `context` says what
    // was being done ("saving the reply").
    Error error(int code, std::string_view context) const;

private:
    friend class Transaction;
    Database(sqlite3* db, std::filesystem::path path) : m_db(db), m_path(std::move(path)) {}

    sqlite3* m_db = nullptr;
    std::filesystem::path m_path;
    int m_savepointDepth = 0;
};

// A transaction (BEGIN IMMEDIATE at the outermost level, a SAVEPOINT when nested) that rolls back
// when destroyed without commit(): an early return on error leaves nothing half-written.
class Transaction {
public:
    static Result<Transaction> begin(Database& database);
    // A turn boundary (the user's message, a finished reply): the outermost commit is on disk
    // before it returns, whatever the connection's Durability (synchronous = FULL for this commit
    // only, which in WAL mode is one fsync of the log). Nested inside another transaction it is a
    // plain savepoint: the outer transaction's commit decides. See docs/storage.md, Durability.
    static Result<Transaction> beginDurable(Database& database);
    Transaction(Transaction&& other) noexcept;
    Transaction& operator=(Transaction&&) = delete;
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();

    Result<void> commit();
    void rollback();

private:
    Transaction(Database* database, bool nested, int depth) : m_database(database), m_nested(nested), m_depth(depth) {}

    void restoreSynchronous();

    Database* m_database = nullptr;
    bool m_nested = false;
    int m_depth = 0;
    bool m_active = true;
    int m_restoreSynchronous = -1;  // the level to put back after a durable commit; -1: none
};

}  // namespace confidant::storage
