// A recursive-descent parser for the Jinja2 subset chat templates use. Unsupported statements
// (include, extends, import, call blocks) fail with a message naming them.
#include "chat/jinja_parser.h"

#include <algorithm>

#include "chat/jinja_error.h"

namespace confidant::inference::jinja {
namespace {

class Parser {
public:
    Parser(const std::vector<Token>& tokens, int maxDepth) : m_tokens(tokens), m_maxDepth(maxDepth) {}

    Body parseAll() {
        std::string end;
        Body body = parseBody({}, end);
        return body;
    }

private:
    struct DepthGuard {
        Parser& p;
        explicit DepthGuard(Parser& parser) : p(parser) {
            if (++p.m_depth > p.m_maxDepth)
                p.error(p.current(), "the template nests deeper than " + std::to_string(p.m_maxDepth) + " levels");
        }
        ~DepthGuard() { --p.m_depth; }
    };

    const Token& current() const { return m_tokens[m_pos]; }
    const Token& peek(size_t ahead = 1) const { return m_tokens[std::min(m_pos + ahead, m_tokens.size() - 1)]; }
    const Token& next() {
        const Token& t = m_tokens[m_pos];
        if (t.kind != TokenKind::End) ++m_pos;
        return t;
    }

    bool isOp(const char* op) const { return current().kind == TokenKind::Operator && current().text == op; }
    bool isName(const char* name) const { return current().kind == TokenKind::Name && current().text == name; }
    bool skipOp(const char* op) {
        if (!isOp(op)) return false;
        next();
        return true;
    }
    bool skipName(const char* name) {
        if (!isName(name)) return false;
        next();
        return true;
    }

    static std::string describe(const Token& t) {
        switch (t.kind) {
            case TokenKind::Text: return "template text";
            case TokenKind::VariableBegin: return "'{{'";
            case TokenKind::VariableEnd: return "'}}'";
            case TokenKind::BlockBegin: return "'{%'";
            case TokenKind::BlockEnd: return "'%}'";
            case TokenKind::Name: return "'" + t.text + "'";
            case TokenKind::String: return "a string";
            case TokenKind::Integer:
            case TokenKind::Float: return "a number";
            case TokenKind::Operator: return "'" + t.text + "'";
            case TokenKind::End: return "the end of the template";
        }
        return "a token";
    }

    [[noreturn]] void error(const Token& at, std::string message) const {
        throw TemplateFailure{FailureKind::Syntax, std::move(message), at.line, at.column};
    }

    void expectOp(const char* op) {
        if (!skipOp(op)) error(current(), std::string("expected '") + op + "', found " + describe(current()));
    }
    std::string expectName() {
        if (current().kind != TokenKind::Name) error(current(), "expected a name, found " + describe(current()));
        return next().text;
    }
    void expectBlockEnd() {
        if (current().kind != TokenKind::BlockEnd) error(current(), "expected '%}', found " + describe(current()));
        next();
    }

    template <typename T>
    static std::unique_ptr<T> node(const Token& at) {
        auto n = std::make_unique<T>();
        n->line = at.line;
        n->column = at.column;
        return n;
    }
    static ExprPtr exprNode(ExprKind kind, const Token& at) {
        auto n = node<Expr>(at);
        n->kind = kind;
        return n;
    }

    // Statements until a block tag named in `ends`; that tag's keyword is consumed and returned.
    Body parseBody(const std::vector<std::string>& ends, std::string& foundEnd) {
        DepthGuard guard(*this);
        Body body;
        while (true) {
            const Token& t = current();
            if (t.kind == TokenKind::End) {
                if (!ends.empty()) error(t, "unexpected end of template: expected '{% " + ends.back() + " %}'");
                return body;
            }
            if (t.kind == TokenKind::Text) {
                auto s = node<Stmt>(t);
                s->kind = StmtKind::Text;
                s->text = next().text;
                body.push_back(std::move(s));
            } else if (t.kind == TokenKind::VariableBegin) {
                next();
                auto s = node<Stmt>(t);
                s->kind = StmtKind::Output;
                s->expr = parseTuple(true, true);
                if (current().kind != TokenKind::VariableEnd) error(current(), "expected '}}', found " + describe(current()));
                next();
                body.push_back(std::move(s));
            } else if (t.kind == TokenKind::BlockBegin) {
                const Token& keyword = peek();
                if (keyword.kind == TokenKind::Name &&
                    std::find(ends.begin(), ends.end(), keyword.text) != ends.end()) {
                    next();
                    foundEnd = next().text;
                    return body;
                }
                next();
                body.push_back(parseStatement());
            } else {
                error(t, "unexpected " + describe(t));
            }
        }
    }

