// `confidant-cli bench`: prompt-processing (pp) and generation (tg) speed of a model on one or more
// backends, with the spread over repetitions, time to first token, the effective bandwidth of
// generation (weight bytes read per token x tokens/s), the device and the memory it uses.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "cli/commands.h"
#include "cli/model_options.h"

#if defined(CONFIDANT_HAS_VULKAN)
#include "vulkan/memory_plan.h"
#endif

namespace confidant::cli {
namespace {

using namespace confidant::inference;
using Clock = std::chrono::steady_clock;

struct Spread {
    double mean = 0, stddev = 0;
};

Spread spreadOf(const std::vector<double>& values) {
    Spread s;
    for (double v : values) s.mean += v;
    s.mean /= double(values.size());
    for (double v : values) s.stddev += (v - s.mean) * (v - s.mean);
    s.stddev = values.size() > 1 ? std::sqrt(s.stddev / double(values.size() - 1)) : 0.0;
    return s;
}

struct BenchResult {
    std::string backend, device;
    Spread pp, tg, ttft;
    // Process CPU seconds (all threads) per token. On a shared machine wall-clock speed depends on
    // the other load; this says what the work itself costs (lavapipe computes on the CPU).
    double ppCpuPerToken = 0, tgCpuPerToken = 0;
    double bandwidth = 0;       // bytes/s during generation
    uint64_t memoryBytes = 0;   // what the backend holds for this model and context
};

// Bytes of weights one generated token reads: every matrix once, plus one embedding row.
uint64_t weightBytesPerToken(const Model& model) {
    uint64_t bytes = 0;
    for (const Op& op : model.buildGraph(1).ops) {
        if (op.kind == OpKind::MatMul || op.kind == OpKind::RmsNorm) bytes += op.weight->byteSize;
        if (op.kind == OpKind::Embed) bytes += op.weight->byteSize / op.weight->rows();
    }
    return bytes;
}

Result<BenchResult> benchOne(const std::shared_ptr<const Model>& model, Backend& backend, uint32_t promptTokens,
                             uint32_t generated, uint32_t reps) {
    const uint32_t context = promptTokens + generated + 1;
    auto session = Session::create(model, backend, context);
    if (!session) return session.error();
    std::mt19937 random(1234);
    std::uniform_int_distribution<TokenId> pick(0, TokenId(model->config().vocabSize - 1));
    std::vector<TokenId> prompt(promptTokens);
    for (TokenId& t : prompt) t = pick(random);

    BenchResult result;
    result.backend = backend.name();
    result.device = backend.deviceName();
    std::vector<double> pp, tg, ttft;
    for (uint32_t rep = 0; rep < reps; ++rep) {
        if (promptTokens > 0) {
            session->reset();
            const auto start = Clock::now();
            const std::clock_t cpuStart = std::clock();
            if (auto fed = session->feed(prompt); !fed) return fed.error();
            const auto logits = session->logits();
            [[maybe_unused]] const auto first = std::max_element(logits.begin(), logits.end());
            const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
            pp.push_back(promptTokens / seconds);
            result.ppCpuPerToken += double(std::clock() - cpuStart) / CLOCKS_PER_SEC / promptTokens / reps;
            ttft.push_back(seconds * 1000.0);
        }
        if (generated > 0) {
            // Like llama-bench's tg: single-token steps from an empty context, each feeding the
            // previous step's greedy choice.
            session->reset();
            TokenId next = prompt.empty() ? 0 : prompt[0];
            const auto start = Clock::now();
            const std::clock_t cpuStart = std::clock();
            for (uint32_t i = 0; i < generated; ++i) {
                if (auto fed = session->feed(std::span(&next, 1)); !fed) return fed.error();
                const auto logits = session->logits();
                next = TokenId(std::max_element(logits.begin(), logits.end()) - logits.begin());
            }
            tg.push_back(generated / std::chrono::duration<double>(Clock::now() - start).count());
            result.tgCpuPerToken += double(std::clock() - cpuStart) / CLOCKS_PER_SEC / generated / reps;
        }
    }
    if (!pp.empty()) result.pp = spreadOf(pp), result.ttft = spreadOf(ttft);
    if (!tg.empty()) result.tg = spreadOf(tg);
    result.bandwidth = double(weightBytesPerToken(*model)) * result.tg.mean;
    const ModelConfig& c = model->config();
#if defined(CONFIDANT_HAS_VULKAN)
    if (backend.name() == "vulkan") {
        result.memoryBytes = vulkan::planMemory(*model, context, 64, ~0ull).total();
        return result;
    }
#endif
    uint64_t fileWeights = 0;
    for (const auto& t : model->file().tensors()) fileWeights += t.byteSize;
    result.memoryBytes = fileWeights + uint64_t(context) * c.kvDim() * c.blockCount * 2 * sizeof(float);
    return result;
}

Result<std::unique_ptr<Backend>> makeBackend(const std::string& name, const std::shared_ptr<const Model>& model,
                                             unsigned threads, int device) {
    if (name == "cpu") return createCpuBackend(model, threads);
#if defined(CONFIDANT_HAS_VULKAN)
    if (name == "vulkan") return createVulkanBackend(model, VulkanOptions{device});
#endif
    (void)device;
    return makeError("unknown backend '" + name + "' (choose cpu or vulkan, or a list such as vulkan,cpu)");
}

}  // namespace

int runBench(Arguments& args) {
    auto backends = args.value({"--backend"});
    if (!backends) return fail(backends.error().message);
    auto promptTokens = args.integer({"-p", "--n-prompt"}, 0, 1 << 20);
    if (!promptTokens) return fail(promptTokens.error().message);
    auto generated = args.integer({"-n", "--n-gen"}, 0, 1 << 20);
    if (!generated) return fail(generated.error().message);
    auto reps = args.integer({"--reps", "-r"}, 1, 1000);
    if (!reps) return fail(reps.error().message);
    auto threads = args.integer({"--threads", "-t"}, 1, 1024);
    if (!threads) return fail(threads.error().message);
    auto device = args.integer({"--device"}, 0, 1 << 16);
    if (!device) return fail(device.error().message);
    const bool json = args.flag({"--json"});
    auto model = loadModelOption(args);
    if (!model) return fail(model.error().message);
    auto positionals = args.positionals();
    if (!positionals) return fail(positionals.error().message);
    if (!positionals->empty()) return fail("unexpected argument '" + positionals->front() + "'");

    const uint32_t p = uint32_t(promptTokens->value_or(512)), n = uint32_t(generated->value_or(128));
    const uint32_t r = uint32_t(reps->value_or(3));
    std::vector<BenchResult> results;
    std::stringstream names(backends->value_or("vulkan"));
    for (std::string name; std::getline(names, name, ',');) {
        auto backend = makeBackend(name, *model, unsigned(threads->value_or(0)), device->has_value() ? int(**device) : -1);
        if (!backend) return fail(backend.error().message);
        auto result = benchOne(*model, **backend, p, n, r);
        if (!result) return fail(name + ": " + result.error().message);
        results.push_back(std::move(*result));
    }

    const std::string modelName = (*model)->file().path();
    if (json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& b : results)
            out.push_back({{"model", modelName}, {"backend", b.backend}, {"device", b.device}, {"n_prompt", p},
                           {"n_gen", n}, {"reps", r}, {"pp_tokens_per_second", b.pp.mean},
                           {"pp_stddev", b.pp.stddev}, {"tg_tokens_per_second", b.tg.mean}, {"tg_stddev", b.tg.stddev},
                           {"time_to_first_token_ms", b.ttft.mean}, {"generation_bandwidth_gb_per_second", b.bandwidth / 1e9},
                           {"memory_bytes", b.memoryBytes}, {"pp_cpu_seconds_per_token", b.ppCpuPerToken},
                           {"tg_cpu_seconds_per_token", b.tgCpuPerToken}});
        std::printf("%s\n", out.dump(2).c_str());
        return 0;
    }
    std::printf("model: %s, %u reps\n", modelName.c_str(), r);
    std::printf("| backend | device | pp%u tok/s | tg%u tok/s | time to first token ms | tg bandwidth GB/s | memory MiB "
                "| CPU s/token pp, tg |\n", p, n);
    std::printf("|---|---|---|---|---|---|---|---|\n");
    for (const auto& b : results)
        std::printf("| %s | %s | %.2f ± %.2f | %.2f ± %.2f | %.1f ± %.1f | %.2f | %llu | %.4f, %.4f |\n", b.backend.c_str(),
                    b.device.c_str(), b.pp.mean, b.pp.stddev, b.tg.mean, b.tg.stddev, b.ttft.mean, b.ttft.stddev,
                    b.bandwidth / 1e9, (unsigned long long)(b.memoryBytes >> 20), b.ppCpuPerToken, b.tgCpuPerToken);
    return 0;
}

}  // namespace confidant::cli
