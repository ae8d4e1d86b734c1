// Fuzzes the Jinja chat-template renderer: any template text parses or fails with a positioned
// error, and renders a small conversation or fails within the limits (output, loop, time and
// memory): no crash, hang, leak, stack overflow (deep or self-containing values) or std::bad_alloc.
#include <cstddef>
#include <cstdint>
#include <string>

#include "chat/chat_template.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace confidant::inference::chat;
    auto chatTemplate = ChatTemplate::fromSource(std::string(reinterpret_cast<const char*>(data), size), "fuzz input");
    if (!chatTemplate) return 0;
    const std::vector<ChatMessage> messages{{"system", "Be brief."}, {"user", "Hi <b>there</b>"},
                                            {"assistant", "Hello!"}, {"user", "Tell me a story."}};
    RenderOptions options;
    options.bosToken = "<s>";
    options.eosToken = "</s>";
    options.date = Date{2024, 7, 26};
    // Tighter than the app's limits, so that a slow template ends well inside the fuzzer's timeout.
    options.limits.maxOutputBytes = size_t(1) << 20;
    options.limits.maxLoopIterations = 100'000;
    options.limits.maxRangeLength = 100'000;
    options.limits.maxMemoryBytes = size_t(16) << 20;  // memory bombs end here, far below -rss_limit_mb
    (void)renderChat(*chatTemplate, messages, options);
    return 0;
}
