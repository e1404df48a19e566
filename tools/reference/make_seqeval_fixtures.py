"""Golden entity metrics from Python seqeval, for test/unit/metrics.

Reads WNUT-17 dev gold tags, derives seeded corrupted predictions (label swaps, boundary shifts, I- without
B-, dropped and spurious entities, random tags), converts both to IOBES as well, and writes seqeval's
classification_report(output_dict=True) for the default mode and the strict mode of the scheme.
Tags are stored compactly: one string per sentence, one character (base 36) per token, indexing `tagset`.

Run from the repository root with the reference venv:
  ~/.cache/pasta-studio/reference-venv/bin/python tools/reference/make_seqeval_fixtures.py
"""
import argparse
import json
import math
import random
import warnings
from pathlib import Path

from seqeval.metrics import classification_report
from seqeval.scheme import BILOU, IOB1, IOB2, IOBES, IOE1, IOE2

DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz'


def read_conll_tags(path):
    sentences, current = [], []
    for line in Path(path).read_text(encoding='utf-8').splitlines():
        if not line.strip():
            if current:
                sentences.append(current)
                current = []
            continue
        current.append(line.split('\t')[-1])
    if current:
        sentences.append(current)
    return sentences


def spans_of(tags):
    """Entities of a valid IOB2 sequence as (start, end_exclusive, label)."""
    spans, start, label = [], None, None
    for i, tag in enumerate(tags + ['O']):
        if start is not None and not (tag.startswith('I-') and tag[2:] == label):
            spans.append((start, i, label))
            start = None
        if tag.startswith('B-'):
            start, label = i, tag[2:]
    return spans


def tags_of(n, spans):
    tags = ['O'] * n
    for start, end, label in spans:
        tags[start] = 'B-' + label
        for i in range(start + 1, end):
            tags[i] = 'I-' + label
    return tags


def to_iobes(tags):
    out = list(tags)
    for start, end, label in spans_of(tags):
        if end - start == 1:
            out[start] = 'S-' + label
        else:
            out[start] = 'B-' + label
            for i in range(start + 1, end - 1):
                out[i] = 'I-' + label
            out[end - 1] = 'E-' + label
    return out


def free(occupied, start, end, n):
    return 0 <= start < end <= n and not any(occupied[start:end])


def swap_labels(gold, labels, rng, p=0.3):
    pred = []
    for tags in gold:
        spans = [(s, e, rng.choice([l for l in labels if l != lab]) if rng.random() < p else lab) for s, e, lab in spans_of(tags)]
        pred.append(tags_of(len(tags), spans))
    return pred


def shift_boundaries(gold, labels, rng, p=0.4):
    pred = []
    for tags in gold:
        n, spans = len(tags), spans_of(tags)
        out = []
        for k, (s, e, lab) in enumerate(spans):
            if rng.random() < p:
                ns, ne = s + rng.choice([-1, 0, 1]), e + rng.choice([-1, 0, 1])
                lo = out[-1][1] if out else 0
                hi = spans[k + 1][0] if k + 1 < len(spans) else n
                if lo <= ns < ne <= hi:
                    s, e = ns, ne
            out.append((s, e, lab))
        pred.append(tags_of(n, out))
    return pred


def begin_as_inside(gold, labels, rng, p=0.35):
    pred = []
    for tags in gold:
        out = list(tags)
        for s, e, lab in spans_of(tags):
            if rng.random() < p:
                out[s] = 'I-' + lab
        pred.append(out)
    return pred


def drop_entities(gold, labels, rng, p=0.4):
    return [tags_of(len(tags), [sp for sp in spans_of(tags) if rng.random() >= p]) for tags in gold]


def add_spurious(gold, labels, rng, p=0.3):
    pred = []
    for tags in gold:
        n, spans = len(tags), spans_of(tags)
        occupied = [False] * n
        for s, e, _ in spans:
            for i in range(s, e):
                occupied[i] = True
        if rng.random() < p and n > 0:
            s = rng.randrange(n)
            e = s + rng.choice([1, 1, 2, 3])
            if free(occupied, s, e, n):
                spans = spans + [(s, e, rng.choice(labels))]
        pred.append(tags_of(n, sorted(spans)))
    return pred


def random_tags(gold, labels, rng, p=1.0):
    tagset = ['O'] + [f'{x}-{l}' for l in labels for x in 'BI']
    return [[rng.choice(tagset) if rng.random() < p else t for t in tags] for tags in gold]


