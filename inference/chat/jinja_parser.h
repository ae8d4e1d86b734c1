// Builds the statement tree of a template from its tokens (Jinja2's grammar and precedence).
#pragma once

#include <vector>

#include "chat/jinja_ast.h"
#include "chat/jinja_lexer.h"

namespace confidant::inference::jinja {

// Throws TemplateFailure (Syntax). Nesting deeper than `maxDepth` is refused rather than recursed.
Body parseTemplate(const std::vector<Token>& tokens, int maxDepth);

}  // namespace confidant::inference::jinja
