// Options shared by the commands that run a model: -m, --backend, --threads, --ctx and the
// sampler settings, parsed once and turned into a loaded model, backend and session.
#pragma once

#include <memory>
#include <string>

#include "backend.h"
#include "cli/arguments.h"
#include "model.h"
#include "sampler.h"
#include "session.h"

namespace confidant::cli {

struct LoadedModel {
    std::shared_ptr<const inference::Model> model;
    std::unique_ptr<inference::Backend> backend;
};

// Takes -m/--model and loads it (no backend).
Result<std::shared_ptr<const inference::Model>> loadModelOption(Arguments& args);

// Takes -m, --backend and --threads; loads the model and creates the backend.
Result<LoadedModel> loadModelAndBackend(Arguments& args);

// Takes --temp, --seed, --top-k, --top-p, --min-p, --repeat-penalty, --repeat-last-n.
Result<inference::SamplerSettings> samplerOptions(Arguments& args);

// Takes --ctx; defaults to the model's trained context, capped so the cache stays modest.
Result<uint32_t> contextOption(Arguments& args, const inference::Model& model);

}  // namespace confidant::cli