    StmtPtr parseStatement() {
        const Token& t = current();
        if (t.kind != TokenKind::Name) error(t, "expected a statement name after '{%', found " + describe(t));
        const std::string keyword = next().text;
        if (keyword == "if") return parseIf(t);
        if (keyword == "for") return parseFor(t);
        if (keyword == "set") return parseSet(t);
        if (keyword == "macro") return parseMacro(t);
        if (keyword == "break" || keyword == "continue") {
            auto s = node<Stmt>(t);
            s->kind = keyword == "break" ? StmtKind::Break : StmtKind::Continue;
            expectBlockEnd();
            return s;
        }
        if (keyword == "filter") return parseFilterBlock(t);
        if (keyword == "with") return parseWith(t);
        if (keyword == "generation") {
            // Hugging Face's extension marking assistant text; it renders its body unchanged.
            auto s = node<Stmt>(t);
            s->kind = StmtKind::Generation;
            expectBlockEnd();
            std::string end;
            s->body = parseBody({"endgeneration"}, end);
            expectBlockEnd();
            return s;
        }
        if (keyword == "include" || keyword == "extends" || keyword == "import" || keyword == "from" ||
            keyword == "block" || keyword == "call")
            error(t, "'{% " + keyword + " %}' is not supported in chat templates");
        if (keyword.rfind("end", 0) == 0 || keyword == "elif" || keyword == "else")
            error(t, "unexpected '{% " + keyword + " %}' without a matching opening tag");
        error(t, "unknown statement '{% " + keyword + " %}'");
    }

    StmtPtr parseIf(const Token& at) {
        auto s = node<Stmt>(at);
        s->kind = StmtKind::If;
        while (true) {
            ExprPtr condition = parseTuple(false, true);
            expectBlockEnd();
            std::string end;
            Body body = parseBody({"elif", "else", "endif"}, end);
            s->branches.emplace_back(std::move(condition), std::move(body));
            if (end == "elif") continue;
            if (end == "else") {
                expectBlockEnd();
                s->elseBody = parseBody({"endif"}, end);
            }
            expectBlockEnd();
            return s;
        }
    }

    std::vector<std::string> parseTargets() {
        std::vector<std::string> names;
        const bool paren = skipOp("(");
        do {
            if (paren && isOp(")")) break;
            names.push_back(expectName());
        } while (skipOp(","));
        if (paren) expectOp(")");
        return names;
    }

    StmtPtr parseFor(const Token& at) {
        auto s = node<Stmt>(at);
        s->kind = StmtKind::For;
        s->targets = parseTargets();
        if (!skipName("in")) error(current(), "expected 'in' in the for loop, found " + describe(current()));
        s->expr = parseTuple(false, false);
        if (skipName("if")) s->condition = parseExpression(true);
        if (isName("recursive")) error(current(), "recursive for loops are not supported in chat templates");
        expectBlockEnd();
        std::string end;
        s->body = parseBody({"endfor", "else"}, end);
        if (end == "else") {
            expectBlockEnd();
            s->elseBody = parseBody({"endfor"}, end);
        }
        expectBlockEnd();
        return s;
    }

    StmtPtr parseSet(const Token& at) {
        auto s = node<Stmt>(at);
        const Token& first = current();
        if (first.kind == TokenKind::Name && peek().kind == TokenKind::Operator && peek().text == ".") {
            s->targets.push_back(next().text);
            next();
            s->attribute = expectName();
        } else {
            s->targets = parseTargets();
        }
        if (skipOp("=")) {
            s->kind = StmtKind::Set;
            s->expr = parseTuple(true, true);
            expectBlockEnd();
            return s;
        }
        if (!s->attribute.empty() || s->targets.size() != 1) error(current(), "expected '=' in the set statement");
        s->kind = StmtKind::SetBlock;
        if (isOp("|")) error(current(), "filters on '{% set %}' blocks are not supported");
        expectBlockEnd();
        std::string end;
        s->body = parseBody({"endset"}, end);
        expectBlockEnd();
        return s;
    }

