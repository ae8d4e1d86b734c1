// Conversation-store commands: import, export, list, show and search over a store file. Results go
// to stdout, progress to stderr; every failure is one line and a non-zero exit.
#include <cstdio>

#include "cli/commands.h"
#include "cli/terminal_text.h"
#include "conversations.h"
#include "export.h"
#include "json_format.h"
#include "message_tree.h"
#include "search.h"
#include "store.h"

namespace confidant::cli {

namespace {

// The --db option, opened. The CLI may run beside the app while a reply streams, so it never
// marks streaming replies as interrupted (that is the app's job when it starts).
std::optional<storage::Database> openDatabase(Arguments& args, const char* command, bool create, int& exitCode) {
    auto path = args.value({"--db"});
    if (!path) {
        exitCode = fail(path.error().message);
        return std::nullopt;
    }
    if (!*path) {
        exitCode = fail(std::string(command) + " needs the store: --db PATH");
        return std::nullopt;
    }
    auto opened = storage::openStore(**path, {.createIfMissing = create, .recoverInterruptedReplies = false});
    if (!opened) {
        exitCode = fail(opened.error().message);
        return std::nullopt;
    }
    return std::move(*opened);
}

// One field of a tab-separated line: controls and line breaks can neither break the columns nor
// reach the terminal (terminal_text.h).
std::string oneLine(const std::string& text) { return terminalSafe(text, LineBreaks::AsSpace); }

}  // namespace

int runImport(Arguments& args) {
    int exitCode = 0;
    auto db = openDatabase(args, "import", true, exitCode);
    if (!db) return exitCode;
    auto positionals = args.positionals();
    if (!positionals) return fail(positionals.error().message);
    if (positionals->size() != 1) return fail("import needs exactly one file: confidant-cli import --db DB FILE");
    auto report = storage::importFile(*db, positionals->front());
    if (!report) return fail(report.error().message);
    std::fprintf(stderr, "imported %d conversation%s (%d messages); %d already present, skipped\n", report->imported,
                 report->imported == 1 ? "" : "s", report->messages, report->skipped);
    return 0;
}

int runExport(Arguments& args) {
    int exitCode = 0;
    auto db = openDatabase(args, "export", false, exitCode);
    if (!db) return exitCode;
    auto formatName = args.value({"--format", "-f"});
    if (!formatName) return fail(formatName.error().message);
    auto conversation = args.value({"--conversation", "-c"});
    if (!conversation) return fail(conversation.error().message);
    auto output = args.value({"-o", "--output"});
    if (!output) return fail(output.error().message);
    auto positionals = args.positionals();
    if (!positionals) return fail(positionals.error().message);
    if (!positionals->empty()) return fail("export takes no positional arguments (unexpected '" + positionals->front() + "')");
    if (!*formatName) return fail("export needs --format markdown|html|text|json");
    auto format = storage::exportFormatFromName(**formatName);
    if (!format) return fail("unknown export format '" + **formatName + "' (use markdown, html, text or json)");
    if (!*output) return fail("export needs -o PATH (a file, or a folder when exporting all conversations to " +
                              **formatName + ")");

    if (*format == storage::ExportFormat::Json) {
        std::vector<std::string> ids;
        if (*conversation) ids.push_back(**conversation);
        auto done = storage::exportJsonFile(*db, ids, **output);
        if (!done) return fail(done.error().message);
        std::fprintf(stderr, "exported %s to %s\n", *conversation ? "1 conversation" : "all conversations",
                     (*output)->c_str());
        return 0;
    }
    if (*conversation) {
        auto done = storage::exportConversationToFile(*db, **conversation, *format, **output);
        if (!done) return fail(done.error().message);
        std::fprintf(stderr, "exported 1 conversation to %s\n", (*output)->c_str());
        return 0;
    }
    auto count = storage::exportAllToFolder(*db, *format, **output);
    if (!count) return fail(count.error().message);
    std::fprintf(stderr, "exported %d conversation%s to the folder %s\n", *count, *count == 1 ? "" : "s",
                 (*output)->c_str());
    return 0;
}

int runList(Arguments& args) {
    int exitCode = 0;
    auto db = openDatabase(args, "list", false, exitCode);
    if (!db) return exitCode;
    auto positionals = args.positionals();
    if (!positionals) return fail(positionals.error().message);
    if (!positionals->empty()) return fail("list takes no positional arguments (unexpected '" + positionals->front() + "')");
    auto list = storage::listConversations(*db, {.limit = -1});
    if (!list) return fail(list.error().message);
    for (const auto& summary : *list) {
        const auto& c = summary.conversation;
        const std::string line = oneLine(c.id) + "\t" + oneLine(c.title.empty() ? "(untitled)" : c.title) + "\t" +
                                 storage::formatIsoTime(c.updatedAt) + "\t" + std::to_string(summary.messageCount) +
                                 " messages\n";
        std::fwrite(line.data(), 1, line.size(), stdout);
    }
    return 0;
}

int runShow(Arguments& args) {
    int exitCode = 0;
    auto db = openDatabase(args, "show", false, exitCode);
    if (!db) return exitCode;
    auto positionals = args.positionals();
    if (!positionals) return fail(positionals.error().message);
    if (positionals->size() != 1) return fail("show needs exactly one conversation id: confidant-cli show --db DB ID");
    auto data = storage::loadConversation(*db, positionals->front());
    if (!data) return fail(data.error().message);
    printSafe(stdout, storage::exportText(*data), LineBreaks::Keep);
    return 0;
}

int runSearch(Arguments& args) {
    int exitCode = 0;
    auto db = openDatabase(args, "search", false, exitCode);
    if (!db) return exitCode;
    auto limit = args.integer({"--limit", "-n"}, 1, 10000);
    if (!limit) return fail(limit.error().message);
    auto positionals = args.positionals();
    if (!positionals) return fail(positionals.error().message);
    std::string query;
    for (const auto& word : *positionals) query += (query.empty() ? "" : " ") + word;
    if (query.empty()) return fail("search needs a query: confidant-cli search --db DB QUERY");
    storage::SearchOptions options;
    if (*limit) options.limit = int(**limit);
    auto hits = storage::search(*db, query, options);
    if (!hits) return fail(hits.error().message);
    for (const auto& hit : *hits) {
        const std::string line = oneLine(hit.conversationId) + "\t" + (hit.messageId.empty() ? "-" : oneLine(hit.messageId)) +
                                 "\t" + oneLine(hit.snippet) + "\n";
        std::fwrite(line.data(), 1, line.size(), stdout);
    }
    std::fprintf(stderr, "%zu hit%s\n", hits->size(), hits->size() == 1 ? "" : "s");
    return 0;
}

// `db check [--full]` and `db repair`: the store's health from a terminal (issue #18, 6).
int runDb(Arguments& args) {
    auto path = args.value({"--db"});
    if (!path) return fail(path.error().message);
    const bool full = args.flag({"--full"});
    auto positionals = args.positionals();
    if (!positionals) return fail(positionals.error().message);
    const std::string usage = "use: confidant-cli db check --db DB [--full] | confidant-cli db repair --db DB";
    if (positionals->size() != 1) return fail("db needs one action, check or repair; " + usage);
    const std::string action = positionals->front();
    if (!*path) return fail("db " + oneLine(action) + " needs the store: --db PATH");
    if (action == "check") {
        auto opened = storage::openStore(**path, {.createIfMissing = false, .recoverInterruptedReplies = false,
                                                   .quickCheck = false});
        if (!opened) return fail(opened.error().message);
        auto report = storage::checkStore(*opened, full ? storage::CheckDepth::Full : storage::CheckDepth::Quick);
        if (!report) return fail(report.error().message);
        const char* depth = full ? "full check" : "quick check";
        if (report->ok()) {
            std::printf("ok (%s)\n", depth);
            return 0;
        }
        for (const auto& problem : report->problems) std::printf("%s\n", oneLine(problem).c_str());
        return fail("the store " + **path + " is damaged (" + depth + ": " + std::to_string(report->problems.size()) +
                    " problem" + (report->problems.size() == 1 ? "" : "s") +
                    "); run confidant-cli db repair --db " + **path);
    }
    if (action == "repair") {
        auto report = storage::repairStore(**path);
        if (!report) return fail(report.error().message);
        std::printf("repaired %s: %d conversation%s and %d message%s copied into a new store", (*path)->c_str(),
                    report->conversations, report->conversations == 1 ? "" : "s", report->messages,
                    report->messages == 1 ? "" : "s");
        if (report->unreadableConversations) std::printf("; %d unreadable conversation(s) lost", report->unreadableConversations);
        if (report->orphanedMessages)
            std::printf("; %d message(s) whose earlier message was lost now start a conversation branch",
                        report->orphanedMessages);
        std::printf("\nthe damaged file is kept at %s\n", report->damagedCopy.c_str());
        return 0;
    }
    return fail("unknown db action '" + oneLine(action) + "'; " + usage);
}

}  // namespace confidant::cli
