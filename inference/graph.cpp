// Names of graph operations, for errors, logs and per-op tests.
#include "graph.h"

namespace confidant::inference {

const char* opKindName(OpKind kind) {
    switch (kind) {
        case OpKind::Embed: return "embed";
        case OpKind::RmsNorm: return "rms_norm";
        case OpKind::HeadRmsNorm: return "head_rms_norm";
        case OpKind::MatMul: return "matmul";
        case OpKind::Rope: return "rope";
        case OpKind::StoreKv: return "store_kv";
        case OpKind::Attention: return "attention";
        case OpKind::SwiGlu: return "swiglu";
        case OpKind::GeGlu: return "geglu";
        case OpKind::Add: return "add";
        case OpKind::Scale: return "scale";
        case OpKind::SoftCap: return "soft_cap";
        case OpKind::LastRow: return "last_row";
    }
    return "unknown";
}

}  // namespace confidant::inference
