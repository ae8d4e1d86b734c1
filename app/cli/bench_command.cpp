// `confidant-cli bench`: prompt-processing (pp) and generation (tg) speed of a model on one or more
// backends, with the spread over repetitions, time to first token, the effective bandwidth of
// generation (weight bytes read per token x tokens/s), the device and the memory it uses, and how
// long loading takes; with --load, the weights upload alone beside a plain read of the same file.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "cli/commands.h"
#include "cli/model_options.h"

#if defined(CONFIDANT_HAS_VULKAN)
#include "vulkan/memory_plan.h"
#include "vulkan/weight_store.h"
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
    double loadSeconds = 0;     // creating the backend: device, pipelines, weights
    uint64_t residentBytes = 0; // the process's resident set after the run (VmRSS)
};

// --load: the weights upload measured on its own, beside a plain sequential read of the file.
struct LoadResult {
    bool cold = false;          // the file was evicted from the page cache before each measurement
    uint64_t fileBytes = 0;
    double readSeconds = 0;
    uint64_t weightBytes = 0;   // bytes of the tensors uploaded, as stored in the file
    double uploadSeconds = 0;
    double uploadCpuSeconds = 0;  // process CPU time (all threads, lavapipe's included)
    uint64_t stagingBytes = 0;  // per slot
    uint32_t stagingSlots = 0;
    bool inPlace = false;       // the matrices were repacked straight into mapped device memory
};

double megabytesPerSecond(uint64_t bytes, double seconds) { return seconds > 0 ? double(bytes) / 1e6 / seconds : 0; }

#if defined(CONFIDANT_HAS_VULKAN)
// Drops the file's pages from the page cache (those not mapped by a process), so that the next read
// comes from the disk.
Result<void> evict(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return makeError("cannot open '" + path + "'");
    const int advised = ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
    if (advised != 0) return makeError("cannot evict '" + path + "' from the page cache");
    return {};
}

// Reads the whole file sequentially into a buffer: the pace of the disk (or of the page cache).
Result<double> readSeconds(const std::string& path, uint64_t& bytes) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return makeError("cannot open '" + path + "'");
    std::vector<char> buffer(size_t(8) << 20);
    bytes = 0;
    const auto start = Clock::now();
    for (ssize_t n; (n = ::read(fd, buffer.data(), buffer.size())) != 0;) {
        if (n < 0) {
            ::close(fd);
            return makeError("cannot read '" + path + "'");
        }
        bytes += uint64_t(n);
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    ::close(fd);
    return seconds;
}

// Uploads every weight of the model as the Vulkan backend does at load, timing only the upload.
Result<LoadResult> measureLoad(const Model& model, int deviceIndex, bool cold, uint64_t slotBytes, uint32_t slots,
                               vulkan::MatrixUpload upload) {
    LoadResult result;
    result.cold = cold;
    const std::string& path = model.file().path();
    if (cold)
        if (auto evicted = evict(path); !evicted) return evicted.error();
    auto read = readSeconds(path, result.fileBytes);
    if (!read) return read.error();
    result.readSeconds = *read;

    auto device = vulkan::Device::create(deviceIndex);
    if (!device) return device.error();
    auto transfer = vulkan::Transfer::create(**device, slotBytes, slots);
    if (!transfer) return transfer.error();
    result.stagingBytes = transfer->slotBytes();
    result.stagingSlots = slots;
    const Graph graph = model.buildGraph(1);
    std::set<const GgufTensorInfo*> tensors;
    for (const Op& op : graph.ops) tensors.insert({op.weight, op.bias});
    tensors.erase(nullptr);
    for (const GgufTensorInfo* t : tensors) result.weightBytes += t->byteSize;
    if (cold)
        if (auto evicted = evict(path); !evicted) return evicted.error();
    vulkan::WeightStore weights(**device, 0, upload);
    const auto start = Clock::now();
    const std::clock_t cpuStart = std::clock();
    if (auto added = weights.addWeights(graph, *transfer); !added) return added.error();
    result.uploadSeconds = std::chrono::duration<double>(Clock::now() - start).count();
    result.uploadCpuSeconds = double(std::clock() - cpuStart) / CLOCKS_PER_SEC;
    result.inPlace = weights.inPlaceBytes() > 0;
    return result;
}
#endif

// The process's resident set (VmRSS of /proc/self/status), 0 when unreadable.
uint64_t residentSetBytes() {
    std::FILE* f = std::fopen("/proc/self/status", "r");
    if (!f) return 0;
    char line[256];
    unsigned long long kib = 0;
    while (std::fgets(line, sizeof line, f))
        if (std::sscanf(line, "VmRSS: %llu kB", &kib) == 1) break;
    std::fclose(f);
    return uint64_t(kib) * 1024;
}

