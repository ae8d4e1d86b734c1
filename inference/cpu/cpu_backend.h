// The fast CPU backend's own entry point, beside createCpuBackend of backend.h: tests pick the
// instruction-set level explicitly, so that every level the machine has is checked.
#pragma once

#include <memory>
#include <optional>

#include "backend.h"
#include "cpu/kernels/matmul.h"

namespace confidant::inference::cpu {

struct CpuBackendOptions {
    unsigned threads = 0;              // 0: the physical cores
    std::optional<kernels::Isa> isa;   // nullopt: kernels::selectedIsa()
};

std::unique_ptr<Backend> createCpuBackend(std::shared_ptr<const Model> model, const CpuBackendOptions& options);

// Whether the fast backend executes this op kind itself; a graph with any other kind runs on the
// reference backend (whole model), so that a new op kind works before it is specialised here.
bool executesNatively(OpKind kind);

}  // namespace confidant::inference::cpu
