// The parsed form of a template: expression and statement nodes, each with its source position
// so that failures while rendering can say where they happened.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "chat/jinja_value.h"

namespace confidant::inference::jinja {

enum class ExprKind {
    Literal, Name, List, Tuple, Dict, GetAttr, GetItem, Slice, Call, Filter, Test,
    Negative, Positive, Not, And, Or, Binary, Compare, Conditional,
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

// One node type with the fields each kind uses (listed per kind) keeps the evaluator a plain switch.
struct Expr {
    ExprKind kind = ExprKind::Literal;
    int line = 0, column = 0;
    Value literal;            // Literal
    std::string name;         // Name; GetAttr attribute; Filter/Test name; Binary operator
    // List/Tuple: items. Dict: key, value, key, value... GetAttr: object. GetItem: object, key.
    // Slice: object, start, stop, step (null when omitted). Call: callee, positional args.
    // Filter/Test: input (null inside a {% filter %} block), positional args. Unary: operand.
    // And/Or/Binary: left, right. Compare: first, then one operand per operator.
    // Conditional: condition, value, else value (null when omitted).
    std::vector<ExprPtr> children;
    std::vector<std::pair<std::string, ExprPtr>> kwargs;  // Call/Filter/Test keyword arguments
    std::vector<std::string> ops;                         // Compare: "==", "<", "in", "not in", ...
    bool negated = false;                                 // Test: `is not`
};

enum class StmtKind { Text, Output, If, For, Set, SetBlock, Macro, Break, Continue, FilterBlock, With, Generation };

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

struct Stmt {
    StmtKind kind = StmtKind::Text;
    int line = 0, column = 0;
    std::string text;                              // Text
    ExprPtr expr;                                  // Output; Set value; For iterable
    std::vector<std::pair<ExprPtr, Body>> branches;  // If: (condition, body) for if and each elif
    Body body;                                     // For/SetBlock/Macro/FilterBlock/With/Generation
    Body elseBody;                                 // If else; For else
    std::vector<std::string> targets;              // For/Set names (several: unpacking); Macro: name
    std::string attribute;                         // Set: `set ns.attribute = ...`
    ExprPtr condition;                             // For: `for x in xs if condition`
    std::vector<std::string> params;               // Macro parameters
    std::vector<ExprPtr> defaults;                 // Macro defaults, aligned with params (null: none)
    std::vector<ExprPtr> filters;                  // FilterBlock: Filter nodes applied in order
    std::vector<std::pair<std::string, ExprPtr>> assignments;  // With
};

}  // namespace confidant::inference::jinja
