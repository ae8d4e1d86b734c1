// Helpers for the storage tests: a temporary folder per test and small builders.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "conversations.h"
#include "message_tree.h"
#include "store.h"

namespace confidant::storage::testing {

// A fresh folder under the system's temporary directory, removed with everything in it.
class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "confidant-storage-XXXXXX").string();
        char* made = ::mkdtemp(pattern.data());
        EXPECT_NE(made, nullptr);
        m_path = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::permissions(m_path, std::filesystem::perms::owner_all, std::filesystem::perm_options::add, ec);
        std::filesystem::remove_all(m_path, ec);
    }
    const std::filesystem::path& path() const { return m_path; }
    std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

private:
    std::filesystem::path m_path;
};

inline std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline void writeFile(const std::filesystem::path& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary);
    out << content;
}

#define ASSERT_OK(expr)                                                     \
    do {                                                                    \
        const auto& confidantResult_ = (expr);                              \
        ASSERT_TRUE(confidantResult_.ok()) << confidantResult_.error().message; \
    } while (false)

// Opens `path` or fails the test.
inline Database openOrDie(const std::filesystem::path& path, const OpenOptions& options = {}) {
    auto opened = openStore(path, options);
    EXPECT_TRUE(opened.ok()) << (opened.ok() ? "" : opened.error().message);
    return opened.ok() ? std::move(*opened) : Database();
}

inline Message addMessage(Database& db, const std::string& conversationId, const std::string& parentId, Role role,
                          const std::string& content) {
    NewMessage draft;
    draft.conversationId = conversationId;
    draft.parentId = parentId;
    draft.role = role;
    draft.content = content;
    auto added = appendMessage(db, draft);
    EXPECT_TRUE(added.ok()) << (added.ok() ? "" : added.error().message);
    return added.ok() ? *added : Message{};
}

}  // namespace confidant::storage::testing
