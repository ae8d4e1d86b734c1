// confidant-cli's dispatch: the subcommand table and the usage text.
#include <cstdio>
#include <cstring>
#include <string_view>

#include "cli/commands.h"
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
     "generate -m MODEL [-p PROMPT | --prompt-file F] [-n N] [--temp T] [--seed S] [--top-k K]\n"
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
     "           [sampler, --ctx, --threads and --backend options as for generate]"},
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
};

void printUsage(std::FILE* out) {
    std::fprintf(out, "confidant-cli %s: Confidant's engine and conversation store from a terminal\n\nUsage:\n",
                 CONFIDANT_VERSION);
    for (const auto& c : k_commands) std::fprintf(out, "  confidant-cli %.*s\n", int(c.usage.size()), c.usage.data());
    std::fprintf(out, "\nGenerated text goes to stdout; statistics and progress go to stderr.\n");
}

}  // namespace

int fail(const std::string& message) {
    std::fprintf(stderr, "confidant-cli: error: %s\n", message.c_str());
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
            return c.run(args);
        }
    }
    return fail(std::string("unknown command '") + argv[1] + "' (see confidant-cli --help)");
}

}  // namespace confidant::cli
