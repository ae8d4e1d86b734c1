// confidant-cli: the engine and the conversation store from a terminal.
#include "cli/commands.h"

int main(int argc, char** argv) { return confidant::cli::runCli(argc, argv); }