    StmtPtr parseMacro(const Token& at) {
        auto s = node<Stmt>(at);
        s->kind = StmtKind::Macro;
        s->targets.push_back(expectName());
        expectOp("(");
        while (!isOp(")")) {
            if (!s->params.empty()) expectOp(",");
            if (isOp(")")) break;
            s->params.push_back(expectName());
            s->defaults.push_back(skipOp("=") ? parseExpression(true) : nullptr);
        }
        expectOp(")");
        expectBlockEnd();
        std::string end;
        s->body = parseBody({"endmacro"}, end);
        expectBlockEnd();
        return s;
    }

    StmtPtr parseFilterBlock(const Token& at) {
        auto s = node<Stmt>(at);
        s->kind = StmtKind::FilterBlock;
        do {
            s->filters.push_back(parseFilterCall(nullptr));
        } while (skipOp("|"));
        expectBlockEnd();
        std::string end;
        s->body = parseBody({"endfilter"}, end);
        expectBlockEnd();
        return s;
    }

    StmtPtr parseWith(const Token& at) {
        auto s = node<Stmt>(at);
        s->kind = StmtKind::With;
        while (current().kind != TokenKind::BlockEnd) {
            if (!s->assignments.empty()) expectOp(",");
            std::string name = expectName();
            expectOp("=");
            s->assignments.emplace_back(std::move(name), parseExpression(true));
        }
        expectBlockEnd();
        std::string end;
        s->body = parseBody({"endwith"}, end);
        expectBlockEnd();
        return s;
    }

    // Expressions, lowest precedence first (Jinja2's parser.py order).
    ExprPtr parseTuple(bool withCondexpr, bool allowImplicitTuple, bool explicitParens = false) {
        const Token& at = current();
        std::vector<ExprPtr> items;
        bool sawComma = false;
        while (true) {
            if (!items.empty()) {
                if (!skipOp(",")) break;
                sawComma = true;
                if (!allowImplicitTuple && !explicitParens) error(current(), "unexpected ','");
            }
            if (isTupleEnd()) break;
            items.push_back(withCondexpr ? parseExpression(true) : parseOr());
        }
        if (!sawComma) {
            if (items.empty()) {
                if (!explicitParens) error(current(), "expected an expression, found " + describe(current()));
            } else {
                return std::move(items.front());
            }
        }
        auto tuple = exprNode(ExprKind::Tuple, at);
        tuple->children = std::move(items);
        return tuple;
    }

    bool isTupleEnd() const {
        const Token& t = current();
        if (t.kind == TokenKind::VariableEnd || t.kind == TokenKind::BlockEnd || t.kind == TokenKind::End) return true;
        if (t.kind == TokenKind::Operator && t.text == ")") return true;
        return t.kind == TokenKind::Name && (t.text == "if" || t.text == "recursive" || t.text == "in");
    }

    ExprPtr parseExpression(bool withCondexpr) {
        DepthGuard guard(*this);
        if (!withCondexpr) return parseOr();
        ExprPtr value = parseOr();
        while (isName("if")) {
            const Token& at = next();
            auto cond = exprNode(ExprKind::Conditional, at);
            ExprPtr test = parseOr();
            ExprPtr otherwise = skipName("else") ? parseExpression(true) : nullptr;
            cond->children.push_back(std::move(test));
            cond->children.push_back(std::move(value));
            cond->children.push_back(std::move(otherwise));
            value = std::move(cond);
        }
        return value;
    }

    ExprPtr binary(ExprKind kind, const Token& at, ExprPtr left, ExprPtr right, std::string op = {}) {
        auto n = exprNode(kind, at);
        n->name = std::move(op);
        n->children.push_back(std::move(left));
        n->children.push_back(std::move(right));
        return n;
    }

    ExprPtr parseOr() {
        ExprPtr left = parseAnd();
        while (isName("or")) {
            const Token& at = next();
            left = binary(ExprKind::Or, at, std::move(left), parseAnd());
        }
        return left;
    }

    ExprPtr parseAnd() {
        ExprPtr left = parseNot();
        while (isName("and")) {
            const Token& at = next();
            left = binary(ExprKind::And, at, std::move(left), parseNot());
        }
        return left;
    }

    ExprPtr parseNot() {
        if (isName("not")) {
            DepthGuard guard(*this);
            const Token& at = next();
            auto n = exprNode(ExprKind::Not, at);
            n->children.push_back(parseNot());
            return n;
        }
        return parseCompare();
    }

