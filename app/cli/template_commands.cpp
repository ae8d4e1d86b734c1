// Chat-template commands: the Jinja renderer is not built yet, so each says so.
#include "cli/commands.h"

namespace confidant::cli {

int runTemplate(Arguments&) { return fail("template is not implemented yet: the chat-template renderer is still being built"); }
int runChat(Arguments&) { return fail("chat is not implemented yet: it needs the chat-template renderer"); }

}  // namespace confidant::cli
