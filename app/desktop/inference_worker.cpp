// Model loading and the decode loop on the worker thread.
#include "inference_worker.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QThread>

#include <algorithm>
#include <random>

#include "backend.h"
#include "chat/reply_stream.h"
#include "device_choice.h"
#include "generator.h"
#include "model.h"
#include "sampler.h"
#include "session.h"
#if defined(CONFIDANT_APP_HAS_VULKAN_BACKEND)
#include "vulkan/vulkan_devices.h"
#endif

namespace confidant::app {

using namespace confidant::inference;

InferenceWorker::InferenceWorker() {
    qRegisterMetaType<LoadRequest>();
    qRegisterMetaType<LoadedModelInfo>();
    qRegisterMetaType<GenerationJob>();
    qRegisterMetaType<GenerationRecord>();
}

InferenceWorker::~InferenceWorker() = default;

void InferenceWorker::releaseModel() {
    m_session.reset();
    m_prompter.reset();
    m_backend.reset();  // frees the device memory of a GPU backend
    m_model.reset();
    m_info = {};
}

void InferenceWorker::loadModel(const LoadRequest& request) {
    QElapsedTimer timer;
    timer.start();
    releaseModel();
    emit loadProgress(request.path, tr("Reading the model file"));
    auto model = Model::load(request.path.toStdString());
    if (!model) {
        emit loadFailed(request.path, QString::fromStdString(model.error().message), false);
        return;
    }
    DevicePreference device = request.device;
    QString deviceNote;
#if defined(CONFIDANT_APP_HAS_VULKAN_BACKEND)
    if (device == DevicePreference::Automatic) {
        emit loadProgress(request.path, tr("Looking for a GPU"));
        if (auto devices = listVulkanDevices()) {
            const DeviceChoice choice = chooseAutomaticDevice(*devices, request.gpuIndex, (*model)->file().fileSize());
            if (choice.useCpu) device = DevicePreference::Cpu;
            deviceNote = choice.note;
        }
    }
#endif
    if (device != DevicePreference::Cpu) {
        emit loadProgress(request.path, tr("Preparing the GPU"));
#if defined(CONFIDANT_APP_HAS_VULKAN_BACKEND)
        auto gpu = createVulkanBackend(*model, VulkanOptions{request.gpuIndex});
        if (gpu) {
            m_backend = std::move(*gpu);
        } else {
            emit loadFailed(request.path, tr("The GPU cannot run this model: %1").arg(QString::fromStdString(gpu.error().message)), true);
            return;
        }
#else
        emit loadFailed(request.path, tr("This build of Confidant has no GPU (Vulkan) backend yet."), true);
        return;
#endif
    } else {
        emit loadProgress(request.path, tr("Preparing the CPU backend"));
        // Leave a core to the UI thread so that the window stays smooth while replies stream.
        const int threads = std::max(1, QThread::idealThreadCount() - 1);
        m_backend = createCpuBackend(*model, unsigned(threads));
    }
    m_model = *model;
    applyFormatter(request.templateOverride);
    m_info.path = request.path;
    m_info.name = QString::fromStdString(m_model->config().name);
    if (m_info.name.isEmpty() || m_model->config().name == m_model->config().architecture)
        m_info.name = QFileInfo(request.path).completeBaseName();
    m_info.backend = QString::fromStdString(m_backend->name());
    m_info.device = QString::fromStdString(m_backend->deviceName());
    m_info.trainedContext = int(m_model->config().contextLength);
    m_info.deviceNote = deviceNote;
    m_info.seconds = double(timer.elapsed()) / 1000.0;
    emit modelLoaded(m_info);
}

void InferenceWorker::applyFormatter(const QString& overrideSource) {
    chat::ChatFormatterOptions options;
    if (!overrideSource.isEmpty()) options.templateSource = overrideSource.toStdString();
    auto prompter = chat::ConversationPrompter::forModel(m_model->file(), m_model->tokenizer(), options);
    QString overrideProblem;
    if (!prompter) {
        // The user's own template does not parse: say so and use the model's.
        overrideProblem = tr("Your chat template cannot be used (%1). ").arg(QString::fromStdString(prompter.error().message));
        prompter = chat::ConversationPrompter::forModel(m_model->file(), m_model->tokenizer(), {});
    }
    m_prompter.emplace(std::move(*prompter));  // without an override forModel always succeeds
    m_info.promptFormat = QString::fromStdString(m_prompter->description());
    m_info.formatNote = overrideProblem + QString::fromStdString(m_prompter->note());
    m_info.templateSource = m_prompter->isTranscript() ? QString() : QString::fromStdString(m_prompter->templateSource());
    if (m_session) m_session->reset();  // another template renders other tokens
}

uint32_t InferenceWorker::contextSizeFor(const ConversationSettings& s) const {
    return uint32_t(std::clamp(s.contextSize, 64, std::max(64, m_info.trainedContext > 0 ? m_info.trainedContext : s.contextSize)));
}

Result<chat::ConversationPrompt> InferenceWorker::preparePrompt(const GenerationJob& job, uint32_t contextSize) const {
    if (!m_prompter) return makeError("no model is loaded");
    chat::PromptLimits limits;
    limits.contextLength = contextSize;
    limits.maxReplyTokens = uint32_t(std::max(1, job.settings.maxTokens));
    limits.overflow = chat::ContextOverflow::DropOldest;
    return m_prompter->build(job.messages, limits);
}

void InferenceWorker::setTemplateOverride(const QString& source) {
    if (!m_model) return;
    applyFormatter(source);
    emit modelLoaded(m_info);
}

void InferenceWorker::unloadModel() {
    releaseModel();
    emit modelUnloaded();
}

void InferenceWorker::generate(const GenerationJob& job) {
    if (!m_model) {
        emit generationFailed(job.id, tr("No model is loaded."));
        return;
    }
    const ConversationSettings& s = job.settings;
    const uint32_t contextSize = contextSizeFor(s);
    if (!m_session || m_session->contextLength() != contextSize) {
        m_session.reset();
        auto session = Session::create(m_model, *m_backend, contextSize);
        if (!session) {
            emit generationFailed(job.id, QString::fromStdString(session.error().message));
            return;
        }
        m_session = std::make_unique<Session>(std::move(*session));
    }

    auto built = preparePrompt(job, contextSize);
    if (!built) {
        emit generationFailed(job.id, QString::fromStdString(built.error().message));
        return;
    }
    const Tokenizer& tokenizer = m_model->tokenizer();
    const std::vector<TokenId>& prompt = built->tokens;
    const int dropped = int(built->droppedMessages);
    emit promptReady(job.id, int(prompt.size()), int(contextSize), dropped);

    SamplerSettings sampling;
    sampling.temperature = float(s.temperature);
    sampling.topK = s.topK;
    sampling.topP = float(s.topP);
    sampling.minP = float(s.minP);
    sampling.repeatPenalty = float(s.repeatPenalty);
    sampling.seed = s.seed >= 0 ? uint64_t(s.seed) : std::random_device{}();
    Sampler sampler(sampling);

    chat::ReplyStream stream(m_prompter->stopStrings());
    TokenId previous = prompt.back();
    GenerationRequest request;
    request.prompt = prompt;
    request.maxTokens = uint32_t(std::max(1, s.maxTokens));
    request.onToken = [&](TokenId id) {
        const std::string released = stream.push(tokenizer.tokenText(id, previous));
        previous = id;
        if (!released.empty()) emit textReady(job.id, QString::fromUtf8(released.data(), qsizetype(released.size())));
        if (const int delay = m_tokenDelayMs.load(); delay > 0) QThread::msleep(ulong(delay));
        return !stream.stopped() && m_cancelUpTo.load() < job.id;
    };
    auto stats = inference::generate(*m_session, sampler, request);
    if (!stats) {
        emit generationFailed(job.id, QString::fromStdString(stats.error().message));
        return;
    }
    const std::string rest = stream.finish();
    if (!rest.empty()) emit textReady(job.id, QString::fromUtf8(rest.data(), qsizetype(rest.size())));

    GenerationRecord record;
    record.promptTokens = int(stats->promptTokens);
    record.reusedPromptTokens = int(stats->reusedPromptTokens);
    record.generatedTokens = int(stats->generatedTokens);
    record.timeToFirstToken = stats->timeToFirstToken;
    record.tokensPerSecond = stats->tokensPerSecond();
    // A stop string ends the reply as the model meant it to, not as a cancellation.
    record.finishReason = stream.stopped() ? QStringLiteral("stop") : QString::fromLatin1(finishReasonName(stats->finishReason));
    record.model = m_info.name;
    record.backend = m_info.backend;
    record.device = m_info.device;
    record.droppedTurns = dropped;
    emit generationFinished(job.id, record);
}

}  // namespace confidant::app
