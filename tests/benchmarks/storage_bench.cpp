// Storage benchmark (not a test): builds a store of realistic size, then times what the app does
// most: open, list the recent conversations, load a long conversation, flush a streamed reply,
// search, export. Sizes are flags; the defaults are the 10,000 conversations and
// 1,000,000 messages.
//
//   storage_bench [--conversations N] [--messages N] [--long-messages N] [--export N]
//                 [--db PATH] [--keep] [--reuse] [--durability normal|full] [--seed S] [--search-only]
//                 [--cache-mib N]
//
// --reuse keeps the store at --db and, when it exists, times it as it is instead of building a
// new one (building the full size takes minutes); --search-only then times only the searches.
// --cache-mib overrides the page cache of the timed connection (openStore() sets 32 MiB; 2 is
// SQLite's default).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

#include "conversations.h"
#include "json_format.h"
#include "message_tree.h"
#include "reply_writer.h"
#include "search.h"
#include "store.h"

using namespace confidant::storage;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
    long conversations = 10000;
    long messages = 1000000;
    long longMessages = 500;
    long exportCount = 1000;
    std::string db;
    bool keep = false;
    bool reuse = false;
    bool searchOnly = false;
    long cacheMib = 0;
    Durability durability = Durability::Normal;
    unsigned seed = 1;
};

[[noreturn]] void usage(const char* problem) {
    std::fprintf(stderr, "storage_bench: %s\nusage: storage_bench [--conversations N] [--messages N] "
                         "[--long-messages N] [--export N] [--db PATH] [--keep] [--reuse] [--durability normal|full] "
                         "[--seed S] [--search-only] [--cache-mib N]\n", problem);
    std::exit(2);
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) usage(("missing value for " + a).c_str());
            return argv[++i];
        };
        if (a == "--conversations") o.conversations = std::stol(next());
        else if (a == "--messages") o.messages = std::stol(next());
        else if (a == "--long-messages") o.longMessages = std::stol(next());
        else if (a == "--export") o.exportCount = std::stol(next());
        else if (a == "--db") o.db = next();
        else if (a == "--keep") o.keep = true;
        else if (a == "--reuse") o.reuse = o.keep = true;
        else if (a == "--search-only") o.searchOnly = true;
        else if (a == "--cache-mib") o.cacheMib = std::stol(next());
        else if (a == "--seed") o.seed = unsigned(std::stoul(next()));
        else if (a == "--durability") {
            std::string d = next();
            if (d == "full") o.durability = Durability::Full;
            else if (d != "normal") usage("--durability is normal or full");
        } else usage(("unknown option " + a).c_str());
    }
    if (o.conversations < 1 || o.messages < o.conversations + o.longMessages) usage("need messages >= conversations + long-messages");
    return o;
}

void check(bool ok, const std::string& what) {
    if (!ok) {
        std::fprintf(stderr, "storage_bench: %s\n", what.c_str());
        std::exit(1);
    }
}
template <typename T>
T must(Result<T> r, const char* what) {
    check(r.ok(), std::string(what) + ": " + (r.ok() ? "" : r.error().message));
    return std::move(*r);
}
void must(Result<void> r, const char* what) { check(r.ok(), std::string(what) + ": " + (r.ok() ? "" : r.error().message)); }

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// This thread's CPU time: on a shared machine the wall clock also counts other people's work.
double cpuMs() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

// Median and 95th percentile of the wall time of `runs` calls of `body`, and the median CPU time,
// in milliseconds.
struct Timing {
    double median, p95, cpu;
};
Timing measure(int runs, const std::function<void()>& body) {
    std::vector<double> samples, cpu;
    for (int i = 0; i < runs; ++i) {
        auto start = Clock::now();
        double cpuStart = cpuMs();
        body();
        cpu.push_back(cpuMs() - cpuStart);
        samples.push_back(ms(Clock::now() - start));
    }
    std::sort(samples.begin(), samples.end());
    std::sort(cpu.begin(), cpu.end());
    return {samples[samples.size() / 2], samples[std::min(samples.size() - 1, samples.size() * 95 / 100)],
            cpu[cpu.size() / 2]};
}

// Text with a Zipf-like word distribution over a made-up vocabulary, plus a few real words at
// known rarity for the search queries.
class TextMaker {
public:
    explicit TextMaker(unsigned seed) : m_random(seed) {
        const char* syllables[] = {"ka", "lo", "mi", "re", "tu", "sa", "ne", "po", "vi", "da", "shi", "ran",
                                   "el", "or", "qu", "ab", "ix", "en", "ta", "mo", "lu", "ge", "fi", "zo"};
        std::uniform_int_distribution<int> pick(0, 23), length(1, 4);
        for (int i = 0; i < 20000; ++i) {
            std::string word;
            for (int s = length(m_random); s > 0; --s) word += syllables[pick(m_random)];
            m_words.push_back(word);
        }
        const char* common[] = {"the", "a", "and", "to", "of", "in", "is", "you", "that", "it", "for", "with", "can",
                                "this", "on", "be", "as", "are", "use", "code", "function", "model", "file", "data"};
        for (size_t i = 0; i < std::size(common); ++i) m_words[i] = common[i];
        m_words[400] = "database";
        m_words[3000] = "kubernetes";
        m_words[15000] = "pomegranate";
        double total = 0;
        for (size_t i = 0; i < m_words.size(); ++i) m_cumulative.push_back(total += 1.0 / std::pow(double(i + 1), 1.07));
    }

