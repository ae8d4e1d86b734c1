// Conversation-store commands: the store is not built yet, so each says so.
#include "cli/commands.h"

namespace confidant::cli {

static int notYet(const char* what) {
    return fail(std::string(what) + " is not implemented yet: the conversation store is still being built");
}

int runImport(Arguments&) { return notYet("import"); }
int runExport(Arguments&) { return notYet("export"); }
int runList(Arguments&) { return notYet("list"); }
int runShow(Arguments&) { return notYet("show"); }
int runSearch(Arguments&) { return notYet("search"); }

}  // namespace confidant::cli
