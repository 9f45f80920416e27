"""An import-linter contract the tool lacks: no import cycle between any two modules of a package.

import-linter's ``acyclic_siblings`` compares whole packages, and a feature's views may import the
web shell while the shell's home screens import the feature's operations; what must never happen
is a module that, through its imports, imports itself.
"""

import grimp
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


class AcyclicModulesContract(Contract):
    type_name = "acyclic_modules"

    package = fields.StringField()

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        package = str(self.package)
        modules = sorted(m for m in graph.modules if m == package or m.startswith(package + "."))
        cycles = [sorted(component) for component in _strongly_connected(graph, modules) if len(component) > 1]
        return ContractCheck(kept=not cycles, metadata={"cycles": cycles})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for cycle in check.metadata["cycles"]:
            output.print_error("These modules import each other in a cycle: " + ", ".join(cycle))
            output.new_line()


def _strongly_connected(graph: grimp.ImportGraph, modules: list[str]) -> list[set[str]]:
    """Tarjan's algorithm, iteratively, over the imports among ``modules``."""
    inside = set(modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & inside) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    for root in modules:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            for offset, successor in enumerate(edges[node][position:], start=position):
                if successor not in index:
                    work.append((node, offset + 1))
                    work.append((successor, 0))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    components.append(component)
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
    return components
