// Parsing the model, backend and sampler options of confidant-cli.
#include "cli/model_options.h"

#include <algorithm>
#include <random>

namespace confidant::cli {

using namespace confidant::inference;

Result<std::shared_ptr<const Model>> loadModelOption(Arguments& args) {
    auto path = args.value({"-m", "--model"});
    if (!path) return path.error();
    if (!*path) return makeError("no model given: use -m MODEL.gguf");
    return Model::load(**path);
}

Result<LoadedModel> loadModelAndBackend(Arguments& args) {
    auto backendName = args.value({"--backend"});
    if (!backendName) return backendName.error();
    auto threads = args.integer({"--threads", "-t"}, 1, 1024);
    if (!threads) return threads.error();
    auto device = args.integer({"--device"}, 0, 1 << 16);
    if (!device) return device.error();
    const std::string name = backendName->value_or("cpu");
    if (name != "cpu" && name != "reference" && name != "vulkan")
        return makeError("unknown backend '" + name + "' (choose cpu, reference or vulkan)");
    auto model = loadModelOption(args);
    if (!model) return model.error();
    LoadedModel loaded{*model, nullptr};
    if (name == "vulkan") {
#if defined(CONFIDANT_HAS_VULKAN)
        auto backend = createVulkanBackend(loaded.model, VulkanOptions{device->has_value() ? int(**device) : -1});
        if (!backend) return backend.error();
        loaded.backend = std::move(*backend);
        return loaded;
#else
        return makeError("this build of Confidant has no Vulkan backend; use --backend cpu");
#endif
    }
    if (*device) return makeError("--device applies to --backend vulkan only");
    loaded.backend = name == "reference" ? createReferenceBackend(loaded.model, unsigned(threads->value_or(0)))
                                         : createCpuBackend(loaded.model, unsigned(threads->value_or(0)));
    return loaded;
}

Result<SamplerSettings> samplerOptions(Arguments& args) {
    SamplerSettings s;
    auto temp = args.number({"--temp", "--temperature"}, 0, 100);
    if (!temp) return temp.error();
    if (*temp) s.temperature = float(**temp);
    auto seed = args.integer({"--seed", "-s"}, 0, std::numeric_limits<long long>::max());
    if (!seed) return seed.error();
    s.seed = *seed ? uint64_t(**seed) : std::random_device{}();
    auto topK = args.integer({"--top-k"}, 0, 1 << 30);
    if (!topK) return topK.error();
    if (*topK) s.topK = int32_t(**topK);
    auto topP = args.number({"--top-p"}, 0, 1);
    if (!topP) return topP.error();
    if (*topP) s.topP = float(**topP);
    auto minP = args.number({"--min-p"}, 0, 1);
    if (!minP) return minP.error();
    if (*minP) s.minP = float(**minP);
    auto penalty = args.number({"--repeat-penalty"}, 0, 100);
    if (!penalty) return penalty.error();
    if (*penalty) {
        if (**penalty <= 0) return makeError("--repeat-penalty must be positive");
        s.repeatPenalty = float(**penalty);
    }
    auto lastN = args.integer({"--repeat-last-n"}, -1, 1 << 30);
    if (!lastN) return lastN.error();
    if (*lastN) s.repeatLastN = int32_t(**lastN);
    if (auto valid = validateSamplerSettings(s); !valid) return valid.error();
    return s;
}

Result<uint32_t> contextOption(Arguments& args, const Model& model) {
    auto ctx = args.integer({"--ctx", "-c"}, 1, 1 << 24);
    if (!ctx) return ctx.error();
    if (*ctx) return uint32_t(**ctx);
    return std::min<uint32_t>(model.config().contextLength, 4096);
}

}  // namespace confidant::cli
