// confidant-cli's subcommands. Each takes the arguments after its name, prints results to stdout
// and statistics or progress to stderr, and returns the process exit code.
#pragma once

#include <string>

#include "cli/arguments.h"

namespace confidant::cli {

int runCli(int argc, char** argv);

// Prints "confidant-cli: error: <message>" on one line and returns the failure exit code.
int fail(const std::string& message);

// Model commands (model_commands.cpp).
int runInfo(Arguments& args);
int runTokenize(Arguments& args);
int runDetokenize(Arguments& args);
int runGenerate(Arguments& args);

// Teacher-forced logits as JSON lines (logits_command.cpp).
int runLogits(Arguments& args);

// Chat-template commands (template_commands.cpp) and the terminal chat (chat_command.cpp).
int runTemplate(Arguments& args);
int runChat(Arguments& args);

// Conversation-store commands (storage_commands.cpp).
int runImport(Arguments& args);
int runExport(Arguments& args);
int runList(Arguments& args);
int runShow(Arguments& args);
int runSearch(Arguments& args);
int runDb(Arguments& args);  // db check | db repair

// The local OpenAI-compatible server (serve_command.cpp).
int runServe(Arguments& args);

// Engine tooling (engine_commands.cpp).
int runDevices(Arguments& args);
int runBench(Arguments& args);
int runMakeTestModel(Arguments& args);

}  // namespace confidant::cli
