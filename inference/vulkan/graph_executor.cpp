// Planning a graph into dispatches, recording them once, and replaying them per step.
#include "vulkan/graph_executor.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace confidant::inference::vulkan {
namespace {

// Every kernel's writes become visible to every later kernel and copy (and copies to kernels).
void fullBarrier(VkCommandBuffer cb) {
    VkMemoryBarrier barrier{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    barrier.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
    barrier.dstAccessMask =
        VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
    const VkPipelineStageFlags stages = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;
    vkCmdPipelineBarrier(cb, stages, stages, 0, 1, &barrier, 0, nullptr, 0, nullptr);
}

}  // namespace

Result<KvCache> KvCache::create(const Device& device, uint32_t layers, uint32_t contextLength, uint32_t kvDim) {
    KvCache cache;
    cache.contextLength = contextLength;
    cache.kvDim = kvDim;
    const uint64_t bytes = bytesPerLayer(contextLength, kvDim);
    if (bytes > device.maxStorageBufferRange())
        return makeError("a " + std::to_string(contextLength) + "-token context needs " + std::to_string(bytes >> 20) +
                         " MiB of KV cache per layer, more than the device can address in one buffer (" +
                         std::to_string(device.maxStorageBufferRange() >> 20) + " MiB); choose a smaller --ctx");
    for (uint32_t l = 0; l < layers; ++l) {
        auto k = Buffer::create(device, bytes, MemoryKind::DeviceLocal, "the KV cache of layer " + std::to_string(l));
        if (!k) return k.error();
        auto v = Buffer::create(device, bytes, MemoryKind::DeviceLocal, "the KV cache of layer " + std::to_string(l));
        if (!v) return v.error();
        cache.keys.push_back(std::move(*k));
        cache.values.push_back(std::move(*v));
    }
    return cache;
}

Result<VkBuffer> RopeTables::table(const Device& device, Transfer& transfer, const RopeParams& p, uint32_t contextLength) {
    const auto key = std::tuple(p.dimensions, p.freqBase, p.freqFactors);
    if (auto it = m_tables.find(key); it != m_tables.end()) return it->second.get();
    const uint32_t pairs = p.dimensions / 2;
    std::vector<float> factors;
    if (p.freqFactors) {
        factors.resize(p.freqFactors->elementCount);
        traitsOf(p.freqFactors->type).dequantize(p.freqFactors->data, factors.data(), factors.size());
        if (factors.size() < pairs)
            return makeError("the RoPE frequency factors '" + p.freqFactors->name + "' have " +
                             std::to_string(factors.size()) + " entries; " + std::to_string(pairs) + " are needed");
    }
    std::vector<float> values(size_t(contextLength) * pairs * 2);
    for (uint32_t i = 0; i < pairs; ++i) {
        float frequency = 1.0f / std::pow(p.freqBase, float(2 * i) / float(p.dimensions));
        if (!factors.empty()) frequency /= factors[i];
        for (uint32_t position = 0; position < contextLength; ++position) {
            const float angle = float(position) * frequency;
            values[(size_t(position) * pairs + i) * 2] = std::cos(angle);
            values[(size_t(position) * pairs + i) * 2 + 1] = std::sin(angle);
        }
    }
    const uint64_t bytes = values.size() * sizeof(float);
    auto buffer = Buffer::create(device, bytes, MemoryKind::DeviceLocal, "the RoPE table");
    if (!buffer) return buffer.error();
    auto uploaded = transfer.upload(*buffer, {reinterpret_cast<const uint8_t*>(values.data()), bytes});
    if (!uploaded) return uploaded.error();
    return m_tables.emplace(key, std::move(*buffer)).first->second.get();
}

Result<std::unique_ptr<GraphExecutor>> GraphExecutor::create(const ExecutorResources& r, const Graph& graph) {
    std::unique_ptr<GraphExecutor> e(new GraphExecutor(r.device));
    e->m_tokenCount = graph.tokenCount;
    e->m_contextLength = r.cache.contextLength;
    e->m_logits = graph.logits;
    for (const ActivationDesc& desc : graph.activations) {
        auto buffer = Buffer::create(r.device, (uint64_t(desc.rows) * desc.cols + r.guardWords) * 4, MemoryKind::DeviceLocal,
                                     "the activation '" + desc.name + "'");
        if (!buffer) return buffer.error();
        e->m_activations.push_back(std::move(*buffer));
    }
    auto step = Buffer::create(r.device, 4 * (1 + uint64_t(graph.tokenCount)), MemoryKind::Upload, "the step inputs");
    if (!step) return step.error();
    e->m_step = std::move(*step);
    std::memset(e->m_step.mapped(), 0, e->m_step.size());
    auto placeholder = Buffer::create(r.device, 16, MemoryKind::DeviceLocal, "a placeholder buffer");
    if (!placeholder) return placeholder.error();
    e->m_placeholder = std::move(*placeholder);

    uint64_t partialBytes = 0;
    for (const Op& op : graph.ops)
        if (op.kind == OpKind::Attention)
            partialBytes = std::max(partialBytes, Kernels::attentionPartialBytes(graph.tokenCount, op.attention.headCount,
                                                                               op.attention.headDim,
                                                                               r.kernels.attentionSplitsFor(graph.tokenCount)));
    auto partials = Buffer::create(r.device, std::max<uint64_t>(partialBytes, 4), MemoryKind::DeviceLocal,
                                   "the attention partials");
    if (!partials) return partials.error();
    e->m_attentionPartials = std::move(*partials);
    if (graph.logits >= 0) {
        const ActivationDesc& desc = graph.activations[size_t(graph.logits)];
        auto readback = Buffer::create(r.device, uint64_t(desc.rows) * desc.cols * 4, MemoryKind::Readback, "the logits");
        if (!readback) return readback.error();
        e->m_readback = std::move(*readback);
        auto argmax = Buffer::create(r.device, 4, MemoryKind::DeviceLocal, "the greedy token");
        if (!argmax) return argmax.error();
        e->m_argmax = std::move(*argmax);
        auto argmaxReadback = Buffer::create(r.device, 4, MemoryKind::Readback, "the greedy token");
        if (!argmaxReadback) return argmaxReadback.error();
        e->m_argmaxReadback = std::move(*argmaxReadback);
    }

    auto dispatches = e->plan(r, graph);
    if (!dispatches) return dispatches.error();
    if (auto recorded = e->record(r, graph, *dispatches); !recorded) return recorded.error();
    return e;
}

Result<std::vector<Dispatch>> GraphExecutor::plan(const ExecutorResources& r, const Graph& graph) {
    std::vector<Dispatch> out;
    auto buffer = [&](ActivationId id) { return id >= 0 ? m_activations[size_t(id)].get() : VkBuffer(VK_NULL_HANDLE); };
    for (const Op& op : graph.ops) {
        const ActivationDesc& desc = graph.activations[size_t(op.a >= 0 ? op.a : op.dst)];
        const uint32_t count = desc.rows * desc.cols;
        switch (op.kind) {
            case OpKind::Embed: {
                const DeviceMatrix* table = r.weights.matrix(op.weight);
                if (!table) return makeError("internal error: the embedding table is not on the device");
                m_vocabRows = table->rows;
                r.kernels.embed(out, *table, buffer(op.dst), graph.tokenCount);
                break;
            }
            case OpKind::RmsNorm: {
                const Buffer* weight = r.weights.vector(op.weight);
                if (!weight) return makeError("internal error: the norm weight '" + op.weight->name + "' is not on the device");
                r.kernels.rmsNorm(out, buffer(op.a), weight->get(), buffer(op.dst), desc.rows, desc.cols, op.epsilon);
                break;
            }
            case OpKind::HeadRmsNorm: {
                const Buffer* weight = r.weights.vector(op.weight);
                if (!weight) return makeError("internal error: the norm weight '" + op.weight->name + "' is not on the device");
                const uint32_t headDim = uint32_t(op.weight->elementCount);
                r.kernels.rmsNorm(out, buffer(op.a), weight->get(), buffer(op.dst), count / headDim, headDim, op.epsilon);
                break;
            }
            case OpKind::MatMul: {
                const DeviceMatrix* w = r.weights.matrix(op.weight);
                if (!w) return makeError("internal error: the matrix '" + op.weight->name + "' is not on the device");
                VkBuffer bias = VK_NULL_HANDLE;
                if (op.bias) {
                    const Buffer* b = r.weights.vector(op.bias);
                    if (!b) return makeError("internal error: the bias '" + op.bias->name + "' is not on the device");
                    bias = b->get();
                }
                r.kernels.matMul(out, *w, bias, buffer(op.a), buffer(op.dst), desc.rows);
                break;
            }
            case OpKind::Rope: {
                auto table = r.rope.table(r.device, r.transfer, op.rope, m_contextLength);
                if (!table) return table.error();
                r.kernels.rope(out, buffer(op.dst), *table, desc.rows, op.rope);
                break;
            }
            case OpKind::StoreKv:
                if (op.layer >= r.cache.keys.size() || desc.cols != r.cache.kvDim)
                    return makeError("internal error: StoreKv does not match the KV cache");
                r.kernels.storeKv(out, buffer(op.a), buffer(op.b), r.cache.keys[op.layer].get(), r.cache.values[op.layer].get(),
                                  desc.rows, desc.cols);
                break;
            case OpKind::Attention:
                if (op.layer >= r.cache.keys.size()) return makeError("internal error: Attention names a missing layer");
                r.kernels.attention(out, buffer(op.a), r.cache.keys[op.layer].get(), r.cache.values[op.layer].get(),
                                    m_attentionPartials.get(), buffer(op.dst), desc.rows, op.attention);
                break;
            case OpKind::SwiGlu: r.kernels.swiGlu(out, buffer(op.a), buffer(op.b), buffer(op.dst), count); break;
            case OpKind::GeGlu: r.kernels.geGlu(out, buffer(op.a), buffer(op.b), buffer(op.dst), count); break;
            case OpKind::Scale: r.kernels.scale(out, buffer(op.a), buffer(op.dst), count, op.scalar, 0.0f); break;
            case OpKind::SoftCap: r.kernels.scale(out, buffer(op.a), buffer(op.dst), count, 1.0f, op.scalar); break;
            case OpKind::Add: r.kernels.add(out, buffer(op.a), buffer(op.b), buffer(op.dst), count); break;
            case OpKind::LastRow: {
                // A copy, not a kernel: marked by a null pipeline, with the source row's offset in push[0].
                Dispatch d;
                d.buffers = {buffer(op.a), buffer(op.dst)};
                d.push[0] = (desc.rows - 1) * desc.cols * 4;
                d.push[1] = desc.cols * 4;
                out.push_back(d);
                break;
            }
        }
    }
    return out;
}

Result<void> GraphExecutor::record(const ExecutorResources& r, const Graph& graph, const std::vector<Dispatch>& dispatches) {
    const VkDevice device = m_device.get();
    std::vector<Dispatch> argmax;
    if (graph.logits >= 0) {
        const ActivationDesc& desc = graph.activations[size_t(graph.logits)];
        r.kernels.argmax(argmax, m_activations[size_t(graph.logits)].get(), m_argmax.get(), (desc.rows - 1) * desc.cols,
                         desc.cols);
    }
    const uint32_t sets = uint32_t(dispatches.size() + argmax.size() + 1);
    VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, sets * k_bindingCount};
    VkDescriptorPoolCreateInfo pool{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    pool.maxSets = sets;
    pool.poolSizeCount = 1;
    pool.pPoolSizes = &size;
    VkDescriptorPool poolHandle = VK_NULL_HANDLE;
    if (VkResult result = vkCreateDescriptorPool(device, &pool, nullptr, &poolHandle); result != VK_SUCCESS)
        return vkError("creating a descriptor pool", result);
    m_descriptorPool = DescriptorPoolHandle(device, poolHandle);

    VkCommandPoolCreateInfo commandPool{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    commandPool.queueFamilyIndex = m_device.queueFamily();
    VkCommandPool commandPoolHandle = VK_NULL_HANDLE;
    if (VkResult result = vkCreateCommandPool(device, &commandPool, nullptr, &commandPoolHandle); result != VK_SUCCESS)
        return vkError("creating a command pool", result);
    m_commandPool = CommandPoolHandle(device, commandPoolHandle);
    VkCommandBufferAllocateInfo allocate{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    allocate.commandPool = commandPoolHandle;
    allocate.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    allocate.commandBufferCount = 3;
    VkCommandBuffer buffers[3];
    if (VkResult result = vkAllocateCommandBuffers(device, &allocate, buffers); result != VK_SUCCESS)
        return vkError("allocating command buffers", result);
    m_commands = buffers[0];
    m_logitsTail = buffers[1];
    m_argmaxTail = buffers[2];
    VkFenceCreateInfo fence{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VkFence fenceHandle = VK_NULL_HANDLE;
    if (VkResult result = vkCreateFence(device, &fence, nullptr, &fenceHandle); result != VK_SUCCESS)
        return vkError("creating a fence", result);
    m_fence = FenceHandle(device, fenceHandle);

    std::vector<Dispatch> all = dispatches;
    all.insert(all.end(), argmax.begin(), argmax.end());
    std::vector<VkDescriptorSetLayout> layouts(all.size(), r.library.setLayout());
    std::vector<VkDescriptorSet> descriptorSets(all.size());
    if (!all.empty()) {
        VkDescriptorSetAllocateInfo setAllocate{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
        setAllocate.descriptorPool = poolHandle;
        setAllocate.descriptorSetCount = uint32_t(layouts.size());
        setAllocate.pSetLayouts = layouts.data();
        if (VkResult result = vkAllocateDescriptorSets(device, &setAllocate, descriptorSets.data()); result != VK_SUCCESS)
            return vkError("allocating descriptor sets", result);
    }

    VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    // Records all[first, last) into `cb`, each with its own descriptor set.
    auto recordDispatches = [&](VkCommandBuffer cb, size_t first, size_t last) {
        VkPipeline bound = VK_NULL_HANDLE;
        for (size_t i = first; i < last; ++i) {
            const Dispatch& d = all[i];
            if (d.pipeline == VK_NULL_HANDLE) {
                const VkBufferCopy region{d.push[0], 0, d.push[1]};
                vkCmdCopyBuffer(cb, d.buffers[0], d.buffers[1], 1, &region);
                fullBarrier(cb);
                continue;
            }
            VkDescriptorBufferInfo infos[k_bindingCount];
            VkWriteDescriptorSet writes[k_bindingCount];
            for (uint32_t b = 0; b < k_bindingCount; ++b) {
                VkBuffer target = b == k_stepBinding ? m_step.get() : d.buffers[b];
                infos[b] = {target != VK_NULL_HANDLE ? target : m_placeholder.get(), 0, VK_WHOLE_SIZE};
                writes[b] = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
                writes[b].dstSet = descriptorSets[i];
                writes[b].dstBinding = b;
                writes[b].descriptorCount = 1;
                writes[b].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
                writes[b].pBufferInfo = &infos[b];
            }
            vkUpdateDescriptorSets(device, k_bindingCount, writes, 0, nullptr);
            if (d.pipeline != bound) {
                vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, d.pipeline);
                bound = d.pipeline;
            }
            vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, r.library.layout(), 0, 1, &descriptorSets[i], 0,
                                    nullptr);
            vkCmdPushConstants(cb, r.library.layout(), VK_SHADER_STAGE_COMPUTE_BIT, 0, k_pushConstantBytes, d.push.data());
            vkCmdDispatch(cb, d.groups[0], d.groups[1], d.groups[2]);
            if (d.barrierAfter) fullBarrier(cb);
        }
    };
    // Copies `size` bytes of `source` to the host-visible `target`.
    auto recordReadback = [](VkCommandBuffer cb, VkBuffer source, VkBuffer target, VkDeviceSize size) {
        const VkBufferCopy region{0, 0, size};
        vkCmdCopyBuffer(cb, source, target, 1, &region);
        VkMemoryBarrier toHost{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
        toHost.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
        toHost.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
        vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &toHost, 0, nullptr,
                             0, nullptr);
    };

    if (VkResult result = vkBeginCommandBuffer(m_commands, &begin); result != VK_SUCCESS)
        return vkError("recording commands", result);
    recordDispatches(m_commands, 0, dispatches.size());
    // The tails start after the body's writes (barriers order whole submissions).
    fullBarrier(m_commands);
    if (VkResult result = vkEndCommandBuffer(m_commands); result != VK_SUCCESS) return vkError("recording commands", result);

    if (VkResult result = vkBeginCommandBuffer(m_logitsTail, &begin); result != VK_SUCCESS)
        return vkError("recording commands", result);
    if (graph.logits >= 0)  // the logits, not the guard words
        recordReadback(m_logitsTail, m_activations[size_t(graph.logits)].get(), m_readback.get(), m_readback.size());
    if (VkResult result = vkEndCommandBuffer(m_logitsTail); result != VK_SUCCESS)
        return vkError("recording commands", result);

    if (VkResult result = vkBeginCommandBuffer(m_argmaxTail, &begin); result != VK_SUCCESS)
        return vkError("recording commands", result);
    if (graph.logits >= 0) {
        recordDispatches(m_argmaxTail, dispatches.size(), all.size());
        recordReadback(m_argmaxTail, m_argmax.get(), m_argmaxReadback.get(), 4);
    }
    if (VkResult result = vkEndCommandBuffer(m_argmaxTail); result != VK_SUCCESS)
        return vkError("recording commands", result);
    m_dispatchCount = dispatches.size();
    return {};
}

Result<void> GraphExecutor::submit(const StepInput& input, VkCommandBuffer tail) {
    if (input.tokens.size() != m_tokenCount)
        return makeError("internal error: a graph for " + std::to_string(m_tokenCount) + " tokens was given " +
                         std::to_string(input.tokens.size()));
    if (uint64_t(input.startPosition) + m_tokenCount > m_contextLength)
        return makeError("the context window of " + std::to_string(m_contextLength) + " tokens is full");
    auto* step = static_cast<uint32_t*>(m_step.mapped());
    step[0] = input.startPosition;
    for (size_t i = 0; i < input.tokens.size(); ++i) {
        const TokenId t = input.tokens[i];
        if (t < 0 || (m_vocabRows && uint32_t(t) >= m_vocabRows))
            return makeError("token id " + std::to_string(t) + " is outside the vocabulary");
        step[1 + i] = uint32_t(t);
    }

    const VkCommandBuffer commands[2] = {m_commands, tail};
    VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    submit.commandBufferCount = 2;
    submit.pCommandBuffers = commands;
    VkFence fence = m_fence.get();
    vkResetFences(m_device.get(), 1, &fence);
    {
        const std::lock_guard lock(m_device.queueMutex());
        if (VkResult r = vkQueueSubmit(m_device.queue(), 1, &submit, fence); r != VK_SUCCESS)
            return vkError("submitting the forward pass", r);
    }
    if (VkResult r = vkWaitForFences(m_device.get(), 1, &fence, VK_TRUE, UINT64_MAX); r != VK_SUCCESS)
        return vkError("waiting for the forward pass", r);
    return {};
}

Result<void> GraphExecutor::run(const StepInput& input, std::span<float> logits) {
    if (auto done = submit(input, m_logitsTail); !done) return done;
    if (m_logits < 0) return {};
    if (logits.size() * 4 != m_readback.size()) return makeError("internal error: the logits buffer has the wrong size");
    if (auto visible = m_readback.invalidate(); !visible) return visible;
    std::memcpy(logits.data(), m_readback.mapped(), m_readback.size());
    return {};
}

Result<TokenId> GraphExecutor::runArgmax(const StepInput& input) {
    if (m_logits < 0) return makeError("internal error: this graph has no logits to pick from");
    if (auto done = submit(input, m_argmaxTail); !done) return done.error();
    if (auto visible = m_argmaxReadback.invalidate(); !visible) return visible.error();
    uint32_t index = 0;
    std::memcpy(&index, m_argmaxReadback.mapped(), 4);
    return TokenId(index);
}

}  // namespace confidant::inference::vulkan
