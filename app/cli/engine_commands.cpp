// Engine tooling commands not built yet: each says so.
#include "cli/commands.h"

namespace confidant::cli {

int runMakeTestModel(Arguments&) { return fail("make-test-model is not implemented yet"); }

}  // namespace confidant::cli
