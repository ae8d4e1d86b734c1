// confidant-cli's dispatch: the subcommand table and the usage text.
#include <cstdio>
#include <cstring>
#include <new>
#include <system_error>
#include <string_view>

#include "cli/commands.h"
#include "cli/terminal_text.h"
#include "confidant_version.h"

namespace confidant::cli {
namespace {

struct Command {
    std::string_view name;
    int (*run)(Arguments&);
    std::string_view usage;
};

constexpr Command k_commands[] = {
    {"info", runInfo, "info MODEL                       architecture, size, tensor types, tokens, template"},
    {"tokenize", runTokenize, "tokenize -m MODEL [--bos] [--parse-special] TEXT"},
    {"detokenize", runDetokenize, "detokenize -m MODEL IDS..."},
    {"generate", runGenerate,
     "generate -m MODEL [-p PROMPT | --prompt-file F | --messages CONV.json [--template NAME | --template-file F]\n"
     "           [--overflow drop|stop] [--print-prompt-tokens]] [-n N] [--temp T] [--seed S] [--top-k K]\n"
     "           [--top-p P] [--min-p P] [--repeat-penalty R] [--ctx N] [--threads N] [--backend cpu|vulkan]\n"
     "           [--ids]   (--ids: print the generated token ids, space-separated, instead of text)"},
    {"logits", runLogits,
     "logits -m MODEL [--backend cpu|reference|vulkan] --ids ID... [--top K] [--ctx N]\n"
     "           feeds the ids one position at a time; per position a JSON line of the top-K ids and raw logits"},
    {"template", runTemplate,
     "template (-m MODEL | --template-file F | --template NAME) --messages CONV.json\n"
     "           [--no-generation-prompt] [--bos S] [--eos S] [--date YYYY-MM-DD] [--fold-system]"},
    {"chat", runChat,
     "chat -m MODEL [--system S] [--messages CONV.json] [--template NAME | --template-file F] [-n N]\n"
     "           [--db STORE | --save] [sampler, --ctx, --threads and --backend options as for generate]\n"
     "  confidant-cli chat --endpoint URL --model NAME [--api-key KEY] [--temp T] [-n N] [--messages CONV.json]\n"
     "           [--system S] [--timeout SECONDS] [--db STORE | --save]   (key also from CONFIDANT_REMOTE_API_KEY)"},
    {"serve", runServe,
     "serve -m MODEL [--host 127.0.0.1] [--port 8080] [--api-key KEY] [--allow-origin ORIGIN] [--alias NAME]\n"
     "           [--queue 4] [--max-tokens N] [--max-body BYTES] [sampler, --ctx, --threads, --backend]"},
    {"devices", runDevices, "devices                          Vulkan devices and their limits"},
    {"bench", runBench, "bench -m MODEL [--backend vulkan|cpu] [-p 512] [-n 128] [--reps R] [--json] [--load [--cold] [--staged]]"},
    {"make-test-model", runMakeTestModel,
     "make-test-model --arch llama|qwen2|qwen3|phi3 --shape tiny|125m|1b|3b|8b\n"
     "           (--type f32|f16|q8_0|q4_0|q4_k_m|q5_k_m|q6_k | --tensor-type Q3_K|IQ4_NL|...)\n"
     "           --vocab VOCAB.gguf --seed S [--untied-output | --tied-output] [--threads N] -o OUT.gguf"},
    {"import", runImport, "import --db DB FILE                our JSON export or ChatGPT's conversations.json"},
    {"export", runExport, "export --db DB --format markdown|html|text|json [--conversation ID] -o PATH"},
    {"list", runList, "list --db DB"},
    {"show", runShow, "show --db DB ID"},
    {"search", runSearch, "search --db DB QUERY"},
    {"db", runDb, "db check --db DB [--full] | db repair --db DB   the store's health; repair keeps the damaged file"},
};

void printUsage(std::FILE* out) {
    std::fprintf(out, "confidant-cli %s: Confidant's engine and conversation store from a terminal\n\nUsage:\n",
                 CONFIDANT_VERSION);
    for (const auto& c : k_commands) std::fprintf(out, "  confidant-cli %.*s\n", int(c.usage.size()), c.usage.data());
    std::fprintf(out, "\nGenerated text goes to stdout; statistics and progress go to stderr.\n");
}

}  // namespace

int fail(const std::string& message) {
    // Messages quote file contents (metadata, paths, template text): never raw to the terminal.
    std::fprintf(stderr, "confidant-cli: error: %s\n", terminalSafe(message, LineBreaks::Keep).c_str());
    return 1;
}

int runCli(int argc, char** argv) {
    if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
        std::strcmp(argv[1], "help") == 0) {
        printUsage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (std::strcmp(argv[1], "--version") == 0) {
        std::printf("confidant-cli %s\n", CONFIDANT_VERSION);
        return 0;
    }
    for (const auto& c : k_commands) {
        if (c.name == argv[1]) {
            Arguments args(std::vector<std::string>(argv + 2, argv + argc));
            // Commands report expected failures themselves; this turns what escapes (a thread
            // or an allocation the system refuses) into a message instead of an abort.
            try {
                return c.run(args);
            } catch (const std::bad_alloc&) {
                return fail("out of memory; try a smaller --ctx, fewer --threads or a smaller model");
            } catch (const std::system_error& e) {
                return fail(std::string("the system refused a resource (") + e.what() + "); try fewer --threads");
            } catch (const std::exception& e) {
                return fail(std::string("internal error: ") + e.what());
            }
        }
    }
    return fail(std::string("unknown command '") + argv[1] + "' (see confidant-cli --help)");
}

}  // namespace confidant::cli
