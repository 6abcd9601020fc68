"The package's floors, as CONTRIBUTING.md lists them, against the imports that the modules really make."
import ast, re
import pytest

BACKENDS = ('keras', 'tensorflow', 'jax', 'torch')
JOBS = 6  # the floor of the jobs: a job never imports another job

def floors(repo_root) -> dict:
    "Module -> (floor, position within the floor), read from the floor table of CONTRIBUTING.md."
    table = {}
    for line in (repo_root/'CONTRIBUTING.md').read_text().splitlines():
        row = re.match(r'\|\s*(\d)\s[^|]*\|([^|]*)\|', line)
        if row:
            for position, module in enumerate(re.findall(r'`(\w+)`', row.group(2))): table[module] = (int(row.group(1)), position)
    return table

def package_imports(path) -> list:
    "`(module, line, top_level)` of every import of another module of the package in the file at `path`."
    tree = ast.parse(path.read_text())
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            names = [node.module] if node.module else [alias.name for alias in node.names]
            found += [(name, node.lineno, id(node) in top_level) for name in names]
        elif isinstance(node, ast.ImportFrom) and (node.module or '').startswith('lc_transformer'):
            found.append((node.module.partition('.')[2] or 'lc_transformer', node.lineno, id(node) in top_level))
        elif isinstance(node, ast.Import):
            found += [(alias.name.partition('.')[2] or 'lc_transformer', node.lineno, id(node) in top_level)
                      for alias in node.names if alias.name.split('.')[0] == 'lc_transformer']
    return found

def backend_imports(path) -> list:
    "The deep-learning backends that the module at `path` imports at module level."
    tree = ast.parse(path.read_text())
    names = [alias.name for node in tree.body if isinstance(node, ast.Import) for alias in node.names]
    names += [node.module for node in tree.body if isinstance(node, ast.ImportFrom) and node.module]
    return sorted({n.split('.')[0] for n in names if n.split('.')[0] in BACKENDS})

def modules(repo_root) -> list:
    return sorted(p for p in (repo_root/'lc_transformer').glob('*.py') if not p.name.startswith('_'))

def test_contributing_lists_every_module_once_on_six_floors_at_most(repo_root):
    table = floors(repo_root)
    assert sorted(table) == sorted(p.stem for p in modules(repo_root))
    assert {floor for floor, _ in table.values()} <= set(range(1, 7))

def test_no_import_goes_up_a_floor_or_to_the_package_root(repo_root):
    "Within a floor, a module imports only those listed before it (no circle); a job imports no other job."
    table, wrong = floors(repo_root), []
    for path in modules(repo_root):
        for imported, line, _ in package_imports(path):
            if imported == 'lc_transformer': wrong.append(f"{path.name}:{line} imports the package root")
            elif table[imported] >= table[path.stem] or table[imported][0] == table[path.stem][0] == JOBS:
                wrong.append(f"{path.name}:{line} (floor {table[path.stem]}) imports {imported} (floor {table[imported]})")
    assert not wrong, '\n'.join(wrong)

def test_the_floors_every_backend_shares_import_no_backend(repo_root):
    table = floors(repo_root)
    wrong = {p.name: backend_imports(p) for p in modules(repo_root) if table[p.stem][0] <= 2 and backend_imports(p)}
    assert not wrong, wrong

@pytest.mark.parametrize('source, expected', [
    ('from .data import LightCurves', [('data', 1, True)]),
    ('from . import metrics', [('metrics', 1, True)]),
    ('import lc_transformer', [('lc_transformer', 1, True)]),
    ('from lc_transformer.config import Config', [('config', 1, True)]),
    ('def f():\n    from .train import run_data', [('train', 2, False)]),
])
def test_package_imports_reads_every_form(tmp_path, source, expected):
    (tmp_path/'module.py').write_text(source)
    assert package_imports(tmp_path/'module.py') == expected

def test_a_wrong_import_is_caught(repo_root, tmp_path):
    "The check itself: a floor-1 module that imports a model module, and one that imports the package root, both fail it."
    table = floors(repo_root)
    (tmp_path/'data.py').write_text('from .transformer import TransformerEncoder\nimport lc_transformer\n')
    imports = package_imports(tmp_path/'data.py')
    assert [i for i, _, _ in imports if i == 'lc_transformer' or table[i] >= table['data']] == ['transformer', 'lc_transformer']

def plotting_imports(path) -> list:
    "The plotting libraries that the module at `path` imports."
    tree = ast.parse(path.read_text())
    names = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    names += [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module]
    return sorted({n.split('.')[0] for n in names if n.split('.')[0] in ('matplotlib', 'seaborn')})

def test_prediction_reaches_no_plotting_module(repo_root):
    "`lc_predict` reaches, through the package's imports, no module that imports matplotlib or seaborn."
    paths = {p.stem: p for p in modules(repo_root)}
    reached, todo = set(), ['predict']
    while todo:
        name = todo.pop()
        if name in reached: continue
        reached.add(name)
        todo += [imported for imported, _, _ in package_imports(paths[name]) if imported in paths]
    assert {name: plotting_imports(paths[name]) for name in reached if plotting_imports(paths[name])} == {}
