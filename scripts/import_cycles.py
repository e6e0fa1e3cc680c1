#!/usr/bin/env python3
"""Lists import cycles between the source files of each crate: a file uses
another when it names `crate::module` (or `super::`/`self::` resolving to a
sibling file). Exits 1 when any cycle is found."""
import os, re, sys
from collections import defaultdict

def modules(src):
    files = {}
    for dirpath, _, names in os.walk(src):
        for n in names:
            if n.endswith('.rs'):
                p = os.path.join(dirpath, n)
                rel = os.path.relpath(p, src)[:-3].replace(os.sep, '::')
                if rel in ('lib', 'main'):
                    mod = 'crate'
                elif rel.endswith('::mod'):
                    mod = 'crate::' + rel[:-5]
                else:
                    mod = 'crate::' + rel
                files[mod] = p
    return files

def strip_tests(text):
    i = text.find('#[cfg(test)]')
    return text if i < 0 else text[:i]

def deps(mod, text, files):
    out = set()
    parent = mod.rsplit('::', 1)[0] if mod != 'crate' else 'crate'
    text = re.sub(r'//[^\n]*', '', strip_tests(text))
    paths = re.findall(r'\b((?:crate|super|self)(?:::[A-Za-z_][A-Za-z0-9_]*)+)', text)
    # use crate::{a, b::c}
    for m in re.finditer(r'\b(crate|super|self)::\{([^}]*)\}', text):
        for item in m.group(2).split(','):
            item = item.strip().split(' ')[0]
            if item:
                paths.append(m.group(1) + '::' + item)
    # Child modules named without a prefix (`extract::Extracted`).
    for child in re.findall(r'^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+([a-z_][a-z0-9_]*)\s*;', text, re.M):
        for m in re.finditer(r'(?<![:\w])' + child + r'::', text):
            paths.append('self::' + child)
    for p in paths:
        parts = p.split('::')
        if parts[0] == 'super':
            base = parent.split('::')
            parts = base + parts[1:]
        elif parts[0] == 'self':
            parts = mod.split('::') + parts[1:]
        # longest prefix that is a file module
        for k in range(len(parts), 0, -1):
            cand = '::'.join(parts[:k])
            if cand in files:
                if cand != mod and cand != 'crate':
                    out.add(cand)
                break
    return out

def cycles(graph):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]
    def strong(v):
        index[v] = low[v] = counter[0]; counter[0] += 1
        stack.append(v); on.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v: break
            if len(comp) > 1: out.append(sorted(comp))
    sys.setrecursionlimit(10000)
    for v in list(graph):
        if v not in index: strong(v)
    return out

found = False
root = sys.argv[1] if len(sys.argv) > 1 else '.'
for dirpath, dirnames, names in os.walk(root):
    dirnames[:] = [d for d in dirnames if d not in ('target', '.git', 'node_modules')]
    if 'Cargo.toml' in names and os.path.isdir(os.path.join(dirpath, 'src')):
        files = modules(os.path.join(dirpath, 'src'))
        graph = defaultdict(set)
        for mod, p in files.items():
            graph[mod] |= deps(mod, open(p, encoding='utf-8').read(), files)
        for c in cycles(graph):
            found = True
            print(f"{os.path.relpath(dirpath, root)}: {' <-> '.join(c)}")
sys.exit(1 if found else 0)