    std::string words(int count) {
        std::uniform_real_distribution<double> u(0, m_cumulative.back());
        std::string out;
        for (int i = 0; i < count; ++i) {
            size_t index = size_t(std::lower_bound(m_cumulative.begin(), m_cumulative.end(), u(m_random)) - m_cumulative.begin());
            if (!out.empty()) out += (i % 14 == 0) ? ". " : " ";
            out += m_words[index];
        }
        return out + ".";
    }
    std::mt19937& random() { return m_random; }

private:
    std::mt19937 m_random;
    std::vector<std::string> m_words;
    std::vector<double> m_cumulative;
};

// Fills the store: conversations of varying length that add up to the message count, one of them
// exactly `longMessages` long; user messages 8-60 words, replies 40-300 words; one regenerated
// reply (a sibling) in every tenth conversation.
std::string build(Database& db, const Options& o, TextMaker& text) {
    auto conversation = must(db.prepare("INSERT INTO conversations (id, title, created_at, updated_at, model_ref) "
                                        "VALUES (?, ?, ?, ?, 'llama-3.2-3b-instruct-q4_k_m.gguf')"),
                             "prepare");
    auto message = must(db.prepare("INSERT INTO messages (id, conversation_id, parent_id, role, content, created_at, "
                                   "finish_reason, model_file, generated_tokens, tokens_per_second) "
                                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                        "prepare");
    auto select = must(db.prepare("UPDATE conversations SET selected_leaf_id = ?, updated_at = ? WHERE id = ?"), "prepare");
    std::uniform_int_distribution<int> userWords(8, 60), replyWords(40, 300);
    const long others = o.conversations - 1;
    const long rest = o.messages - o.longMessages;
    int64_t time = 1700000000000;
    std::string longId;
    std::optional<Transaction> transaction(must(Transaction::begin(db), "begin"));
    for (long c = 0; c < o.conversations; ++c) {
        const bool isLong = c == o.conversations / 2;
        long count = isLong ? o.longMessages : rest / others + (c < rest % others ? 1 : 0);
        std::string id = newUuid();
        if (isLong) longId = id;
        std::string parent, leaf;
        conversation.reset();
        conversation.bind(1, id).bind(2, text.words(4)).bind(3, time).bind(4, time);
        must(conversation.run(), "insert conversation");
        std::vector<std::pair<std::string, std::string>> rows;  // id, parent
        for (long m = 0; m < count; ++m) {
            // In every tenth conversation the last-but-one reply gets a regenerated sibling.
            const bool sibling = c % 10 == 0 && count >= 4 && m == count - 1 && m % 2 == 1;
            std::string messageId = newUuid();
            const std::string& parentId = sibling && rows.size() >= 2 ? rows[rows.size() - 2].second : parent;
            const bool user = m % 2 == 0 && !sibling;
            message.reset();
            message.bind(1, messageId).bind(2, id);
            if (parentId.empty()) message.bindNull(3); else message.bind(3, parentId);
            message.bind(4, user ? "user" : "assistant").bind(5, text.words(user ? userWords(text.random()) : replyWords(text.random())));
            message.bind(6, time += 1000).bind(7, user ? "" : "stop").bind(8, user ? "" : "llama-3.2-3b-instruct-q4_k_m.gguf");
            if (user) { message.bindNull(9).bindNull(10); } else { message.bind(9, int64_t(180)).bind(10, 42.5); }
            must(message.run(), "insert message");
            rows.push_back({messageId, parentId});
            parent = messageId;
            leaf = messageId;
        }
        select.reset();
        if (leaf.empty()) select.bindNull(1); else select.bind(1, leaf);
        select.bind(2, time).bind(3, id);
        must(select.run(), "select leaf");
        if ((c + 1) % 500 == 0) {
            must(transaction->commit(), "commit");
            transaction.reset();
            transaction.emplace(must(Transaction::begin(db), "begin"));
            std::fprintf(stderr, "\r  %ld / %ld conversations", c + 1, o.conversations);
        }
    }
    must(transaction->commit(), "commit");
    std::fprintf(stderr, "\n");
    return longId;
}

}  // namespace