// The machine's read bandwidth: `threads` threads each summing their share of a 512 MiB buffer
// (far larger than any cache), best of three passes. What generation, which streams the weights
// once per token, can at most reach.
double readBandwidth(unsigned threads) {
    constexpr size_t k_bytes = size_t(512) << 20;
    std::vector<uint64_t> buffer(k_bytes / sizeof(uint64_t), 1);
    threads = std::max(1u, threads);
    double best = 0;
    for (int pass = 0; pass < 3; ++pass) {
        std::vector<std::thread> workers;
        std::vector<uint64_t> sums(threads);
        const auto start = Clock::now();
        for (unsigned t = 0; t < threads; ++t)
            workers.emplace_back([&, t] {
                const size_t n = buffer.size() / threads, begin = t * n;
                uint64_t a = 0, b = 0, c = 0, d = 0;
                for (size_t i = begin; i + 4 <= begin + n; i += 4) a += buffer[i], b += buffer[i + 1], c += buffer[i + 2], d += buffer[i + 3];
                sums[t] = a + b + c + d;
            });
        for (auto& w : workers) w.join();
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        uint64_t total = 0;
        for (uint64_t v : sums) total += v;
        if (total != buffer.size() / threads * threads) return 0;  // keeps the reads from being elided
        best = std::max(best, double(k_bytes) / seconds);
    }
    return best;
}

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
            // As the app does for greedy sampling: the device picks the token, 4 bytes come back.
            if (auto first = session->feedGreedy(prompt); !first) return first.error();
            const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
            pp.push_back(promptTokens / seconds);
            result.ppCpuPerToken += double(std::clock() - cpuStart) / CLOCKS_PER_SEC / promptTokens / reps;
            ttft.push_back(seconds * 1000.0);
        }
        if (generated > 0) {
            // Like llama-bench's tg: single-token steps from an empty context, each feeding the
            // previous step's greedy choice (picked on the device, as the app does).
            session->reset();
            TokenId next = prompt.empty() ? 0 : prompt[0];
            const auto start = Clock::now();
            const std::clock_t cpuStart = std::clock();
            for (uint32_t i = 0; i < generated; ++i) {
                auto picked = session->feedGreedy(std::span(&next, 1));
                if (!picked) return picked.error();
                next = *picked;
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
    // The fast CPU backend keeps its cache in fp16, the reference in fp32.
    const uint64_t kvElementBytes = backend.name() == "cpu" ? 2 : sizeof(float);
    result.memoryBytes = fileWeights + uint64_t(context) * c.kvDim() * c.blockCount * 2 * kvElementBytes;
    result.residentBytes = residentSetBytes();
    return result;
}

Result<std::unique_ptr<Backend>> makeBackend(const std::string& name, const std::shared_ptr<const Model>& model,
                                             unsigned threads, int device) {
    if (name == "cpu") return createCpuBackend(model, threads);
    if (name == "reference") return createReferenceBackend(model, threads);
#if defined(CONFIDANT_HAS_VULKAN)
    if (name == "vulkan") return createVulkanBackend(model, VulkanOptions{device});
#endif
    (void)device;
    return makeError("unknown backend '" + name + "' (choose cpu, reference or vulkan, or a list such as vulkan,cpu)");
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
    const bool measureLoadAlone = args.flag({"--load"});
    const bool cold = args.flag({"--cold"});
    const bool staged = args.flag({"--staged"});
    auto stagingMiB = args.integer({"--staging-mib"}, 1, 4096);
    if (!stagingMiB) return fail(stagingMiB.error().message);
    auto stagingSlots = args.integer({"--staging-slots"}, 1, 64);
    if (!stagingSlots) return fail(stagingSlots.error().message);
    auto model = loadModelOption(args);
    if (!model) return fail(model.error().message);
    auto positionals = args.positionals();
    if (!positionals) return fail(positionals.error().message);
    if (!positionals->empty()) return fail("unexpected argument '" + positionals->front() + "'");

    const uint32_t p = uint32_t(promptTokens->value_or(512)), n = uint32_t(generated->value_or(128));
    const uint32_t r = uint32_t(reps->value_or(3));
    const int deviceIndex = device->has_value() ? int(**device) : -1;
    std::optional<LoadResult> load;
    if (measureLoadAlone) {
#if defined(CONFIDANT_HAS_VULKAN)
        const uint64_t slotBytes =
            stagingMiB->has_value() ? uint64_t(**stagingMiB) << 20 : vulkan::Transfer::k_defaultSlotBytes;
        auto measured = measureLoad(**model, deviceIndex, cold, slotBytes,
                                    uint32_t(stagingSlots->value_or(vulkan::Transfer::k_defaultSlots)),
                                    staged ? vulkan::MatrixUpload::Staged : vulkan::MatrixUpload::Automatic);
        if (!measured) return fail("measuring the load: " + measured.error().message);
        load = *measured;
#else
        (void)cold, (void)staged;
        return fail("--load measures the Vulkan weights upload, and this build has no Vulkan backend");
#endif
    }
    std::vector<BenchResult> results;
    std::stringstream names(backends->value_or("vulkan"));
    for (std::string name; std::getline(names, name, ',');) {
        const auto start = Clock::now();
        auto backend = makeBackend(name, *model, unsigned(threads->value_or(0)), deviceIndex);
        if (!backend) return fail(backend.error().message);
        const double loadSeconds = std::chrono::duration<double>(Clock::now() - start).count();
        auto result = benchOne(*model, **backend, p, n, r);
        if (!result) return fail(name + ": " + result.error().message);
        result->loadSeconds = loadSeconds;
        results.push_back(std::move(*result));
    }

    // Measured after the backends ran, in the same minutes, with the threads they used.
    const double machineBandwidth = readBandwidth(threads->has_value() ? unsigned(**threads)
                                                                         : std::max(1u, std::thread::hardware_concurrency()));
    const std::string modelName = (*model)->file().path();
    if (json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& b : results)
            out.push_back({{"model", modelName}, {"backend", b.backend}, {"device", b.device}, {"n_prompt", p},
                           {"n_gen", n}, {"reps", r}, {"pp_tokens_per_second", b.pp.mean},
                           {"pp_stddev", b.pp.stddev}, {"tg_tokens_per_second", b.tg.mean}, {"tg_stddev", b.tg.stddev},
                           {"time_to_first_token_ms", b.ttft.mean}, {"generation_bandwidth_gb_per_second", b.bandwidth / 1e9},
                           {"memory_bytes", b.memoryBytes}, {"pp_cpu_seconds_per_token", b.ppCpuPerToken},
                           {"tg_cpu_seconds_per_token", b.tgCpuPerToken}, {"load_seconds", b.loadSeconds},
                           {"resident_bytes", b.residentBytes}, {"read_bandwidth_gb_per_second", machineBandwidth / 1e9},
                           {"tg_efficiency", machineBandwidth > 0 ? b.bandwidth / machineBandwidth : 0.0}});
        if (load)  // per model, not per backend: repeated in each entry so that entries stay alike
            for (auto& entry : out)
                entry["weights_upload"] = {{"cold", load->cold}, {"file_bytes", load->fileBytes},
                                           {"file_read_seconds", load->readSeconds},
                                           {"file_read_mb_per_second", megabytesPerSecond(load->fileBytes, load->readSeconds)},
                                           {"weight_bytes", load->weightBytes}, {"upload_seconds", load->uploadSeconds},
                                           {"upload_cpu_seconds", load->uploadCpuSeconds},
                                           {"upload_mb_per_second", megabytesPerSecond(load->weightBytes, load->uploadSeconds)},
                                           {"in_place", load->inPlace}, {"staging_slot_bytes", load->stagingBytes},
                                           {"staging_slots", load->stagingSlots}};
        std::printf("%s\n", out.dump(2).c_str());
        return 0;
    }
    std::printf("model: %s, %u reps\n", modelName.c_str(), r);
    std::printf("machine read bandwidth: %.2f GB/s\n", machineBandwidth / 1e9);
    std::printf("| backend | device | pp%u tok/s | tg%u tok/s | time to first token ms | tg bandwidth GB/s | tg efficiency "
                "| memory MiB | resident MiB | CPU s/token pp, tg | load s |\n", p, n);
    std::printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (const auto& b : results)
        std::printf("| %s | %s | %.2f ± %.2f | %.2f ± %.2f | %.1f ± %.1f | %.2f | %.0f%% | %llu | %llu | %.4f, %.4f | %.2f |\n",
                    b.backend.c_str(), b.device.c_str(), b.pp.mean, b.pp.stddev, b.tg.mean, b.tg.stddev, b.ttft.mean,
                    b.ttft.stddev, b.bandwidth / 1e9, machineBandwidth > 0 ? 100.0 * b.bandwidth / machineBandwidth : 0.0,
                    (unsigned long long)(b.memoryBytes >> 20), (unsigned long long)(b.residentBytes >> 20),
                    b.ppCpuPerToken, b.tgCpuPerToken, b.loadSeconds);
    if (load) {
        std::printf("\n| model load (%s page cache) | MB | s | MB/s | CPU s |\n|---|---|---|---|---|\n",
                    load->cold ? "cold" : "warm");
        std::printf("| plain sequential read of the file | %.1f | %.3f | %.1f | |\n", double(load->fileBytes) / 1e6,
                    load->readSeconds, megabytesPerSecond(load->fileBytes, load->readSeconds));
        const std::string method =
            load->inPlace ? "matrices repacked in place in unified memory"
                          : std::to_string(load->stagingSlots) + " staging slots of " + std::to_string(load->stagingBytes >> 20) + " MiB";
        std::printf("| Vulkan weights upload (%s) | %.1f | %.3f | %.1f | %.3f |\n", method.c_str(),
                    double(load->weightBytes) / 1e6, load->uploadSeconds,
                    megabytesPerSecond(load->weightBytes, load->uploadSeconds), load->uploadCpuSeconds);
    }
    return 0;
}

}  // namespace confidant::cli
