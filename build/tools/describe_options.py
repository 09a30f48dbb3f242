#!/usr/bin/env python3
"""Adds [Description("…")] from each options property's <summary> doc comment (the configuration reference reads it).

Usage: describe_options.py FILE.cs … — only classes whose name ends in Options are touched; idempotent."""
import re, sys

def process(path):
    lines = open(path, encoding='utf-8').read().split('\n')
    out, i, in_options, changed = [], 0, False, False
    while i < len(lines):
        line = lines[i]
        m = re.match(r'\s*(public|internal)\s+(sealed\s+)?class\s+(\w+)', line)
        if m:
            in_options = m.group(3).endswith('Options')
        s = line.strip()
        if in_options and s.startswith('/// <summary>'):
            block = [line]
            while '</summary>' not in lines[i]:
                i += 1
                block.append(lines[i])
            text = ' '.join(l.strip().lstrip('/').strip() for l in block)
            text = re.sub(r'</?summary>', '', text).strip()
            text = re.sub(r'<see cref="([^"]+)"\s*/>', lambda mm: mm.group(1).split('.')[-1], text)
            text = re.sub(r'<c>(.*?)</c>', r'\1', text)
            text = re.sub(r'<[^>]+>', '', text).replace('&lt;', '<').replace('&gt;', '>').replace('&amp;', '&')
            out.extend(block)
            j = i + 1
            attrs = []
            while j < len(lines) and lines[j].strip().startswith('['):
                attrs.append(lines[j]); j += 1
            prop = lines[j] if j < len(lines) else ''
            is_property = re.match(r'\s*public\s+[^(]*\{\s*get;', prop) is not None
            if is_property and not any('[Description(' in a for a in attrs):
                indent = re.match(r'\s*', prop).group(0)
                text = text.replace('\\', '\\\\').replace('"', '\\"')
                out.append(f'{indent}[Description("{text}")]')
                changed = True
            out.extend(attrs)
            i = j
            continue
        out.append(line)
        i += 1
    if changed:
        src = '\n'.join(out)
        if 'using System.ComponentModel;' not in src:
            src = 'using System.ComponentModel;\n' + src
        open(path, 'w', encoding='utf-8').write(src)
    return changed

for f in sys.argv[1:]:
    print(f, 'changed' if process(f) else 'unchanged')