    ExprPtr parseCompare() {
        const Token& at = current();
        ExprPtr first = parseMath1();
        ExprPtr cmp;
        while (true) {
            std::string op;
            const Token& t = current();
            if (t.kind == TokenKind::Operator &&
                (t.text == "==" || t.text == "!=" || t.text == "<" || t.text == "<=" || t.text == ">" || t.text == ">=")) {
                op = next().text;
            } else if (isName("in")) {
                next();
                op = "in";
            } else if (isName("not") && peek().kind == TokenKind::Name && peek().text == "in") {
                next();
                next();
                op = "not in";
            } else {
                break;
            }
            if (!cmp) {
                cmp = exprNode(ExprKind::Compare, at);
                cmp->children.push_back(std::move(first));
            }
            cmp->ops.push_back(op);
            cmp->children.push_back(parseMath1());
        }
        return cmp ? std::move(cmp) : std::move(first);
    }

    ExprPtr parseMath1() {
        ExprPtr left = parseConcat();
        while (isOp("+") || isOp("-")) {
            const Token& at = next();
            left = binary(ExprKind::Binary, at, std::move(left), parseConcat(), at.text);
        }
        return left;
    }

    ExprPtr parseConcat() {
        ExprPtr left = parseMath2();
        while (isOp("~")) {
            const Token& at = next();
            left = binary(ExprKind::Binary, at, std::move(left), parseMath2(), "~");
        }
        return left;
    }

    ExprPtr parseMath2() {
        ExprPtr left = parsePow();
        while (isOp("*") || isOp("/") || isOp("//") || isOp("%")) {
            const Token& at = next();
            left = binary(ExprKind::Binary, at, std::move(left), parsePow(), at.text);
        }
        return left;
    }

    ExprPtr parsePow() {
        ExprPtr left = parseUnary(true);
        while (isOp("**")) {
            const Token& at = next();
            left = binary(ExprKind::Binary, at, std::move(left), parseUnary(true), "**");
        }
        return left;
    }

    ExprPtr parseUnary(bool withFilter) {
        DepthGuard guard(*this);
        ExprPtr n;
        if (isOp("-") || isOp("+")) {
            const Token& at = next();
            n = exprNode(at.text == "-" ? ExprKind::Negative : ExprKind::Positive, at);
            n->children.push_back(parseUnary(false));
        } else {
            n = parsePostfix(parsePrimary());
        }
        return withFilter ? parseFilterExpr(std::move(n)) : std::move(n);
    }

    ExprPtr parsePrimary() {
        const Token& t = current();
        switch (t.kind) {
            case TokenKind::Name: {
                next();
                if (t.text == "true" || t.text == "True") return literal(t, Value(true));
                if (t.text == "false" || t.text == "False") return literal(t, Value(false));
                if (t.text == "none" || t.text == "None") return literal(t, Value(nullptr));
                auto n = exprNode(ExprKind::Name, t);
                n->name = t.text;
                return n;
            }
            case TokenKind::String: {
                std::string text = next().text;
                while (current().kind == TokenKind::String) text += next().text;  // adjacent literals join
                return literal(t, Value(std::move(text)));
            }
            case TokenKind::Integer: next(); return literal(t, Value(t.intValue));
            case TokenKind::Float: next(); return literal(t, Value(t.floatValue));
            case TokenKind::Operator:
                if (t.text == "(") {
                    next();
                    ExprPtr inner = parseTuple(true, true, true);
                    expectOp(")");
                    return inner;
                }
                if (t.text == "[") {
                    next();
                    auto n = exprNode(ExprKind::List, t);
                    while (!isOp("]")) {
                        if (!n->children.empty()) expectOp(",");
                        if (isOp("]")) break;
                        n->children.push_back(parseExpression(true));
                    }
                    expectOp("]");
                    return n;
                }
                if (t.text == "{") {
                    next();
                    auto n = exprNode(ExprKind::Dict, t);
                    while (!isOp("}")) {
                        if (!n->children.empty()) expectOp(",");
                        if (isOp("}")) break;
                        n->children.push_back(parseExpression(true));
                        expectOp(":");
                        n->children.push_back(parseExpression(true));
                    }
                    expectOp("}");
                    return n;
                }
                break;
            default: break;
        }
        error(t, "unexpected " + describe(t) + " in an expression");
    }

    static ExprPtr literal(const Token& at, Value v) {
        auto n = exprNode(ExprKind::Literal, at);
        n->literal = std::move(v);
        return n;
    }

