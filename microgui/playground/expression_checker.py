"""The whitelist of the playground's expression language, checked on the ``ast``.

Everything here only reads text and syntax trees; nothing is evaluated.
``parse_checked`` returns a tree that contains nothing but numbers, names,
``+ - * / **``, unary minus, the engine functions and ``Value(number)``,
and a Checker that lists the inputs; anything else raises ExpressionError
pointing at the offending part.
"""

from __future__ import annotations

import ast

__all__ = [
    "BINARY_OPS",
    "CONSTRUCTOR",
    "FUNCTIONS",
    "MAX_CHARS",
    "MAX_NESTING",
    "MAX_TREE_DEPTH",
    "Checker",
    "ExpressionError",
    "numeric_literal",
    "parse_checked",
]

MAX_CHARS = 2000
MAX_NESTING = 50  # brackets inside brackets
MAX_TREE_DEPTH = 200  # AST depth, e.g. a long chain of unary minus signs
FUNCTIONS = ("relu", "tanh", "sigmoid", "exp", "log")
CONSTRUCTOR = "Value"
BINARY_OPS: dict[type, str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
}
_UNSUPPORTED_SYMBOLS: dict[type, str] = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitAnd: "&",
    ast.BitXor: "^",
}
_FORBIDDEN_NODE_NAMES: dict[type, str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "indexing (x[...])",
    ast.Lambda: "lambda",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.Compare: "comparisons",
    ast.BoolOp: "and/or",
    ast.IfExp: "if-expressions",
    ast.List: "lists",
    ast.Tuple: "tuples",
    ast.Dict: "dicts",
    ast.Set: "sets",
    ast.JoinedStr: "f-strings",
    ast.NamedExpr: "the walrus operator :=",
    ast.Starred: "star-unpacking",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
}
_HINT = (
    "allowed: numbers, names, + - * / **, unary -, "
    "relu/tanh/sigmoid/exp/log as f(x) or x.f(), Value(number)"
)


class ExpressionError(ValueError):
    """The text is not a valid playground expression; says what and where.

    ``line`` and ``column`` are 1-based; ``segment`` is the offending text.
    """

    def __init__(self, message: str, line: int = 1, column: int = 1, segment: str = "") -> None:
        self.message = message
        self.line = line
        self.column = column
        self.segment = segment
        where = f"line {line}, column {column}"
        shown = f": `{segment}`" if segment else ""
        super().__init__(f"{where}{shown}: {message}")


def _error_at(node: ast.AST, source: str, message: str) -> ExpressionError:
    segment = ast.get_source_segment(source, node) or ""
    if len(segment) > 40:
        segment = segment[:37] + "..."
    return ExpressionError(
        message, getattr(node, "lineno", 1), getattr(node, "col_offset", 0) + 1, segment
    )


def _position(text: str, index: int) -> tuple[int, int]:
    """(line, column), both 1-based, of character ``index`` of ``text``."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _check_size(text: str) -> None:
    if len(text) > MAX_CHARS:
        line, column = _position(text, MAX_CHARS)
        raise ExpressionError(
            f"the text is too long ({len(text)} characters; the limit is {MAX_CHARS}): shorten it",
            line,
            column,
            text[MAX_CHARS : MAX_CHARS + 20],
        )
    depth = 0
    for index, ch in enumerate(text):
        if ch in "([{":
            depth += 1
            if depth > MAX_NESTING:
                line, column = _position(text, index)
                raise ExpressionError(
                    f"brackets are nested more than {MAX_NESTING} deep: simplify the expression",
                    line,
                    column,
                    text[index : index + 20],
                )
        elif ch in ")]}":
            depth = max(0, depth - 1)


def _parse_tree(text: str) -> ast.Module:
    _check_size(text)
    if not text.strip():
        raise ExpressionError("the expression is empty: type one, e.g. (a*b + b**3).relu()")
    try:
        tree = ast.parse(text, mode="exec")
    except SyntaxError as exc:
        line = exc.lineno or 1
        column = exc.offset or 1
        lines = text.splitlines() or [""]
        source_line = lines[min(line, len(lines)) - 1]
        segment = source_line[max(0, column - 1) : column + 19].strip()
        raise ExpressionError(f"syntax error: {exc.msg}", line, column, segment) from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise ExpressionError(f"cannot parse the text: {exc}") from None
    _check_tree_depth(tree, text)
    return tree


def _check_tree_depth(tree: ast.AST, source: str) -> None:
    """Reject trees deeper than MAX_TREE_DEPTH (iteratively, so no recursion limit)."""
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_TREE_DEPTH:
            raise _error_at(
                node, source, f"the expression is nested more than {MAX_TREE_DEPTH} levels deep"
            )
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def numeric_literal(node: ast.expr) -> float | None:
    """The number if ``node`` is ``3``, ``-4.0``, ``+2`` or ``Value(-4.0)``, else None."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == CONSTRUCTOR
        and len(node.args) == 1
        and not node.keywords
    ):
        node = node.args[0]
    sign = 1.0
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = -sign if isinstance(node.op, ast.USub) else sign
        node = node.operand
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, (int, float))
        and not isinstance(node.value, bool)
    ):
        return sign * float(node.value)
    return None


