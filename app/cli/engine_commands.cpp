// Engine tooling commands not built yet: each says so.
#include "cli/commands.h"

namespace confidant::cli {

int runDevices(Arguments&) { return fail("devices is not implemented yet: the Vulkan backend is still being built"); }
int runBench(Arguments&) { return fail("bench is not implemented yet"); }

}  // namespace confidant::cli
