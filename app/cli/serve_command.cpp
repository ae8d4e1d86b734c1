// `serve`: the loaded model behind a local OpenAI-compatible API (see docs/network.md).
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <thread>

#include "chat/chat_template.h"
#include "cli/commands.h"
#include "cli/model_options.h"
#include "net/openai_server.h"

namespace confidant::cli {

namespace {

std::string generatedKey() {
    std::random_device random;  // /dev/urandom on Linux
    static const char hex[] = "0123456789abcdef";
    std::string key = "sk-confidant-";
    for (int i = 0; i < 32; ++i) key += hex[random() & 15];
    return key;
}

bool isLoopback(const std::string& host) {
    return host == "127.0.0.1" || host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

}  // namespace

int runServe(Arguments& args) {
    auto host = args.value({"--host"});
    if (!host) return fail(host.error().message);
    auto port = args.integer({"--port"}, 0, 65535);
    if (!port) return fail(port.error().message);
    auto apiKey = args.value({"--api-key"});
    if (!apiKey) return fail(apiKey.error().message);
    auto origin = args.value({"--allow-origin"});
    if (!origin) return fail(origin.error().message);
    auto alias = args.value({"--alias"});
    if (!alias) return fail(alias.error().message);
    auto queue = args.integer({"--queue"}, 0, 1024);
    if (!queue) return fail(queue.error().message);
    auto maxTokens = args.integer({"--max-tokens"}, 1, 1 << 20);
    if (!maxTokens) return fail(maxTokens.error().message);
    auto maxBody = args.integer({"--max-body"}, 1024, 256ll << 20);
    if (!maxBody) return fail(maxBody.error().message);
    auto sampler = samplerOptions(args);
    if (!sampler) return fail(sampler.error().message);
    auto loaded = loadModelAndBackend(args);
    if (!loaded) return fail(loaded.error().message);
    auto contextLength = contextOption(args, *loaded->model);
    if (!contextLength) return fail(contextLength.error().message);
    auto positionals = args.positionals();
    if (!positionals) return fail(positionals.error().message);
    if (!positionals->empty()) return fail("unexpected argument '" + positionals->front() + "'");
    auto formatter = inference::chat::ChatFormatter::forModel(loaded->model->file());
    if (!formatter) return fail(formatter.error().message);

    net::ServerOptions options;
    options.host = host->value_or("127.0.0.1");
    options.port = int(port->value_or(8080));
    options.allowedOrigin = origin->value_or("");
    options.queueLimit = size_t(queue->value_or(4));
    if (*maxTokens) options.limits.maxTokens = uint32_t(**maxTokens);
    if (*maxBody) options.maxBodyBytes = size_t(**maxBody);
    bool generated = false;
    if (*apiKey) options.apiKey = **apiKey;
    else if (const char* env = std::getenv("CONFIDANT_API_KEY"); env && *env) options.apiKey = env;
    else {
        options.apiKey = generatedKey();
        generated = true;
    }
    const std::string name = alias->value_or(std::filesystem::path(loaded->model->file().path()).stem().string());
    auto service = net::ModelService::create(name, loaded->model, std::move(loaded->backend), *contextLength,
                                             std::move(*formatter), *sampler);
    if (!service) return fail(service.error().message);

    // SIGINT and SIGTERM stop the server; blocked here so that every server thread inherits the
    // mask and only sigwait below sees them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    net::OpenAiServer server(**service, options);
    auto bound = server.bind();
    if (!bound) return fail(bound.error().message);
    if (!isLoopback(options.host))
        std::fprintf(stderr, "warning: listening on %s: other machines can reach this server (with the key)\n",
                     options.host.c_str());
    if (generated) std::fprintf(stderr, "API key (generated; set CONFIDANT_API_KEY or --api-key to choose one): %s\n",
                                options.apiKey.c_str());
    std::fprintf(stderr, "serving '%s' (%u-token context, queue %zu) at http://%s:%d/v1\n", name.c_str(),
                 (*service)->contextLength(), options.queueLimit, options.host.c_str(), *bound);
    std::fflush(stderr);
    std::thread serving([&] { server.run(); });
    int received = 0;
    sigwait(&signals, &received);
    std::fprintf(stderr, "stopping (%s)\n", received == SIGINT ? "SIGINT" : "SIGTERM");
    server.stop();
    serving.join();
    return 0;
}

}  // namespace confidant::cli