int main(int argc, char** argv) {
    Options o = parse(argc, argv);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    std::filesystem::path path = o.db.empty() ? std::filesystem::temp_directory_path() /
                                                    ("confidant-bench-" + std::to_string(::getpid()) + ".db")
                                              : std::filesystem::path(o.db);
    TextMaker text(o.seed);
    std::string longId;
    std::printf("storage_bench: %ld conversations, %ld messages (one of %ld), durability %s, page cache %s\n",
                o.conversations, o.messages, o.longMessages, o.durability == Durability::Full ? "full" : "normal",
                o.cacheMib > 0 ? (std::to_string(o.cacheMib) + " MiB").c_str() : "the store's");
    if (!(o.reuse && std::filesystem::exists(path))) {
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
        auto start = Clock::now();
        Database db = must(openStore(path, {.durability = o.durability}), "create");
        longId = build(db, o, text);
        must(db.exec("PRAGMA wal_checkpoint(TRUNCATE)"), "checkpoint");
        std::printf("build (setup, not a target)    %10.0f ms   %.0f MiB on disk\n", ms(Clock::now() - start),
                    double(std::filesystem::file_size(path)) / 1048576.0);
    }
    // Reused stores: the long conversation is the one with the most messages.
    auto opened = [&] { return must(openStore(path, {.durability = o.durability}), "open"); };
    Timing open = measure(10, [&] { Database db = opened(); });
    Database db = opened();
    if (o.cacheMib > 0) must(db.exec("PRAGMA cache_size = -" + std::to_string(o.cacheMib * 1024)), "cache size");
    if (longId.empty()) {
        auto s = must(db.prepare("SELECT conversation_id FROM messages GROUP BY conversation_id ORDER BY count(*) DESC LIMIT 1"), "q");
        check(*s.step(), "empty store");
        longId = s.columnText(0);
    }

    std::printf("%-30s %10s %10s %10s\n", "operation", "median ms", "p95 ms", "cpu ms");
    auto row = [](const char* name, Timing t) {
        std::printf("%-30s %10.3f %10.3f %10.3f\n", name, t.median, t.p95, t.cpu);
    };
    row("open the store", open);
    size_t longCount = 0;
    if (!o.searchOnly) {
        row("list 50 most recent", measure(50, [&] { check(must(listConversations(db, {.limit = 50}), "list").size() == 50 || o.conversations < 50, "list"); }));
        row("load 500-message conversation", measure(20, [&] { longCount = must(loadConversation(db, longId), "load").messages.size(); }));
        row("load its selected branch", measure(20, [&] { (void)must(loadSelectedBranch(db, longId), "branch"); }));

        // A streamed reply in the long conversation: ~20 tokens of text between flushes.
        auto leaf = must(getConversation(db, longId), "get").selectedLeafId;
        auto writer = must(ReplyWriter::begin(db, longId, leaf, "Sure", {}, {.flushInterval = std::chrono::hours(1)}), "begin");
        row("streaming flush (reply to 25KB)", measure(200, [&] {
            (void)must(writer.append(" " + text.words(20)), "append");
            must(writer.flush(), "flush");
        }));
        row("finish reply (indexes it)",
            measure(1, [&] { (void)must(writer.finish(FinishReason::Stop, {.generatedTokens = 4000, .tokensPerSecond = 40.0}), "finish"); }));
    }

    for (const char* query : {"kubernetes", "database model", "pomegranate", "kube*", "\"the code\""}) {
        size_t hits = 0;
        std::string name = std::string("search ") + query;
        Timing t = measure(10, [&] { hits = must(search(db, query, {.limit = 20}), "search").size(); });
        std::printf("%-30s %10.3f %10.3f %10.3f   (%zu hits)\n", name.c_str(), t.median, t.p95, t.cpu, hits);
    }
    {
        // The desktop app asks for 50 hits: more snippets and more branches to place.
        size_t hits = 0;
        Timing t = measure(10, [&] { hits = must(search(db, "kubernetes", {.limit = 50}), "search").size(); });
        std::printf("%-30s %10.3f %10.3f %10.3f   (%zu hits)\n", "search kubernetes, 50 hits", t.median, t.p95, t.cpu, hits);
    }

    if (!o.searchOnly) {
        auto ids = must(allConversationIds(db), "ids");
        ids.resize(std::min<size_t>(ids.size(), size_t(o.exportCount)));
        std::string json;
        Timing exported = measure(1, [&] { json = must(exportJson(db, ids), "export"); });
        std::printf("%-30s %10.0f %10s %10.0f   (%zu conversations, %.1f MiB)\n", "export to JSON", exported.median, "-",
                    exported.cpu, ids.size(), double(json.size()) / 1048576.0);
        std::printf("long conversation: %zu messages\n", longCount);
    }

    if (!o.keep)
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
    return 0;
}
