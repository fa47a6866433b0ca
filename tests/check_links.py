#!/usr/bin/env python3
"""Every relative link in README.md and docs/*.md resolves: the file exists,
and a #anchor names a heading of that file (GitHub's slugs); and every docs
page is linked from the README. No root, no network; run by `make unit`.
Exit 1 naming each broken link or unlinked page."""
import glob
import os
import re
import sys

os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))


def slug(heading):
    h = re.sub(r'[^\w\- ]', '', heading.strip().lower())
    return h.replace(' ', '-')


def anchors(path):
    out, fence = set(), False
    with open(path, encoding='utf-8') as f:
        for line in f:
            if line.startswith('```'):
                fence = not fence
            m = re.match(r'^#+ (.*)', line)
            if m and not fence:
                out.add(slug(m.group(1)))
    return out


bad = 0
files = ['README.md'] + sorted(glob.glob('docs/*.md'))
for md in files:
    with open(md, encoding='utf-8') as f:
        text = re.sub(r'```.*?```', '', f.read(), flags=re.S)
    for m in re.finditer(r'\]\(([^)\s]+)\)', text):
        target = m.group(1)
        if re.match(r'[a-z]+:', target):
            continue            # http:, https:, mailto:
        path, _, anchor = target.partition('#')
        dest = os.path.normpath(os.path.join(os.path.dirname(md), path)) if path else md
        if not os.path.exists(dest):
            print(f'check_links: {md}: {target}: no such file')
            bad += 1
        elif anchor and dest.endswith('.md') and anchor not in anchors(dest):
            print(f'check_links: {md}: {target}: no such heading in {dest}')
            bad += 1
# Every docs page is reachable from the README.
with open('README.md', encoding='utf-8') as f:
    readme = f.read()
for page in files[1:]:
    if f']({page})' not in readme:
        print(f'check_links: {page} is not linked from README.md (add it to the docs index)')
        bad += 1
if bad:
    sys.exit(1)
print(f'check_links: every link of {len(files)} files resolves')
