// make-test-model: writes a GGUF with deterministic random weights in a real architecture's layout
// and a real vocabulary, for tests and benchmarks (see inference/test_model/test_model.h).
#include <chrono>
#include <cstdio>

#include "cli/commands.h"
#include "test_model/test_model.h"

namespace confidant::cli {

using namespace confidant::inference;

int runMakeTestModel(Arguments& args) {
    auto archText = args.value({"--arch"});
    if (!archText) return fail(archText.error().message);
    auto shapeText = args.value({"--shape"});
    if (!shapeText) return fail(shapeText.error().message);
    auto typeText = args.value({"--type"});
    if (!typeText) return fail(typeText.error().message);
    auto pureText = args.value({"--tensor-type"});
    if (!pureText) return fail(pureText.error().message);
    auto vocab = args.value({"--vocab"});
    if (!vocab) return fail(vocab.error().message);
    auto output = args.value({"-o", "--output"});
    if (!output) return fail(output.error().message);
    auto seed = args.integer({"--seed"}, 0, (1ll << 62));
    if (!seed) return fail(seed.error().message);
    auto threads = args.integer({"--threads"}, 0, 1024);
    if (!threads) return fail(threads.error().message);
    const bool untied = args.flag({"--untied-output"});
    const bool tied = args.flag({"--tied-output"});
    auto positionals = args.positionals();
    if (!positionals) return fail(positionals.error().message);
    if (!positionals->empty()) return fail("unexpected argument '" + positionals->front() + "'");

    TestModelOptions options;
    const auto arch = parseTestArch(archText->value_or("llama"));
    if (!arch) return fail("--arch must be llama, qwen2, qwen3 or phi3, not '" + **archText + "'");
    if (!*shapeText) return fail("make-test-model needs --shape tiny|125m|1b|3b|8b");
    const auto shape = parseTestShape(**shapeText);
    if (!shape) return fail("--shape must be tiny, 125m, 1b, 3b or 8b, not '" + **shapeText + "'");
    if (*pureText) {
        options.pureType = parsePureTestType(**pureText);
        if (!options.pureType)
            return fail("--tensor-type must be one of f32, f16, bf16, q4_0, q4_1, q5_0, q5_1, q8_0, q2_k, q3_k, q4_k, "
                        "q5_k, q6_k, iq4_nl, not '" + **pureText + "'");
        if (*typeText) return fail("give either --type (a file type's mix) or --tensor-type (one type), not both");
    } else if (!*typeText) {
        return fail("make-test-model needs --type f32|f16|q8_0|q4_0|q4_k_m|q5_k_m|q6_k (or --tensor-type TYPE)");
    }
    const auto fileType = parseTestFileType(typeText->value_or("f32"));
    if (!fileType) return fail("--type must be f32, f16, q8_0, q4_0, q4_k_m, q5_k_m or q6_k, not '" + **typeText + "'");
    if (!*vocab) return fail("make-test-model needs --vocab VOCAB.gguf (a GGUF whose tokenizer is copied)");
    if (!*output) return fail("make-test-model needs -o OUT.gguf");
    if (!*seed) return fail("make-test-model needs --seed S (the same seed gives the same file)");
    if (tied && untied) return fail("give either --tied-output or --untied-output, not both");

    options.arch = *arch;
    options.shape = *shape;
    options.fileType = *fileType;
    options.vocabPath = **vocab;
    options.seed = uint64_t(**seed);
    if (tied || untied) options.tiedOutput = tied;
    options.threads = unsigned(threads->value_or(0));
    int lastPercent = -1;
    options.progress = [&](uint64_t written, uint64_t total) {
        const int percent = total ? int(100 * written / total) : 100;
        if (percent != lastPercent) {
            std::fprintf(stderr, "\rmake-test-model: %3d%%", percent);
            std::fflush(stderr);
            lastPercent = percent;
        }
    };

    const auto start = std::chrono::steady_clock::now();
    auto summary = writeTestModel(options, **output);
    std::fprintf(stderr, "\n");
    if (!summary) return fail(summary.error().message);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::string typeLabel = options.pureType ? "pure " + std::string(tensorTypeName(*options.pureType))
                                                   : std::string(testFileTypeName(*fileType));
    std::fprintf(stderr, "wrote %s: %s %s %s, %zu tensors, %llu parameters, %llu bytes in %.1f s\n", output->value().c_str(),
                 std::string(testArchName(*arch)).c_str(), std::string(testShapeName(*shape)).c_str(), typeLabel.c_str(),
                 summary->tensors, (unsigned long long)summary->parameters, (unsigned long long)summary->fileBytes,
                 seconds);
    return 0;
}

}  // namespace confidant::cli
