// The inference worker: a QObject that lives in its own QThread and owns the engine (model,
// backend, session). Requests arrive as queued calls and results leave as signals, so nothing here
// ever runs on the UI thread. Only cancel() is called from other threads (it sets an atomic).
#pragma once

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "chat/conversation_prompt.h"
#include "conversation.h"

namespace confidant::inference {
class Model;
class Backend;
class Session;
}  // namespace confidant::inference

namespace confidant::app {

enum class DevicePreference { Automatic, Gpu, Cpu };

struct LoadRequest {
    QString path;
    DevicePreference device = DevicePreference::Automatic;
    int gpuIndex = -1;
    QString templateOverride;  // the user's chat template for this model (empty: the model's)
};

struct LoadedModelInfo {
    QString path;
    QString name;
    QString backend;  // "cpu", "vulkan"
    QString device;
    QString deviceNote;  // what Automatic chose and why, when the only Vulkan device is a software one
    int trainedContext = 0;
    QString promptFormat;  // how conversations become prompts
    QString formatNote;    // why that format (e.g. no chat template)
    QString templateSource;  // the Jinja source in use (empty for the transcript)
    double seconds = 0.0;
};

struct GenerationJob {
    quint64 id = 0;
    std::vector<inference::chat::ChatMessage> messages;  // system prompt first, ending with the user's message
    ConversationSettings settings;
};

class InferenceWorker : public QObject {
    Q_OBJECT
public:
    InferenceWorker();
    ~InferenceWorker() override;

    // Any thread: makes generation `jobId` (and any older one) stop after its current token.
    void cancel(quint64 jobId) { m_cancelUpTo.store(jobId); }
    // The prompt a job gets in a context of `contextSize` tokens, through the engine's one
    // conversation -> prompt path (the CLI's `generate --messages` takes the same one). Worker
    // thread (or a test holding the worker); needs a loaded model.
    Result<inference::chat::ConversationPrompt> preparePrompt(const GenerationJob& job, uint32_t contextSize) const;
    // The context the job's settings ask for, within what the model was trained for.
    uint32_t contextSizeFor(const ConversationSettings& settings) const;
    // Tests only: sleep after each token so that a Stop can arrive mid-reply.
    void setTokenDelayForTesting(int milliseconds) { m_tokenDelayMs.store(milliseconds); }

public slots:
    void loadModel(const confidant::app::LoadRequest& request);
    void unloadModel();
    // Replaces the chat template of the loaded model (empty: back to the model's); emits modelLoaded.
    void setTemplateOverride(const QString& source);
    void generate(const confidant::app::GenerationJob& job);

signals:
    void loadProgress(const QString& path, const QString& stage);
    void modelLoaded(const confidant::app::LoadedModelInfo& info);
    // gpuFailed: the GPU path failed and the CPU could still run the model (the UI offers it).
    void loadFailed(const QString& path, const QString& message, bool gpuFailed);
    void modelUnloaded();
    void promptReady(quint64 jobId, int promptTokens, int contextSize, int droppedTurns);
    void textReady(quint64 jobId, const QString& text);
    void generationFinished(quint64 jobId, const confidant::app::GenerationRecord& record);
    void generationFailed(quint64 jobId, const QString& message);

private:
    void releaseModel();
    void applyFormatter(const QString& overrideSource);

    std::shared_ptr<const inference::Model> m_model;
    std::unique_ptr<inference::Backend> m_backend;
    std::unique_ptr<inference::Session> m_session;
    std::optional<inference::chat::ConversationPrompter> m_prompter;
    LoadedModelInfo m_info;
    std::atomic<quint64> m_cancelUpTo{0};
    std::atomic<int> m_tokenDelayMs{0};
};

}  // namespace confidant::app

Q_DECLARE_METATYPE(confidant::app::LoadRequest)
Q_DECLARE_METATYPE(confidant::app::LoadedModelInfo)
Q_DECLARE_METATYPE(confidant::app::GenerationJob)
Q_DECLARE_METATYPE(confidant::app::GenerationRecord)