class Checker:
    """Walks the statements once, rejecting anything outside the whitelist.

    Records the inputs in order of first appearance: names assigned a number
    (with that number as default) and names used before any assignment
    (default None).
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.inputs: dict[str, float | None] = {}
        self.bound: set[str] = set()
        self.declarations: set[int] = set()  # indices of `name = number` input statements

    def fail(self, node: ast.AST, message: str) -> ExpressionError:
        return _error_at(node, self.source, message)

    def fail_attribute(self, node: ast.Attribute, message: str) -> ExpressionError:
        """An error pointing at the ``.name`` part of ``x.name`` (not at x)."""
        column = (node.end_col_offset or 0) - len(node.attr)  # 1-based column of the dot
        methods = ", ".join(f".{f}()" for f in FUNCTIONS)
        return ExpressionError(
            f"{message}; the only methods are {methods}",
            node.end_lineno or node.lineno,
            max(1, column),
            "." + node.attr,
        )

    def check_module(self, tree: ast.Module) -> None:
        for position, stmt in enumerate(tree.body):
            is_last = position == len(tree.body) - 1
            if isinstance(stmt, ast.Assign):
                if len(stmt.targets) != 1:
                    raise self.fail(stmt, "assign one name at a time (a = ...)")
                target = self.check_target(stmt.targets[0])
                literal = numeric_literal(stmt.value)
                if literal is not None and target not in self.bound and target not in self.inputs:
                    self.inputs[target] = literal
                    self.declarations.add(position)
                else:
                    self.check_expr(stmt.value)
                self.bound.add(target)
            elif isinstance(stmt, ast.AugAssign):
                target = self.check_target(stmt.target)
                if type(stmt.op) not in BINARY_OPS:
                    raise self.fail(stmt, "only += -= *= /= **= are supported")
                self.use_name(stmt.target, target)
                self.check_expr(stmt.value)
            elif isinstance(stmt, ast.Expr):
                if not is_last:
                    raise self.fail(stmt, "this line's value is never used: assign it (name = ...)")
                self.check_expr(stmt.value)
            elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
                raise self.fail(stmt, "imports are not allowed")
            else:
                raise self.fail(
                    stmt,
                    f"{type(stmt).__name__} statements are not allowed; "
                    "use `name = expr`, `name += expr` or a final expression",
                )

    def check_target(self, target: ast.expr) -> str:
        if not isinstance(target, ast.Name):
            raise self.fail(target, "only a plain name can be assigned (a = ...)")
        self.check_name_spelling(target)
        if target.id in FUNCTIONS or target.id == CONSTRUCTOR:
            raise self.fail(target, f"'{target.id}' is a function name; pick another name")
        return target.id

    def check_name_spelling(self, node: ast.Name) -> None:
        if node.id.startswith("_"):
            raise self.fail(node, "names starting with '_' are not allowed")

    def use_name(self, node: ast.Name, name: str) -> None:
        if name not in self.bound and name not in self.inputs:
            self.inputs[name] = None

    def check_expr(self, node: ast.expr) -> None:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                kind = "strings" if isinstance(node.value, (str, bytes)) else "this constant"
                raise self.fail(node, f"{kind} are not allowed; {_HINT}")
        elif isinstance(node, ast.Name):
            self.check_name_spelling(node)
            if node.id in FUNCTIONS or node.id == CONSTRUCTOR:
                raise self.fail(node, f"'{node.id}' is a function: call it, e.g. {node.id}(x)")
            self.use_name(node, node.id)
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in BINARY_OPS:
                symbol = _UNSUPPORTED_SYMBOLS.get(type(node.op), type(node.op).__name__)
                raise self.fail(node, f"the operator {symbol} is not supported; {_HINT}")
            self.check_expr(node.left)
            self.check_expr(node.right)
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, (ast.USub, ast.UAdd)):
                raise self.fail(node, f"this unary operator is not supported; {_HINT}")
            self.check_expr(node.operand)
        elif isinstance(node, ast.Call):
            self.check_call(node)
        elif isinstance(node, ast.Attribute):
            raise self.fail_attribute(node, f"attribute access '.{node.attr}' is not allowed")
        else:
            what = _FORBIDDEN_NODE_NAMES.get(type(node), type(node).__name__)
            raise self.fail(node, f"not allowed: {what}; {_HINT}")

    def check_call(self, node: ast.Call) -> None:
        func = node.func
        if node.keywords:
            raise self.fail(node.keywords[0], "keyword arguments are not allowed")
        if isinstance(func, ast.Name):
            if func.id == CONSTRUCTOR:
                if len(node.args) != 1 or numeric_literal(node.args[0]) is None:
                    raise self.fail(node, "Value(...) takes exactly one number, e.g. Value(2.0)")
                return
            if func.id not in FUNCTIONS:
                raise self.fail(
                    func, f"calling '{func.id}' is not allowed; allowed: {', '.join(FUNCTIONS)}"
                )
            if len(node.args) != 1:
                raise self.fail(node, f"{func.id}() takes exactly one argument")
            self.check_expr(node.args[0])
        elif isinstance(func, ast.Attribute):
            if func.attr not in FUNCTIONS:
                raise self.fail_attribute(func, f"method '.{func.attr}()' is not allowed")
            if node.args:
                raise self.fail(node, f".{func.attr}() takes no arguments")
            self.check_expr(func.value)
        else:
            raise self.fail(func, f"only named functions can be called; {_HINT}")


def parse_checked(text: str) -> tuple[ast.Module, Checker]:
    """Parse and check ``text``; the tree and the Checker that lists its inputs."""
    tree = _parse_tree(text)
    checker = Checker(text)
    checker.check_module(tree)
    return tree, checker