    ExprPtr parsePostfix(ExprPtr n) {
        while (true) {
            if (isOp(".")) {
                const Token& at = next();
                if (current().kind == TokenKind::Integer) {
                    auto item = exprNode(ExprKind::GetItem, at);
                    item->children.push_back(std::move(n));
                    item->children.push_back(literal(current(), Value(current().intValue)));
                    next();
                    n = std::move(item);
                    continue;
                }
                auto attr = exprNode(ExprKind::GetAttr, at);
                attr->name = expectName();
                attr->children.push_back(std::move(n));
                n = std::move(attr);
            } else if (isOp("[")) {
                n = parseSubscript(std::move(n));
            } else if (isOp("(")) {
                n = parseCall(std::move(n));
            } else {
                return n;
            }
        }
    }

    ExprPtr parseSubscript(ExprPtr object) {
        const Token& at = next();
        ExprPtr parts[3];
        int part = 0;
        bool isSlice = false;
        while (!isOp("]")) {
            if (isOp(":")) {
                next();
                isSlice = true;
                if (++part > 2) error(at, "a slice takes at most three parts");
                continue;
            }
            if (parts[part]) error(current(), "expected ':' or ']' in the subscript, found " + describe(current()));
            parts[part] = parseExpression(true);
        }
        next();
        if (!isSlice) {
            if (!parts[0]) error(at, "empty subscript");
            auto n = exprNode(ExprKind::GetItem, at);
            n->children.push_back(std::move(object));
            n->children.push_back(std::move(parts[0]));
            return n;
        }
        auto n = exprNode(ExprKind::Slice, at);
        n->children.push_back(std::move(object));
        for (auto& p : parts) n->children.push_back(std::move(p));
        return n;
    }

    void parseArguments(Expr& n) {
        expectOp("(");
        bool first = true;
        while (!isOp(")")) {
            if (!first) expectOp(",");
            first = false;
            if (isOp(")")) break;
            if (isOp("*") || isOp("**")) error(current(), "*args and **kwargs in calls are not supported");
            if (current().kind == TokenKind::Name && peek().kind == TokenKind::Operator && peek().text == "=") {
                std::string key = next().text;
                next();
                n.kwargs.emplace_back(std::move(key), parseExpression(true));
            } else {
                if (!n.kwargs.empty()) error(current(), "a positional argument follows a keyword argument");
                n.children.push_back(parseExpression(true));
            }
        }
        next();
    }

    ExprPtr parseCall(ExprPtr callee) {
        auto n = exprNode(ExprKind::Call, current());
        n->line = callee->line;  // a failing call is reported where the callee is named
        n->column = callee->column;
        n->children.push_back(std::move(callee));
        parseArguments(*n);
        return n;
    }

    ExprPtr parseFilterCall(ExprPtr input) {
        const Token& at = current();
        auto n = exprNode(ExprKind::Filter, at);
        n->name = expectName();
        while (isOp(".")) {
            next();
            n->name += "." + expectName();
        }
        n->children.push_back(std::move(input));
        if (isOp("(")) parseArguments(*n);
        return n;
    }

    ExprPtr parseFilterExpr(ExprPtr n) {
        while (true) {
            if (isOp("|")) {
                next();
                n = parseFilterCall(std::move(n));
            } else if (isName("is")) {
                const Token& at = next();
                auto test = exprNode(ExprKind::Test, at);
                test->negated = skipName("not");
                test->name = expectName();
                test->children.push_back(std::move(n));
                const Token& t = current();
                const bool argStarts = t.kind == TokenKind::Name || t.kind == TokenKind::String ||
                                       t.kind == TokenKind::Integer || t.kind == TokenKind::Float ||
                                       (t.kind == TokenKind::Operator && (t.text == "(" || t.text == "[" || t.text == "{"));
                if (argStarts && !(t.kind == TokenKind::Name && (t.text == "else" || t.text == "or" || t.text == "and"))) {
                    if (isOp("(")) parseArguments(*test);
                    else test->children.push_back(parsePostfix(parsePrimary()));
                }
                n = std::move(test);
            } else if (isOp("(")) {
                n = parseCall(std::move(n));
            } else {
                return n;
            }
        }
    }

    const std::vector<Token>& m_tokens;
    size_t m_pos = 0;
    int m_depth = 0;
    int m_maxDepth;
};

}  // namespace

Body parseTemplate(const std::vector<Token>& tokens, int maxDepth) { return Parser(tokens, maxDepth).parseAll(); }

}  // namespace confidant::inference::jinja