def mixture(gold, labels, rng):
    pred = gold
    for corrupt in (swap_labels, shift_boundaries, drop_entities, add_spurious):
        pred = corrupt(pred, labels, rng, 0.15)
    return begin_as_inside(pred, labels, rng, 0.1)


def random_iobes(gold, labels, rng):
    tagset = ['O'] + [f'{x}-{l}' for l in labels for x in 'BIES']
    return [[rng.choice(tagset) for _ in tags] for tags in gold]


def broken_iobes(gold_iobes, rng, p=0.3):
    """Valid IOBES with some E- written as I- and S- written as B- (what a sloppy tagger emits)."""
    out = []
    for tags in gold_iobes:
        row = []
        for t in tags:
            if t[:2] == 'E-' and rng.random() < p:
                t = 'I-' + t[2:]
            elif t[:2] == 'S-' and rng.random() < p:
                t = 'B-' + t[2:]
            row.append(t)
        out.append(row)
    return out


def report(gold, pred, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        result = classification_report(gold, pred, output_dict=True, **kwargs)
    return {name: {k: (float(v) if k != 'support' else int(v)) for k, v in row.items()} for name, row in result.items()}


def jsonable(value):
    if isinstance(value, float) and math.isnan(value):
        return 'NaN'
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value


def encode(sentences, tagset):
    index = {t: i for i, t in enumerate(tagset)}
    return [''.join(DIGITS[index[t]] for t in tags) for tags in sentences]


def write_wnut_fixture(out_path, scheme_name, scheme, gold, cases):
    tagset = sorted({t for tags in gold for t in tags} | {t for _, pred in cases for tags in pred for t in tags})
    assert len(tagset) <= len(DIGITS), tagset
    fixture = {
        'source': 'WNUT-17 dev gold tags (Derczynski et al. 2017, CC-BY 4.0) and seeded corruptions',
        'scheme': scheme_name,
        'tagset': tagset,
        'gold': encode(gold, tagset),
        'cases': [
            {
                'name': name,
                'predicted': encode(pred, tagset),
                'default': report(gold, pred),
                'strict': report(gold, pred, mode='strict', scheme=scheme),
            }
            for name, pred in cases
        ],
    }
    out_path.write_text(json.dumps(jsonable(fixture), separators=(',', ':')) + '\n', encoding='utf-8')


def edge_cases():
    cases = [
        ('all outside', [['O', 'O'], ['O']], [['O', 'O'], ['O']]),
        ('empty sentences', [[], ['B-PER'], []], [[], ['B-PER'], []]),
        ('seqeval docstring', [['O', 'O', 'O', 'B-MISC', 'I-MISC', 'I-MISC', 'O'], ['B-PER', 'I-PER', 'O']],
         [['O', 'O', 'B-MISC', 'I-MISC', 'I-MISC', 'I-MISC', 'O'], ['B-PER', 'I-PER', 'O']]),
        ('inside after outside', [['O', 'B-PER', 'I-PER', 'O']], [['O', 'I-PER', 'I-PER', 'O']]),
        ('type change inside', [['B-PER', 'I-PER', 'I-LOC']], [['B-PER', 'I-LOC', 'I-LOC']]),
        ('prediction only label', [['B-PER', 'O']], [['B-PER', 'B-ORG']]),
        ('gold only label', [['B-PER', 'B-ORG']], [['B-PER', 'O']]),
        ('nothing predicted', [['B-PER', 'O', 'B-LOC']], [['O', 'O', 'O']]),
        ('hyphenated labels', [['B-creative-work', 'I-creative-work', 'O']], [['B-creative-work', 'I-creative-work', 'B-creative-work']]),
        ('sentence boundary', [['B-PER', 'I-PER'], ['I-PER', 'O']], [['B-PER'] * 2, ['I-PER', 'O']]),
        ('iobes in default mode', [['B-PER', 'E-PER', 'S-LOC', 'O']], [['B-PER', 'I-PER', 'S-LOC', 'O']]),
        ('many labels', [[f'B-L{i}' for i in range(20)]], [[f'B-L{(i * 7) % 20}' if i % 3 else 'O' for i in range(20)]]),
    ]
    out = []
    for name, gold, pred in cases:
        entry = {'name': name, 'gold': gold, 'predicted': pred, 'default': report(gold, pred)}
        prefixes = {t[0] for s in gold + pred for t in s}
        if prefixes <= set('IOB') and gold:
            entry['strict_IOB2'] = report(gold, pred, mode='strict', scheme=IOB2)
            entry['strict_IOB1'] = report(gold, pred, mode='strict', scheme=IOB1)
        if prefixes <= set('IOBES') and gold:
            entry['strict_IOBES'] = report(gold, pred, mode='strict', scheme=IOBES)
        out.append(entry)
    return out


STRICT_SCHEMES = {'IOB1': (IOB1, 'IOB'), 'IOE1': (IOE1, 'IOE'), 'IOB2': (IOB2, 'IOB'), 'IOE2': (IOE2, 'IOE'),
                  'IOBES': (IOBES, 'IOBES'), 'BILOU': (BILOU, 'BILOU')}


def fuzz_cases(rng, count=30):
    """Short random sequences: odd tags for the default chunker, every strict scheme on its own prefixes."""
    odd = ['O', 'B-A', 'I-A', 'E-A', 'S-A', 'B-B', 'I-B', 'B', 'I', '.', 'X-A', 'I-', 'B-A-x', 'O-A', '.-A', 'U-A', 'L-B']
    cases = []
    for k in range(count):
        shape = [rng.randint(0, 6) for _ in range(rng.randint(1, 4))]
        gold = [[rng.choice(odd) for _ in range(n)] for n in shape]
        pred = [[rng.choice(odd) for _ in range(n)] for n in shape]
        entry = {'name': f'default {k}', 'gold': gold, 'predicted': pred, 'default': report(gold, pred)}
        cases.append(entry)
    for name, (scheme, prefixes) in STRICT_SCHEMES.items():
        tags = ['O'] + [f'{p}-{t}' for p in prefixes if p != 'O' for t in 'AB']
        for k in range(count):
            shape = [rng.randint(0, 7) for _ in range(rng.randint(1, 4))]
            gold = [[rng.choice(tags) for _ in range(n)] for n in shape]
            pred = [[rng.choice(tags) for _ in range(n)] for n in shape]
            cases.append({'name': f'{name} {k}', 'gold': gold, 'predicted': pred, 'scheme': name,
                          'strict': report(gold, pred, mode='strict', scheme=scheme)})
    return cases


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--dev', default='../shared/datasets/wnut17/dev.conll')
    parser.add_argument('--out', default='test/fixtures/seqeval')
    parser.add_argument('--seed', type=int, default=17)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    gold = read_conll_tags(args.dev)
    labels = sorted({t[2:] for tags in gold for t in tags if t != 'O'})
    rng = random.Random(args.seed)
    iob2_cases = [
        ('identical', [list(t) for t in gold]),
        ('label swaps', swap_labels(gold, labels, rng)),
        ('boundary shifts', shift_boundaries(gold, labels, rng)),
        ('inside without begin', begin_as_inside(gold, labels, rng)),
        ('dropped entities', drop_entities(gold, labels, rng)),
        ('spurious entities', add_spurious(gold, labels, rng)),
        ('random tags', random_tags(gold, labels, rng)),
        ('some random tags', random_tags(gold, labels, rng, 0.05)),
        ('mixture', mixture(gold, labels, rng)),
    ]
    write_wnut_fixture(out / 'wnut17-dev-iob2.json', 'IOB2', IOB2, gold, iob2_cases)

    gold_iobes = [to_iobes(t) for t in gold]
    valid = [(name, [to_iobes(t) for t in pred]) for name, pred in iob2_cases if name != 'random tags' and name != 'inside without begin' and name != 'mixture' and name != 'some random tags']
    iobes_cases = valid + [
        ('sloppy ends', broken_iobes(gold_iobes, rng)),
        ('random tags', random_iobes(gold, labels, rng)),
    ]
    write_wnut_fixture(out / 'wnut17-dev-iobes.json', 'IOBES', IOBES, gold_iobes, iobes_cases)

    (out / 'fuzz.json').write_text(json.dumps(jsonable(fuzz_cases(rng)), separators=(',', ':')) + '\n', encoding='utf-8')
    (out / 'edge-cases.json').write_text(json.dumps(jsonable(edge_cases()), separators=(',', ':')) + '\n', encoding='utf-8')


if __name__ == '__main__':
    main()
