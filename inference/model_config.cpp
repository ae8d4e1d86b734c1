// Architecture hyperparameters from GGUF metadata.
#include "model_config.h"

#include <algorithm>
#include <cmath>

#include "checked_math.h"

namespace confidant::inference {
namespace {

// Every dimension, and every product of dimensions that sizes one activation row (heads times
// head size), is at most this: sizes computed from them in 32 bits cannot wrap.
constexpr uint64_t k_maxDimension = uint64_t(1) << 24;

Result<uint32_t> readDimension(const GgufFile& file, const std::string& key) {
    auto v = file.getUInt(key);
    if (!v) return v.error();
    if (*v == 0 || *v > k_maxDimension)
        return makeError("metadata key '" + key + "' = " + std::to_string(*v) + " is out of range (1 to " +
                         std::to_string(k_maxDimension) + ")");
    return uint32_t(*v);
}

// A float hyperparameter that must be finite and within [low, high].
Result<void> checkFinite(const std::string& key, double value, double low, double high) {
    if (std::isfinite(value) && value >= low && value <= high) return {};
    return makeError("metadata key '" + key + "' = " + std::to_string(value) + " is out of range (" + std::to_string(low) +
                     " to " + std::to_string(high) + "); the model file is damaged or not a usable model");
}

}  // namespace

Result<ModelConfig> ModelConfig::fromGguf(const GgufFile& file) {
    ModelConfig c;
    auto arch = file.getString("general.architecture");
    if (!arch) return arch.error();
    c.architecture = *arch;
    if (auto name = file.getString("general.name")) c.name = *name;
    if (c.architecture == "llama") {
        c.family = Architecture::Llama;
    } else if (c.architecture == "qwen2") {
        c.family = Architecture::Qwen2;
        c.ropeStyle = RopeStyle::NeoX;
    } else if (c.architecture == "phi3") {
        c.family = Architecture::Phi3;
        c.ropeStyle = RopeStyle::NeoX;
    } else if (c.architecture == "qwen3") {
        c.family = Architecture::Qwen3;
        c.ropeStyle = RopeStyle::NeoX;
    } else if (c.architecture == "gemma2") {
        c.family = Architecture::Gemma2;
        c.ropeStyle = RopeStyle::NeoX;
    } else {
        return makeError("unsupported model architecture '" + c.architecture +
                         "'; Confidant runs llama (Llama 2/3/3.1/3.2, TinyLlama, Mistral), qwen2, qwen3, phi3 and gemma2 models");
    }

    const std::string p = c.architecture + ".";
    struct Field { const char* key; uint32_t* target; };
    for (const auto& [key, target] : {Field{"embedding_length", &c.embeddingLength}, Field{"block_count", &c.blockCount},
                                      Field{"feed_forward_length", &c.feedForwardLength},
                                      Field{"attention.head_count", &c.headCount}, Field{"context_length", &c.contextLength}}) {
        auto v = readDimension(file, p + key);
        if (!v) return v.error();
        *target = *v;
    }
    c.headCountKv = c.headCount;
    if (file.has(p + "attention.head_count_kv")) {
        auto v = readDimension(file, p + "attention.head_count_kv");
        if (!v) return v.error();
        c.headCountKv = *v;
    }
    if (c.headCount % c.headCountKv != 0)
        return makeError("attention.head_count (" + std::to_string(c.headCount) + ") is not a multiple of head_count_kv (" +
                         std::to_string(c.headCountKv) + ")");
    if (c.embeddingLength % c.headCount != 0 && !file.has(p + "attention.key_length"))
        return makeError("embedding_length (" + std::to_string(c.embeddingLength) + ") is not a multiple of head_count (" +
                         std::to_string(c.headCount) + ")");
    c.headDim = c.embeddingLength / c.headCount;
    if (file.has(p + "attention.key_length")) {
        auto v = readDimension(file, p + "attention.key_length");
        if (!v) return v.error();
        c.headDim = *v;
    }
    if (c.headDim % 2 != 0) return makeError("the attention head size " + std::to_string(c.headDim) + " is odd; RoPE needs pairs");
    for (const auto& [what, heads] : {std::pair{"attention.head_count", c.headCount}, std::pair{"attention.head_count_kv", c.headCountKv}})
        if (!checkedProductAtMost({heads, c.headDim}, k_maxDimension))
            return makeError(p + what + " (" + std::to_string(heads) + ") times the head size (" + std::to_string(c.headDim) +
                             ") exceeds " + std::to_string(k_maxDimension) + "; the model file is not a usable model");

    c.ropeDimensionCount = c.headDim;
    if (file.has(p + "rope.dimension_count")) {
        auto v = readDimension(file, p + "rope.dimension_count");
        if (!v) return v.error();
        if (*v > c.headDim || *v % 2 != 0)
            return makeError("rope.dimension_count (" + std::to_string(*v) + ") does not fit the head size " + std::to_string(c.headDim));
        c.ropeDimensionCount = *v;
    }
    auto eps = file.getFloat(p + "attention.layer_norm_rms_epsilon");
    if (!eps) return eps.error();
    if (auto ok = checkFinite(p + "attention.layer_norm_rms_epsilon", *eps, 1e-12, 1.0); !ok) return ok.error();
    c.rmsEpsilon = float(*eps);
    if (file.has(p + "rope.freq_base")) {
        auto base = file.getFloat(p + "rope.freq_base");
        if (!base) return base.error();
        // A base of 1 or less makes every pair turn at least as fast as the first; 0 divides by 0.
        if (auto ok = checkFinite(p + "rope.freq_base", *base, 1.0 + 1e-6, 1e12); !ok) return ok.error();
        c.ropeFreqBase = float(*base);
    }

    if (file.has(p + "rope.scaling.type")) {
        auto type = file.getString(p + "rope.scaling.type");
        if (!type) return type.error();
        c.ropeScalingType = *type;
        if (c.ropeScalingType != "none" && c.ropeScalingType != "linear" && c.ropeScalingType != "llama3")
            return makeError("unsupported RoPE scaling '" + c.ropeScalingType + "' (" + p +
                             "rope.scaling.type); Confidant supports none, linear and llama3");
    }
    struct OptionalFloat { const char* key; float* target; };
    for (const auto& [key, target] : {OptionalFloat{"rope.scaling.factor", &c.ropeScalingFactor},
                                      OptionalFloat{"rope.scaling.low_freq_factor", &c.ropeLowFreqFactor},
                                      OptionalFloat{"rope.scaling.high_freq_factor", &c.ropeHighFreqFactor}}) {
        if (!file.has(p + key)) continue;
        auto v = file.getFloat(p + key);
        if (!v) return v.error();
        if (!(*v > 0) || !std::isfinite(*v)) return makeError("metadata key '" + p + key + "' must be positive and finite");
        *target = float(*v);
    }
    if (c.ropeScalingType == "llama3" && !(c.ropeHighFreqFactor > c.ropeLowFreqFactor))
        return makeError(p + "rope.scaling.high_freq_factor must be greater than low_freq_factor for llama3 RoPE scaling");
    if (file.has(p + "rope.scaling.original_context_length")) {
        auto v = readDimension(file, p + "rope.scaling.original_context_length");
        if (!v) return v.error();
        c.ropeOriginalContext = *v;
    }

    if (c.family == Architecture::Gemma2) {
        struct CapKey { const char* key; float* target; float fallback; };
        for (const auto& [key, target, fallback] : {CapKey{"attn_logit_softcapping", &c.attentionSoftCap, 50.0f},
                                                    CapKey{"final_logit_softcapping", &c.finalSoftCap, 30.0f}}) {
            *target = fallback;
            if (!file.has(p + key)) continue;
            auto v = file.getFloat(p + key);
            if (!v) return v.error();
            if (auto ok = checkFinite(p + key, *v, 0.0, 1e6); !ok) return ok.error();
            *target = float(*v);
        }
        c.slidingWindow = 4096;
        if (file.has(p + "attention.sliding_window")) {
            auto v = readDimension(file, p + "attention.sliding_window");
            if (!v) return v.error();
            c.slidingWindow = *v;
        }
        // Gemma 2 scales queries by 1/sqrt(query_pre_attn_scalar), which GGUF does not store: it
        // is the head size for 2B and 9B, and d_model / heads for 27B (the 46-layer model).
        const float preAttentionScalar = c.blockCount == 46 ? float(c.embeddingLength) / float(c.headCount) : float(c.headDim);
        c.queryScale = 1.0f / std::sqrt(preAttentionScalar);
    }

    auto tokens = file.find("tokenizer.ggml.tokens");
    if (file.has(p + "vocab_size")) {
        auto v = readDimension(file, p + "vocab_size");
        if (!v) return v.error();
        c.vocabSize = *v;
    } else if (tokens && tokens->type == GgufType::Array) {
        c.vocabSize = uint32_t(std::min<uint64_t>(tokens->arraySize(), UINT32_MAX));
    } else {
        return makeError("the model has neither " + p + "vocab_size nor a tokenizer.ggml.tokens array");
    }
    return c;
}

}  // namespace confidant::inference
